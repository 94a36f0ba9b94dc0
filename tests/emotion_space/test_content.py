"""Content encoders: the augmented loss is what the docstring says (checked against a naive loop)
and never moves the frozen space; the word MLP really learns through a frozen decoder; and the
content splits never test on what a model trained on."""

import numpy as np
import polars as pl
import torch

from emopipe.emotion_space.content_data import content_data
from emopipe.emotion_space.content_encoder import Target, frozen, score, target_loss
from emopipe.emotion_space.content_train import train_word_head
from emopipe.emotion_space.model import EmotionSpace
from emopipe.labels.formats import FORMATS
from emopipe.labels.splits import split_items


def test_augmented_loss_matches_a_naive_loop_and_leaves_the_space_alone():
    torch.manual_seed(0)
    space = frozen(EmotionSpace(["emobank_vad", "semeval_be6"]))
    before = {k: v.clone() for k, v in space.state_dict().items()}
    gold = np.random.default_rng(0).random((5, 3))
    z = torch.randn(5, 100, requires_grad=True)
    loss = target_loss(space, Target("emobank_vad", gold, augment="semeval_be6", augment_weight=0.5), z,
                       torch.as_tensor(gold, dtype=torch.float32))

    naive = 0.0
    for i in range(5):
        g = torch.tensor(gold[i], dtype=torch.float32) * 2 - 1  # EmoBank VAD on [-1, 1] inside the space
        vad = space.decoders["emobank_vad"].weight @ z[i]
        mapped = space.decoders["semeval_be6"].weight @ space.encoders["emobank_vad"](g[None])[0]
        be6 = space.decoders["semeval_be6"].weight @ z[i]
        naive = naive + ((vad - g) ** 2).mean() / 5 + 0.5 * ((be6 - mapped.detach()) ** 2).mean() / 5
    assert torch.allclose(loss, naive, atol=1e-5)
    loss.backward()
    assert z.grad is not None and all(p.grad is None for p in space.parameters())
    assert all(torch.equal(before[k], v) for k, v in space.state_dict().items())


def test_word_head_learns_through_a_frozen_decoder():
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(16, 3))
    features = {s: rng.normal(size=(n, 16)) for s, n in (("train", 600), ("dev", 100), ("test", 100))}
    vad = {s: 1 / (1 + np.exp(-f @ weights / 4)) for s, f in features.items()}
    torch.manual_seed(0)
    space = frozen(EmotionSpace(["nrc_vad"]))
    targets = {s: Target("nrc_vad", vad[s]) for s in vad}
    head, history = train_word_head(features, targets, space, epochs=30, learning_rate=3e-3, batch_size=32, seed=0, log=lambda s: None)
    with torch.no_grad():
        test_r = score(space, "nrc_vad", head(torch.as_tensor(features["test"], dtype=torch.float32)).numpy(), vad["test"])
    assert test_r > 0.9 and history[-1]["dev_word_vad_mean_r"] > history[0]["dev_word_vad_mean_r"]


def _long(pair_id: str, item_type: str, items: list[str], fmt_values: dict[str, np.ndarray]) -> pl.DataFrame:
    splits = split_items(pl.Series("item", items), seed=13)
    rows = []
    for fmt, values in fmt_values.items():
        for item, row in zip(items, values, strict=True):
            rows += [(pair_id, item, item_type, fmt, v, float(x)) for v, x in zip(FORMATS[fmt].variables, row, strict=True)]
    table = pl.DataFrame(rows, schema=["pair_id", "item", "item_type", "format", "variable", "value"], orient="row")
    return table.join(splits, on="item")


def test_content_splits_hold_out_what_is_tested():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(200)]
    headlines = [f"headline {i}" for i in range(60)]
    mapping = pl.concat([
        _long("nrc_vad__emolex8", "word", words[:150], {"nrc_vad": rng.random((150, 3)), "emolex8": rng.integers(0, 2, (150, 8))}),
        _long("nrc_vad__eil8", "word", words[100:], {"nrc_vad": rng.random((100, 3)), "eil8": rng.random((100, 8))}),
        _long("emobank_vad__semeval_be6", "text", headlines, {"emobank_vad": rng.random((60, 3)), "semeval_be6": rng.random((60, 7))}),
    ])
    sentences = headlines + [f"sentence {i}" for i in range(90)]
    emobank = pl.DataFrame({"text": sentences, "split": [["train", "dev", "test"][i % 3] for i in range(150)],
                            **{v: rng.uniform(1, 5, 150) for v in ("valence", "arousal", "dominance")}})
    data = content_data(mapping, emobank)

    train_words = set(data.words["train"].items)
    for fmt in ("emolex8", "eil8"):
        assert data.word_tests[fmt].fmt == fmt and data.word_tests[fmt].values.shape[1] == 8
        assert not train_words & set(data.word_tests[fmt].items)
    assert set(data.words["test"].items) == set(data.word_tests["emolex8"].items) | set(data.word_tests["eil8"].items)
    assert len(data.words["train"]) + len(data.words["dev"]) + len(data.words["test"]) == 200

    train_texts = set(data.texts["train"].items)
    assert not train_texts & (set(data.be6["test"].items) | set(data.be6["dev"].items))
    assert set(data.be6["test"].items) <= set(data.texts["test"].items)
    assert "sentence 0" in train_texts and "sentence 2" in set(data.texts["test"].items)  # EmoBank's own split elsewhere
    assert data.texts["train"].values.min() >= 0 and data.texts["train"].values.max() <= 1  # 1-5 rescaled
