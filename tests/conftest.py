"""Shared fixtures: a tiny mirror in the real formats, an isolated DAGSTER_HOME, and resources on them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "true")
# Under pytest-xdist (`make test`) the workers share the cores: each worker's torch, and every process it
# starts, gets its share instead of all of them (two workers of two threads on two cores thrash).
if "PYTEST_XDIST_WORKER_COUNT" in os.environ:
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // int(os.environ["PYTEST_XDIST_WORKER_COUNT"]))))

from tests.fixture_files import write_mirror


@pytest.fixture
def mirror(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "mirror"
    return root, write_mirror(root)


@pytest.fixture(scope="session", autouse=True)
def scratch_dagster_home(tmp_path_factory):
    """No test writes into the checkout's dagster_home, caches included: the session gets a scratch one
    (a test that needs its own takes `home`)."""
    before = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(tmp_path_factory.mktemp("session_dagster_home"))
    yield
    if before is None:
        os.environ.pop("DAGSTER_HOME", None)
    else:
        os.environ["DAGSTER_HOME"] = before


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated DAGSTER_HOME (tables, figures, MLflow store) and no mirror or downloads from the environment."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.delenv("EMOPIPE_DATA_DIR", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("EMOPIPE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EMOPIPE_OFFLINE", "1")
    return home


REAL_MIRROR = os.environ.get("EMOPIPE_DATA_DIR")
needs_real_mirror = pytest.mark.skipif(not REAL_MIRROR, reason="EMOPIPE_DATA_DIR is not set (the real data mirror)")


# The files that take longest (minutes: servers started, runs killed, `emopipe run` as a subprocess) run
# first, so with `make test`'s two workers (--dist loadfile) the short files fill the other worker around
# them instead of one long file running alone at the end.
SLOWEST_FIRST = ("tests/test_server_deployment.py", "tests/test_cli.py", "tests/defs/test_recovery.py")


def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return SLOWEST_FIRST.index(path) if path in SLOWEST_FIRST else len(SLOWEST_FIRST)

    items.sort(key=rank)  # stable: each file keeps its own order
