"""Group `models`, the dimensional method: the GoEmotions baseline and the VAD regressor, trained in
the `gpu` pool through the one train-and-register path."""

import dagster as dg
import polars as pl

from emopipe.defs import OWNERS
from emopipe.defs.config import asset_config, budget_of, options_of, run_settings
from emopipe.defs.deployment import training_op_tags
from emopipe.defs.encoders import encoder_deps, with_encoder
from emopipe.defs.retries import transient_retries
from emopipe.defs.train_and_register import Served, materialize_result, train_and_register
from emopipe.dimensional import serving
from emopipe.dimensional.options import BUDGETS, TextBudget, VadOptions
from emopipe.dimensional.train import train_goemotions_model
from emopipe.tracking.mlflow_tracking import MlflowTracking

READER = "emopipe.dimensional.serving:load"
BaselineConfig = asset_config("BaselineConfig", budget=TextBudget)
VadConfig = asset_config("VadConfig", {"": VadOptions}, TextBudget)


def model_asset(name: str):
    return dg.asset(name=name, group_name="models", kinds={"pytorch", "mlflow"}, pool="gpu", owners=OWNERS, code_version="3",
                    deps=encoder_deps(), op_tags=training_op_tags())


def _train(context, config, mlflow: MlflowTracking, kind: str, name: str, goemotions_vad, points, options=None, sentiment=None,
           downstream_tasks=None):
    budget, recorded = with_encoder(budget_of(config, BUDGETS), context, mlflow, config.encoder)
    run_config = run_settings(config, budget, {"vad_": options} if options else None, recorded)  # vad_mapper: the report's ablation key
    title = f"{name}: test confusion ({run_config['profile']})"

    def train(workdir, log, log_metrics):
        return train_goemotions_model(kind, goemotions_vad, points, budget, workdir, run_config, options, sentiment,
                                      config.seed, title, log, log_metrics)

    tables = {"goemotions_vad": goemotions_vad, "emotion_label_points": points}
    if downstream_tasks is not None:  # the VAD model's zero-shot sentiment figure reads SST-2 from it
        tables["downstream_tasks"] = downstream_tasks
    registered = train_and_register(context, mlflow, Served(name, READER, serving.EXAMPLE), run_config, tables, train,
                                    config.force_champion)
    return materialize_result([registered])


@model_asset("goemotions_baseline")
@transient_retries
def goemotions_baseline(context: dg.AssetExecutionContext, config: BaselineConfig, mlflow: MlflowTracking,
                        goemotions_vad: pl.DataFrame, emotion_label_points: pl.DataFrame) -> dg.MaterializeResult:
    """The paper's baseline: the encoder with a linear head trained with cross-entropy on the 28
    single-label GoEmotions classes, under the same conditions as the VAD model. Registered as
    `emopipe-goemotions-baseline`; `champion` moves only if dev macro-F1 does not drop."""
    return _train(context, config, mlflow, "baseline", "emopipe-goemotions-baseline", goemotions_vad, emotion_label_points)


@model_asset("vad_regressor")
@transient_retries
def vad_regressor(context: dg.AssetExecutionContext, config: VadConfig, mlflow: MlflowTracking, goemotions_vad: pl.DataFrame,
                  emotion_label_points: pl.DataFrame, downstream_tasks: pl.DataFrame) -> dg.MaterializeResult:
    """"Dimension is All You Need?": text -> (V, A, D) through the encoder, a small head and a sigmoid,
    trained towards the label's VAD point (mapper and loss by config), classified back with 1-NN and an
    SVM; zero-shot sentiment from valence on SST-2 dev. Registered as `emopipe-vad-regressor`."""
    sst2 = downstream_tasks.filter((pl.col("task") == "sst2") & (pl.col("split") == "dev"))
    return _train(context, config, mlflow, "vad", "emopipe-vad-regressor", goemotions_vad, emotion_label_points,
                  options_of(config, VadOptions), sst2, downstream_tasks)


MODEL_ASSETS = [goemotions_baseline, vad_regressor]
