"""Serving throughput: `emopipe serve` over HTTP beside in-process `predict`, side by side in one run.

The same registered model and the same texts, at 1 and at 32 texts a request:
  in-process: `mlflow.pyfunc.load_model(...).predict(texts)`, one request at a time
  HTTP:       `emopipe serve` (MLflow's scoring server, one worker) on 127.0.0.1, 4 concurrent clients
              posting `{"inputs": [...]}` to /invocations
Prints requests/s, texts/s and p50/p99 latency for each, and HTTP's rate as a fraction of in-process.
Run against a registry that holds the model (after `make run`):
  .venv/bin/python benchmarks/serving.py [--model emopipe-vad-regressor] [--seconds 20]
Texts are GoEmotions test texts from $DAGSTER_HOME/tables when materialized, else a fixed list.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from emopipe.paths import dagster_home

FALLBACK = ["I am so happy for you!", "This is the worst day ever.", "Well, that was unexpected.", "Thanks a lot, really.",
            "I can't believe you did that to me", "ok", "What a lovely surprise, thank you so much for thinking of me!"]


def texts(n: int) -> list[str]:
    table = dagster_home() / "tables" / "goemotions_vad.parquet"
    if table.is_file():
        import polars as pl

        found = pl.read_parquet(table).filter(pl.col("split") == "test")["text"].to_list()
        if found:
            return (found * (n // len(found) + 1))[:n]
    return (FALLBACK * (n // len(FALLBACK) + 1))[:n]


def cpu() -> str:
    try:
        info = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    except OSError:
        return platform.processor() or "unknown CPU"
    name = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Model name")), "unknown CPU")
    flags = next((line for line in info.splitlines() if line.startswith("Flags")), "")
    native = [f for f in ("avx512_bf16", "amx_bf16") if f in flags.split()]
    return f"{name}, {os.cpu_count()} CPUs, " + (f"native bf16 ({', '.join(native)})" if native else "AVX2 only" if "avx2" in flags else "")


def summary(latencies: list[float], seconds: float, size: int) -> dict[str, float]:
    ordered = sorted(latencies)
    return {"requests_per_s": len(ordered) / seconds, "texts_per_s": len(ordered) * size / seconds,
            "p50_ms": 1000 * statistics.median(ordered), "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]}


def in_process(model, batches: list[list[str]], seconds: float) -> dict[str, float]:
    model.predict(batches[0])  # warm-up
    latencies, started, i = [], time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        t = time.perf_counter()
        model.predict(batches[i % len(batches)])
        latencies.append(time.perf_counter() - t)
        i += 1
    return summary(latencies, time.perf_counter() - started, len(batches[0]))


def over_http(port: int, batches: list[list[str]], seconds: float, clients: int) -> dict[str, float]:
    url = f"http://127.0.0.1:{port}/invocations"
    bodies = [json.dumps({"inputs": b}).encode() for b in batches]

    def call(body: bytes) -> None:
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=300) as response:
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}")
            response.read()

    call(bodies[0])  # warm-up
    latencies, lock, stop = [], threading.Lock(), time.perf_counter() + seconds

    def client(k: int) -> None:
        i = k
        while time.perf_counter() < stop:
            t = time.perf_counter()
            call(bodies[i % len(bodies)])
            with lock:
                latencies.append(time.perf_counter() - t)
            i += clients

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summary(latencies, time.perf_counter() - started, len(batches[0]))


def serve(model: str, port: int) -> subprocess.Popen:
    command = [str(Path(sys.executable).parent / "emopipe"), "serve", model, "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"`{' '.join(command)}` exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("the server did not answer /ping within 300 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="emopipe-vad-regressor", help="registered model (its champion)")
    parser.add_argument("--seconds", type=float, default=20.0, help="measuring time per row")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients")
    args = parser.parse_args()
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

    from emopipe.tracking.mlflow_tracking import default_tracking_uri
    from emopipe.tracking.serving import load_registered

    uri, model = load_registered(default_tracking_uri(), args.model)
    pool = texts(32 * 40)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = serve(args.model, port)
    try:
        rows = []
        for size in (1, 32):
            batches = [pool[i : i + size] for i in range(0, len(pool), size)][:40]
            local = in_process(model, batches, args.seconds)
            http = over_http(port, batches, args.seconds, args.clients)
            rows.append((size, local, http))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    print(f"{uri} on {cpu()}; torch threads {__import__('torch').get_num_threads()}; {args.seconds:.0f} s a row")
    print(f"{'texts/request':>13} | {'path':<26} | {'requests/s':>10} | {'texts/s':>8} | {'p50 ms':>8} | {'p99 ms':>8}")
    for size, local, http in rows:
        for name, figures in (("in-process predict", local), (f"HTTP, {args.clients} clients", http)):
            print(f"{size:>13} | {name:<26} | {figures['requests_per_s']:>10.1f} | {figures['texts_per_s']:>8.1f} | "
                  f"{figures['p50_ms']:>8.1f} | {figures['p99_ms']:>8.1f}")
        print(f"{'':>13} | {'HTTP / in-process':<26} | {http['requests_per_s'] / local['requests_per_s']:>10.2f} |")


if __name__ == "__main__":
    main()
