"""The one place pictures are written: `$DAGSTER_HOME/figures/<name>.png`, atomically, and shown
inline in the asset's metadata."""

from __future__ import annotations

import base64

import dagster as dg

from emopipe.atomic import atomic_path
from emopipe.paths import dagster_home


def picture_metadata(name: str, png: bytes, caption: str, file_name: str | None = None) -> dict:
    """`name` is the metadata entry; `file_name` (default `name`) the PNG's, for one picture per partition."""
    path = dagster_home() / "figures" / f"{file_name or name}.png"
    with atomic_path(path) as tmp:
        tmp.write_bytes(png)
    inline = base64.b64encode(png).decode()
    return {
        name: dg.MetadataValue.md(f"**{caption}**\n\n![{name}](data:image/png;base64,{inline})"),
        f"{name}_path": dg.MetadataValue.path(str(path)),
    }
