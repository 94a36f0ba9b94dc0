"""Readers on tiny files in the real formats, and their errors."""

from __future__ import annotations

import polars as pl
import pytest

from emopipe.sources import conversations, corpora, goemotions, lexicons, sst2_sarcasm
from emopipe.sources.errors import SourceFormatError
from emopipe.sources.textio import cast_fields, read_csv_strings, read_lines, read_text


def test_goemotions_unquotes_csv_style_texts_and_maps_names(mirror):
    root, _ = mirror
    table = goemotions.read_goemotions({s: root / f"goemotions/{s}.tsv" for s in goemotions.SPLITS}, root / "goemotions/emotions.txt")
    row = table.filter(pl.col("text").str.contains("Weapons")).row(0, named=True)
    assert row["text"] == 'Lol "Weapons grade weed", I love it' and row["labels"] == ["amusement"]
    multi = table.filter(pl.col("comment_id") == "t002").row(0, named=True)
    assert multi["label_ids"] == [6, 14] and multi["labels"] == ["confusion", "fear"]
    assert table.filter(pl.col("text").str.starts_with("Café"))["source_line"].item() == 11


def test_goemotions_label_names_must_be_28(tmp_path):
    (tmp_path / "emotions.txt").write_text("joy\nanger\n")
    with pytest.raises(SourceFormatError, match="expected 28 distinct label names"):
        goemotions.read_label_names(tmp_path / "emotions.txt")


def test_emolex_skips_empty_first_line_and_crlf(mirror):
    root, _ = mirror
    table = lexicons.read_emolex(root / "nrc_emolex_v0.92/NRC-Emotion-Lexicon-Wordlevel-v0.92.txt")
    assert table.height == 180 and table.columns == ["word", *lexicons.EMOLEX_CATEGORIES]
    assert table.schema["joy"] == pl.Boolean


def test_emolex_word_missing_a_category_is_reported(tmp_path):
    path = tmp_path / "emolex.txt"
    path.write_bytes(b"\r\n" + b"".join(f"abc\t{c}\t0\r\n".encode() for c in lexicons.EMOLEX_CATEGORIES[:9]))
    with pytest.raises(SourceFormatError, match="lacks some of the 10 categories"):
        lexicons.read_emolex(path)


def test_nrc_vad_v21_is_rescaled_to_unit_interval(mirror):
    root, _ = mirror
    table = lexicons.read_nrc_vad(root / "nrc_vad_v2.1/NRC-VAD-Lexicon-v2.1.txt", "v2.1")
    raw = read_lines(root / "nrc_vad_v2.1/NRC-VAD-Lexicon-v2.1.txt")["text"][1].split("\t")
    assert table["valence"][0] == pytest.approx((float(raw[1]) + 1) / 2)


def test_warriner_keeps_the_word_null(mirror):
    root, _ = mirror
    table = lexicons.read_warriner(root / "warriner_xanew/Ratings_Warriner_et_al.csv")
    assert "null" in table["word"].to_list() and table["valence"].is_between(1, 9).all()


def test_semeval_escapes_bare_ampersand_and_flattens_tabs(mirror):
    root, _ = mirror
    base = root / "semeval2007_affective_text"
    files = {s: {k.split(".")[0]: base / f"AffectiveText.{s}/affectivetext_{s}.{k}" for k in ("xml", "emotions.gold", "valence.gold")}
             for s in corpora.SEMEVAL_SPLITS}
    table = corpora.read_semeval(files)
    texts = dict(zip(table["id"], table["text"], strict=True))
    assert texts[3] == "Beckham & Posh win" and texts[501] == "Global National Major ring bust"


def test_semeval_gold_without_headline_is_reported(mirror):
    root, _ = mirror
    base = root / "semeval2007_affective_text/AffectiveText.trial"
    with open(base / "affectivetext_trial.valence.gold", "a") as handle:
        handle.write("999 10\n")
    with pytest.raises(SourceFormatError, match="headline id 999"):
        corpora.read_semeval_split("trial", base / "affectivetext_trial.xml", base / "affectivetext_trial.emotions.gold",
                                   base / "affectivetext_trial.valence.gold")


def test_emorynlp_reads_scenes_separated_by_empty_lines(mirror):
    root, _ = mirror
    table = conversations.read_emorynlp({s: root / f"emorynlp/txt_from_EACL_repo/EMORY_{s}.txt" for s in ("train", "dev", "test")})
    train = table.filter(split="train")
    assert train["scene_id"].to_list() == ["train_scene_00001"] * 2 + ["train_scene_00002"] * 2
    assert train["utterance_index"].to_list() == [0, 1, 0, 1] and train["source_line"].to_list() == [1, 2, 4, 5]
    assert train["speaker"].to_list() == ["Monica Geller", "Joey Tribbiani", "Monica Geller", "Phoebe Buffay"]
    assert table.filter(split="dev")["emotion"].to_list() == ["neutral", "sad"]


def test_an_emorynlp_line_without_three_fields_names_its_line(tmp_path):
    path = tmp_path / "EMORY_dev.txt"
    path.write_text("Ross\tHi.\tNeutral\n\nRachel\tno emotion here\n")
    with pytest.raises(SourceFormatError, match="line 3") as caught:
        conversations.read_emorynlp_split(path, "dev")
    assert "EMORY_dev.txt" in str(caught.value) and "speaker, text, emotion" in str(caught.value)


def test_meld_quoted_commas(mirror):
    root, _ = mirror
    table = conversations.read_meld({s: root / f"meld/MELD/{s}_sent_emo.csv" for s in ("train", "dev", "test")})
    assert table.height == 12 and table["text"][2] == "That I did. That I did."


def test_sst2_reads_both_column_orders(mirror):
    root, _ = mirror
    table = sst2_sarcasm.read_sst2(root / "sst2/train_label_first_crlf.tsv", root / "sst2/dev.tsv")
    assert table.filter(split="train")["sentence"].to_list()[0] == "hide new secretions"
    assert table.filter(split="dev")["sentence"].to_list()[0].endswith("journey .")  # trailing space stripped


def test_text_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok line\nsecond \xff line\n")
    with pytest.raises(SourceFormatError, match=r"bad.txt, line 2: not valid UTF-8 \(byte 0xff"):
        read_text(bad)
    bad.write_bytes(b"  \n")
    with pytest.raises(SourceFormatError, match="the file is empty"):
        read_text(bad)


def test_short_csv_row_and_bad_number_are_reported(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n3\n")
    with pytest.raises(SourceFormatError, match=r"t.csv, line 3: expected 2 fields, found 1"):
        read_csv_strings(path)
    path.write_text("a,b\n1,2\n3,x\n")
    with pytest.raises(SourceFormatError, match=r"line 3, field 'b': 'x' is not a valid Float64"):
        cast_fields(path, read_csv_strings(path), {"b": pl.Float64})
