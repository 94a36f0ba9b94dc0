"""Run the data half with dg.materialize on a given mirror, the way the UI would run it."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from emopipe.defs.dataset_assets import DATASET_ASSETS
from emopipe.defs.resources import ParquetTables, SourceData
from emopipe.defs.source_assets import SOURCE_ASSETS

DATA_ASSETS = [*SOURCE_ASSETS, *DATASET_ASSETS]


def run(mirror: Path | None, hashes: dict[str, str] | None, home: Path, selection: str | list[str] | None = None,
        run_config: dict | None = None) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        DATA_ASSETS,
        selection=selection,
        resources={
            "data": SourceData(data_dir=str(mirror) if mirror else None, sha256_overrides=hashes or {}, offline=True),
            "io_manager": ParquetTables(base_dir=str(home / "tables")),
        },
        run_config=run_config,
        raise_on_error=False,
    )


def failure_text(result: dg.ExecuteInProcessResult) -> str:
    """Every step failure's error, causes included, as one string."""
    return "\n".join(event.step_failure_data.error.to_string() for event in result.get_step_failure_events())
