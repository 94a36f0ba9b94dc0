"""Versions of emopipe's code, as hashes of its source, so a change that nobody bumped cannot be missed.

`code_version()` hashes every Python file of the package: a resumed training run checks it, so a
checkpoint written by other code is never continued as if nothing changed. `asset_code_version(module)`
hashes an asset's `emopipe.defs` module and every emopipe module it imports, directly or through
others (found by reading the import statements, lazy ones included), without following into other
`emopipe.defs` modules: those are wiring shared by every asset, and following them would make a
change to one method's code stale every asset of the graph. Dagster compares it with the code version
recorded at the asset's last materialization, so a training change shows the model as stale in the
UI and `emopipe run` rebuilds it."""

from __future__ import annotations

import ast
import functools
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).parent
WIRING = "defs"  # the subpackage of asset definitions


@functools.cache
def code_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _file(module: str, root: Path) -> Path | None:
    """The source file of `module` (a dotted name whose first part is the package folder `root`)."""
    base = root.parent.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported(path: Path, package: str, root: Path) -> set[str]:
    """The modules of `package` that `path` imports; `from package.x import y` counts `package.x.y`
    when y is a module, else `package.x`. The packages above an imported module run too: counted."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" if _file(f"{node.module}.{alias.name}", root) else node.module
                     for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == package:
                found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return {m for m in found if _file(m, root)}


def module_closure(module: str, root: Path = PACKAGE) -> list[Path]:
    """The source files of `module` and of every module of its package it imports, transitively,
    not following into the package's `defs` (other than `module` itself)."""
    package = module.split(".")[0]
    wiring = f"{package}.{WIRING}"
    seen, todo = {module}, [module]
    while todo:
        path = _file(todo.pop(), root)
        if path is None:
            raise ValueError(f"no source file for module {module!r} under {root}")
        for name in _imported(path, package, root) - seen:
            seen.add(name)
            if not (name == wiring or name.startswith(f"{wiring}.")):
                todo.append(name)
    return sorted({p for m in seen if not (m.startswith(f"{wiring}.") and m != module) and (p := _file(m, root))})


@functools.cache
def asset_code_version(module: str, root: Path = PACKAGE) -> str:
    """A hash of `module_closure(module)`: the code that makes the assets `module` defines."""
    digest = hashlib.sha256()
    for path in module_closure(module, root):
        digest.update(str(path.relative_to(root.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
