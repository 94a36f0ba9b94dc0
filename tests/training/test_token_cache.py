"""The token cache: its key is what the tokenizer does, not the truncation state a previous call left
on it; a second read is a hit; two processes writing one key at the same moment end with one good entry."""

import os
import subprocess
import sys
import time

import polars as pl

from emopipe.training.batching import tokenize
from emopipe.training.token_cache import cache_key, token_ids, tokenizer_fingerprint


def test_the_key_ignores_the_truncation_a_previous_call_left_set(tiny_encoder):
    _, tokenizer = tiny_encoder
    texts = pl.Series("text", ["what a day", "so sad"])
    before = tokenizer_fingerprint(tokenizer), cache_key("tiny", tokenizer, 32, texts)
    tokenize(tokenizer, ["a much longer text than eight tokens"], 8)  # leaves truncation at 8 on the fast tokenizer
    assert tokenizer.backend_tokenizer.truncation is not None
    assert (tokenizer_fingerprint(tokenizer), cache_key("tiny", tokenizer, 32, texts)) == before
    assert cache_key("tiny", tokenizer, 16, texts) != before[1]  # max length is in the key on its own


def test_a_second_read_is_a_hit(tiny_encoder, tmp_path):
    _, tokenizer = tiny_encoder
    texts = pl.Series("text", ["what a day", "so sad", ""])
    first = token_ids(tokenizer, "tiny", texts, 16, cache_root=tmp_path)
    [entry] = list(tmp_path.iterdir())
    stamp = entry.stat().st_mtime_ns
    assert [list(x) for x in token_ids(tokenizer, "tiny", texts, 16, cache_root=tmp_path)] == first
    assert entry.stat().st_mtime_ns == stamp


WRITE = """
import sys, time
from pathlib import Path
import polars as pl
from emopipe.training.encoders import load_encoder
from emopipe.training.token_cache import token_ids

_, tokenizer, _ = load_encoder(sys.argv[1])
texts = pl.Series("text", [f"text number {i} with a few words in it" for i in range(40_000)])
time.sleep(max(0.0, float(sys.argv[3]) - time.time()))
ids = token_ids(tokenizer, "tiny", texts, 32, cache_root=Path(sys.argv[2]))
print(len(ids), sum(map(len, ids)))
"""


def test_two_processes_writing_one_key_at_once_end_with_one_good_entry(tiny_encoder_path, tiny_encoder, tmp_path):
    root = tmp_path / "tokens"
    start = str(time.time() + 6)  # both have imported transformers by then
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITE, str(tiny_encoder_path), str(root), start], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in outputs]
    assert outputs[0][0] == outputs[1][0]
    entries = list(root.iterdir())
    assert len(entries) == 1 and not entries[0].name.startswith(".")  # no staging folder left behind
    _, tokenizer = tiny_encoder
    texts = pl.Series("text", [f"text number {i} with a few words in it" for i in range(40_000)])
    cached = token_ids(tokenizer, "tiny", texts, 32, cache_root=root)
    assert len(cached) == 40_000 and list(cached[123]) == tokenize(tokenizer, [texts[123]], 32)[0]
