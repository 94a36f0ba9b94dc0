"""Resuming for real: a training process SIGKILLed at random moments always leaves a checkpoint folder
whose latest `state.json` names a best whose files exist, and the next run resumes from it; `best` is never
missing while it is replaced; a resume under another fit configuration or other code starts fresh."""

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace

import torch

from emopipe.training import checkpoints
from emopipe.training.loop import FitConfig, fit
from tests.training import test_loop
from tests.training.test_loop import CONFIG, _train

TRAIN = """
import sys, time
from pathlib import Path
import torch, torch.nn.functional as F
from emopipe.training.loop import FitConfig, fit

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Embedding(50, 128), torch.nn.Flatten(), torch.nn.Linear(128 * 6, 256), torch.nn.Linear(256, 2))
ids = [[(i * 7 + j) % 50 for j in range(6)] for i in range(64)]
labels = torch.tensor([i % 2 for i in range(64)])

def loss(m, batch):
    return F.cross_entropy(m(batch.input_ids), batch["label"])

def dev(m):
    time.sleep(0.01)
    return {"dev_macro_f1": float(torch.rand(1))}  # any figure: the best moves around between epochs

config = FitConfig(epochs=int(sys.argv[2]), batch_size=16, learning_rate=1e-3, head_learning_rate=1e-3, log_every=1000)
result = fit(model, ids, 0, loss, dev, config, Path(sys.argv[1]), {"kind": "test"}, log=print, per_example={"label": labels})
print("DONE", result.resumed_from, len(result.history), result.best_epoch)
"""


def finished_epochs(root) -> int:
    return len(list(root.glob("epoch_*/state.json"))) if root.exists() else 0


def test_a_kill_at_any_moment_leaves_a_resumable_folder(tmp_path):
    root, epochs = tmp_path / "ck", 40
    rng = random.Random(3)
    for _ in range(6):
        process = subprocess.Popen([sys.executable, "-c", TRAIN, str(root), str(epochs)], stdout=subprocess.PIPE, text=True,
                                   start_new_session=True)
        started = finished_epochs(root)
        while finished_epochs(root) < started + 2:  # two new epochs at least, then a kill at a random moment
            assert process.poll() is None, process.stdout.read()
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.1))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        state = checkpoints.read_state(checkpoints.latest_epoch(root))
        # The best the state names is on disk; `best` is that one, or the next epoch's if the kill came
        # between writing that epoch's best and its state (the resume then points `best` back).
        assert (root / f"epoch_{state['best_epoch']}" / "model.safetensors").is_file()
        assert checkpoints.best_epoch_on_disk(root) in (state["best_epoch"], state["epoch"] + 1)
        assert (root / "best" / "model.safetensors").is_file()
    assert finished_epochs(root) < epochs
    finished = subprocess.run([sys.executable, "-c", TRAIN, str(root), str(epochs)], capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr[-3000:]
    done = finished.stdout.strip().splitlines()[-1].split()
    assert done[0] == "DONE" and done[1] != "None" and int(done[2]) == epochs
    assert checkpoints.best_epoch_on_disk(root) == int(done[3])


def test_best_is_never_missing_while_it_is_replaced(tmp_path):
    model = torch.nn.Linear(64, 64)
    for epoch in range(2):
        checkpoints.save_weights(model, tmp_path / f"epoch_{epoch}", {"epoch": epoch})
    checkpoints.keep_best(tmp_path / "epoch_0", tmp_path)
    stop, missing, seen = threading.Event(), [], []

    def watch():
        while not stop.is_set():
            seen.append(1)
            if not (tmp_path / "best" / "model.safetensors").is_file():
                missing.append(1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    for i in range(300):
        checkpoints.keep_best(tmp_path / f"epoch_{i % 2}", tmp_path)
    stop.set()
    watcher.join()
    assert len(seen) > 100 and not missing
    assert json.loads((tmp_path / "best" / "config.json").read_text()) == {"epoch": 1}
    assert checkpoints.best_epoch_on_disk(tmp_path) == 1
    assert not list(tmp_path.glob(".*")), "no staging folder or link left behind"
    assert all((old / "model.safetensors").is_file() for old in tmp_path.glob("best_*"))  # earlier bests stay whole until clear()
    checkpoints.clear(tmp_path)
    assert not list(tmp_path.glob("best*"))


def _killed_in_epoch_three(path, root):
    try:
        _train(path, root, kill_at_step=20)  # 8 steps an epoch: dies in epoch 3
    except Exception as err:
        assert type(err).__name__ == "Killed"
    assert checkpoints.latest_epoch(root).name == "epoch_1"


def _fit(path, root, config, lines):
    model, ids, pad_id = test_loop._setup(path)

    def loss(m, batch):
        return torch.nn.functional.cross_entropy(m(batch.input_ids, batch.attention_mask), test_loop.LABELS[batch.idx])

    return fit(model, ids, pad_id, loss, lambda m: {"dev_macro_f1": 0.5}, config, root, {"kind": "classifier"}, log=lines.append)


def test_a_resume_under_another_fit_configuration_or_other_code_starts_fresh(tiny_encoder_path, tmp_path):
    root, other, lines = tmp_path / "ck", replace(CONFIG, learning_rate=1e-3), []
    _killed_in_epoch_three(tiny_encoder_path, root)
    result = _fit(tiny_encoder_path, root, other, lines)
    assert result.resumed_from is None and len(result.history) == CONFIG.epochs
    assert any("not resuming from" in line and "learning_rate 0.005 -> 0.001" in line and "starting fresh" in line for line in lines)

    latest = root / f"epoch_{CONFIG.epochs - 1}" / "state.json"
    latest.write_text(json.dumps({**json.loads(latest.read_text()), "code_version": "0123456789abcdef"}))
    lines.clear()
    result = _fit(tiny_encoder_path, root, other, lines)
    assert result.resumed_from is None and len(result.history) == CONFIG.epochs
    assert any("written by other code (code version 0123456789abcdef ->" in line for line in lines)


def test_the_same_configuration_resumes(tiny_encoder_path, tmp_path):
    root = tmp_path / "ck"
    _killed_in_epoch_three(tiny_encoder_path, root)
    result, _ = _train(tiny_encoder_path, root)
    assert result.resumed_from == 1 and len(result.history) == CONFIG.epochs


def test_fit_config_and_code_version_are_saved(tiny_encoder_path, tmp_path):
    _train(tiny_encoder_path, tmp_path / "ck")
    state = checkpoints.read_state(tmp_path / "ck" / "epoch_0")
    assert state["fit_config"]["learning_rate"] == CONFIG.learning_rate and len(state["code_version"]) == 16
    assert isinstance(FitConfig(**state["fit_config"]), FitConfig)
