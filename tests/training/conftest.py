"""A tiny random BERT with a character-level vocabulary, built here (nothing is downloaded)."""

import pytest

from emopipe.training.encoders import build_tiny_encoder, load_encoder


@pytest.fixture(scope="session")
def tiny_encoder_path(tmp_path_factory):
    return build_tiny_encoder(tmp_path_factory.mktemp("encoders") / "tiny")


@pytest.fixture
def tiny_encoder(tiny_encoder_path):
    encoder, tokenizer, _ = load_encoder(str(tiny_encoder_path))
    return encoder, tokenizer
