"""Group `models`, the dimensional method: the GoEmotions baseline and the VAD regressor, trained in
the `gpu` pool through the one train-and-register path."""

import dagster as dg
import polars as pl

from emopipe.code_version import asset_code_version
from emopipe.defs import OWNERS
from emopipe.defs.config import asset_config, budget_of, options_of, run_settings
from emopipe.defs.deployment import training_op_tags
from emopipe.defs.encoders import encoder_deps, with_encoder
from emopipe.defs.retries import transient_retries
from emopipe.defs.train_and_register import Served, materialize_result, train_and_register
from emopipe.dimensional import serving
from emopipe.dimensional.options import BASELINE_BUDGETS, VAD_BUDGETS, BaselineOptions, TextBudget, VadOptions
from emopipe.dimensional.train import train_goemotions_model
from emopipe.tracking.mlflow_tracking import MlflowTracking

CODE_VERSION = asset_code_version(__name__)  # changes with this module's code and the method code it imports

READER = "emopipe.dimensional.serving:load"
BaselineConfig = asset_config("BaselineConfig", {"": BaselineOptions}, TextBudget)
VadConfig = asset_config("VadConfig", {"": VadOptions}, TextBudget)


def model_asset(name: str):
    return dg.asset(name=name, group_name="models", kinds={"pytorch", "mlflow"}, pool="gpu", owners=OWNERS, code_version=CODE_VERSION,
                    deps=encoder_deps(), op_tags=training_op_tags())


def _train(context, config, mlflow: MlflowTracking, kind: str, name: str, tables: dict[str, pl.DataFrame], budgets, options,
           sentiment=None):
    budget, recorded = with_encoder(budget_of(config, budgets), context, mlflow, config.encoder)
    # options under their kind's prefix (vad_mapper, baseline_objective): the report's ablation and variant keys
    run_config = run_settings(config, budget, {f"{kind}_": options}, recorded)
    title = f"{name}: test confusion ({run_config['profile']})"

    def train(workdir, log, log_metrics):
        return train_goemotions_model(kind, tables["goemotions_vad"], tables["emotion_label_points"], budget, workdir, run_config,
                                      options if kind == "vad" else None, sentiment, options if kind == "baseline" else None,
                                      config.seed, title, log, log_metrics)

    registered = train_and_register(context, mlflow, Served(name, READER, serving.EXAMPLE), run_config, tables, train,
                                    config.force_champion)
    return materialize_result([registered])


@model_asset("goemotions_baseline")
@transient_retries
def goemotions_baseline(context: dg.AssetExecutionContext, config: BaselineConfig, mlflow: MlflowTracking,
                        goemotions_vad: pl.DataFrame, emotion_label_points: pl.DataFrame) -> dg.MaterializeResult:
    """The paper's baseline, GoEmotions' own recipe: the encoder with a sigmoid per label (a label
    predicted above 0.3), trained on the 28 single-label GoEmotions classes and scored as multi-label
    predictions, under the same conditions as the VAD model (`objective: softmax`: the argmax classifier,
    a variant). Registered as `emopipe-goemotions-baseline`; `champion` moves only if dev macro-F1
    does not drop."""
    tables = {"goemotions_vad": goemotions_vad, "emotion_label_points": emotion_label_points}
    return _train(context, config, mlflow, "baseline", "emopipe-goemotions-baseline", tables, BASELINE_BUDGETS,
                  options_of(config, BaselineOptions))


@model_asset("vad_regressor")
@transient_retries
def vad_regressor(context: dg.AssetExecutionContext, config: VadConfig, mlflow: MlflowTracking, goemotions_vad: pl.DataFrame,
                  emotion_label_points: pl.DataFrame, downstream_tasks: pl.DataFrame) -> dg.MaterializeResult:
    """"Dimension is All You Need?": text -> (V, A, D) through the encoder, a head and a sigmoid,
    trained towards the label's VAD point (mapper and loss by config), classified back with 1-NN and an
    SVM; zero-shot sentiment from valence on SST-2 dev. Registered as `emopipe-vad-regressor`."""
    sst2 = downstream_tasks.filter((pl.col("task") == "sst2") & (pl.col("split") == "dev"))
    # downstream_tasks is among the tables the run records: the zero-shot sentiment figure reads SST-2 from it
    tables = {"goemotions_vad": goemotions_vad, "emotion_label_points": emotion_label_points, "downstream_tasks": downstream_tasks}
    return _train(context, config, mlflow, "vad", "emopipe-vad-regressor", tables, VAD_BUDGETS, options_of(config, VadOptions), sst2)


MODEL_ASSETS = [goemotions_baseline, vad_regressor]
