"""The champion rule: the alias `champion` moves to a new version only when that version was selected
by the same figure (metric, evaluation split, profile) as the champion and its figure is at least
the champion's.

Every registered version carries the tags `selection_metric`, `selection_value` (the figure that
selected it: the chosen epoch's, with the classifier that serves), `selection_split` and `profile`.
The champion's figure is read from those tags, never from its run's metric history. A champion of
another profile, split or metric is replaced only with `force`. Promotion is compare-and-set under
a file lock per registry, so two concurrent candidates end with the better one as champion. A
registry error other than "no champion yet" propagates: the step fails and the alias stays where it
was. A NaN or infinite candidate is refused, with a tag saying why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from mlflow.entities.model_registry import ModelVersion
from mlflow.tracking import MlflowClient

from emopipe.locks import file_lock

CHAMPION = "champion"
SELECTION_TAGS = ("selection_metric", "selection_value", "selection_split", "profile")


@dataclass(frozen=True)
class Selection:
    """The figure that selected a version."""

    metric: str  # e.g. dev_macro_f1
    value: float
    profile: str  # smoke | cpu | gpu
    split: str = "dev"  # the evaluation split the figure was measured on

    def tags(self) -> dict[str, str]:
        return {"selection_metric": self.metric, "selection_value": repr(float(self.value)), "selection_split": self.split,
                "profile": self.profile}

    def comparable(self, other: Selection) -> bool:
        return (self.metric, self.split, self.profile) == (other.metric, other.split, other.profile)

    def describe(self) -> str:
        return f"{self.profile} profile, {self.split} {self.metric} {self.value:.4f}"


def selection_of(client: MlflowClient, version: ModelVersion, metric: str) -> Selection | None:
    """A version's selection from its tags. Versions registered before these tags existed recorded the
    figure as `candidate_<metric>` and the profile on their run; None when neither is there."""
    tags = version.tags or {}
    if all(k in tags for k in SELECTION_TAGS):
        return Selection(tags["selection_metric"], float(tags["selection_value"]), tags["profile"], tags["selection_split"])
    legacy = tags.get(f"candidate_{metric}")
    if legacy is None:
        return None
    profile = client.get_run(version.run_id).data.tags.get("profile")
    return Selection(metric, float(legacy), profile, "dev") if profile else None


def current_champion(client: MlflowClient, name: str) -> ModelVersion | None:
    """The version `name@champion`, None when no version holds the alias. Every other failure (the
    model is not registered, a locked database, an unreachable server) raises."""
    aliases = client.get_registered_model(name).aliases or {}
    return client.get_model_version(name, str(aliases[CHAMPION])) if CHAMPION in aliases else None


def promote(client: MlflowClient, name: str, version: str, selection: Selection, run_id: str, lock: Path,
            force: bool = False) -> dict[str, str]:
    """Tag `version` with its selection, move `champion` to it if the rule allows, and record the
    decision (`champion_decision`: promoted | kept | refused, `champion_reason`) on the version and run."""
    version = str(version)
    for key, value in selection.tags().items():
        client.set_model_version_tag(name, version, key, value)
    previous = None
    if not math.isfinite(selection.value):
        outcome, reason = "refused", f"selection value {selection.value} of {selection.metric} is not a finite number"
    else:
        with file_lock(lock):
            champion = current_champion(client, name)
            previous = (champion, selection_of(client, champion, selection.metric)) if champion is not None else None
            outcome, reason = _decide(selection, previous, force)
            if outcome == "promoted":
                client.set_registered_model_alias(name, CHAMPION, version)
    decision = {
        "champion_decision": outcome,
        "champion_reason": reason,
        "previous_champion_version": previous[0].version if previous else "none",
        "previous_champion_selection_value": repr(previous[1].value) if previous and previous[1] else "none",
    }
    for key, value in decision.items():
        client.set_model_version_tag(name, version, key, value)
        client.set_tag(run_id, key, value)
    return decision


def _decide(candidate: Selection, previous: tuple[ModelVersion, Selection | None] | None, force: bool) -> tuple[str, str]:
    if previous is None:
        return "promoted", "no champion yet"
    version, held = previous
    if held is None:
        if force:
            return "promoted", f"forced over v{version.version}, whose selection is not recorded"
        return "kept", f"champion v{version.version} records no selection figure; force_champion replaces it"
    if not candidate.comparable(held):
        if force:
            return "promoted", f"forced over v{version.version} ({held.describe()})"
        return "kept", (f"champion v{version.version} was selected on {held.describe()}, the candidate on {candidate.describe()}: "
                        "not comparable; force_champion replaces it")
    if candidate.value >= held.value:
        return "promoted", f"{candidate.value:.4f} >= champion v{version.version}'s {held.value:.4f}"
    if force:
        return "promoted", f"forced: {candidate.value:.4f} < champion v{version.version}'s {held.value:.4f}"
    return "kept", f"{candidate.value:.4f} < champion v{version.version}'s {held.value:.4f}"
