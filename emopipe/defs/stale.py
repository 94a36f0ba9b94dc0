"""Which assets (and partitions) are missing or stale: what `emopipe run` rebuilds, so a second run
with nothing changed does nothing.

Dagster answers, through its public GraphQL API, run in-process on the instance of $DAGSTER_HOME by
its own `dagster-graphql` command: the stale status behind the UI's badges. An asset is stale when
its code version, or the data version of something upstream (a source file's observation, a
table), changed since it was materialized, or when something upstream is itself stale. Asking the
API, not Dagster's internal resolver, keeps emopipe to Dagster's public surface."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import dagster as dg

MODULE = "emopipe.definitions"
LATE = ("MISSING", "STALE")


def _query(partitioned: dict[str, list[str]]) -> str:
    parts = "".join(
        f' p{i}: assetNodeOrError(assetKey: {{path: {json.dumps(dg.AssetKey.from_user_string(key).path)}}}) '
        f'{{ ... on AssetNode {{ staleStatusByPartition(partitions: {json.dumps(partitions)}) }} }}'
        for i, (key, partitions) in enumerate(partitioned.items()))
    return "{ assetNodes { assetKey { path } isMaterializable staleStatus }" + parts + " }"


def ask_dagster(query: str, module: str = MODULE) -> dict:
    """The `data` of a GraphQL query, answered by `dagster-graphql` on this instance's code location."""
    command = Path(sys.executable).with_name("dagster-graphql")
    with tempfile.TemporaryDirectory() as folder:
        answer_file = Path(folder) / "answer.json"
        done = subprocess.run([str(command), "-m", module, "-t", query, "-o", str(answer_file)],
                              capture_output=True, text=True, timeout=600)
        answer = json.loads(answer_file.read_text()) if answer_file.is_file() else {}
    if done.returncode != 0 or answer.get("errors") or "data" not in answer:
        raise RuntimeError(f"asking Dagster which assets are stale failed (dagster-graphql exited {done.returncode}): "
                           f"{answer.get('errors') or done.stderr[-2000:]}")
    return answer["data"]


def outdated(defs: dg.Definitions, selection: str, module: str = MODULE) -> dict[str, list[str | None]]:
    """Asset key -> the partitions (None for an unpartitioned asset) that are missing or stale, within
    `selection` (Dagster's selection syntax, e.g. `*eval_report`); source files' assets are observed,
    never built, and are left out."""
    specs = {spec.key: spec for spec in defs.resolve_all_asset_specs()}
    keys = sorted(dg.AssetSelection.from_string(selection).resolve(defs.resolve_asset_graph()))
    partitioned = {key.to_user_string(): specs[key].partitions_def.get_partition_keys()
                   for key in keys if specs[key].partitions_def is not None}
    data = ask_dagster(_query(partitioned), module)
    status = {dg.AssetKey(node["assetKey"]["path"]).to_user_string(): node["staleStatus"]
              for node in data["assetNodes"] if node["isMaterializable"]}
    found: dict[str, list[str | None]] = {}
    for key in keys:
        name = key.to_user_string()
        if name in partitioned:
            by_partition = data[f"p{list(partitioned).index(name)}"]["staleStatusByPartition"]  # the alias _query gave it
            late = [p for p, s in zip(partitioned[name], by_partition, strict=True) if s in LATE]
        else:
            late = [None] if status.get(name) in LATE else []
        if late:
            found[name] = late
    return found
