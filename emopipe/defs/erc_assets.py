"""`eacl_checkpoints`, partitioned by dataset (meld, emorynlp): EACL and its cross-entropy baseline
trained in one run, scored on test, registered as `emopipe-eacl-<dataset>` (champion on dev
weighted F1)."""

import dagster as dg
import polars as pl

from emopipe.code_version import asset_code_version
from emopipe.defs import OWNERS
from emopipe.defs.config import asset_config, budget_of, options_of, run_settings
from emopipe.defs.deployment import training_op_tags
from emopipe.defs.encoders import encoder_deps, with_encoder
from emopipe.defs.retries import transient_retries
from emopipe.defs.train_and_register import Served, materialize_result, train_and_register
from emopipe.erc import serving
from emopipe.erc.data import LABELS
from emopipe.erc.options import BUDGETS, EaclOptions, ErcBudget
from emopipe.erc.run import run_erc
from emopipe.tracking import signatures
from emopipe.tracking.mlflow_tracking import MlflowTracking

CODE_VERSION = asset_code_version(__name__)  # changes with this module's code and the method code it imports

READER = "emopipe.erc.serving:load"
DATASETS = dg.StaticPartitionsDefinition(sorted(LABELS))
EaclRunConfig = asset_config("EaclRunConfig", {"": EaclOptions}, ErcBudget)


def registered_name(dataset: str) -> str:
    return f"emopipe-eacl-{dataset}"


@dg.asset(group_name="models", kinds={"pytorch", "mlflow"}, pool="gpu", owners=OWNERS, code_version=CODE_VERSION, partitions_def=DATASETS,
          deps=encoder_deps(), op_tags=training_op_tags(),
          automation_condition=dg.AutomationCondition.eager())  # retrains when conversation_utterances changes
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
    options = options_of(config, EaclOptions)
    budget, recorded = with_encoder(budget_of(config, BUDGETS), context, mlflow, config.encoder)
    run_config = run_settings(config, budget, {"": options}, recorded | {"dataset": dataset})

    def train(workdir, log, log_metrics):
        return run_erc(dataset, conversation_utterances, budget, options, workdir, config.seed, log, log_metrics)

    served = Served(registered_name(dataset), READER, serving.EXAMPLE, signatures.CONVERSATION)
    registered = train_and_register(context, mlflow, served, run_config, {"conversation_utterances": conversation_utterances}, train,
                                    config.force_champion, run_name=f"eacl-{dataset}-{context.run.run_id[:8]}")
    return materialize_result([registered])


ERC_ASSETS = [eacl_checkpoints]
