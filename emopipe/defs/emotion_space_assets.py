"""Group `models`: "Emotion Embeddings" (Buechel et al.). The multi-way label mapper, trained on
every label-mapping pair at once and registered as `emopipe-label-mapper`; then the word and text
encoders trained into its frozen space, the served text encoder registered as `emopipe-content-encoder`."""

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

import dagster as dg
import polars as pl
from pydantic import Field

from emopipe.defs import FORCE_CHAMPION, OWNERS, encoder_deps
from emopipe.defs.contracts import markdown_table, table_digest
from emopipe.defs.deployment import training_op_tags
from emopipe.defs.pictures import picture_metadata
from emopipe.defs.registered_result import registered_result
from emopipe.defs.resources import stored_path
from emopipe.defs.retries import transient_retries
from emopipe.emotion_space.content_data import content_data
from emopipe.emotion_space.content_run import SERVED, ContentConfig, run_content_encoders
from emopipe.emotion_space.content_serving import export_content_encoder
from emopipe.emotion_space.convert import LabelConverter, load_space, save_space
from emopipe.emotion_space.equivalences import equivalence_table
from emopipe.emotion_space.run import run_label_mapping
from emopipe.emotion_space.train import LossWeights, MappingConfig
from emopipe.evaluation.cards import model_card
from emopipe.paths import dagster_home
from emopipe.tracking import signatures
from emopipe.tracking.champion import Selection
from emopipe.tracking.mlflow_tracking import MlflowTracking
from emopipe.training.checkpoints import save_weights
from emopipe.training.profiles import active_profile


class LabelMappingConfig(dg.Config):
    profile: str | None = Field(default=None, description="smoke | cpu | gpu; default $EMOPIPE_PROFILE, else cpu")
    epochs: int | None = Field(default=None, description="default: 3 in smoke, 20 otherwise")
    batch_size: int = Field(default=64, description="items per pair per step")
    learning_rate: float = Field(default=1e-3, description="Adam")
    autoencode_weight: float = Field(default=1.0, description="format -> space -> same format")
    mapping_weight: float = Field(default=1.0, description="format -> space -> the pair's other format, both ways")
    embedding_weight: float = Field(default=1.0, description="MSE between an item's two embeddings")
    sharing_weight: float = Field(default=1.0, description="1 - cos between decoder rows of equivalent variables")
    seed: int = Field(default=13, description="initialisation and batch order")
    force_champion: bool = Field(default=False, description=FORCE_CHAMPION)


REGISTERED = "emopipe-label-mapper"
READER = "emopipe.emotion_space.convert:load"
SELECTION = "dev_mapping_mean_r"
EXAMPLE = {"from": "nrc_vad", "to": "emolex8", "values": [[0.9, 0.6, 0.7]]}


@dg.asset(group_name="models", kinds={"pytorch", "mlflow"}, owners=OWNERS, code_version="2")
@transient_retries
def label_mapping_model(context: dg.AssetExecutionContext, config: LabelMappingConfig, mlflow: MlflowTracking,
                        label_mapping_datasets: pl.DataFrame) -> dg.MaterializeResult:
    """One label encoder and one bias-free decoder per format in a shared 100-d emotion space, trained
    on all label-mapping pairs at once (autoencoding, both mapping directions, embedding MSE and soft
    parameter sharing between equivalent variables). The same run trains the no-sharing ablation and
    a direct MLP per direction, and scores every direction on test (Pearson r or F1)."""
    profile = active_profile(config.profile)
    epochs = config.epochs or (3 if profile.name == "smoke" else 20)
    weights = LossWeights(config.autoencode_weight, config.mapping_weight, config.embedding_weight, config.sharing_weight)
    run_config = MappingConfig(epochs=epochs, batch_size=config.batch_size, learning_rate=config.learning_rate, seed=config.seed,
                               weights=weights)
    with mlflow.start_run(context, profile.name) as run:
        mlflow.log_params({"epochs": epochs, "batch_size": config.batch_size, "learning_rate": config.learning_rate,
                           "seed": config.seed, **{f"weight_{k}": v for k, v in weights.__dict__.items()}})
        mlflow.log_table_inputs({"label_mapping_datasets": (table_digest(label_mapping_datasets), stored_path(context, "label_mapping_datasets"))})
        result = run_label_mapping(label_mapping_datasets, run_config, log=context.log.info)
        for entry in result.history:
            mlflow.log_metrics({"epoch_train_loss": entry["train_loss"], "epoch_dev_selection": entry["dev_selection"]}, step=entry["epoch"])
        mlflow.log_metrics(result.metrics)  # NaN where a split is too small to score
        mlflow.log_png(result.picture, "emotion_space.png")
        mlflow.log_dict({"history": result.history, "equivalences": equivalence_table()}, "label_mapping.json")
        card = model_card(REGISTERED, result.metrics, profile.name, "none (label vectors in, no text encoder)", SELECTION)
        with tempfile.TemporaryDirectory() as folder:
            version, decision = mlflow.register(REGISTERED, save_space(result.space, Path(folder) / "label_mapper"), READER,
                                                signatures.LABEL_REQUEST, EXAMPLE, Selection(SELECTION, result.metrics[SELECTION], profile.name),
                                                run.info.run_id, card, force=config.force_champion)
    example = LabelConverter(result.space).convert(EXAMPLE)
    headline = {k: v for k, v in result.metrics.items() if "mean" in k and not k.startswith("dev_")}
    context.log.info(f"{REGISTERED} v{version}: {headline}; champion {decision['champion_decision']}")
    return registered_result(
        run.info.run_id, REGISTERED, version, headline, decision,
        metadata={
            "example": dg.MetadataValue.md(f"`{EXAMPLE}` ->\n\n" + markdown_table(pl.from_pandas(example).with_columns(pl.all().round(3)))),
            "directions": dg.MetadataValue.md(markdown_table(result.directions, rows=result.directions.height)),
            "equivalence_classes": dg.MetadataValue.md(equivalence_table()),
            **picture_metadata("emotion_space", result.picture, "Decoder rows of every format in the shared space (PCA)"),
        },
    )


class ContentEncodersConfig(dg.Config):
    profile: str | None = Field(default=None, description="smoke | cpu | gpu; default $EMOPIPE_PROFILE, else cpu")
    encoder: str | None = Field(default=None, description="override the profile's encoder: base, retrofitted (the emopipe-retrofitted-plm champion), a HF name or a local path")
    text_epochs: int | None = Field(default=None, description="EmoBank passes of each text encoder; default 1 in smoke, 2 in cpu, the profile's epochs in gpu")
    supervised_epochs: int | None = Field(default=None, description="SemEval passes of the supervised be6 model; default 1 in smoke, else 4x text_epochs")
    word_epochs: int = Field(default=40, description="passes of the word encoder's MLP over the NRC VAD words")
    augment_weight: float = Field(default=1.0, description="weight of the mapper-generated be6 target in the augmented text encoder")
    seed: int = Field(default=13, description="initialisation and batch order")
    force_champion: bool = Field(default=False, description=FORCE_CHAMPION)


CONTENT_REGISTERED = "emopipe-content-encoder"
CONTENT_SELECTION = "dev_text_augmented_vad_mean_r"
CONTENT_READER = "emopipe.emotion_space.content_serving:load"
CONTENT_EXAMPLE = ["I am so happy for you!", "Police find body in burned car"]


@dg.asset(group_name="models", kinds={"pytorch", "mlflow"}, pool="gpu", owners=OWNERS, code_version="2", deps=encoder_deps(),
          op_tags=training_op_tags())
@transient_retries
def emotion_content_encoders(context: dg.AssetExecutionContext, config: ContentEncodersConfig, mlflow: MlflowTracking,
                             label_mapping_model: dict, label_mapping_datasets: pl.DataFrame, emobank: pl.DataFrame) -> dg.MaterializeResult:
    """Word and text encoders trained into the label mapper's frozen emotion space and read zero-shot
    through its decoders: words learn NRC VAD and are read as EmoLex and Emotion Intensity; texts
    learn EmoBank VAD, with and without the mapper's be6 translation as an extra target, and are read
    as SemEval be6 beside a model supervised on SemEval itself. The augmented text encoder is served."""
    profile = active_profile(config.profile, encoder=config.encoder)
    text_epochs = config.text_epochs or {"smoke": 1, "cpu": 2}.get(profile.name, profile.epochs)
    run_config = ContentConfig(text_epochs=text_epochs, supervised_epochs=config.supervised_epochs or (1 if profile.name == "smoke" else 4 * text_epochs),
                               word_epochs=config.word_epochs, augment_weight=config.augment_weight, seed=config.seed)
    digests = {"label_mapping_datasets": table_digest(label_mapping_datasets), "emobank": table_digest(emobank)}
    fingerprint = hashlib.sha256(json.dumps([profile.to_dict(), run_config.__dict__, label_mapping_model["model_uri"], digests],
                                            sort_keys=True).encode()).hexdigest()[:16]
    checkpoint_root = dagster_home() / "checkpoints" / CONTENT_REGISTERED / fingerprint
    with tempfile.TemporaryDirectory() as folder:
        space = load_space(mlflow.model_dir(label_mapping_model["model_uri"], Path(folder)))
    with mlflow.start_run(context, profile.name) as run:
        mlflow.log_params({**{f"profile_{k}": v for k, v in profile.to_dict().items()}, **run_config.__dict__,
                           "label_mapper": label_mapping_model["model_uri"]})
        mlflow.log_table_inputs({name: (d, stored_path(context, name)) for name, d in digests.items()})
        result = run_content_encoders(content_data(label_mapping_datasets, emobank), space, profile, run_config, checkpoint_root,
                                      log=context.log.info, log_metrics=mlflow.log_metrics)
        mlflow.log_metrics(result.metrics)
        mlflow.log_dict({"history": result.history, "results": result.results.to_dicts()}, "content_encoders.json")
        with tempfile.TemporaryDirectory() as folder:  # the word encoder is not served; its MLP is kept with the run
            save_weights(result.word_head, Path(folder), {"features": "mean-pooled last hidden state of the word alone",
                                                          **{k: result.model_config[k] for k in ("encoder", "hidden_size", "size")}})
            mlflow.log_folder(Path(folder), "word_encoder")
        with tempfile.TemporaryDirectory() as folder:
            served = export_content_encoder(result.text_model, result.tokenizer, result.model_config, space, Path(folder) / "content_encoder")
            card = model_card(CONTENT_REGISTERED, result.metrics, profile.name, profile.encoder, CONTENT_SELECTION)
            version, decision = mlflow.register(CONTENT_REGISTERED, served, CONTENT_READER, signatures.TEXTS_AS_FORMAT, CONTENT_EXAMPLE,
                                                Selection(CONTENT_SELECTION, result.metrics[CONTENT_SELECTION], profile.name),
                                                run.info.run_id, card, force=config.force_champion)
    shutil.rmtree(checkpoint_root, ignore_errors=True)  # the registered model holds the served weights now
    headline = {k: v for k, v in result.metrics.items() if not k.startswith("dev_")}
    context.log.info(f"{CONTENT_REGISTERED} v{version} ({SERVED} text encoder): {headline}; champion {decision['champion_decision']}")
    return registered_result(
        run.info.run_id, CONTENT_REGISTERED, version, headline, decision,
        metadata={"label_mapper": label_mapping_model["model_uri"],
                  "results": dg.MetadataValue.md(markdown_table(result.results, rows=result.results.height))},
    )


EMOTION_SPACE_ASSETS = [label_mapping_model, emotion_content_encoders]
