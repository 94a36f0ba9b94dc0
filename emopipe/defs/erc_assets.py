"""`eacl_checkpoints`, partitioned by dataset (meld, emorynlp): EACL and its cross-entropy baseline
trained in one run, scored on test, registered as `emopipe-eacl-<dataset>` (champion on dev
weighted F1)."""

import hashlib
import json
import shutil
from dataclasses import asdict, replace

import dagster as dg
import pandas as pd
import polars as pl
from pydantic import Field

from emopipe.defs import FORCE_CHAMPION, OWNERS, encoder_deps
from emopipe.defs.contracts import table_digest
from emopipe.defs.deployment import training_op_tags
from emopipe.defs.pictures import picture_metadata
from emopipe.defs.registered_result import registered_result
from emopipe.defs.resources import stored_path
from emopipe.defs.retries import transient_retries
from emopipe.erc.data import LABELS
from emopipe.erc.run import BUDGETS, run_erc
from emopipe.erc.train import EaclOptions
from emopipe.evaluation.cards import model_card
from emopipe.paths import dagster_home
from emopipe.tracking import signatures
from emopipe.tracking.champion import Selection
from emopipe.tracking.mlflow_tracking import MlflowTracking
from emopipe.training.profiles import active_profile, encoder_override

SELECTION = "dev_weighted_f1"
READER = "emopipe.erc.serving:load"
DATASETS = dg.StaticPartitionsDefinition(sorted(LABELS))
EXAMPLE = pd.DataFrame({"speaker": ["Ross", "Rachel"], "text": ["We were on a break!", "I can't believe you said that."]})
HEADLINE = ("test_weighted_f1", "test_macro_f1", "baseline_test_weighted_f1", "baseline_test_macro_f1", "eacl_gain_test_weighted_f1",
            "stage1_test_weighted_f1", "anchor_min_angle_initial", "anchor_min_angle_final")


def registered_name(dataset: str) -> str:
    return f"emopipe-eacl-{dataset}"


class EaclRunConfig(dg.Config):
    profile: str | None = Field(default=None, description="smoke | cpu | gpu; default $EMOPIPE_PROFILE, else cpu")
    encoder: str | None = Field(default=None, description="override the budget's encoder: base, retrofitted, a HF name or a local path "
                                "(a masked-language-model tokenizer is needed)")
    epochs: int | None = Field(default=None, description="override the budget's stage-1 epochs (both models)")
    past_turns: int | None = Field(default=None, description="override the budget's context window (the paper: 8)")
    max_length: int | None = Field(default=None, description="override the budget's prompt length in tokens")
    frozen_layers: int | None = Field(default=None, description="keep the embeddings and this many lowest layers fixed")
    stage_two_lr: float | None = Field(default=None, description="stage-2 learning rate of the anchors; default the budget's "
                                       "(gpu: 1e-4 as the reference; cpu: 1e-2)")
    bf16: bool | None = Field(default=None, description="bf16 autocast where the device has it; default the budget's "
                              "(cpu: false, the float32 the cpu budget was measured in; gpu: true)")
    ce_weight: float = Field(default=0.1, description="weight of cross-entropy in EACL's loss")
    contrastive_weight: float = Field(default=0.9, description="weight of the anchor-augmented supervised contrastive loss")
    angle_weight: float = Field(default=0.1, description="weight of the angle loss; 0 = the no-angle ablation")
    temperature: float = Field(default=0.1, description="contrastive and stage-2 temperature")
    stage_two: bool = Field(default=True, description="fine-tune the anchors as a cosine classifier; false = the no-stage-2 ablation")
    baseline: bool = Field(default=True, description="train the cross-entropy baseline in the same run (same encoder, prompt, budget)")
    seed: int = Field(default=13, description="initialisation, batch order, stage 2")
    force_champion: bool = Field(default=False, description=FORCE_CHAMPION)


@dg.asset(group_name="models", kinds={"pytorch", "mlflow"}, pool="gpu", owners=OWNERS, code_version="3", partitions_def=DATASETS,
          deps=encoder_deps(), op_tags=training_op_tags(), automation_condition=dg.AutomationCondition.eager())  # retrains when conversation_utterances changes
@transient_retries
def eacl_checkpoints(context: dg.AssetExecutionContext, config: EaclRunConfig, mlflow: MlflowTracking,
                     conversation_utterances: pl.DataFrame) -> dg.MaterializeResult:
    """EACL (Yu et al., arXiv 2403.20289) for emotion recognition in conversation: a prompt with up
    to 8 past turns (the cpu budget: 2) ending in "{speaker} feels <mask>", the mask token's state
    mapped beside emotion anchors (label-word embeddings through an MLP), trained with 0.1 CE + 0.9
    anchor-augmented supervised contrastive + 0.1 angle loss, then stage 2 fine-tunes the anchors;
    prediction is the nearest anchor. A cross-entropy baseline with the same encoder, prompt and
    budget trains in the same run. Checkpoints are selected on dev, never test. Registered as
    `emopipe-eacl-<dataset>`."""
    dataset = context.partition_key
    profile = active_profile(config.profile)
    overrides = {"encoder": config.encoder or encoder_override(), "epochs": config.epochs, "past_turns": config.past_turns,
                 "max_length": config.max_length, "frozen_layers": config.frozen_layers, "stage_two_lr": config.stage_two_lr,
                 "bf16": config.bf16}
    budget = replace(BUDGETS[profile.name], **{k: v for k, v in overrides.items() if v is not None})
    options = EaclOptions(ce_weight=config.ce_weight, contrastive_weight=config.contrastive_weight, angle_weight=config.angle_weight,
                          temperature=config.temperature, stage_two=config.stage_two)
    digest = table_digest(conversation_utterances)
    fingerprint = hashlib.sha256(json.dumps([dataset, asdict(budget), asdict(options), config.baseline, config.seed, digest],
                                            sort_keys=True).encode()).hexdigest()[:16]
    checkpoint_root = dagster_home() / "checkpoints" / registered_name(dataset) / fingerprint
    registered = registered_name(dataset)
    with mlflow.start_run(context, profile.name, run_name=f"eacl-{dataset}-{context.run.run_id[:8]}") as run:
        mlflow.log_params({**{f"budget_{k}": v for k, v in asdict(budget).items()}, **asdict(options), "dataset": dataset,
                           "baseline": config.baseline, "seed": config.seed, "profile": profile.name})
        mlflow.log_table_inputs({"conversation_utterances": (digest, stored_path(context, "conversation_utterances"))})
        if dataset == "emorynlp":
            mlflow.set_tag("data_note", "EmoryNLP train is the 7,551-utterance copy from the MELD repository (the original train file is not available)")
        result = run_erc(dataset, conversation_utterances, budget, options, checkpoint_root, profile.inference_batch_size,
                         train_baseline=config.baseline, seed=config.seed, log=context.log.info, log_metrics=mlflow.log_metrics)
        mlflow.log_metrics(result.metrics)
        mlflow.log_dict({"history": result.history, "config": result.config}, "training.json")
        for name, png in result.pictures.items():
            mlflow.log_png(png, f"{name}.png")
        card = model_card(registered, result.metrics, profile.name, budget.encoder, SELECTION, partition=dataset)
        version, decision = mlflow.register(registered, result.model_dir, READER, signatures.CONVERSATION, EXAMPLE,
                                            Selection(SELECTION, result.metrics[SELECTION], profile.name), run.info.run_id, card,
                                            force=config.force_champion)
    shutil.rmtree(checkpoint_root, ignore_errors=True)  # the registered model holds the weights now
    headline = {k: result.metrics[k] for k in (SELECTION, *HEADLINE) if k in result.metrics}
    context.log.info(f"{registered} v{version}: {headline}; champion {decision['champion_decision']}")
    captions = {"eacl_confusion": "EACL test confusion (rows: true label)", "baseline_confusion": "CE baseline test confusion",
                "anchor_cosines": "Pairwise cosine between emotion anchors: before training, after stage 1, after stage 2"}
    pictures = {}
    for name, png in result.pictures.items():
        pictures |= picture_metadata(f"{dataset}_{name}", png, captions.get(name, name))
    return registered_result(run.info.run_id, registered, version, headline, decision,
                             value={"dataset": dataset, "profile": profile.name, "encoder": budget.encoder, "metrics": headline},
                             metadata={"profile": profile.name, "encoder": budget.encoder, "train_prompts": result.config["prompts"]["train"],
                                       "train_mean_tokens": result.config["train_mean_tokens"], **pictures})


ERC_ASSETS = [eacl_checkpoints]
