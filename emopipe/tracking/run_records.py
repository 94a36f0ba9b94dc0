"""Reading back what the model assets recorded: a registered version's run (metrics, params, tags,
input digests, pictures), its aliases and the current champion. The report and the CLI read the
registry through this module only."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from mlflow.entities import Run
from mlflow.tracking import MlflowClient

from emopipe.evaluation.records import ModelRecord, RunRecord
from emopipe.tracking.champion import current_champion


@dataclass
class ModelSummary:
    name: str
    latest_version: str
    aliases: dict[str, str]  # alias -> version
    description: str


class RegistryReader:
    def __init__(self, tracking_uri: str):
        self.uri = tracking_uri
        self.client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)

    def models(self) -> list[ModelSummary]:
        """Every registered model, newest version and aliases, sorted by name."""
        summaries = []
        for model in self.client.search_registered_models(max_results=1000):
            versions = self.client.search_model_versions(f"name='{model.name}'")
            latest = max((int(v.version) for v in versions), default=0)
            summaries.append(ModelSummary(model.name, str(latest), dict(model.aliases or {}), model.description or ""))
        return sorted(summaries, key=lambda s: s.name)

    def model(self, name: str, version: str | None = None, pictures: bool = False) -> ModelRecord | None:
        """`name` at `version` (default: the champion); None when the model, its champion or the
        version is not registered. Any other registry error raises."""
        if name not in {m.name for m in self.client.search_registered_models(filter_string=f"name = '{name}'")}:
            return None
        held = current_champion(self.client, name)
        champion = str(held.version) if held is not None else None
        version = version or champion
        if version is None:
            return None
        if str(version) not in {str(v.version) for v in self.client.search_model_versions(f"name='{name}'")}:
            return None
        found = held if held is not None and str(held.version) == str(version) else self.client.get_model_version(name, str(version))
        run = self.run(found.run_id, pictures)
        return ModelRecord(name, str(found.version), list(found.aliases or []), champion, run, dict(found.tags or {}),
                           found.description or "")

    def run(self, run_id: str, pictures: bool = False) -> RunRecord:
        run = self.client.get_run(run_id)
        return self._record(run, pictures)

    def matching_run(self, experiment: str, like: dict[str, str], changed: dict[str, str], pictures: bool = False) -> RunRecord | None:
        """The newest finished run of `experiment` whose params are `like`'s with `changed` applied, every
        other setting (profile, encoder, seed, budget, options) equal: an ablation of exactly that run."""
        expected = {**like, **changed}
        found = next((run for run in self._finished(experiment, changed) if dict(run.data.params) == expected), None)
        return self._record(found, pictures) if found is not None else None

    def seed_runs(self, experiment: str, like: dict[str, str], changed: dict[str, str] | None = None) -> list[RunRecord]:
        """The newest finished run per seed whose params are `like`'s with `changed` applied, every setting
        but the seed equal: the same recipe over every seed run, ordered by seed."""
        expected = {k: v for k, v in {**like, **(changed or {})}.items() if k != "seed"}
        by_seed: dict[str, Run] = {}
        for run in self._finished(experiment, changed or {}):
            params = dict(run.data.params)
            seed = params.pop("seed", None)
            if seed is not None and seed not in by_seed and params == expected:
                by_seed[seed] = run
        return [self._record(by_seed[s], False) for s in sorted(by_seed, key=lambda s: (len(s), s))]

    def _finished(self, experiment: str, having: dict[str, str]) -> list[Run]:
        """Finished runs of `experiment` with the params `having`, newest first (none for an unknown experiment)."""
        found = self.client.get_experiment_by_name(experiment)
        if found is None:
            return []
        where = "".join(f" and params.{k} = '{v}'" for k, v in having.items())
        return self.client.search_runs([found.experiment_id], filter_string=f"attributes.status = 'FINISHED'{where}",
                                       order_by=["attributes.start_time DESC"], max_results=1000)

    def _record(self, run: Run, pictures: bool) -> RunRecord:
        experiment = self.client.get_experiment(run.info.experiment_id).name
        inputs = {d.dataset.name: d.dataset.digest for d in (run.inputs.dataset_inputs if run.inputs else [])}
        record = RunRecord(run.info.run_id, experiment, dict(run.data.metrics), dict(run.data.params), dict(run.data.tags),
                           inputs, run.info.start_time or 0)
        if pictures:
            record.pictures = self._pictures(run.info.run_id)
        return record

    def _pictures(self, run_id: str) -> dict[str, bytes]:
        names = [a.path for a in self.client.list_artifacts(run_id) if not a.is_dir and a.path.endswith(".png")]
        found = {}
        with tempfile.TemporaryDirectory() as folder:
            for name in names:
                local = self.client.download_artifacts(run_id, name, folder)
                found[Path(name).stem] = Path(local).read_bytes()
        return found
