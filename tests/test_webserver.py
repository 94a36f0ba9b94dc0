"""The UI's view of the code location: `dagster-webserver` started on 127.0.0.1, asked over its
GraphQL API for every asset key, asset check, schedule and sensor, then stopped by its PID."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from emopipe.definitions import defs

ROOT = Path(__file__).resolve().parents[1]
QUERY = """
{
  assetNodes { assetKey { path } groupName description kinds owners { ... on TeamAssetOwner { team } }
               assetChecksOrError { ... on AssetChecks { checks { name } } } }
  repositoriesOrError { ... on RepositoryConnection { nodes { name schedules { name cronSchedule } sensors { name } } } }
}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_webserver_serves_every_asset_check_schedule_and_sensor(tmp_path):
    port = _free_port()
    webserver = Path(sys.executable).with_name("dagster-webserver")
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "DAGSTER_DISABLE_TELEMETRY": "true"}
    log = (tmp_path / "webserver.log").open("w")
    # Its own session, so it and its code-server child are stopped together by the group's PID.
    process = subprocess.Popen([str(webserver), "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline, answer = time.monotonic() + 180, None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                answer = _graphql(port, QUERY)
                if answer.get("data", {}).get("assetNodes"):
                    break
            except OSError:
                pass
            time.sleep(2)
        assert answer and answer.get("data"), (tmp_path / "webserver.log").read_text()[-3000:]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode is not None

    nodes = answer["data"]["assetNodes"]
    graph = defs.resolve_asset_graph()
    assert {"/".join(n["assetKey"]["path"]) for n in nodes} == {k.to_user_string() for k in graph.get_all_asset_keys()}
    served_checks = {("/".join(n["assetKey"]["path"]), c["name"]) for n in nodes for c in n["assetChecksOrError"].get("checks", [])}
    assert served_checks == {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert all(n["description"] and n["kinds"] and n["owners"] == [{"team": "emopipe"}] and n["groupName"] for n in nodes)
    [repository] = answer["data"]["repositoriesOrError"]["nodes"]
    assert {s["name"] for s in repository["schedules"]} == {"weekly_retrain"}
    assert {"source_files_changed", "default_automation_condition_sensor", "explain_failed_runs"} <= {s["name"] for s in repository["sensors"]}
