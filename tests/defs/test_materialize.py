"""The whole data half on tiny files in the real formats, and what bad input does to it."""

from __future__ import annotations

import polars as pl
import pytest

from data_contracts import CONTRACTS
from tests.defs.helpers import DATA_ASSETS, failure_text, run
from tests.fixture_files import rewrite

DATA_TABLES = set(CONTRACTS) - {"scored_texts"}  # every contract but a user's scored corpus (tests/test_cli.py)


def test_whole_data_half_materializes_with_passing_contract_checks(mirror, home):
    root, hashes = mirror
    result = run(root, hashes, home)
    assert result.success, failure_text(result)
    tables = {p.stem for p in (home / "tables").glob("*.parquet")}
    assert tables == DATA_TABLES
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == len(DATA_TABLES) and all(e.passed for e in evaluations)

    goemotions = pl.read_parquet(home / "tables" / "goemotions.parquet")
    assert dict(goemotions.group_by("split").len().rows()) == {"train": 11, "dev": 6, "test": 6}
    assert 'Lol "Weapons grade weed", I love it' in goemotions["text"].to_list()  # CSV quoting undone
    vad = pl.read_parquet(home / "tables" / "goemotions_vad.parquet")
    assert vad.filter("is_single_label").height == 19
    assert vad.filter(~pl.col("is_single_label"))["valence"].null_count() == 4
    points = pl.read_parquet(home / "tables" / "emotion_label_points.parquet")
    assert points.height == 28 and (home / "figures" / "label_points.png").stat().st_size > 10_000
    lexicon = pl.read_parquet(home / "tables" / "nrc_emolex.parquet")
    assert lexicon.height == 180 and "null" in lexicon["word"].to_list()  # EmoLex's empty first line skipped
    warriner = pl.read_parquet(home / "tables" / "warriner_vad.parquet")
    assert "null" in warriner["word"].to_list()  # the word, not a missing value
    mapping = pl.read_parquet(home / "tables" / "label_mapping_datasets.parquet")
    assert set(mapping["pair_id"]) == {
        "nrc_vad__emolex8", "nrc_vad__eil8", "warriner_vad__nrc_vad", "warriner_vad__emolex8",
        "emobank_vad__semeval_be6", "goemotions28__nrc_vad", "goemotions28__ekman6",
    }
    assert mapping.group_by("pair_id", "item").agg(pl.col("split").n_unique()).get_column("split").max() == 1
    conversations = pl.read_parquet(home / "tables" / "conversation_utterances.parquet")
    assert conversations.filter(dataset="emorynlp", split="train")["speaker"].to_list() == [
        "Monica Geller", "Joey Tribbiani", "Monica Geller", "Phoebe Buffay"]


def test_metadata_shows_schema_preview_and_lineage(mirror, home):
    root, hashes = mirror
    result = run(root, hashes, home, selection=["goemotions"])
    [materialization] = result.asset_materializations_for_node("goemotions")
    metadata = materialization.metadata
    assert metadata["dagster/row_count"].value == 23
    columns = {c.name: c for c in metadata["dagster/column_schema"].schema.columns}
    assert columns["label_ids"].description.startswith("label ids")
    assert metadata["source_files"].value["goemotions/train.tsv"]["sha256"] == hashes["goemotions/train.tsv"]
    assert "Weapons grade" in metadata["preview"].value


def test_nrc_vad_v21_is_selectable_and_rescaled(mirror, home):
    root, hashes = mirror
    config = {"ops": {"nrc_vad_lexicon": {"config": {"version": "v2.1"}}}}
    result = run(root, hashes, home, selection=["nrc_vad_lexicon"], run_config=config)
    assert result.success, failure_text(result)
    table = pl.read_parquet(home / "tables" / "nrc_vad_lexicon.parquet")
    assert set(table["lexicon_version"]) == {"v2.1"}
    assert table["valence"].min() >= 0.0 and table["valence"].max() <= 1.0


# Each bad input: (file, how to break it, what the error must say). The asset that reads the file
# must fail with that message and leave the table it materialized before untouched.
BAD_INPUTS = {
    "truncated goemotions": ("goemotions/train.tsv", lambda b: b[:-12], ["goemotions/train.tsv", "line 11", "truncated"]),
    "label id 28": ("goemotions/dev.tsv", lambda b: b.replace(b"\t26\t", b"\t28\t"), ["goemotions/dev.tsv", "line 1", "label_ids", "0..27"]),
    "non-utf8": ("nrc_emolex_v0.92/NRC-Emotion-Lexicon-Wordlevel-v0.92.txt", lambda b: b.replace(b"party", b"p\xe4rty"),
                 ["NRC-Emotion-Lexicon-Wordlevel", "not valid UTF-8", "line 52"]),
    "vad 1.7": ("nrc_vad_v1/NRC-VAD-Lexicon.txt", lambda b: b.replace(b"\n", b"\nzzz\t1.700\t0.5\t0.5\n", 1),
                ["nrc_vad_lexicon", "violates its data contract", "valence|max"]),
    "empty file": ("sst2/dev.tsv", lambda b: b"", ["sst2/dev.tsv", "the file is empty"]),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_fails_clearly_and_keeps_the_previous_table(case, mirror, home):
    root, hashes = mirror
    assert run(root, hashes, home).success
    before = {p.name: p.read_bytes() for p in (home / "tables").glob("*.parquet")}

    rel, corrupt, expected = BAD_INPUTS[case]
    hashes = rewrite(root, rel, corrupt((root / rel).read_bytes()), hashes)
    result = run(root, hashes, home)
    assert not result.success
    message = failure_text(result)
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    after = {p.name: p.read_bytes() for p in (home / "tables").glob("*.parquet")}
    assert after == before


def test_failed_contract_is_a_failed_blocking_check_with_examples(mirror, home):
    root, hashes = mirror
    rel = "nrc_vad_v1/NRC-VAD-Lexicon.txt"
    hashes = rewrite(root, rel, (root / rel).read_bytes().replace(b"\n", b"\nzzz\t1.700\t0.5\t0.5\n", 1), hashes)
    result = run(root, hashes, home)
    [evaluation] = [e for e in result.get_asset_check_evaluations() if e.asset_key.to_user_string() == "nrc_vad_lexicon"]
    assert not evaluation.passed and evaluation.blocking
    assert evaluation.metadata["violations_by_rule"].value == {"valence|max": 1}
    assert "zzz" in evaluation.metadata["examples"].value
    # nothing downstream of the lexicon ran
    assert not (home / "tables" / "emotion_label_points.parquet").exists()
    assert (home / "tables" / "goemotions.parquet").exists()


def test_checksum_mismatch_names_file_and_both_hashes(mirror, home):
    root, hashes = mirror
    rel = "nrc_emotion_intensity_v1/NRC-Emotion-Intensity-Lexicon-v1.txt"
    (root / rel).write_bytes((root / rel).read_bytes() + b"extra\tjoy\t0.5\r\n")
    result = run(root, hashes, home, selection=["nrc_emotion_intensity"])
    message = failure_text(result)
    assert "NRC-Emotion-Intensity-Lexicon-v1.txt" in message and hashes[rel] in message and "has sha256" in message


def test_missing_file_offline_says_which_file_and_what_to_set(mirror, home):
    root, hashes = mirror
    (root / "warriner_xanew/Ratings_Warriner_et_al.csv").unlink()
    result = run(root, hashes, home, selection=["warriner_vad"])
    message = failure_text(result)
    assert "warriner_xanew/Ratings_Warriner_et_al.csv" in message and "EMOPIPE_DATA_DIR" in message


def test_every_data_asset_is_described_and_owned():
    for assets_def in DATA_ASSETS:
        for spec in assets_def.specs:
            assert spec.description and len(spec.description) > 40, spec.key
            assert spec.owners and "polars" in spec.kinds and spec.group_name in {"sources", "datasets"}
