"""What the report and the model cards read about a registered model: plain records, filled from
the MLflow registry by `tracking/run_records.py` and read here without MLflow."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RunRecord:
    run_id: str
    experiment: str
    metrics: dict[str, float]
    params: dict[str, str]
    tags: dict[str, str]
    inputs: dict[str, str]  # table name -> content digest
    start_time_ms: int
    pictures: dict[str, bytes] = field(default_factory=dict)  # artifact stem -> PNG


@dataclass
class ModelRecord:
    name: str
    version: str
    aliases: list[str]
    champion_version: str | None
    run: RunRecord
    tags: dict[str, str] = field(default_factory=dict)  # the version's tags: selection_*, profile, champion_decision
    description: str = ""  # the version's model card
