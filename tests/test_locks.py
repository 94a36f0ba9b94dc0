"""The cross-process file lock: a second process waits for the holder, is told it waits, and gets the
lock once the holder lets go; a killed holder frees it."""

import os
import signal
import subprocess
import sys
import time

from emopipe.locks import file_lock

HOLD = """
import sys, time
from pathlib import Path
from emopipe.locks import file_lock
with file_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _holder(path, seconds: float) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True,
                               start_new_session=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_process_waits_is_told_and_gets_the_lock_when_the_holder_lets_go(tmp_path):
    lock = tmp_path / "workdir.lock"
    holder = _holder(lock, 2.0)
    waited, started = [], time.monotonic()
    with file_lock(lock, waiting=lambda: waited.append(time.monotonic() - started)):
        got = time.monotonic() - started  # the holder's two seconds are over
    holder.wait(timeout=30)
    assert len(waited) == 1 and waited[0] < 1.0 and got >= 1.5
    quiet = []
    with file_lock(lock, waiting=lambda: quiet.append(1)):  # free: no waiting
        pass
    assert quiet == []


def test_a_killed_holder_frees_the_lock(tmp_path):
    lock = tmp_path / "workdir.lock"
    holder = _holder(lock, 600)
    os.killpg(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    started = time.monotonic()
    with file_lock(lock):
        assert time.monotonic() - started < 5
