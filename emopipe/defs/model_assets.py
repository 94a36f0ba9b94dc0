"""Group `models`: the GoEmotions baseline and the VAD regressor, trained in the `gpu` pool,
tracked in MLflow, registered, and promoted to `champion` by the dev rule."""

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

import dagster as dg
import polars as pl
from pydantic import Field

from emopipe.defs import FORCE_CHAMPION, OWNERS, encoder_deps
from emopipe.defs.contracts import table_digest
from emopipe.defs.deployment import training_op_tags
from emopipe.defs.pictures import picture_metadata
from emopipe.defs.registered_result import registered_result
from emopipe.defs.resources import stored_path
from emopipe.defs.retries import transient_retries
from emopipe.dimensional.serving import export_text_model
from emopipe.evaluation.cards import model_card
from emopipe.evaluation.plots import confusion_figure
from emopipe.paths import dagster_home
from emopipe.tracking import signatures
from emopipe.tracking.champion import Selection
from emopipe.tracking.mlflow_tracking import MlflowTracking
from emopipe.training.goemotions import VadOptions, train_goemotions_model, valence_sentiment_accuracy
from emopipe.training.profiles import active_profile

EXAMPLE = ["I am so happy for you!", "This is the worst day ever."]
READER = "emopipe.dimensional.serving:load"
SELECTION = "dev_macro_f1"


class TrainingConfig(dg.Config):
    profile: str | None = Field(default=None, description="smoke | cpu | gpu; default $EMOPIPE_PROFILE, else cpu")
    encoder: str | None = Field(default=None, description="override the profile's encoder: base, retrofitted (the emopipe-retrofitted-plm champion), a HF name or a local path")
    epochs: int | None = Field(default=None, description="override the profile's number of epochs")
    seed: int = Field(default=13, description="seed of sampling, initialisation and batch order")
    force_champion: bool = Field(default=False, description=FORCE_CHAMPION)


class VadConfig(TrainingConfig):
    mapper: str = Field(default="nrc_scaled", description="label -> VAD mapping: nrc | nrc_scaled | arbitrary")
    loss: str = Field(default="mae", description="mae | mse | mae_ce")
    ce_weight: float = Field(default=0.1, description="lambda of mae_ce")
    classifier: str = Field(default="svm", description="back to labels: 1nn | svm (SVC C=10, gamma=3.5)")


def model_asset(name: str):
    return dg.asset(name=name, group_name="models", kinds={"pytorch", "mlflow"}, pool="gpu", owners=OWNERS, code_version="2",
                    deps=encoder_deps(), op_tags=training_op_tags())


def _train_and_register(context, config, mlflow: MlflowTracking, kind: str, registered: str, goemotions_vad, points, vad=None,
                        extra_eval=None) -> dg.MaterializeResult:
    profile = active_profile(config.profile, encoder=config.encoder, epochs=config.epochs)
    digests = {"goemotions_vad": table_digest(goemotions_vad), "emotion_label_points": table_digest(points)}
    fingerprint = hashlib.sha256(json.dumps([kind, profile.to_dict(), vad.__dict__ if vad else None, config.seed, digests],
                                            sort_keys=True).encode()).hexdigest()[:16]
    checkpoint_dir = dagster_home() / "checkpoints" / registered / fingerprint
    with mlflow.start_run(context, profile.name) as run:
        mlflow.log_params({**{f"profile_{k}": v for k, v in profile.to_dict().items()}, "seed": config.seed, "kind": kind,
                           **({f"vad_{k}": v for k, v in vad.__dict__.items()} if vad else {})})
        mlflow.log_table_inputs({name: (d, stored_path(context, name)) for name, d in digests.items()})
        trained = train_goemotions_model(kind, goemotions_vad, points, profile, checkpoint_dir, vad=vad or VadOptions(),
                                         seed=config.seed, log=context.log.info, log_metrics=mlflow.log_metrics)
        metrics = dict(trained.metrics)
        if extra_eval:
            metrics |= extra_eval(trained, profile)
        mlflow.log_metrics(metrics)
        mlflow.log_dict({"history": trained.history, "config": trained.config}, "training.json")
        png = confusion_figure(trained.confusion, trained.label_names, f"{registered}: test confusion ({profile.name})")
        mlflow.log_png(png, "confusion_matrix.png")
        card = model_card(registered, metrics, profile.name, profile.encoder, SELECTION)
        with tempfile.TemporaryDirectory() as folder:
            model_dir = export_text_model(trained, Path(folder) / "model")
            version, decision = mlflow.register(registered, model_dir, READER, signatures.texts(EXAMPLE, _example_output(kind)), EXAMPLE,
                                                Selection(SELECTION, metrics[SELECTION], profile.name), run.info.run_id, card,
                                                force=config.force_champion)
    shutil.rmtree(checkpoint_dir, ignore_errors=True)  # the registered model holds the weights now
    headline = {k: metrics[k] for k in ("dev_macro_f1", "test_accuracy", "test_macro_f1") if k in metrics}
    context.log.info(f"{registered} v{version}: {headline}; champion {decision['champion_decision']}")
    return registered_result(
        run.info.run_id, registered, version, {k: v for k, v in metrics.items() if "_f1_" not in k}, decision,
        value={"profile": profile.name, "metrics": headline},
        metadata={"profile": profile.name, "encoder": profile.encoder,
                  **picture_metadata(f"{registered}_confusion", png, "Test confusion matrix (rows: true label)")},
    )


def _example_output(kind: str):
    import pandas as pd

    if kind == "vad":
        return pd.DataFrame({"valence": [0.5], "arousal": [0.5], "dominance": [0.5], "top_emotion": ["neutral"]})
    return pd.DataFrame({"top_emotion": ["neutral"], "probability": [0.5]})


@model_asset("goemotions_baseline")
@transient_retries
def goemotions_baseline(context: dg.AssetExecutionContext, config: TrainingConfig, mlflow: MlflowTracking,
                        goemotions_vad: pl.DataFrame, emotion_label_points: pl.DataFrame) -> dg.MaterializeResult:
    """The paper's baseline: the encoder with a linear head trained with cross-entropy on the 28
    single-label GoEmotions classes, under the same conditions as the VAD model. Registered as
    `emopipe-goemotions-baseline`; `champion` moves only if dev macro-F1 does not drop."""
    return _train_and_register(context, config, mlflow, "baseline", "emopipe-goemotions-baseline", goemotions_vad, emotion_label_points)


@model_asset("vad_regressor")
@transient_retries
def vad_regressor(context: dg.AssetExecutionContext, config: VadConfig, mlflow: MlflowTracking, goemotions_vad: pl.DataFrame,
                  emotion_label_points: pl.DataFrame, downstream_tasks: pl.DataFrame) -> dg.MaterializeResult:
    """"Dimension is All You Need?": text -> (V, A, D) through the encoder, a small head and a sigmoid,
    trained towards the label's VAD point (mapper and loss by config), classified back with 1-NN and an
    SVM; zero-shot sentiment from valence on SST-2 dev. Registered as `emopipe-vad-regressor`."""
    sst2 = downstream_tasks.filter((pl.col("task") == "sst2") & (pl.col("split") == "dev"))

    def sentiment(trained, profile):
        return {"sst2_dev_valence_accuracy": valence_sentiment_accuracy(trained, sst2["text"].to_list(), sst2["label"].to_numpy(), profile)}

    options = VadOptions(mapper=config.mapper, loss=config.loss, ce_weight=config.ce_weight, classifier=config.classifier)
    return _train_and_register(context, config, mlflow, "vad", "emopipe-vad-regressor", goemotions_vad, emotion_label_points,
                               vad=options, extra_eval=sentiment)


MODEL_ASSETS = [goemotions_baseline, vad_regressor]
