"""The UI's view of the code location: `dagster-webserver` started on 127.0.0.1, asked over its
GraphQL API for every asset key, asset check, schedule and sensor, then stopped by its PID."""

import os
from pathlib import Path

from emopipe.definitions import defs
from tests.servers import dagster_services, graphql

ROOT = Path(__file__).resolve().parents[1]
QUERY = """
{
  assetNodes { assetKey { path } groupName description kinds owners { ... on TeamAssetOwner { team } }
               assetChecksOrError { ... on AssetChecks { checks { name } } } }
  repositoriesOrError { ... on RepositoryConnection { nodes { name schedules { name cronSchedule } sensors { name } } } }
}
"""


def test_webserver_serves_every_asset_check_schedule_and_sensor(tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "DAGSTER_DISABLE_TELEMETRY": "true"}
    with dagster_services(env, ROOT, tmp_path, daemon=False) as port:
        answer = {"data": graphql(port, QUERY)}

    nodes = answer["data"]["assetNodes"]
    graph = defs.resolve_asset_graph()
    assert {"/".join(n["assetKey"]["path"]) for n in nodes} == {k.to_user_string() for k in graph.get_all_asset_keys()}
    served_checks = {("/".join(n["assetKey"]["path"]), c["name"]) for n in nodes for c in n["assetChecksOrError"].get("checks", [])}
    assert served_checks == {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert all(n["description"] and n["kinds"] and n["owners"] == [{"team": "emopipe"}] and n["groupName"] for n in nodes)
    [repository] = answer["data"]["repositoriesOrError"]["nodes"]
    assert {s["name"] for s in repository["schedules"]} == {"weekly_retrain"}
    assert {"source_files_changed", "default_automation_condition_sensor", "explain_failed_runs"} <= {s["name"] for s in repository["sensors"]}
