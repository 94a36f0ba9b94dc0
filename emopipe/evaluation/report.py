"""A report as plain blocks (paragraphs, bullet lists, tables, pictures) rendered twice: Markdown
with pictures as files beside it, and one self-contained HTML page with pictures embedded."""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field

import polars as pl


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Picture:
    name: str  # file stem, unique in the report
    caption: str
    png: bytes


Block = str | Table | Bullets | Picture


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 2


def markdown_table(df: pl.DataFrame, rows: int = 5) -> str:
    """The first `rows` rows of a table as Markdown (for the Dagster UI)."""
    with pl.Config(tbl_formatting="MARKDOWN", tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True,
                   fmt_str_lengths=60, tbl_cols=-1, tbl_rows=rows, tbl_width_chars=10_000):
        return str(df.head(rows))


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(title: str, sections: list[Section], figures_dir: str | None = "figures") -> tuple[str, dict[str, bytes]]:
    """The Markdown text and the pictures it links (`<figures_dir>/<name>.png` -> PNG). With
    `figures_dir=None` pictures are left out (for the Dagster UI, where each model asset shows its own)."""
    lines, files = [f"# {title}", ""], {}
    for section in sections:
        lines += [f"{'#' * section.level} {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Table):
                lines.append("| " + " | ".join(_cell(h) for h in block.header) + " |")
                lines.append("|" + "---|" * len(block.header))
                lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
            elif isinstance(block, Bullets):
                lines += [f"- {item}" for item in block.items]
            elif isinstance(block, Picture):
                if figures_dir is None:
                    continue
                files[f"{figures_dir}/{block.name}.png"] = block.png
                lines.append(f"![{block.caption}]({figures_dir}/{block.name}.png)")
                lines += ["", f"*{block.caption}*"]
            else:
                lines.append(block)
            lines.append("")
    return "\n".join(lines).rstrip() + "\n", files


def _inline(text: str) -> str:
    """Markdown's inline code and bold, as HTML, after escaping."""
    escaped = html.escape(text)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td:not(:first-child) { font-variant-numeric: tabular-nums; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-style: italic; color: #555; }
code { background: #f5f5f5; padding: 0 0.2em; }
"""


def render_html(title: str, sections: list[Section]) -> str:
    """One self-contained page: styles inline, pictures as data URIs."""
    parts = [f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>",
             f"<style>{STYLE}</style></head><body>", f"<h1>{html.escape(title)}</h1>"]
    for section in sections:
        tag = f"h{min(section.level, 6)}"
        parts.append(f"<{tag}>{html.escape(section.title)}</{tag}>")
        for block in section.blocks:
            if isinstance(block, Table):
                head = "".join(f"<th>{_inline(h)}</th>" for h in block.header)
                body = "".join("<tr>" + "".join(f"<td>{_inline(str(c))}</td>" for c in row) + "</tr>" for row in block.rows)
                parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
            elif isinstance(block, Bullets):
                parts.append("<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in block.items) + "</ul>")
            elif isinstance(block, Picture):
                data = base64.b64encode(block.png).decode()
                parts.append(f'<figure><img alt="{html.escape(block.caption)}" src="data:image/png;base64,{data}">'
                             f"<figcaption>{html.escape(block.caption)}</figcaption></figure>")
            else:
                parts.append(f"<p>{_inline(block)}</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
