"""Layers point down: every import in the package (lazy ones inside functions too) is checked against
the layer table in docs/architecture.md, which is therefore the truth about the code's structure."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
METHODS = "methods"


def layers() -> list[tuple[str, list[str]]]:
    """(layer, module prefixes) from the table under '## Layers', top layer first."""
    text = (ROOT / "docs" / "architecture.md").read_text().split("## Layers", 1)[1]
    found = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[1].startswith("`"):
            found.append((cells[0], [m.strip(" `") for m in cells[1].split(",")]))
    return found


def owner(module: str, table: list[tuple[str, list[str]]]) -> tuple[int, str, str] | None:
    """(rank, layer, the prefix it matched) of a module; rank 0 is the top layer."""
    best = None
    for rank, (layer, prefixes) in enumerate(table):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > len(best[2])):
                best = (rank, layer, prefix)
    return best


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return [(line, name) for line, name in found if name.split(".")[0] in ("emopipe", "data_contracts")]


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def test_the_table_covers_every_module():
    table = layers()
    assert [layer for layer, _ in table][:2] == ["cli", "definitions"] and len(table) >= 6
    files = [*sorted((ROOT / "emopipe").rglob("*.py")), *sorted((ROOT / "data_contracts").rglob("*.py"))]
    unplaced = [module_name(p) for p in files if owner(module_name(p), table) is None and module_name(p) != "emopipe"]
    assert not unplaced, f"modules in no layer of docs/architecture.md: {unplaced}"


def faults_of(path: Path, module: str, table) -> list[str]:
    """Every import of `path` (the file of `module`) that points up a layer or across method packages."""
    here, faults = owner(module, table), []
    for line, name in imports(path) if here else ():
        there = owner(name, table)
        if there is None:
            continue
        if there[0] < here[0]:
            faults.append(f"{path.name}:{line} ({here[1]}) imports {name} ({there[1]}, a higher layer)")
        elif here[1] == there[1] == METHODS and here[2] != there[2]:
            faults.append(f"{path.name}:{line} imports {name}: method packages do not import each other")
    return faults


def test_no_import_points_up_or_across_methods():
    table = layers()
    files = [*sorted((ROOT / "emopipe").rglob("*.py")), *sorted((ROOT / "data_contracts").rglob("*.py"))]
    faults = [f"{path.relative_to(ROOT)}: {fault}" for path in files for fault in faults_of(path, module_name(path), table)]
    assert not faults, "\n".join(faults)


@pytest.mark.parametrize("module, source, expected", [
    ("emopipe.training.planted", "from emopipe.defs.resources import x\n", "a higher layer"),
    ("emopipe.retrofitting.planted", "def f():\n    from emopipe.erc.train import y\n", "do not import each other"),
    ("emopipe.retrofitting.planted", "from emopipe.training.loop import fit\n", None),
])
def test_the_check_catches_an_upward_and_a_sideways_import(tmp_path, module, source, expected):
    path = tmp_path / "planted.py"
    path.write_text(source)
    faults = faults_of(path, module, layers())
    assert (expected in faults[0]) if expected else not faults
