"""The label converter behind the `emopipe-label-mapper` pyfunc: a saved space converts exactly as
the trained one, and bad requests or files get errors that name the field, row, variable or file."""

import pytest
import torch

from emopipe.emotion_space.convert import LabelConverter, load_space, save_space
from emopipe.emotion_space.model import EmotionSpace
from emopipe.serving_inputs import coerce_request
from emopipe.training.checkpoints import CheckpointError

FORMATS = ["nrc_vad", "emolex8", "warriner_vad"]


@pytest.fixture
def space():
    torch.manual_seed(0)
    return EmotionSpace(FORMATS)


def test_saved_space_converts_like_the_trained_one(space, tmp_path):
    request = {"from": "nrc_vad", "to": "warriner_vad", "values": [[0.9, 0.6, 0.7], [0.1, 0.2, 0.3]]}
    before = LabelConverter(space).convert(request)
    after = LabelConverter(load_space(save_space(space, tmp_path / "m"))).convert(request)
    assert list(after.columns) == ["valence", "arousal", "dominance"] and len(after) == 2
    assert after.equals(before)
    # inside the space valence, arousal and dominance are on [-1, 1]; the answer is back on [0, 1]
    inside = space.decode("warriner_vad", space.encode("nrc_vad", 2 * torch.tensor(request["values"]) - 1))
    assert after.to_numpy() == pytest.approx(((inside + 1) / 2).detach().numpy(), abs=1e-6)
    assert load_space(tmp_path / "m").bipolar is True


def test_binary_targets_are_zero_one_or_scores(space):
    converter = LabelConverter(space)
    request = {"from": "warriner_vad", "to": "emolex8", "values": [0.5, 0.5, 0.5]}  # one flat row is one row
    labels, scores = converter.convert(request), converter.convert(request, scores=True)
    assert labels.shape == (1, 8) and set(labels.to_numpy().ravel()) <= {0, 1}
    assert ((scores > 0.5).astype(int).to_numpy() == labels.to_numpy()).all()
    assert converter.convert({"from": "emolex8", "to": "nrc_vad", "values": [[1, 0, 0, 0, 1, 0, 0, 1]]}).shape == (1, 3)


def test_no_rows_is_an_empty_answer_with_the_targets_columns(space):
    out = LabelConverter(space).convert({"from": "nrc_vad", "to": "emolex8", "values": []})
    assert out.shape == (0, 8) and list(out.columns)[:2] == ["anger", "anticipation"]


@pytest.mark.parametrize("request_, message", [
    ({"from": "klingon", "to": "emolex8", "values": [[0.5] * 3]}, "unknown format 'klingon' in 'from'"),
    ({"from": "nrc_vad", "to": "ekman6", "values": [[0.5] * 3]}, "unknown format 'ekman6' in 'to'"),
    ({"from": "nrc_vad", "to": "emolex8", "values": [[0.5, 0.5]]}, "have 2 numbers but nrc_vad has 3 variables"),
    ({"from": "nrc_vad", "to": "emolex8", "values": [[0.5, 0.5, 0.5], [0.5, float("nan"), 0.5]]}, "row 1, variable 'arousal' is nan"),
    ({"from": "warriner_vad", "to": "emolex8", "values": [[5, 3, 4]]},
     "outside [0, 1]; values are on the harmonized [0, 1] scale (warriner_vad: 1-9"),
    ({"from": "nrc_vad", "to": "emolex8", "values": [["high", 0.5, 0.5]]}, "'values' must be rows of numbers"),
    ({"from": "nrc_vad", "to": "emolex8", "values": [[[0.5] * 3]]}, "must be a list of rows"),
    ({"from": "nrc_vad", "values": [[0.5] * 3]}, "lacks ['to']"),
    ("nrc_vad to emolex8", "not str"),
])
def test_bad_requests_name_what_is_wrong(space, request_, message):
    with pytest.raises(ValueError) as err:
        LabelConverter(space).convert(request_)
    assert message in str(err.value)


def test_a_one_row_frame_is_a_request():
    import pandas as pd

    frame = pd.DataFrame({"from": ["nrc_vad"], "to": ["emolex8"], "values": [[[0.1, 0.2, 0.3]]]})
    assert coerce_request(frame) == {"from": "nrc_vad", "to": "emolex8", "values": [[0.1, 0.2, 0.3]]}


def test_missing_or_corrupt_files_are_named(space, tmp_path):
    folder = save_space(space, tmp_path / "m")
    (folder / "model.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(CheckpointError, match=r"model\.safetensors"):
        load_space(folder)
    (folder / "config.json").unlink()
    with pytest.raises(CheckpointError, match=r"config\.json"):
        load_space(folder)
