"""`emopipe fetch-models`: the gpu profile's hub models are the papers' encoders, a profile whose
encoders are local names none, and a filled Hugging Face cache is enough to run offline (the command
checks it without a network call); a model missing from the cache under HF_HUB_OFFLINE is a clear
error naming it. Each case runs the real command in a fresh process, as huggingface_hub reads
HF_HUB_OFFLINE when it is imported."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from emopipe.defs.hub_models import hub_models

GPU_MODELS = ["bert-base-cased", "bert-base-uncased", "princeton-nlp/sup-simcse-roberta-large", "roberta-base"]


def test_the_gpu_profile_names_the_papers_encoders():
    assert hub_models("gpu") == GPU_MODELS
    assert hub_models("cpu") == [] and hub_models("smoke") == []


def _cache(root, name, weights="model.safetensors"):
    """A model as huggingface_hub lays it out in its cache: a ref to a commit and that commit's snapshot."""
    repo = root / ("models--" + name.replace("/", "--"))
    commit = "0123456789abcdef0123456789abcdef01234567"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text('{"model_type": "bert"}')
    (snapshot / "vocab.txt").write_text("[PAD]\n[UNK]\n")
    if weights.endswith(".safetensors"):
        save_file({"w": torch.zeros(2)}, str(snapshot / weights))
    else:
        (snapshot / weights).write_bytes(b"not read here")
    # An online fetch leaves the repository's whole file listing beside the snapshot, files it did not
    # download included (bert-base-cased also has pytorch_model.bin): the cache check must not ask for them.
    listing = {f: {"size": 1, "blob_id": "0" * 40} for f in ("config.json", "vocab.txt", "model.safetensors", "pytorch_model.bin")}
    (repo / "trees").mkdir()
    (repo / "trees" / f"{commit}.json").write_text(json.dumps({"format_version": 1, "files": listing}))
    return snapshot


def _fetch(cache, profile="gpu"):
    env = {**os.environ, "HF_HUB_CACHE": str(cache), "HF_HUB_OFFLINE": "1", "EMOPIPE_ENCODER": ""}
    return subprocess.run([str(Path(sys.executable).parent / "emopipe"), "fetch-models", "--profile", profile], env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def cache(tmp_path):
    for name in GPU_MODELS:
        _cache(tmp_path, name, "pytorch_model.bin" if "simcse" in name else "model.safetensors")  # one without safetensors
    return tmp_path


def test_a_filled_cache_is_found_offline(cache):
    done = _fetch(cache)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": in the cache (") == 4 and "4 models in the cache" in done.stdout


def test_a_model_missing_offline_is_named(cache):
    import shutil

    shutil.rmtree(cache / "models--roberta-base")
    done = _fetch(cache)
    assert done.returncode != 0
    assert "roberta-base" in done.stderr and "HF_HUB_OFFLINE" in done.stderr


@pytest.mark.parametrize("missing", ["*.safetensors", "vocab.txt"])
def test_a_snapshot_without_weights_or_tokenizer_is_not_enough(cache, missing):
    for f in (cache / "models--bert-base-cased" / "snapshots").rglob(missing):
        f.unlink()
    done = _fetch(cache)
    assert done.returncode != 0 and "bert-base-cased" in done.stderr


def test_a_local_profile_has_nothing_to_fetch(tmp_path):
    done = _fetch(tmp_path, "cpu")
    assert done.returncode == 0 and "names no hub model" in done.stdout
