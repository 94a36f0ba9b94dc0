"""The one shape of a model asset's result: what downstream assets (the report) read as its value,
and the lineage every model shows in the UI."""

import dagster as dg


def registered_result(run_id: str, registered: str, version: int, headline: dict, decision: dict,
                      value: dict | None = None, metadata: dict | None = None) -> dg.MaterializeResult:
    """`headline` metrics become float metadata; `decision` is the champion rule's record."""
    model_uri = f"models:/{registered}/{version}"
    return dg.MaterializeResult(
        value={"run_id": run_id, "model_uri": model_uri, "version": version, "metrics": headline, "champion": decision,
               **(value or {})},
        metadata={
            "mlflow_run_id": run_id,
            "model_uri": model_uri,
            **{k: dg.MetadataValue.text(str(v)) for k, v in decision.items()},
            **{k: dg.MetadataValue.float(v) for k, v in headline.items()},
            **(metadata or {}),
        },
    )
