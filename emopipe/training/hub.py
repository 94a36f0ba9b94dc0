"""Pretrained models from the Hugging Face hub, fetched once into its local cache so that every
run after that works offline (`HF_HUB_OFFLINE=1`, as the Makefile sets it).

A model is fetched with what loading it needs: configuration, tokenizer files and weights as
safetensors; a repository without safetensors gets its `pytorch_model.bin`, which transformers
loads with `torch.load(weights_only=True)` (tensors only, no code)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from emopipe.training.encoders import TINY

LOCAL_SPECS = {"base", TINY, "retrofitted"}  # the installed MiniLM package, the tiny random BERT, a registered encoder
NEEDED = ["*.json", "*.txt", "*.model", "*.safetensors"]  # config, tokenizer (vocab.txt, merges.txt, sentencepiece), weights
FALLBACK = [*NEEDED, "pytorch_model.bin"]  # a repository without safetensors
TOKENIZER_FILES = ("tokenizer.json", "vocab.txt", "vocab.json", "spiece.model", "sentencepiece.bpe.model")


def is_hub_name(spec: str) -> bool:
    """Whether an encoder spec names a hub model (not an alias, not a local folder)."""
    return spec not in LOCAL_SPECS and not Path(spec).exists() and not spec.startswith((".", "/", "~"))


def cached(name: str) -> Path | None:
    """The local snapshot of `name` (its main revision) when configuration, tokenizer and weights are
    all in the cache, else None. Reads the cache's files only: no network, whatever the cache's own
    listing of the repository says about files that were not fetched."""
    from huggingface_hub import try_to_load_from_cache

    config = try_to_load_from_cache(name, "config.json")
    if not isinstance(config, str):
        return None
    folder = Path(config).parent
    weights = any(folder.glob("*.safetensors")) or (folder / "pytorch_model.bin").exists()
    tokenizer = any((folder / f).exists() for f in TOKENIZER_FILES)
    return folder if weights and tokenizer else None


def fetch(name: str, log: Callable[[str], None] = print) -> Path:
    """`name` in the local cache (downloaded with progress bars when missing); its snapshot folder."""
    import huggingface_hub

    found = cached(name)
    if found is not None:
        log(f"{name}: in the cache ({found})")
        return found
    if huggingface_hub.constants.HF_HUB_OFFLINE:
        raise RuntimeError(f"{name} is not in the Hugging Face cache and HF_HUB_OFFLINE is set: run `HF_HUB_OFFLINE=0 emopipe "
                           f"fetch-models` on a machine that reaches huggingface.co (or copy its cache, $HF_HOME)")
    try:
        files = huggingface_hub.list_repo_files(name)
        weights = [f for f in files if f.endswith(".safetensors")]
        log(f"{name}: downloading configuration, tokenizer and {', '.join(weights) or 'pytorch_model.bin (no safetensors here)'}")
        folder = Path(huggingface_hub.snapshot_download(name, allow_patterns=NEEDED if weights else FALLBACK))
    except Exception as err:  # the hub client's network and HTTP errors have no common base class
        raise RuntimeError(f"could not fetch {name} from the Hugging Face hub ({type(err).__name__}: {err})") from err
    if cached(name) is None:
        raise RuntimeError(f"{name}: the download holds no configuration, tokenizer and weights together ({folder})")
    return folder
