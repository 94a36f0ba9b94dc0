"""The one place pictures are written: `$DAGSTER_HOME/figures/<name>.png`, atomically, and shown
inline in the asset's metadata."""

from __future__ import annotations

import base64

import dagster as dg

from emopipe.atomic import atomic_path
from emopipe.paths import dagster_home


def picture_metadata(name: str, png: bytes, caption: str) -> dict:
    path = dagster_home() / "figures" / f"{name}.png"
    with atomic_path(path) as tmp:
        tmp.write_bytes(png)
    inline = base64.b64encode(png).decode()
    return {
        name: dg.MetadataValue.md(f"**{caption}**\n\n![{name}](data:image/png;base64,{inline})"),
        f"{name}_path": dg.MetadataValue.path(str(path)),
    }
