"""Sentence-level emotion corpora: EmoBank (VAD, 1-5) and SemEval-2007 Affective Text (six basic
emotions 0-100 plus valence -100..100). Scores stay on each corpus's own scale here."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import polars as pl

from data_contracts.vocab import BASIC6, VAD
from emopipe.sources.errors import SourceFormatError
from emopipe.sources.textio import cast_fields, read_csv_strings, read_lines, read_text, require_columns, split_fields

SEMEVAL_EMOTIONS = BASIC6
SEMEVAL_SPLITS = ("trial", "test")


def read_emobank(path: Path) -> pl.DataFrame:
    """`id,split,V,A,D,text`: one row per sentence; the one sentence with an empty text is kept as ''."""
    df = read_csv_strings(path)
    require_columns(path, df, ["id", "split", "V", "A", "D", "text"])
    df = df.rename({"V": "valence", "A": "arousal", "D": "dominance"})
    df = cast_fields(path, df, {v: pl.Float64 for v in VAD})
    return df.select("id", "split", *VAD, "text", pl.col("line").alias("source_line"))


def _read_headlines(path: Path) -> pl.DataFrame:
    # The official files have no XML declaration and may hold a bare '&': escape it before parsing.
    text = re.sub(r"&(?!(amp|lt|gt|quot|apos|#\d+);)", "&amp;", read_text(path))
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        raise SourceFormatError(path, f"not well-formed XML: {err}", line=err.position[0]) from None
    rows = [(inst.get("id"), inst.text or "") for inst in root.iter("instance")]
    if not rows:
        raise SourceFormatError(path, "no <instance> elements")
    return pl.DataFrame(rows, schema={"id": pl.String, "text": pl.String}, orient="row").with_columns(
        pl.col("id").cast(pl.Int64, strict=True)
    )


def _read_gold(path: Path, names: list[str]) -> pl.DataFrame:
    fields = split_fields(path, read_lines(path), ["id", *names], separator=" ")
    return cast_fields(path, fields, {n: pl.Int64 for n in ["id", *names]}).drop("line")


def read_semeval_split(split: str, xml: Path, emotions: Path, valence: Path) -> pl.DataFrame:
    """One split: headline, six emotion scores and valence, joined by id; every id must be in all three files."""
    heads = _read_headlines(xml)
    emo = _read_gold(emotions, list(SEMEVAL_EMOTIONS))
    val = _read_gold(valence, ["valence"])
    joined = heads.join(emo, on="id", how="full", coalesce=True).join(val, on="id", how="full", coalesce=True)
    orphan = joined.filter(pl.any_horizontal(pl.all().is_null()))
    if orphan.height:
        raise SourceFormatError(xml.parent, f"headline id {orphan['id'][0]} is not in all of {xml.name}, {emotions.name}, "
                                            f"{valence.name} ({orphan.height} such ids)")
    # Collapse the TAB some headlines carry into a space: the text is one line of a headline.
    return joined.select(pl.lit(split).alias("split"), "id", pl.col("text").str.replace_all(r"\s+", " ").str.strip_chars(),
                         *SEMEVAL_EMOTIONS, "valence").sort("id")


def read_semeval(paths: dict[str, dict[str, Path]]) -> pl.DataFrame:
    """`paths[split]` holds the split's `xml`, `emotions` and `valence` files."""
    return pl.concat([read_semeval_split(s, **paths[s]) for s in SEMEVAL_SPLITS])
