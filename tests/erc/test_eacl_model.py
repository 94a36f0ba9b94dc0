"""EaclModel pools at the mask token, maps utterances and label words into one space, and the stage-2
classifier starts from the anchors."""

from dataclasses import replace

import pytest
import torch
from transformers import RobertaConfig, RobertaModel

from emopipe.erc.prompt import Turn, prompt_ids
from emopipe.models.eacl import AnchorClassifier, EaclConfig, EaclModel
from emopipe.training.batching import pad
from emopipe.training.encoders import build_tiny_encoder, load_encoder
from tests.erc.conftest import build_tokenizer


@pytest.fixture(scope="module", params=["bert", "roberta"])
def model_and_tokenizer(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "bert":
        encoder, tokenizer, _ = load_encoder(str(build_tiny_encoder(folder / "tiny")))
    else:  # RoBERTa: byte-level BPE, <mask>, padding id 1 and positions offset by the padding id
        tokenizer = build_tokenizer("roberta", folder)
        torch.manual_seed(0)
        encoder = RobertaModel(RobertaConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                             intermediate_size=64, max_position_embeddings=130, pad_token_id=tokenizer.pad_token_id))
    torch.manual_seed(0)
    config = EaclConfig(encoder.config.hidden_size, 3, tokenizer.mask_token_id, anchor_dim=8)
    return EaclModel(encoder, config, torch.randn(3, encoder.config.hidden_size)).eval(), tokenizer


def test_the_pooled_state_is_the_mask_tokens(model_and_tokenizer):
    model, tokenizer = model_and_tokenizer
    prompts = [prompt_ids(tokenizer, [Turn("a", "hi there")], Turn("b", "so happy"), 64), prompt_ids(tokenizer, [], Turn("c", "ok"), 64)]
    ids, mask = pad(prompts, tokenizer.pad_token_id)
    with torch.no_grad():
        hidden = model.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        state = model.mask_state(ids, mask)
    for row, prompt in enumerate(prompts):
        assert torch.equal(state[row], hidden[row, prompt.index(tokenizer.mask_token_id)])
    first = EaclModel(model.encoder, replace(model.config, pooling="first"), model.label_words).eval()
    with torch.no_grad():
        assert torch.equal(first.mask_state(ids, mask), hidden[:, 0])  # the reference code's pooling, as an ablation
    with pytest.raises(ValueError, match="pooling"):
        replace(model.config, pooling="cls")
    with torch.no_grad():
        assert model(ids, mask).shape == (2, 3) and model.represent(ids, mask).shape == (2, 8)
        scores = model.anchor_scores(ids, mask)
    assert scores.shape == (2, 3) and bool(((scores >= 0) & (scores <= 1)).all())


def test_stage_two_starts_from_the_anchors_and_scores_like_stage_one(model_and_tokenizer):
    model, tokenizer = model_and_tokenizer
    ids, mask = pad([prompt_ids(tokenizer, [], Turn("c", "ok"), 64)], tokenizer.pad_token_id)
    with torch.no_grad():
        classifier = AnchorClassifier(model.anchors(), temperature=0.1)
        assert torch.allclose(classifier(model.represent(ids, mask)) * 0.1, model.anchor_scores(ids, mask), atol=1e-6)


def test_label_words_must_match_the_classes(model_and_tokenizer):
    model, _ = model_and_tokenizer
    with pytest.raises(ValueError, match="label_words"):
        EaclModel(model.encoder, model.config, torch.randn(4, 5))
