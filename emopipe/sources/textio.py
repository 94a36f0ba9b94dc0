"""Strict, vectorized reading of the text formats the sources use.

Every reader goes through `read_text` (non-empty, strict UTF-8, CRLF normalised) and then splits
and casts with polars expressions, so a bad byte, a short line or a non-number is reported with
its file, line and field instead of turning into a silent null.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from emopipe.sources.errors import SourceFormatError


def read_text(path: Path) -> str:
    """The whole file as text; an empty file or a non-UTF-8 byte is an error naming the line."""
    data = Path(path).read_bytes()
    if not data.strip():
        raise SourceFormatError(path, "the file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        bad = data[err.start : err.end].hex()
        raise SourceFormatError(path, f"not valid UTF-8 (byte 0x{bad} at offset {err.start})", line=line) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def read_lines(path: Path, skip_blank: bool = True) -> pl.DataFrame:
    """One row per line: `line` (1-based, as an editor shows it) and `text`."""
    lines = read_text(path).split("\n")
    df = pl.DataFrame({"line": pl.int_range(1, len(lines) + 1, eager=True), "text": lines})
    if skip_blank:
        df = df.filter(pl.col("text").str.strip_chars() != "")
    return df


def split_fields(path: Path, lines: pl.DataFrame, names: list[str], separator: str = "\t") -> pl.DataFrame:
    """Split each line into exactly `len(names)` string fields; a line with another count is an error."""
    parts = lines.with_columns(pl.col("text").str.split(separator).alias("_parts"))
    bad = parts.filter(pl.col("_parts").list.len() != len(names))
    if bad.height:
        row = bad.row(0, named=True)
        raise SourceFormatError(
            path,
            f"expected {len(names)} {separator!r}-separated fields ({', '.join(names)}), found "
            f"{len(row['_parts'])} in {row['text'][:80]!r} ({bad.height} such lines; truncated file?)",
            line=row["line"],
        )
    return parts.select(
        "line", *[pl.col("_parts").list.get(i).alias(name) for i, name in enumerate(names)]
    )


def read_csv_strings(path: Path, separator: str = ",", has_header: bool = True) -> pl.DataFrame:
    """A quoted CSV read strictly: every field a string, `line` = data row number + 1 (header is line 1).

    polars pads a short row with empty strings, so the field count is checked first with the csv
    module (a C loop), which also knows the physical line of rows with multi-line quoted fields.
    """
    text = read_text(path)
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    expected = None
    for row in reader:
        if not row:
            continue
        expected = expected or len(row)
        if len(row) != expected:
            raise SourceFormatError(path, f"expected {expected} fields, found {len(row)} (truncated file or unquoted separator?)",
                                    line=reader.line_num)
    try:
        df = pl.read_csv(io.StringIO(text), separator=separator, has_header=has_header, infer_schema=False, quote_char='"',
                         empty_string_is_null=False, truncate_ragged_lines=False)
    except pl.exceptions.PolarsError as err:
        raise SourceFormatError(path, f"not a well-formed CSV: {err}") from None
    return df.with_row_index("line", offset=2 if has_header else 1).with_columns(pl.col("line").cast(pl.Int64))


def require_columns(path: Path, df: pl.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SourceFormatError(path, f"missing column(s) {missing}; found {df.columns}")


def cast_fields(path: Path, df: pl.DataFrame, dtypes: dict[str, pl.DataType]) -> pl.DataFrame:
    """Cast string fields; a value that does not parse (or is empty) is an error naming line and field."""
    out = df.with_columns(
        pl.col(name).str.strip_chars().cast(dtype, strict=False).alias(name) for name, dtype in dtypes.items()
    )
    for name in dtypes:
        failed = out[name].is_null() & df[name].is_not_null()
        if failed.any() or df[name].is_null().any():
            idx = int((failed | df[name].is_null()).arg_max())
            raise SourceFormatError(
                path, f"{df[name][idx]!r} is not a valid {dtypes[name]}", line=int(df["line"][idx]), field=name
            )
    return out
