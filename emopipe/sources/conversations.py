"""Conversation corpora for emotion recognition in conversation: MELD and EmoryNLP.

EmoryNLP is read from the text files of the EACL reference repository: the full original split
(9,934 / 1,344 / 1,328 utterances), the one the EACL paper trained and tested on. (The MELD
repository's CSV is a multimodal subset of 7,551 train utterances; emopipe no longer reads it.)
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from emopipe.sources.errors import SourceFormatError
from emopipe.sources.textio import cast_fields, read_csv_strings, read_lines, require_columns, split_fields

MELD_COLUMNS = ["Utterance", "Speaker", "Emotion", "Sentiment", "Dialogue_ID", "Utterance_ID", "Season", "Episode"]


def read_meld_split(path: Path, split: str) -> pl.DataFrame:
    df = read_csv_strings(path)
    require_columns(path, df, MELD_COLUMNS)
    df = cast_fields(path, df, {"Dialogue_ID": pl.Int64, "Utterance_ID": pl.Int64, "Season": pl.Int64, "Episode": pl.Int64})
    return df.select(
        pl.lit(split).alias("split"),
        pl.col("Dialogue_ID").alias("dialogue_id"),
        pl.col("Utterance_ID").alias("utterance_id"),
        pl.col("Speaker").str.strip_chars().alias("speaker"),
        pl.col("Utterance").str.strip_chars().alias("text"),
        pl.col("Emotion").str.to_lowercase().alias("emotion"),
        pl.col("Sentiment").str.to_lowercase().alias("sentiment"),
        pl.col("Season").alias("season"),
        pl.col("Episode").alias("episode"),
        pl.col("line").alias("source_line"),
    )


def read_meld(paths: dict[str, Path]) -> pl.DataFrame:
    return pl.concat([read_meld_split(paths[s], s) for s in ("train", "dev", "test")])


def read_emorynlp_split(path: Path, split: str) -> pl.DataFrame:
    """One EACL-repository file: `speaker<TAB>transcript<TAB>emotion` a line, an empty line between
    scenes, scenes in episode order. A scene's id is its position in the file (the files carry none)."""
    lines = read_lines(path, skip_blank=False)
    lines = lines.with_columns((pl.col("text").str.strip_chars() == "").alias("_blank"))
    lines = lines.with_columns(pl.col("_blank").cum_sum().alias("_scene")).filter(~pl.col("_blank"))
    if lines.height == 0:
        raise SourceFormatError(path, "no utterances")
    fields = split_fields(path, lines.select("line", "text"), ["speaker", "text", "emotion"])
    fields = fields.with_columns(lines["_scene"].rank("dense").cast(pl.Int64).alias("_scene"))
    return fields.select(
        pl.lit(split).alias("split"),
        pl.format("{}_scene_{}", pl.lit(split), pl.col("_scene").cast(pl.String).str.zfill(5)).alias("scene_id"),
        pl.int_range(pl.len()).over("_scene").cast(pl.Int64).alias("utterance_index"),
        pl.col("speaker").str.strip_chars(),
        pl.col("text").str.strip_chars(),
        pl.col("emotion").str.strip_chars().str.to_lowercase(),
        pl.col("line").cast(pl.Int64).alias("source_line"),
    )


def read_emorynlp(paths: dict[str, Path]) -> pl.DataFrame:
    """Train, dev and test from `paths` (split -> file)."""
    return pl.concat([read_emorynlp_split(paths[s], s) for s in ("train", "dev", "test")])
