"""The emotion space's parts: equivalence classes are real variables, the sharing loss equals a naive
loop, and the long label-mapping table becomes aligned tensors per pair."""

import math

import polars as pl
import pytest
import torch

from emopipe.emotion_space.equivalences import EQUIVALENCES, check_equivalences, equivalence_table
from emopipe.emotion_space.model import EmotionSpace, readout, sharing_loss
from emopipe.emotion_space.pairs import pair_splits


def test_equivalences_name_real_variables_and_render():
    check_equivalences()
    assert ("semeval_be6", "valence") in EQUIVALENCES["valence"] and ("ekman6", "joy") in EQUIVALENCES["joy"]
    assert "| valence | nrc_vad:valence" in equivalence_table()
    with pytest.raises(ValueError, match="nrc_vad:joy"):
        check_equivalences({"joy": (("nrc_vad", "joy"),)})


def test_sharing_loss_equals_a_naive_loop():
    torch.manual_seed(0)
    space = EmotionSpace(["nrc_vad", "warriner_vad", "emolex8", "eil8", "ekman6"])
    total, count = 0.0, 0
    for members in EQUIVALENCES.values():
        present = [(f, v) for f, v in members if f in space.formats]
        for a in range(len(present)):
            for b in range(a + 1, len(present)):
                (fa, va), (fb, vb) = present[a], present[b]
                ra = space.decoders[fa].weight[space_index(fa, va)].tolist()
                rb = space.decoders[fb].weight[space_index(fb, vb)].tolist()
                dot = sum(x * y for x, y in zip(ra, rb, strict=True))
                cos = dot / (math.sqrt(sum(x * x for x in ra)) * math.sqrt(sum(y * y for y in rb)))
                total, count = total + (1 - cos), count + 1
    assert count > 0
    assert sharing_loss(space, EQUIVALENCES).item() == pytest.approx(total / count, rel=1e-5)


def space_index(fmt, variable):
    from emopipe.labels.formats import FORMATS

    return FORMATS[fmt].variables.index(variable)


def test_sharing_loss_is_zero_when_no_equivalent_formats_are_present_and_gradients_reach_decoders():
    assert sharing_loss(EmotionSpace(["nrc_vad"]), EQUIVALENCES).item() == 0
    space = EmotionSpace(["nrc_vad", "warriner_vad"])
    sharing_loss(space, EQUIVALENCES).backward()
    assert space.decoders["nrc_vad"].weight.grad.abs().sum() > 0


def test_unknown_format_is_named():
    with pytest.raises(ValueError, match="plutchik99"):
        EmotionSpace(["nrc_vad", "plutchik99"])


def test_readout_thresholds_binary_formats_only():
    out = torch.tensor([[-0.3, 0.2, 2.0]])
    assert readout("nrc_vad", out).tolist() == out.tolist()
    assert readout("emolex8", torch.tensor([[-0.3, 0.2]])).tolist() == [[0.0, 1.0]]


def test_pair_splits_align_items_and_variable_order():
    rows = []
    for item, split, vad, emo in (("calm", "train", (0.8, 0.1, 0.5), 0.0), ("rage", "train", (0.1, 0.9, 0.6), 1.0),
                                  ("joy", "test", (0.9, 0.7, 0.6), 0.0)):
        rows += [("nrc_vad__emolex8", item, "word", "nrc_vad", v, x, split) for v, x in zip(("valence", "arousal", "dominance"), vad, strict=True)]
        rows += [("nrc_vad__emolex8", item, "word", "emolex8", e, emo if e == "anger" else 0.0, split)
                 for e in ("trust", "anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise")]
    table = pl.DataFrame(rows, schema=["pair_id", "item", "item_type", "format", "variable", "value", "split"], orient="row")
    train = pair_splits(table, "train")["nrc_vad__emolex8"]
    assert train.items == ["calm", "rage"] and train.left == "nrc_vad" and train.right == "emolex8"
    assert train.x_left.tolist()[1] == pytest.approx([0.1, 0.9, 0.6])
    assert train.x_right[:, 0].tolist() == [0.0, 1.0]  # anger is emolex8's first variable
    with pytest.raises(ValueError, match="nrc_vad__emolex8"):
        pair_splits(table.filter(~((pl.col("item") == "joy") & (pl.col("variable") == "fear"))), "test")


def test_emotion_space_picture_is_a_png_of_every_decoder_row():
    from emopipe.evaluation.plots import emotion_space_figure
    from emopipe.labels.formats import FORMATS

    space = EmotionSpace(["nrc_vad", "warriner_vad", "emolex8"])
    rows = {f"{f}:{v}": space.decoder_row(f, v).detach().numpy() for f in space.formats for v in FORMATS[f].variables}
    classes = {f"{f}:{v}": name for name, members in EQUIVALENCES.items() for f, v in members}
    png = emotion_space_figure(rows, classes, "emotion space")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(rows) == 14


def test_bipolar_variables_live_on_minus_one_to_one_inside_the_space():
    space = EmotionSpace(["nrc_vad", "semeval_be6", "emolex8"])
    values = torch.tensor([[0.0, 0.5, 1.0]])
    assert torch.equal(space.to_space("nrc_vad", values), torch.tensor([[-1.0, 0.0, 1.0]]))  # neutral 0.5 -> the origin
    be6 = torch.full((1, 7), 0.25)
    inside = space.to_space("semeval_be6", be6)
    assert torch.equal(inside[0, :6], be6[0, :6]) and inside[0, 6] == -0.5  # only valence is bipolar
    assert torch.equal(space.to_space("emolex8", torch.ones(1, 8)), torch.ones(1, 8))
    assert torch.allclose(space.from_space("semeval_be6", inside), be6)
    unit = EmotionSpace(["nrc_vad"], bipolar=False)
    assert torch.equal(unit.to_space("nrc_vad", values), values)
