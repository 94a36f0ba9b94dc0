"""`retrofitted_plm`: the default encoder retrofitted for emotions (supervised contrastive learning +
vector-space preservation), evaluated beside the base encoder and the no-preservation ablation,
saved as a Hugging Face directory and registered as `emopipe-retrofitted-plm`."""

import dataclasses

import dagster as dg
import polars as pl

from emopipe.code_version import asset_code_version
from emopipe.defs import OWNERS
from emopipe.defs.config import asset_config, budget_of, options_of, run_settings
from emopipe.defs.deployment import training_op_tags
from emopipe.defs.encoders import RETROFITTED_ASSET
from emopipe.defs.retries import transient_retries
from emopipe.defs.train_and_register import Served, materialize_result, train_and_register
from emopipe.retrofitting import serving
from emopipe.retrofitting.options import BUDGETS, FewShotOptions, RetrofitBudget, RetrofitOptions
from emopipe.retrofitting.run import run_retrofit
from emopipe.tracking.mlflow_tracking import MlflowTracking

CODE_VERSION = asset_code_version(__name__)  # changes with this module's code and the method code it imports

REGISTERED = "emopipe-retrofitted-plm"
READER = "emopipe.retrofitting.serving:load"
RetrofitConfig = asset_config("RetrofitConfig", {"": RetrofitOptions, "few_shot_": FewShotOptions}, RetrofitBudget)


def registered_name(index: int, encoder: str) -> str:
    """The first configured encoder is `emopipe-retrofitted-plm`; others add their name (gpu: roberta-base)."""
    return REGISTERED if index == 0 else f"{REGISTERED}-{encoder.replace('/', '-').lower()}"


@dg.asset(name=RETROFITTED_ASSET, group_name="models", kinds={"pytorch", "mlflow"}, pool="gpu", owners=OWNERS, code_version=CODE_VERSION,
          op_tags=training_op_tags())
@transient_retries
def retrofitted_plm(context: dg.AssetExecutionContext, config: RetrofitConfig, mlflow: MlflowTracking,
                    goemotions_vad: pl.DataFrame, emotion_label_points: pl.DataFrame, downstream_tasks: pl.DataFrame) -> dg.MaterializeResult:
    """The encoder updated on GoEmotions single-label train with a supervised contrastive loss over a
    projection head, plus lambda x vector-space preservation against a frozen copy ("Retrofitting
    Light-weight Language Models for Emotions", arXiv 2310.18930). Base, retrofitted and lambda = 0
    are scored side by side: k-means AMI/ARI/FMS, retrieval MRR/P@1/MAP@R, drift, SST-2 and sarcasm
    probes, and few-shot fine-tuning. Other model assets use it with `encoder: retrofitted`."""
    options, few_shot = options_of(config, RetrofitOptions), options_of(config, FewShotOptions, "few_shot_")
    budget = budget_of(config, BUDGETS)
    tables = {"goemotions_vad": goemotions_vad, "emotion_label_points": emotion_label_points, "downstream_tasks": downstream_tasks}
    registered = []
    for index, encoder in enumerate(budget.encoders):
        one = dataclasses.replace(budget, encoders=(encoder,))
        run_config = run_settings(config, one, {"": options, "few_shot_": few_shot}, {"encoder": encoder})

        def train(workdir, log, log_metrics, encoder=encoder, one=one, run_config=run_config):
            return run_retrofit(encoder, goemotions_vad, emotion_label_points, downstream_tasks, one, options, few_shot, workdir,
                                run_config, config.seed, log, log_metrics)

        served = Served(registered_name(index, encoder), READER, serving.EXAMPLE)
        registered.append(train_and_register(context, mlflow, served, run_config, tables, train, config.force_champion,
                                             run_name=f"retrofitted_plm-{encoder.split('/')[-1]}-{context.run.run_id[:8]}"))
    return materialize_result(registered)
