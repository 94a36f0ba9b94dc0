"""The server deployment (`deploy/server/`), brought up for real: Postgres, an MLflow tracking server
with its store in it, and Dagster's webserver and daemon on an instance that stores runs, events and
schedules in Postgres; runs are launched and watched over the webserver's GraphQL API, as the UI does.
Used by tests/test_server_deployment.py and benchmarks/concurrent_runs.py."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.fixture_files import write_mirror
from tests.servers import MlflowServer, Postgres, dagster_services, graphql, mlflow_server, postgres

ROOT = Path(__file__).resolve().parents[1]
LOCATION = {"repositoryLocationName": "emopipe", "repositoryName": "__repository__", "jobName": "__ASSET_JOB"}
DONE = {"SUCCESS", "FAILURE", "CANCELED"}
LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on InvalidSubsetError { message }
  }
}"""
RUN = """
query Run($id: ID!) {
  runOrError(runId: $id) {
    ... on Run { runId status startTime endTime tags { key value }
                 stepStats { stepKey status startTime endTime attempts { startTime endTime } } }
  }
}"""
EVENTS = """
query Events($id: ID!) {
  logsForRun(runId: $id, limit: 5000) {
    ... on EventConnection { events { __typename ... on MessageEvent { message stepKey }
                                      ... on ExecutionStepUpForRetryEvent { error { message causes { message } } }
                                      ... on ExecutionStepFailureEvent { error { message stack causes { message } } } } }
  }
}"""


@dataclass
class Deployment:
    postgres: Postgres
    mlflow: MlflowServer
    home: Path
    mirror: Path
    hashes: dict[str, str]
    port: int  # the webserver's

    def run_config(self, ops: dict | None = None) -> dict:
        config = {"resources": {"data": {"config": {"data_dir": str(self.mirror), "offline": True, "sha256_overrides": self.hashes}}}}
        return config | ({"ops": ops} if ops else {})

    def launch(self, keys: list[str], partition: str | None = None, ops: dict | None = None) -> str:
        """Submit a run of `keys` (to the queue: the daemon launches it); returns its run id."""
        tags = [{"key": "dagster/partition", "value": partition}] if partition else []
        params = {"selector": {**LOCATION, "assetSelection": [{"path": [key]} for key in keys]},
                  "runConfigData": self.run_config(ops), "executionMetadata": {"tags": tags}}
        answer = graphql(self.port, LAUNCH, {"params": params})["launchRun"]
        if answer["__typename"] != "LaunchRunSuccess":
            raise RuntimeError(f"launching {keys}: {answer}")
        return answer["run"]["runId"]

    def run(self, run_id: str) -> dict:
        for attempt in range(5):
            try:
                return graphql(self.port, RUN, {"id": run_id})["runOrError"]
            except RuntimeError as err:  # the webserver's first query after Postgres restarted meets a closed connection
                if "OperationalError" not in str(err) or attempt == 4:
                    raise
                time.sleep(2)
        raise AssertionError("unreachable")

    def wait(self, run_ids: list[str], timeout: float = 480) -> list[dict]:
        """Each run once it has ended (any status)."""
        deadline, runs = time.monotonic() + timeout, []
        while time.monotonic() < deadline:
            runs = [self.run(run_id) for run_id in run_ids]
            if all(run["status"] in DONE for run in runs):
                return runs
            time.sleep(2)
        raise TimeoutError(f"runs not ended after {timeout:.0f} s: {[(r['runId'][:8], r['status']) for r in runs]}\n{self.logs()}")

    def messages(self, run_id: str) -> list[dict]:
        return graphql(self.port, EVENTS, {"id": run_id})["logsForRun"]["events"]

    def processes(self, run_id: str) -> set[int]:
        """The PIDs of a run's worker (`dagster api execute_run`, whose arguments name the run) and of
        every process below it (the forkserver, the steps), as of now."""
        parents: dict[int, int] = {}
        workers = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                    if run_id.encode() in (entry / "cmdline").read_bytes():
                        workers.add(int(entry.name))
                except (OSError, ValueError):  # ended while read
                    continue
        found = set(workers)
        while grown := {pid for pid, parent in parents.items() if parent in found} - found:
            found |= grown
        return found

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-2500:]}" for p in sorted((self.home / "logs").glob("*.log")))


def environment(home: Path, pg: Postgres, tracking_uri: str) -> dict[str, str]:
    """What the webserver, the daemon and so every run and step see."""
    env = {**os.environ, "DAGSTER_HOME": str(home), "EMOPIPE_DAGSTER_PG_URL": pg.url("dagster"), "EMOPIPE_DEPLOYMENT": "server",
           "EMOPIPE_PROFILE": "smoke", "EMOPIPE_OFFLINE": "1", "MLFLOW_TRACKING_URI": tracking_uri,
           "MLFLOW_DISABLE_TELEMETRY": "true", "DAGSTER_DISABLE_TELEMETRY": "true",
           # MLflow's client retries a refused request itself, with backoff, for minutes by default; here a
           # tracking server away fails the request in seconds and the step's retry policy takes over.
           "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1", "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1"}
    env.pop("EMOPIPE_DATA_DIR", None)
    return env


@contextmanager
def server_deployment(folder: Path | None = None) -> Iterator[Deployment]:
    """Everything `deploy/server/` describes, on free ports of 127.0.0.1, stopped by PID at the end."""
    folder = folder or Path(tempfile.mkdtemp(prefix="emopipe-server-"))
    home, mirror = folder / "home", folder / "mirror"
    (home / "logs").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "deploy" / "server" / "dagster.yaml", home / "dagster.yaml")
    hashes = write_mirror(mirror)
    with ExitStack() as stack:
        pg = stack.enter_context(postgres())
        tracking = stack.enter_context(mlflow_server(pg.url("mlflow"), folder / "artifacts", home / "logs" / "mlflow.log"))
        port = stack.enter_context(dagster_services(environment(home, pg, tracking.uri), ROOT, home / "logs"))
        yield Deployment(pg, tracking, home, mirror, hashes, port)
