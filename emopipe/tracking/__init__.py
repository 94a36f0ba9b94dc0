"""MLflow tracking: the only package that imports mlflow."""

import os

# MLflow phones home unless told not to; set before mlflow is imported anywhere.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
