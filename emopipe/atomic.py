"""Atomic writes: write beside the target, then rename it into place. A crash or an exception
mid-write leaves what was there as it was, and a reader never sees half a file or folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it replaces `target`, on error it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


@contextmanager
def staged_folder(target: str | Path) -> Iterator[Path]:
    """Yield an empty folder of this writer's own, beside `target`, to fill; on success it is renamed
    to `target`, unless another writer's folder got there first (kept: callers use this for caches
    whose name is a hash of what they hold, so both hold the same), and on error it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        yield staging
        try:
            staging.rename(target)
        except OSError:  # `target` is there and not empty: another writer finished first
            pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)
