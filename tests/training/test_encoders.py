"""The smoke profile's tiny encoder, built on first use into DAGSTER_HOME: steps that start at once
(the multiprocess executor, two runs of the server deployment) each load it, and none may load a
folder another is still writing."""

import os
import subprocess
import sys
import time

LOAD = """
import sys, time
from emopipe.training.encoders import TINY, load_encoder

time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
encoder, tokenizer, path = load_encoder(TINY)
print(path, sum(p.numel() for p in encoder.parameters()))
"""


def test_processes_loading_the_tiny_encoder_while_it_is_built_all_load_the_whole_model(tmp_path):
    start = time.time() + 8  # every process has imported transformers by then
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    # staggered by a few milliseconds: some find no folder and build one, later ones find a folder being written
    procs = [subprocess.Popen([sys.executable, "-c", LOAD, str(start + 0.02 * i)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for i in range(6)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-1500:] for _, err in outputs]
    assert len({out for out, _ in outputs}) == 1  # one folder, the same weights count everywhere
    assert [p.name for p in (tmp_path / "encoders").iterdir()] == ["tiny-random-bert-v2"]  # no staging folder left
