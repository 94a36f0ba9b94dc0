"""The lock files `make run`, `make test` and the cluster image install from: every dependency
pyproject.toml names is pinned, with hashes, to a version its range admits; the three pin the same
version of every package they share; the packages that float by majors have upper bounds; and the pins
are what this environment (installed from them) really has."""

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
BOUNDED = ("polars", "datasets", "pyarrow", "transformers", "mlflow", "dagster")


def pins(lock: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of a pip requirements lock (`name==version [; marker] \\` then
    `--hash=...` lines), for the pins whose marker holds here."""
    text = (ROOT / "requirements" / lock).read_text()
    found = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        head = re.match(r"([A-Za-z0-9_.\-]+)==([^\s\\;]+)(?:\s*;\s*([^\\\n]+))?", block)
        if head and (head[3] is None or Marker(head[3].strip()).evaluate()):
            found[canonicalize_name(head[1])] = (head[2], re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return found


def requirements(extra: str | None) -> list[Requirement]:
    names = list(PROJECT["dependencies"])
    if extra:
        for item in PROJECT["optional-dependencies"][extra]:
            if item.startswith("emopipe["):  # the project's own extra: its requirements
                names += PROJECT["optional-dependencies"][item[len("emopipe["):-1]]
            else:
                names.append(item)
    return [Requirement(n) for n in names]


@pytest.mark.parametrize(("lock", "extra"), [("run.lock", None), ("test.lock", "test"), ("cluster.lock", "cluster")])
def test_every_requirement_is_pinned_with_hashes_within_its_range(lock, extra):
    pinned = pins(lock)
    assert pinned and all(hashes for _, hashes in pinned.values()), f"{lock}: a pin without hashes"
    for requirement in requirements(extra):
        name = canonicalize_name(requirement.name)
        if name == "torch":  # installed first, on its own (the CPU build unless TORCH_INDEX says otherwise)
            assert name not in pinned
            continue
        assert name in pinned, f"{lock} does not pin {requirement}"
        assert requirement.specifier.contains(pinned[name][0], prereleases=True), f"{lock}: {name}=={pinned[name][0]} is outside {requirement}"


def test_the_locks_pin_the_same_versions():
    """The cluster image (cluster.lock) runs what `make test` tested (test.lock), and `make run` too."""
    run, test, cluster = (pins(name) for name in ("run.lock", "test.lock", "cluster.lock"))
    assert set(run) <= set(cluster) <= set(test)
    for other in (run, cluster):
        assert {n: v for n, (v, _) in other.items()} == {n: test[n][0] for n in other}


def test_floating_majors_have_upper_bounds():
    for requirement in requirements("test"):
        if requirement.name in BOUNDED:
            assert any(spec.operator == "<" for spec in requirement.specifier), f"{requirement} has no upper bound"


def test_this_environment_has_what_the_test_lock_pins():
    """`make test` installed from test.lock: what it pins is what runs these tests."""
    for name, (pinned, _) in pins("test.lock").items():
        try:
            assert version(name) == pinned, f"{name}: {version(name)} installed, {pinned} locked"
        except PackageNotFoundError:
            pytest.fail(f"{name} is locked but not installed")
