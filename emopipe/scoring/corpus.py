"""A user's corpus read leniently: every good row kept, every bad row reported by its line.

A corpus is CSV (with a header), JSON lines or Parquet, with a `text` column; with a `dialogue`
column too it is a corpus of conversations (`dialogue`, `speaker`, `text`, turns in file order). A
row whose text is empty, not UTF-8, or longer than `MAX_CHARS` (a broken quote can swallow a file)
is left out and reported with its line (for Parquet, its 1-based row number), and so is a line
that is not JSON or not CSV; only a file that cannot be read at all, or lacks the `text` column, is
an error."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from emopipe.serving_inputs import MAX_CHARS  # what a served model reads of a text; longer rows are reported

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


class CorpusError(ValueError):
    """The file as a whole cannot be scored; the message names the file."""


@dataclass(frozen=True)
class Corpus:
    rows: pl.DataFrame      # line, text, and for conversations dialogue and speaker; in file order
    problems: pl.DataFrame  # line, problem: the rows left out
    conversations: bool


def format_of(path: Path) -> str:
    """csv, parquet or jsonl, from the file name."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise CorpusError(f"{path}: cannot tell the format from the name; use .csv, .parquet or .jsonl "
                          "(or say which with --format)") from None


def read_corpus(path: Path, fmt: str | None = None) -> Corpus:
    fmt = fmt or format_of(path)
    readers = {"csv": _csv_records, "jsonl": _jsonl_records, "parquet": _parquet_records}
    if fmt not in readers:
        raise CorpusError(f"{path}: unknown format {fmt!r}; known: {', '.join(readers)}")
    try:
        records, problems = readers[fmt](path)
    except OSError as err:
        raise CorpusError(f"{path}: cannot read it ({err.strerror or err})") from err
    return _checked(path, records, problems)


def _checked(path: Path, records: list[tuple[int, dict]], problems: list[tuple[int, str]]) -> Corpus:
    if not records and not problems:
        raise CorpusError(f"{path}: no rows")
    if records and not any("text" in r for _, r in records):
        raise CorpusError(f"{path}: no `text` column (found {', '.join(sorted(records[0][1])) or 'none'}); "
                          "a corpus needs `text`, and conversations also `dialogue` and `speaker`")
    conversations = any("dialogue" in r for _, r in records)
    rows = []
    for line, record in records:
        problem = _problem(record, conversations)
        if problem:
            problems.append((line, problem))
            continue
        row = {"line": line, "text": record["text"]}
        if conversations:
            row |= {"dialogue": str(record["dialogue"]), "speaker": _text_or_empty(record.get("speaker"))}
        rows.append(row)
    schema = {"line": pl.Int64, "text": pl.String} | ({"dialogue": pl.String, "speaker": pl.String} if conversations else {})
    return Corpus(pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema),
                  pl.DataFrame(sorted(problems), schema={"line": pl.Int64, "problem": pl.String}, orient="row"), conversations)


def _text_or_empty(value) -> str:
    return "" if value is None else str(value)


def _problem(record: dict, conversations: bool) -> str | None:
    text = record.get("text")
    if text is None or (isinstance(text, str) and not text.strip()):
        return "empty text"
    if not isinstance(text, str):
        return f"text is a {type(text).__name__}, not a string"
    if len(text) > MAX_CHARS:
        return f"text of {len(text):,} characters, more than {MAX_CHARS:,} (a broken quote?)"
    if conversations and record.get("dialogue") in (None, ""):
        return "no dialogue id (a conversation corpus needs `dialogue` on every row)"
    return None


def _lines(path: Path) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(line number, text) of every line that is UTF-8, and a problem for every line that is not."""
    good, bad = [], []
    for number, raw in enumerate(path.read_bytes().splitlines(keepends=True), start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            bad.append((number, f"not UTF-8 (byte 0x{raw[err.start:err.end].hex()} at column {err.start + 1})"))
            continue
        good.append((number, text.removeprefix("\ufeff") if number == 1 else text))
    return good, bad


def _jsonl_records(path: Path) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    lines, problems = _lines(path)
    records = []
    for number, line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            problems.append((number, f"not JSON ({err.msg} at column {err.colno})"))
            continue
        if not isinstance(record, dict):
            problems.append((number, f"a JSON {type(record).__name__}, not an object with \"text\""))
            continue
        records.append((number, record))
    return records, problems


def _csv_records(path: Path) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    lines, problems = _lines(path)
    csv.field_size_limit(2**31 - 1)  # a long field is reported by _problem, not refused by the parser
    numbers = [number for number, _ in lines]
    reader = csv.reader(text for _, text in lines)
    header = next(reader, None)
    if header is None:
        return [], problems
    header = [name.strip() for name in header]
    records, start = [], reader.line_num
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            problems.append((numbers[start], f"not CSV ({err})"))
            start = reader.line_num
            continue
        line, start = numbers[start], reader.line_num  # the physical line the row starts on
        if not fields:
            continue
        if len(fields) != len(header):
            problems.append((line, f"{len(fields)} fields where the header has {len(header)} ({', '.join(header)})"))
            continue
        records.append((line, dict(zip(header, fields, strict=True))))
    return records, problems


def _parquet_records(path: Path) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, pl.exceptions.ComputeError, OSError) as err:
        raise CorpusError(f"{path}: not a readable Parquet file ({err})") from err
    if "text" not in frame.columns:
        raise CorpusError(f"{path}: no `text` column (found {', '.join(frame.columns)}); "
                          "a corpus needs `text`, and conversations also `dialogue` and `speaker`")
    problems = []
    if frame.schema["text"] == pl.Binary:  # bytes: decoded here so that a bad one is reported, not fatal
        texts = []
        for number, raw in enumerate(frame["text"].to_list(), start=1):
            try:
                texts.append(None if raw is None else raw.decode("utf-8"))
            except UnicodeDecodeError as err:
                problems.append((number, f"not UTF-8 (byte 0x{raw[err.start:err.end].hex()} at offset {err.start})"))
                texts.append(None)
        frame = frame.with_columns(pl.Series("text", texts, dtype=pl.String))
    bad = {line for line, _ in problems}
    keep = [c for c in ("text", "dialogue", "speaker") if c in frame.columns]
    records = [(number, row) for number, row in enumerate(frame.select(keep).iter_rows(named=True), start=1) if number not in bad]
    return records, problems
