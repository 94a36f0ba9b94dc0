"""`retrofitted_plm`: the default encoder retrofitted for emotions (supervised contrastive learning +
vector-space preservation), evaluated beside the base encoder and the no-preservation ablation,
saved as a Hugging Face directory and registered as `emopipe-retrofitted-plm`."""

import hashlib
import json
import shutil
from dataclasses import asdict

import dagster as dg
import polars as pl
from pydantic import Field

from emopipe.defs import FORCE_CHAMPION, OWNERS
from emopipe.defs.contracts import markdown_table, table_digest
from emopipe.defs.deployment import training_op_tags
from emopipe.defs.pictures import picture_metadata
from emopipe.defs.registered_result import registered_result
from emopipe.defs.resources import stored_path
from emopipe.defs.retries import transient_retries
from emopipe.evaluation.cards import model_card
from emopipe.paths import dagster_home
from emopipe.retrofitting.few_shot import FewShotOptions
from emopipe.retrofitting.run import BUDGETS, run_retrofit
from emopipe.retrofitting.train import RetrofitOptions
from emopipe.tracking import signatures
from emopipe.tracking.champion import Selection
from emopipe.tracking.mlflow_tracking import MlflowTracking
from emopipe.training.encoders import RETROFITTED_MODEL
from emopipe.training.profiles import active_profile

SELECTION = "dev_map_at_r"
READER = "emopipe.retrofitting.serving:load"
EXAMPLE = ["I am so happy for you!", "This is the worst day ever."]
HEADLINE = ("test_ami", "test_map_at_r", "sst2_probe_accuracy", "sarcasm_probe_accuracy")


class RetrofitConfig(dg.Config):
    profile: str | None = Field(default=None, description="smoke | cpu | gpu; default $EMOPIPE_PROFILE, else cpu")
    encoders: list[str] | None = Field(default=None, description="encoders to retrofit, each registered on its own; "
                                       "default: the profile's (cpu: base = MiniLM-L6; gpu: bert-base-uncased, roberta-base)")
    temperature: float = Field(default=0.1, description="SupCon temperature (the paper is silent; Khosla et al.'s value)")
    preservation_weight: float = Field(default=10.0, description="lambda of the vector-space preservation MSE; 0 = no preservation")
    projection: str = Field(default="mlp", description="projection head to projection_dim: linear | mlp")
    projection_dim: int = Field(default=64, description="size of the contrastive projection (the paper: 64)")
    m_per_class: int = Field(default=4, description="items per class in a batch (MPerClassSampler)")
    examples_per_epoch: int | None = Field(default=None, description="items drawn per epoch; default: the profile's budget")
    epochs: int = Field(default=1, description="contrastive epochs")
    few_shot_sizes: list[int] = Field(default=[16, 64, 256], description="few-shot examples per class")
    few_shot_seeds: list[int] = Field(default=[0, 1, 2], description="few-shot draws (mean and std over them)")
    seed: int = Field(default=13, description="sampling, initialisation and batch order")
    force_champion: bool = Field(default=False, description=FORCE_CHAMPION)


def registered_name(index: int, encoder: str) -> str:
    """The first configured encoder is `emopipe-retrofitted-plm`; others add their name (gpu: roberta-base)."""
    return RETROFITTED_MODEL if index == 0 else f"{RETROFITTED_MODEL}-{encoder.replace('/', '-').lower()}"


@dg.asset(group_name="models", kinds={"pytorch", "mlflow"}, pool="gpu", owners=OWNERS, code_version="2", op_tags=training_op_tags())
@transient_retries
def retrofitted_plm(context: dg.AssetExecutionContext, config: RetrofitConfig, mlflow: MlflowTracking,
                    goemotions_vad: pl.DataFrame, emotion_label_points: pl.DataFrame, downstream_tasks: pl.DataFrame) -> dg.MaterializeResult:
    """The encoder updated on GoEmotions single-label train with a supervised contrastive loss over a
    projection head, plus lambda x vector-space preservation against a frozen copy ("Retrofitting
    Light-weight Language Models for Emotions", arXiv 2310.18930). Base, retrofitted and lambda = 0
    are scored side by side: k-means AMI/ARI/FMS, retrieval MRR/P@1/MAP@R, drift, SST-2 and sarcasm
    probes, and few-shot fine-tuning. Other model assets use it with `encoder: retrofitted`."""
    profile = active_profile(config.profile)
    budget = BUDGETS[profile.name]
    encoders = config.encoders or list(budget.encoders)
    options = RetrofitOptions(temperature=config.temperature, preservation_weight=config.preservation_weight, projection=config.projection,
                              projection_dim=config.projection_dim, m_per_class=config.m_per_class,
                              examples_per_epoch=config.examples_per_epoch, epochs=config.epochs)
    few_shot = FewShotOptions(sizes=tuple(config.few_shot_sizes), seeds=tuple(config.few_shot_seeds))
    digests = {name: table_digest(t) for name, t in (("goemotions_vad", goemotions_vad), ("emotion_label_points", emotion_label_points),
                                                      ("downstream_tasks", downstream_tasks))}
    results, metadata = {}, {}
    for index, encoder in enumerate(encoders):
        registered = registered_name(index, encoder)
        fingerprint = hashlib.sha256(json.dumps([encoder, profile.to_dict(), asdict(options), asdict(few_shot), config.seed, digests],
                                                sort_keys=True).encode()).hexdigest()[:16]
        checkpoint_root = dagster_home() / "checkpoints" / registered / fingerprint
        with mlflow.start_run(context, profile.name, run_name=f"retrofitted_plm-{encoder.split('/')[-1]}-{context.run.run_id[:8]}") as run:
            mlflow.log_params({**{f"profile_{k}": v for k, v in profile.to_dict().items()}, **asdict(options), "encoder": encoder,
                               "few_shot": asdict(few_shot), "budget": asdict(budget), "seed": config.seed})
            mlflow.log_table_inputs({name: (d, stored_path(context, name)) for name, d in digests.items()})
            result = run_retrofit(encoder, goemotions_vad, emotion_label_points, downstream_tasks, profile, budget, options, few_shot,
                                  checkpoint_root, seed=config.seed, log=context.log.info, log_metrics=mlflow.log_metrics)
            mlflow.log_metrics(result.metrics)
            mlflow.log_dict({"history": result.history, "config": result.config}, "retrofit.json")
            mlflow.log_png(result.picture, "embeddings_tsne.png")
            card = model_card(registered, result.metrics, profile.name, encoder, SELECTION)
            version, decision = mlflow.register(registered, result.model_dir, READER, signatures.texts(EXAMPLE, _example_output(result)),
                                                EXAMPLE, Selection(SELECTION, result.metrics[SELECTION], profile.name), run.info.run_id,
                                                card, force=config.force_champion)
        shutil.rmtree(checkpoint_root, ignore_errors=True)  # the registered model holds the encoder now
        context.log.info(f"{registered} v{version}: {_comparison(result.metrics).to_dicts()}; champion {decision['champion_decision']}")
        results[registered] = (run.info.run_id, version, decision, result)
    # The asset's value and headline metadata describe the first encoder; every encoder's table is shown.
    first, (run_id, version, decision, result) = next(iter(results.items()))
    for name, (_, _, _, other) in results.items():
        metadata[f"{name}_comparison"] = dg.MetadataValue.md(markdown_table(_comparison(other.metrics), rows=40))
        metadata |= picture_metadata(f"{name}_tsne", other.picture, f"{name}: GoEmotions test embeddings, base vs retrofitted (t-SNE)")
    headline = {k: v for k, v in result.metrics.items() if k.split("_", 1)[1] in HEADLINE or k.endswith("delta_emb")}
    return registered_result(run_id, first, version, headline, decision,
                             value={"encoder": result.encoder, "all": {n: f"models:/{n}/{r[1]}" for n, r in results.items()}},
                             metadata={"encoder": result.encoder, **metadata})


def _example_output(result):
    import numpy as np

    hidden = json.loads((result.model_dir / "config.json").read_text())["hidden_size"]
    return np.zeros((len(EXAMPLE), hidden), dtype=np.float32)


def _comparison(metrics: dict[str, float]) -> pl.DataFrame:
    """One row per metric, one column per encoder variant (base, retrofitted, nopreservation)."""
    variants = ("base", "retrofitted", "nopreservation")
    names = sorted({k.split("_", 1)[1] for k in metrics if k.split("_", 1)[0] in variants and "train_" not in k})
    return pl.DataFrame({"metric": names, **{v: [round(metrics.get(f"{v}_{n}", float("nan")), 4) for n in names] for v in variants}})
