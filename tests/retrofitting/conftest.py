import pytest

from emopipe.training.encoders import build_tiny_encoder


@pytest.fixture(scope="session")
def tiny_encoder_path(tmp_path_factory):
    return build_tiny_encoder(tmp_path_factory.mktemp("encoders") / "tiny")
