"""Word-level emotion lexicons: NRC VAD (v1 and v2.1), NRC EmoLex, NRC Emotion Intensity, Warriner.

Each reader returns one row per word (per word and emotion for intensity) with the scores on the
lexicon's own scale, except NRC VAD v2.1, which is rescaled from [-1, 1] to v1's [0, 1] so that the
two versions are interchangeable downstream; the `lexicon_version` column says which one it was.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from data_contracts.vocab import PLUTCHIK8, VAD
from emopipe.sources.errors import SourceFormatError
from emopipe.sources.textio import cast_fields, read_csv_strings, read_lines, require_columns, split_fields

EMOLEX_CATEGORIES = (*PLUTCHIK8, "negative", "positive")
NRC_VAD_VERSIONS = ("v1", "v2.1")


def read_nrc_vad(path: Path, version: str) -> pl.DataFrame:
    """`term \\t valence \\t arousal \\t dominance` with a header line; v2.1 is rescaled to [0, 1]."""
    if version not in NRC_VAD_VERSIONS:
        raise ValueError(f"NRC VAD version must be one of {NRC_VAD_VERSIONS}, got {version!r}")
    lines = read_lines(path)
    header, body = lines.head(1), lines.slice(1)
    if header["text"][0].lower().split("\t")[1:] != list(VAD):
        raise SourceFormatError(path, f"expected a header 'term, valence, arousal, dominance', got {header['text'][0]!r}", line=1)
    df = cast_fields(path, split_fields(path, body, ["term", *VAD]), {v: pl.Float64 for v in VAD})
    if version == "v2.1":
        df = df.with_columns(((pl.col(v) + 1.0) / 2.0).alias(v) for v in VAD)
    return df.select(pl.col("term"), *VAD, pl.lit(version).alias("lexicon_version"), pl.col("line").alias("source_line"))


def read_emolex(path: Path) -> pl.DataFrame:
    """Long `word \\t category \\t 0|1` (empty first line, CRLF) pivoted to one boolean column per category."""
    df = split_fields(path, read_lines(path), ["word", "category", "association"])
    unknown = df.filter(~pl.col("category").is_in(EMOLEX_CATEGORIES))
    if unknown.height:
        raise SourceFormatError(path, f"unknown category {unknown['category'][0]!r}; expected one of {EMOLEX_CATEGORIES}",
                                line=unknown["line"][0], field="category")
    bad = df.filter(~pl.col("association").is_in(["0", "1"]))
    if bad.height:
        raise SourceFormatError(path, f"association must be 0 or 1, got {bad['association'][0]!r}", line=bad["line"][0], field="association")
    dupes = df.filter(pl.struct("word", "category").is_duplicated())
    if dupes.height:
        raise SourceFormatError(path, f"word {dupes['word'][0]!r} lists {dupes['category'][0]!r} twice", line=dupes["line"][0])
    wide = (
        df.with_columns(pl.col("association") == "1")
        .pivot(on="category", index="word", values="association", on_columns=list(EMOLEX_CATEGORIES))
    )
    incomplete = wide.filter(pl.any_horizontal(pl.col(c).is_null() for c in EMOLEX_CATEGORIES))
    if incomplete.height:
        raise SourceFormatError(path, f"word {incomplete['word'][0]!r} lacks some of the {len(EMOLEX_CATEGORIES)} categories "
                                      f"({incomplete.height} such words; truncated file?)")
    return wide.select("word", *EMOLEX_CATEGORIES).sort("word")


def read_emotion_intensity(path: Path) -> pl.DataFrame:
    """`word \\t emotion \\t score` (no header, CRLF): only the word-emotion pairs the lexicon rates."""
    df = cast_fields(path, split_fields(path, read_lines(path), ["word", "emotion", "score"]), {"score": pl.Float64})
    unknown = df.filter(~pl.col("emotion").is_in(PLUTCHIK8))
    if unknown.height:
        raise SourceFormatError(path, f"unknown emotion {unknown['emotion'][0]!r}; expected one of {PLUTCHIK8}",
                                line=unknown["line"][0], field="emotion")
    return df.select("word", "emotion", "score", pl.col("line").alias("source_line"))


_WARRINER = {"Word": "word", "V.Mean.Sum": "valence", "A.Mean.Sum": "arousal", "D.Mean.Sum": "dominance",
             "V.Rat.Sum": "valence_n", "A.Rat.Sum": "arousal_n", "D.Rat.Sum": "dominance_n"}


def read_warriner(path: Path) -> pl.DataFrame:
    """Warriner et al. (2013) means on their 1-9 scale, with rating counts. The word "null" stays a word."""
    df = read_csv_strings(path)
    require_columns(path, df, list(_WARRINER))
    df = df.select("line", *[pl.col(src).alias(dst) for src, dst in _WARRINER.items()])
    df = cast_fields(path, df, {v: pl.Float64 for v in VAD} | {f"{v}_n": pl.Int64 for v in VAD})
    return df.select("word", *VAD, *[f"{v}_n" for v in VAD], pl.col("line").alias("source_line"))
