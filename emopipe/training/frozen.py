"""Frozen lower layers computed once. When a budget freezes an encoder's embeddings and its lowest k
layers, their output for a token sequence never changes: it is computed once per (frozen weights, k,
sequences), kept on disk in float16 under `$DAGSTER_HOME/cache/frozen/` (memory-mapped), and every
epoch, every dev evaluation and every model trained on the same sequences (EACL's CE baseline)
runs the upper layers only.

How: while `cached_lower_layers` is active, the encoder's embeddings module answers with the cached
states of each row (looked up by the row's real tokens, as the attention mask the encoder is called
with marks them, so any caller that feeds the encoder token ids is served, whatever its batching)
and the k frozen layers pass their input through. The model's parameters and state dict do not
change: checkpoints, the served model and a run without the cache see the same modules. Rows not in
the cache (texts first seen at prediction time) are computed by the real frozen modules on the spot.

What it changes: the cached states are the frozen layers without dropout (a deterministic output is
what makes them cacheable), where recomputing them in training applies dropout there; and they are
rounded to float16 (the test holds losses within 2% of recomputing, dropout off in both). Only BERT
and RoBERTa encoders under eager or sdpa attention are served from the cache (their layers take an
additive mask and return a tensor, checked against transformers 5); any other encoder, or a call
with position or token-type ids, runs its real modules.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch

from emopipe.atomic import staged_folder
from emopipe.training import cost
from emopipe.training.batching import pad, sorted_batches


def frozen_depth(encoder: torch.nn.Module) -> int:
    """How many lowest layers are frozen together with the embeddings (0: none, or not BERT-style)."""
    stack = getattr(getattr(encoder, "encoder", None), "layer", None)
    embeddings = getattr(encoder, "embeddings", None)
    if stack is None or embeddings is None or any(p.requires_grad for p in embeddings.parameters()):
        return 0
    depth = 0
    for layer in stack:
        if any(p.requires_grad for p in layer.parameters()):
            break
        depth += 1
    return depth


FORMAT = "1"  # bump when what a cache entry holds changes
SUPPORTED = {"bert", "roberta", "xlm-roberta"}  # embeddings, then layers taking (hidden, additive mask) and returning a tensor
ATTENTION = {"eager", "sdpa"}  # implementations that take the additive float mask `_lower` builds


def find_encoder(model: torch.nn.Module) -> torch.nn.Module | None:
    """The BERT or RoBERTa encoder inside `model` whose lower layers are frozen, if there is one."""
    for module in model.modules():
        config = getattr(module, "config", None)
        if (getattr(config, "model_type", None) in SUPPORTED and getattr(config, "_attn_implementation", "eager") in ATTENTION
                and frozen_depth(module) > 0):
            return module
    return None


def _lower(encoder, depth: int, input_ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The real embeddings + lowest `depth` layers (the modules' own forwards) for a padded batch."""
    hidden = type(encoder.embeddings).forward(encoder.embeddings, input_ids=input_ids)
    extended = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min  # additive: padded keys masked
    for layer in encoder.encoder.layer[:depth]:
        hidden = type(layer).forward(layer, hidden, extended)
    return hidden


class LowerStates:
    """The cached lower-layer states of a set of sequences: one float16 row per real token."""

    def __init__(self, folder: Path):
        self.states = np.load(folder / "states.npy", mmap_mode="r")
        offsets = np.load(folder / "offsets.npy")
        ids = np.load(folder / "ids.npy")
        self.rows = {tuple(ids[a:b].tolist()): (a, b) for a, b in itertools.pairwise(offsets)}

    def get(self, tokens: tuple[int, ...]) -> np.ndarray | None:
        span = self.rows.get(tokens)
        return None if span is None else self.states[span[0]:span[1]]


def cache_key(encoder, depth: int, sequences: Sequence[Sequence[int]]) -> str:
    """The entry's format, transformers' version, the encoder's configuration, the frozen weights
    (embeddings and the lowest `depth` layers), `depth` and the sequences."""
    import transformers

    digest = hashlib.sha256(f"{FORMAT}:{transformers.__version__}:{type(encoder).__name__}:{depth}:".encode()
                            + encoder.config.to_json_string(use_diff=False).encode())
    modules = [encoder.embeddings, *encoder.encoder.layer[:depth]]
    for name, tensor in sorted((n, t) for m_i, m in enumerate(modules) for n, t in
                               ((f"{m_i}.{k}", v) for k, v in m.state_dict().items())):
        digest.update(name.encode() + tensor.detach().cpu().contiguous().float().numpy().tobytes())
    for seq in sequences:
        digest.update(np.asarray(seq, dtype=np.int32).tobytes() + b"\xff\xff\xff\xff")
    return digest.hexdigest()[:24]


@torch.no_grad()
def build(encoder, depth: int, sequences: Sequence[Sequence[int]], pad_id: int, root: Path, device: torch.device,
          batch_size: int = 128) -> LowerStates:
    """The lower-layer states of `sequences`, from the cache or computed now and stored (staged in a
    folder of its own and renamed into place, so two processes writing one key end with one entry;
    a build that fails leaves no staging folder behind)."""
    folder = root / cache_key(encoder, depth, sequences)
    if (folder / "ids.npy").exists():
        return LowerStates(folder)
    unique = list(dict.fromkeys(tuple(s) for s in sequences))
    offsets = np.cumsum([0] + [len(s) for s in unique])
    was_training = encoder.training
    try:
        with staged_folder(folder) as staging:
            states = np.lib.format.open_memmap(staging / "states.npy", mode="w+", dtype=np.float16,
                                               shape=(int(offsets[-1]), encoder.config.hidden_size))
            encoder.eval()  # dropout off: the cached states are the frozen layers' deterministic output
            for idx in sorted_batches([len(s) for s in unique], batch_size):
                input_ids, mask = pad([list(unique[i]) for i in idx], pad_id)
                hidden = _lower(encoder, depth, input_ids.to(device), mask.to(device)).float().cpu().numpy()
                for row, i in enumerate(idx):
                    states[offsets[i]:offsets[i + 1]] = hidden[row, :len(unique[i])]
            states.flush()
            del states
            np.save(staging / "offsets.npy", offsets)
            np.save(staging / "ids.npy", np.asarray([t for s in unique for t in s], dtype=np.int64))
    finally:
        encoder.train(was_training)
    return LowerStates(folder)


@contextlib.contextmanager
def cached_lower_layers(model: torch.nn.Module, sequences: Sequence[Sequence[int]], pad_id: int, root: Path | None,
                        device: torch.device, phase: str = "training") -> Iterator[int]:
    """Inside the block, `model`'s frozen lower layers answer from the cache of `sequences` (built
    first if missing, its time counted to `phase`); yields the cached depth (0: nothing frozen, an
    encoder the cache does not serve, or no cache root: nothing changes)."""
    encoder = find_encoder(model)
    if encoder is None or root is None:
        yield 0
        return
    depth = frozen_depth(encoder)
    with cost.phase(phase, device):
        cache = build(encoder, depth, sequences, pad_id, root, device)
    embeddings, lower = encoder.embeddings, encoder.encoder.layer[:depth]
    real_embeddings = type(embeddings).forward
    call: dict = {}  # the attention mask of the encoder call under way

    def remember_mask(module, args, kwargs):
        call["mask"] = kwargs.get("attention_mask", args[1] if len(args) > 1 else None)

    def from_cache(input_ids=None, position_ids=None, token_type_ids=None, inputs_embeds=None, cache_length=0, **kwargs):
        mask = call.get("mask")
        if input_ids is None or position_ids is not None or token_type_ids is not None or cache_length or mask is None:
            return real_embeddings(embeddings, input_ids=input_ids, position_ids=position_ids, token_type_ids=token_type_ids,
                                   inputs_embeds=inputs_embeds, cache_length=cache_length, **kwargs)
        rows, lengths = input_ids.cpu().tolist(), mask.sum(1).tolist()
        out = torch.zeros(*input_ids.shape, encoder.config.hidden_size)
        missing = []
        for row, (ids, n) in enumerate(zip(rows, lengths, strict=True)):
            found = cache.get(tuple(ids[:n])) if mask[row, :n].all() else None  # right-padded rows only
            if found is None:
                missing.append(row)
            else:
                out[row, :n] = torch.from_numpy(np.asarray(found, dtype=np.float32))
        out = out.to(input_ids.device)
        if missing:  # rows the cache does not hold: the real frozen modules, for those rows only
            picked = torch.as_tensor(missing, device=input_ids.device)
            out[picked] = _lower(encoder, depth, input_ids[picked], mask[picked]).float()
        return out

    # instance attributes shadow the classes' forwards; a block inside another (a dev evaluation inside
    # training) puts back what the outer one installed
    previous = [module.__dict__.get("forward") for module in (embeddings, *lower)]
    hook = encoder.register_forward_pre_hook(remember_mask, with_kwargs=True)
    embeddings.forward = from_cache
    for layer in lower:
        layer.forward = _pass_through
    try:
        yield depth
    finally:
        hook.remove()
        for module, forward in zip((embeddings, *lower), previous, strict=True):
            if forward is None:
                del module.forward
            else:
                module.forward = forward


def _pass_through(hidden_states, *args, **kwargs):
    return hidden_states


def lower_modules(model: torch.nn.Module) -> list[torch.nn.Module]:
    """The frozen embeddings and lowest layers of `model`'s encoder (what the cache computes once)."""
    encoder = find_encoder(model)
    return [] if encoder is None else [encoder.embeddings, *encoder.encoder.layer[:frozen_depth(encoder)]]


def cache_root() -> Path:
    from emopipe.paths import dagster_home

    return dagster_home() / "cache" / "frozen"
