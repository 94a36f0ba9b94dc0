"""The one Definitions object: what `dagster dev -w workspace.yaml` and the CLI load."""

import dagster as dg

from emopipe.defs.automation import SCHEDULES, SENSORS
from emopipe.defs.dataset_assets import DATASET_ASSETS
from emopipe.defs.deployment import executor
from emopipe.defs.emotion_space_assets import EMOTION_SPACE_ASSETS
from emopipe.defs.erc_assets import ERC_ASSETS
from emopipe.defs.model_assets import MODEL_ASSETS
from emopipe.defs.recovery import explain_failed_runs
from emopipe.defs.report_assets import REPORT_ASSETS
from emopipe.defs.resources import ParquetTables, SourceData
from emopipe.defs.retrofit_assets import retrofitted_plm
from emopipe.defs.scoring_assets import SCORING_ASSETS
from emopipe.defs.source_assets import SOURCE_ASSETS
from emopipe.defs.source_files import observe_source_files
from emopipe.tracking.mlflow_tracking import MlflowTracking

defs = dg.Definitions(
    assets=[observe_source_files, *SOURCE_ASSETS, *DATASET_ASSETS, *MODEL_ASSETS, *EMOTION_SPACE_ASSETS, retrofitted_plm, *ERC_ASSETS,
            *REPORT_ASSETS, *SCORING_ASSETS],
    schedules=SCHEDULES,
    sensors=[*SENSORS, explain_failed_runs],
    executor=executor(),  # in the run's process locally; a pod per step with EMOPIPE_DEPLOYMENT=cluster
    resources={
        "data": SourceData(),
        "io_manager": ParquetTables(),
        "mlflow": MlflowTracking(),
    },
)
