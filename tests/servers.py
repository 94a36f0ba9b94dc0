"""Real servers for the tests, each started by the test and stopped by its PID: a throwaway PostgreSQL
cluster (the Debian package's `initdb` and `postgres`, in a temporary folder, on a free port of
127.0.0.1), an MLflow tracking server with its backend store in it, and Dagster's webserver and
daemon. Postgres refuses to run as root; as root the cluster runs as the package's `postgres` user."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = "install the Debian package: apt-get install postgresql (.ci/run does it when it is missing)"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin() -> Path:
    """The folder of `initdb` and `postgres`: on PATH, else the newest under /usr/lib/postgresql (Debian's)."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if not versions:
        raise RuntimeError(f"PostgreSQL is not installed: no initdb on PATH or under /usr/lib/postgresql; {INSTALL_HINT}")
    return versions[-1].parent


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def wait_until(ready: Callable[[], bool], process: subprocess.Popen, what: str, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        if ready():
            return
        time.sleep(0.5)
    raise RuntimeError(f"{what} not ready after {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    """Stop a process started in its own session, and its children, by the group's PID."""
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class Postgres:
    """A throwaway cluster in `folder`; `start` and `stop` may be called again (same data, same port)."""

    port: int
    folder: Path
    process: subprocess.Popen | None = None
    user: str = "postgres"

    def url(self, database: str) -> str:
        """SQLAlchemy's URL, with the driver named: SQLAlchemy 2.1 takes a bare postgresql:// to mean
        psycopg 3, and Dagster and MLflow bring psycopg2."""
        return f"postgresql+psycopg2://{self.user}@127.0.0.1:{self.port}/{database}"

    def sql(self, database: str, statement: str) -> str:
        done = subprocess.run(["psql" if shutil.which("psql") else str(postgres_bin() / "psql"), "-h", "127.0.0.1", "-p",
                               str(self.port), "-U", self.user, "-d", database, "-At", "-c", statement],
                              capture_output=True, text=True, timeout=60)
        if done.returncode:
            raise RuntimeError(f"psql {statement!r}: {done.stderr}")
        return done.stdout.strip()

    def start(self) -> None:
        log = self.folder / "postgres.log"
        with log.open("a") as out:
            self.process = subprocess.Popen(_as_owner([str(postgres_bin() / "postgres"), "-D", str(self.folder / "data"), "-p",
                                                       str(self.port), "-h", "127.0.0.1", "-k", str(self.folder), "-c", "fsync=off"]),
                                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

        def accepting() -> bool:
            try:
                self.sql("postgres", "select 1")
                return True
            except RuntimeError:
                return False

        wait_until(accepting, self.process, "postgres", log)

    def stop(self) -> None:
        """Fast shutdown (SIGINT to the postmaster, by its PID): open connections are cut."""
        if self.process is not None:
            stop(self.process, signal.SIGINT)


@contextmanager
def postgres(databases: tuple[str, ...] = ("dagster", "mlflow")) -> Iterator[Postgres]:
    folder = Path(tempfile.mkdtemp(prefix="emopipe-postgres-"))  # under /tmp: the postgres user must reach it
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    subprocess.run(_as_owner([str(postgres_bin() / "initdb"), "-D", str(folder / "data"), "-U", "postgres", "-A", "trust", "-E",
                              "UTF8", "--no-sync"]), check=True, capture_output=True, timeout=120)
    server = Postgres(free_port(), folder)
    try:
        server.start()
        for database in databases:
            server.sql("postgres", f"create database {database}")
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class MlflowServer:
    """`mlflow server` on 127.0.0.1 with `backend_uri` as its store, serving the artifacts under
    `artifacts`; `start` and `stop` may be called again (same store, same port)."""

    backend_uri: str
    artifacts: Path
    log: Path
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = self.port or free_port()
        env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}
        with self.log.open("a") as out:
            self.process = subprocess.Popen([str(BIN / "mlflow"), "server", "--backend-store-uri", self.backend_uri, "--serve-artifacts",
                                             "--artifacts-destination", self.artifacts.as_uri(), "--host", "127.0.0.1", "--port",
                                             str(self.port), "--workers", "1"],
                                            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until(lambda: http_ok(f"{self.uri}/health"), self.process, "mlflow server", self.log, timeout=180)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


@contextmanager
def mlflow_server(backend_uri: str, artifacts: Path, log: Path) -> Iterator[MlflowServer]:
    server = MlflowServer(backend_uri, artifacts, log)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def graphql(port: int, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query, "variables": variables or {}})
                                     .encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as err:  # GraphQL says what was wrong in the body
        raise RuntimeError(f"GraphQL answered {err.code}: {err.read().decode(errors='replace')[:3000]}") from err
    if answer.get("errors"):
        raise RuntimeError(f"GraphQL errors: {answer['errors']}")
    return answer["data"]


@contextmanager
def dagster_services(env: dict, cwd: Path, logs: Path, daemon: bool = True) -> Iterator[int]:
    """`dagster-webserver` (and `dagster-daemon run`) on the workspace in `cwd`, each in its own session
    so that it and its code server stop together; yields the webserver's port once the code location loaded."""
    port = free_port()
    started = []
    commands = [("webserver", [str(BIN / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"])]
    if daemon:
        commands.append(("daemon", [str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"]))
    try:
        for name, command in commands:
            with (logs / f"{name}.log").open("w") as out:
                started.append(subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
        def location_loaded() -> bool:
            try:
                answer = graphql(port, "{ repositoriesOrError { ... on RepositoryConnection { nodes { name } } } }")
            except (OSError, RuntimeError):
                return False
            return bool(answer["repositoriesOrError"].get("nodes"))

        wait_until(location_loaded, started[0], "dagster-webserver", logs / "webserver.log", timeout=240)
        yield port
    finally:
        for process in reversed(started):
            stop(process)
