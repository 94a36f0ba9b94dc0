"""Tiny tokenizers of both styles the EACL prompt must handle, built here: WordPiece (BERT) and
byte-level BPE (RoBERTa)."""

import pytest
from tokenizers import ByteLevelBPETokenizer
from transformers import AutoTokenizer, RobertaTokenizerFast

from emopipe.training.encoders import build_tiny_encoder

CORPUS = ["Joey says: how you doin? For utterance: I am so happy Rachel feels", "Monica says: oh my god, that is awful",
          "Chandler feels surprise anger joy sadness fear disgust neutral", "could I BE any more sarcastic"] * 20


def build_tokenizer(style: str, folder):
    if style == "bert":
        return AutoTokenizer.from_pretrained(build_tiny_encoder(folder / "tiny"))
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(CORPUS, vocab_size=400, min_frequency=1, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    bpe.save_model(str(folder))
    return RobertaTokenizerFast(vocab=str(folder / "vocab.json"), merges=str(folder / "merges.txt"))


@pytest.fixture(scope="module", params=["bert", "roberta"])
def tokenizer(request, tmp_path_factory):
    return build_tokenizer(request.param, tmp_path_factory.mktemp(request.param))
