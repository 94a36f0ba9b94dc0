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


def is_hub_name(spec: str) -> bool:
    """Whether an encoder spec names a hub model (not an alias, not a local folder)."""
    return spec not in LOCAL_SPECS and not Path(spec).exists() and not spec.startswith((".", "/", "~"))


def cached(name: str) -> Path | None:
    """The local snapshot of `name` when its configuration and weights are in the cache, else None."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        folder = Path(snapshot_download(name, allow_patterns=FALLBACK, local_files_only=True))
    except LocalEntryNotFoundError:
        return None
    has_weights = any(folder.glob("*.safetensors")) or (folder / "pytorch_model.bin").exists()
    return folder if (folder / "config.json").exists() and has_weights else None


def fetch(name: str, log: Callable[[str], None] = print) -> Path:
    """`name` in the local cache (downloaded with progress bars when missing); its snapshot folder."""
    import huggingface_hub
    from huggingface_hub import snapshot_download

    found = cached(name)
    if found is not None:
        log(f"{name}: in the cache ({found})")
        return found
    if huggingface_hub.constants.HF_HUB_OFFLINE:
        raise RuntimeError(f"{name} is not in the Hugging Face cache and HF_HUB_OFFLINE is set: run `HF_HUB_OFFLINE=0 emopipe "
                           f"fetch-models` on a machine that reaches huggingface.co (or copy its cache, $HF_HOME)")
    files = huggingface_hub.list_repo_files(name)
    weights = [f for f in files if f.endswith(".safetensors")]
    patterns = NEEDED if weights else FALLBACK
    log(f"{name}: downloading configuration, tokenizer and {', '.join(weights) or 'pytorch_model.bin (no safetensors here)'}")
    return Path(snapshot_download(name, allow_patterns=patterns))
