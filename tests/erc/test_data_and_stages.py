"""ERC examples from the conversation table, stage 2 of EACL, and the two training kinds on a tiny encoder."""

from dataclasses import replace

import numpy as np
import polars as pl
import pytest
import torch

from emopipe.erc.data import erc_split
from emopipe.erc.options import BUDGETS, EaclOptions, ErcBudget
from emopipe.erc.run import run_erc
from emopipe.erc.train import stage_two, train_erc, weighted_f1
from emopipe.training import device, inference, loop
from emopipe.training.encoders import TINY, load_encoder


def _table(n_dialogues: int = 6, turns: int = 4) -> pl.DataFrame:
    emotions = ["joy", "anger", "neutral", "sadness"]
    rows = [{"dataset": "meld", "split": split, "dialogue_id": f"dia{d}", "turn": t, "speaker": ["Ross", "Rachel"][t % 2],
             "text": f"{emotions[(d + t) % 4]} line {t}", "emotion": emotions[(d + t) % 4]}
            for split in ("train", "dev", "test") for d in range(n_dialogues) for t in range(turns)]
    return pl.DataFrame(rows).sample(fraction=1.0, shuffle=True, seed=3)  # order must not matter


@pytest.fixture(scope="module")
def tokenizer():
    return load_encoder(TINY)[1]


def test_split_keeps_dialogue_order_labels_and_whole_dialogues(tokenizer):
    table = _table()
    split = erc_split(table, "meld", "train", tokenizer, 64)
    assert len(split.ids) == 24 and all(ids.count(tokenizer.mask_token_id) == 1 for ids in split.ids)
    assert split.dialogue_ids[:4] == ["dia0"] * 4
    assert list(split.labels[:4]) == [3, 0, 6, 4]  # joy, anger, neutral, sadness in the reference's MELD order
    assert "joy line 0" in tokenizer.decode(split.ids[1])  # turn 1 sees turn 0 as its context
    limited = erc_split(table, "meld", "train", tokenizer, 64, dialogue_limit=2)
    assert len(limited.ids) == 8 and sorted(set(limited.dialogue_ids)) == sorted(set(limited.dialogue_ids[::4]))


def test_unknown_emotion_or_empty_split_is_a_clear_error(tokenizer):
    bad = _table().with_columns(pl.when(pl.col("turn") == 1).then(pl.lit("joyful")).otherwise(pl.col("emotion")).alias("emotion"))
    with pytest.raises(ValueError, match=r"meld/train: emotion\(s\) \['joyful'\]"):
        erc_split(bad, "meld", "train", tokenizer, 64)
    with pytest.raises(ValueError, match="no emorynlp/train rows"):
        erc_split(_table(), "emorynlp", "train", tokenizer, 64)
    with pytest.raises(ValueError, match="unknown ERC dataset"):
        erc_split(_table(), "iemocap", "train", tokenizer, 64)


def test_stage_two_moves_misplaced_anchors_onto_their_classes():
    rng = np.random.default_rng(0)
    centres = np.eye(3, 8) * 4
    reps = {s: (centres[y] + rng.normal(0, 0.5, (len(y), 8))).astype(np.float32) for s, y in
            (("train", np.repeat([0, 1, 2], 60)), ("dev", np.repeat([0, 1, 2], 20)))}
    labels = {"train": np.repeat([0, 1, 2], 60), "dev": np.repeat([0, 1, 2], 20)}
    wrong = torch.tensor(centres[[1, 2, 0]] + 0.3, dtype=torch.float32)  # every anchor sits on another class
    before = weighted_f1(labels["dev"], (torch.tensor(reps["dev"]) @ wrong.T).argmax(1).numpy())
    tuned, _ = stage_two(reps, labels, wrong, EaclOptions(stage_two_epochs=30), 0.05, seed=0, log=lambda s: None)
    after = weighted_f1(labels["dev"], (torch.nn.functional.normalize(torch.tensor(reps["dev"]), dim=1)
                                        @ torch.nn.functional.normalize(tuned, dim=1).T).argmax(1).numpy())
    assert before == 0.0 and after > 0.9


@pytest.mark.parametrize("kind", ["eacl", "baseline"])
def test_both_kinds_train_select_on_dev_and_resume(tmp_path, tokenizer, kind):
    table = _table()
    splits = {s: erc_split(table, "meld", s, tokenizer, 64) for s in ("train", "dev", "test")}
    budget = ErcBudget(TINY, epochs=2, max_length=64, past_turns=8, batch_size=8, learning_rate=5e-3, head_learning_rate=1e-2,
                       bf16=False, inference_batch_size=16)
    words = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")
    trained = train_erc(kind, splits, words, budget, EaclOptions(stage_two_epochs=2), tmp_path / kind, seed=1, log=lambda s: None)
    assert len(trained.fit.history) == 2 and trained.anchors.shape == (7, 256)
    assert trained.fit.best_score == max(h["dev_weighted_f1"] for h in trained.fit.history)
    again = train_erc(kind, splits, words, budget, EaclOptions(stage_two_epochs=2), tmp_path / kind, seed=1, log=lambda s: None)
    assert again.fit.resumed_from == 1 and again.fit.best_score == trained.fit.best_score
    if kind == "eacl":
        assert not torch.equal(trained.anchors, trained.initial_anchors)


@pytest.mark.parametrize("bf16", [False, True])
def test_every_forward_pass_runs_in_the_budgets_precision(monkeypatch, tmp_path, bf16):
    """The cpu budget trains in float32 even on a CPU with native bf16 (its F1 was measured in float32)."""
    monkeypatch.setattr(device, "cpu_has_fast_bf16", lambda: True)
    asked = []
    for module in (loop, inference):  # training and prediction
        monkeypatch.setattr(module, "autocast", lambda where, wanted: asked.append(wanted) or device.autocast(where, wanted))
    budget = replace(BUDGETS["smoke"], epochs=1, bf16=bf16, inference_batch_size=16)
    run_erc("meld", _table(), budget, EaclOptions(stage_two_epochs=1), tmp_path, log=lambda s: None)
    assert asked and set(asked) == {bf16}
    assert BUDGETS["cpu"].bf16 is False and BUDGETS["gpu"].bf16 is True
