"""Work remembered by content: a model's predictions for a set of token sequences, and small results
(few-shot scores) of a deterministic computation, kept under `$DAGSTER_HOME/cache/` so a second
request for the same thing, in this run or a later one, is read back instead of computed again.

The key is what determines the answer, not where it came from: the model's weights (every tensor
of its state dict), its module tree with each module's settings (pooling, head kind, the Hugging
Face config), the source of the classes that compute it, the torch and transformers versions, the
device kind, the precision and the sequences themselves. A retrained model, a changed pooling or an
edited forward is a different key; a best epoch loaded back from its checkpoint is the same one.

Values are stored as they were computed (float32 `.npy`, read with pickling off; JSON), so a hit
returns exactly what recomputing would; writes are atomic, and an entry that cannot be read is
recomputed and replaced. Entries are never evicted: `rm -rf $DAGSTER_HOME/cache` is always safe.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import math
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch

from emopipe.atomic import atomic_path
from emopipe.paths import dagster_home
from emopipe.training import frozen
from emopipe.training.inference import predict

FORMAT = "1"  # bump when what an entry holds changes
_SETTING_TYPES = (str, int, float, bool, type(None))
log = logging.getLogger(__name__)


def cache_root(kind: str) -> Path:
    return dagster_home() / "cache" / kind


def _source(obj) -> bytes:
    """The bytes of the file a class or function is defined in (its name where there is no file)."""
    try:
        return Path(inspect.getsourcefile(obj) or "").read_bytes()
    except (OSError, TypeError):
        return obj.__qualname__.encode()


def model_digest(model: torch.nn.Module) -> str:
    """What the model computes: weights, module tree, each module's plain settings and config, the
    source of its classes, torch's and transformers' versions."""
    import transformers

    digest = hashlib.sha256(f"{FORMAT}:{torch.__version__}:{transformers.__version__}".encode())
    classes = set()
    for name, module in model.named_modules():
        settings = sorted((k, v) for k, v in vars(module).items()
                          if not k.startswith("_") and k != "training" and isinstance(v, _SETTING_TYPES))
        config = getattr(module, "config", None)
        config_text = config.to_json_string(use_diff=False) if hasattr(config, "to_json_string") else repr(config)
        digest.update(f"{name}|{type(module).__module__}.{type(module).__qualname__}|{settings}|{config_text}\n".encode())
        classes.add(type(module))
    for cls in sorted(classes, key=lambda c: f"{c.__module__}.{c.__qualname__}"):
        if cls.__module__.split(".")[0] == "emopipe":  # library classes are covered by their versions
            digest.update(_source(cls))
    for name, tensor in model.state_dict().items():
        data = tensor.detach().cpu().contiguous()
        digest.update(f"{name}:{data.dtype}:{tuple(data.shape)}".encode())
        digest.update(data.reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def sequences_digest(ids: Sequence[Sequence[int]]) -> str:
    digest = hashlib.sha256()
    for seq in ids:
        digest.update(np.asarray(seq, dtype=np.int64).tobytes() + b"\xff" * 8)
    return digest.hexdigest()


def rows_digest(frame) -> str:
    """The values of a polars frame's columns, in order (for the data a result was computed from)."""
    return hashlib.sha256(json.dumps({name: frame[name].to_list() for name in frame.columns}, default=str).encode()).hexdigest()


def _read_array(path: Path, rows: int) -> np.ndarray | None:
    try:
        values = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        log.warning("prediction cache entry %s is unreadable (%s); computing it again", path, error)
        return None
    if values.shape[:1] != (rows,):
        log.warning("prediction cache entry %s holds %s rows, not %d; computing it again", path, values.shape[:1], rows)
        return None
    return values


def remembered_predict(model: torch.nn.Module, ids: Sequence[Sequence[int]], pad_id: int, batch_size: int, bf16: bool = True,
                       fn: str = "forward", root: Path | None = None) -> np.ndarray:
    """`training.inference.predict`, read back when the same model already predicted the same sequences."""
    if not len(ids):
        return predict(model, ids, pad_id, batch_size, bf16=bf16, fn=fn)
    device = next(model.parameters()).device
    served_frozen = frozen.find_encoder(model) is not None  # lower states then come from the float16 cache
    key = hashlib.sha256(f"{model_digest(model)}:{sequences_digest(ids)}:{pad_id}:{fn}:{bf16}:{device.type}:{served_frozen}"
                         .encode()).hexdigest()[:32]
    path = (root or cache_root("predictions")) / f"{key}.npy"
    if path.is_file() and (values := _read_array(path, len(ids))) is not None:
        return values
    values = predict(model, ids, pad_id, batch_size, bf16=bf16, fn=fn)
    with atomic_path(path) as tmp, tmp.open("wb") as handle:
        np.save(handle, values, allow_pickle=False)
    return values


def remembered_scores(parts: Sequence[str], compute: Callable[[], dict[str, float]], root: Path | None = None) -> dict[str, float]:
    """`compute()` (a dict of finite floats), read back when the same `parts` (everything that
    determines it, the code's source included) were computed before."""
    key = hashlib.sha256("\0".join((FORMAT, *parts)).encode()).hexdigest()[:32]
    path = (root or cache_root("scores")) / f"{key}.json"
    if path.is_file():
        try:
            return {k: float(v) for k, v in json.loads(path.read_text()).items()}
        except (OSError, ValueError, AttributeError) as error:
            log.warning("score cache entry %s is unreadable (%s); computing it again", path, error)
    scores = compute()
    if all(math.isfinite(v) for v in scores.values()):  # a NaN is not worth remembering
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(scores, sort_keys=True))
    return scores


def source_digest(*objects) -> str:
    """The source files of functions or classes: a remembered result changes when their code does."""
    digest = hashlib.sha256()
    for obj in objects:
        digest.update(_source(obj))
    return digest.hexdigest()
