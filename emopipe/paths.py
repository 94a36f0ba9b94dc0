"""Where the local instance keeps things: everything under $DAGSTER_HOME (default ./dagster_home)."""

from __future__ import annotations

import os
from pathlib import Path


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or "dagster_home").resolve()
