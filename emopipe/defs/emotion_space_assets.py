"""Group `models`: "Emotion Embeddings" (Buechel et al.). The multi-way label mapper, trained on
every label-mapping pair at once and registered as `emopipe-label-mapper`; then the word and text
encoders trained into its frozen space, the served text encoder registered as `emopipe-content-encoder`."""

import tempfile
from pathlib import Path

import dagster as dg
import polars as pl

from emopipe.code_version import asset_code_version
from emopipe.defs import OWNERS
from emopipe.defs.config import asset_config, budget_of, options_of, run_settings
from emopipe.defs.deployment import training_op_tags
from emopipe.defs.encoders import encoder_deps, with_encoder
from emopipe.defs.retries import transient_retries
from emopipe.defs.train_and_register import Served, materialize_result, train_and_register
from emopipe.emotion_space import content_serving, convert
from emopipe.emotion_space.content_data import content_data
from emopipe.emotion_space.content_run import run_content_encoders
from emopipe.emotion_space.convert import load_space
from emopipe.emotion_space.options import CONTENT_BUDGETS, MAPPING_BUDGETS, ContentBudget, ContentOptions, MappingBudget, MappingOptions
from emopipe.emotion_space.run import run_label_mapping
from emopipe.tracking import signatures
from emopipe.tracking.mlflow_tracking import MlflowTracking

CODE_VERSION = asset_code_version(__name__)  # changes with this module's code and the method code it imports

MAPPER = Served("emopipe-label-mapper", "emopipe.emotion_space.convert:load", convert.EXAMPLE, signatures.LABEL_REQUEST)
CONTENT = Served("emopipe-content-encoder", "emopipe.emotion_space.content_serving:load", content_serving.EXAMPLE,
                 signatures.TEXTS_AS_FORMAT)
LabelMappingConfig = asset_config("LabelMappingConfig", {"": MappingOptions}, MappingBudget)
ContentEncodersConfig = asset_config("ContentEncodersConfig", {"": ContentOptions}, ContentBudget)


@dg.asset(group_name="models", kinds={"pytorch", "mlflow"}, owners=OWNERS, code_version=CODE_VERSION)
@transient_retries
def label_mapping_model(context: dg.AssetExecutionContext, config: LabelMappingConfig, mlflow: MlflowTracking,
                        label_mapping_datasets: pl.DataFrame) -> dg.MaterializeResult:
    """One label encoder and one bias-free decoder per format in a shared 100-d emotion space, trained
    on all label-mapping pairs at once (autoencoding, both mapping directions, embedding MSE and soft
    parameter sharing between equivalent variables). The same run trains the no-sharing ablation and
    a direct MLP per direction, and scores every direction on test (Pearson r or F1)."""
    options, budget = options_of(config, MappingOptions), budget_of(config, MAPPING_BUDGETS)
    run_config = run_settings(config, budget, {"": options})

    def train(workdir, log, log_metrics):
        return run_label_mapping(label_mapping_datasets, options, budget, workdir, config.seed, log, log_metrics)

    registered = train_and_register(context, mlflow, MAPPER, run_config, {"label_mapping_datasets": label_mapping_datasets}, train,
                                    config.force_champion)
    return materialize_result([registered])


@dg.asset(group_name="models", kinds={"pytorch", "mlflow"}, pool="gpu", owners=OWNERS, code_version=CODE_VERSION, deps=encoder_deps(),
          op_tags=training_op_tags())
@transient_retries
def emotion_content_encoders(context: dg.AssetExecutionContext, config: ContentEncodersConfig, mlflow: MlflowTracking,
                             label_mapping_model: dict, label_mapping_datasets: pl.DataFrame, emobank: pl.DataFrame) -> dg.MaterializeResult:
    """Word and text encoders trained into the label mapper's frozen emotion space and read zero-shot
    through its decoders: words learn NRC VAD and are read as EmoLex and Emotion Intensity; texts
    learn EmoBank VAD, with and without the mapper's be6 translation as an extra target, and are read
    as SemEval be6 beside a model supervised on SemEval itself. The augmented text encoder is served."""
    options = options_of(config, ContentOptions)
    budget, recorded = with_encoder(budget_of(config, CONTENT_BUDGETS), context, mlflow, config.encoder)
    run_config = run_settings(config, budget, {"": options}, recorded | {"label_mapper": label_mapping_model["model_uri"]})
    with tempfile.TemporaryDirectory() as folder:
        space = load_space(mlflow.model_dir(label_mapping_model["model_uri"], Path(folder)))

    def train(workdir, log, log_metrics):
        return run_content_encoders(content_data(label_mapping_datasets, emobank), space, budget, options, workdir, run_config,
                                    config.seed, log, log_metrics)

    registered = train_and_register(context, mlflow, CONTENT, run_config,
                                    {"label_mapping_datasets": label_mapping_datasets, "emobank": emobank}, train, config.force_champion)
    return materialize_result([registered])


EMOTION_SPACE_ASSETS = [label_mapping_model, emotion_content_encoders]
