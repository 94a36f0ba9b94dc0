"""Conversation corpora for emotion recognition in conversation: MELD and EmoryNLP.

EmoryNLP's train split is the multimodal subset the MELD repository ships (7,551 utterances), since
the original train JSON is not available; dev and test are the original JSON files.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from emopipe.sources.errors import SourceFormatError
from emopipe.sources.textio import cast_fields, read_csv_strings, read_text, require_columns

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


def read_emorynlp_csv(path: Path, split: str) -> pl.DataFrame:
    """The MELD repository's CSV: `Speaker` is a Python list literal such as `['Monica Geller']`."""
    df = read_csv_strings(path)
    require_columns(path, df, ["Utterance", "Speaker", "Emotion", "Scene_ID", "Utterance_ID", "Season", "Episode"])
    df = cast_fields(path, df, {"Scene_ID": pl.Int64, "Utterance_ID": pl.Int64, "Season": pl.Int64, "Episode": pl.Int64})
    speakers = pl.col("Speaker").str.strip_chars("[] ").str.extract_all(r"'([^']*)'|\"([^\"]*)\"").list.eval(
        pl.element().str.strip_chars("'\"")
    )
    return df.select(
        pl.lit(split).alias("split"),
        pl.format("s{}_e{}_c{}", pl.col("Season").cast(pl.String).str.zfill(2), pl.col("Episode").cast(pl.String).str.zfill(2),
                  pl.col("Scene_ID").cast(pl.String).str.zfill(2)).alias("scene_id"),
        (pl.col("Utterance_ID") - 1).alias("utterance_index"),
        speakers.list.join(", ").alias("speaker"),
        pl.col("Utterance").str.strip_chars().alias("text"),
        pl.col("Emotion").str.to_lowercase().alias("emotion"),
        pl.lit(path.name).alias("source_file"),
    )


def read_emorynlp_json(path: Path, split: str) -> pl.DataFrame:
    """The original JSON: seasons -> episodes -> scenes -> utterances, in dialogue order."""
    try:
        season = json.loads(read_text(path))
        rows = [
            (scene["scene_id"], i, ", ".join(utt["speakers"]), utt["transcript"].strip(), utt["emotion"].lower())
            for episode in season["episodes"]
            for scene in episode["scenes"]
            for i, utt in enumerate(scene["utterances"])
        ]
    except json.JSONDecodeError as err:
        raise SourceFormatError(path, f"not valid JSON: {err.msg}", line=err.lineno) from None
    except (KeyError, TypeError) as err:
        raise SourceFormatError(path, f"unexpected structure, missing {err}") from None
    df = pl.DataFrame(rows, schema=["scene_id", "utterance_index", "speaker", "text", "emotion"], orient="row")
    return df.select(pl.lit(split).alias("split"), pl.all(), pl.lit(path.name).alias("source_file"))


def read_emorynlp(train_csv: Path, dev_json: Path, test_json: Path) -> pl.DataFrame:
    frames = [read_emorynlp_csv(train_csv, "train"), read_emorynlp_json(dev_json, "dev"), read_emorynlp_json(test_json, "test")]
    return pl.concat([f.with_columns(pl.col("utterance_index").cast(pl.Int64)) for f in frames])
