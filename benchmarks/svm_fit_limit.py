"""How many training predictions the VAD model's SVM back-classifier needs (the `svm_fit_limit`
budget setting): one registered VAD model predicts the GoEmotions single-label train and test
texts once; the SVM is fitted on the first n training predictions for several n, side by side in
this run, and scored on test (macro-F1, accuracy) with its fit time. Predicting the
training texts is most of the VAD model's evaluation time (36k texts against 4.6k test). Run:
  .venv/bin/python benchmarks/svm_fit_limit.py [--model emopipe-vad-regressor@champion] [--limits 4000 8000 16000 0]
(0: all of them, the paper's).
"""

from __future__ import annotations

import argparse
import time

import mlflow
import polars as pl
from sklearn.metrics import accuracy_score, f1_score

from emopipe.models.vad_classifiers import fit_svm
from emopipe.paths import dagster_home
from emopipe.tracking.mlflow_tracking import default_tracking_uri


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="emopipe-vad-regressor@champion")
    parser.add_argument("--limits", type=int, nargs="+", default=[4000, 8000, 16000, 0])
    args = parser.parse_args()
    mlflow.set_tracking_uri(default_tracking_uri())
    model = mlflow.pyfunc.load_model(f"models:/{args.model}")
    table = pl.read_parquet(dagster_home() / "tables" / "goemotions_vad.parquet").filter(pl.col("is_single_label"))
    parts = {s: table.filter(pl.col("split") == s) for s in ("train", "test")}
    start = time.perf_counter()
    out = {s: model.predict(p["text"].to_list())[["valence", "arousal", "dominance"]].to_numpy() for s, p in parts.items()}
    print(f"{args.model}: predicted {sum(len(p) for p in parts.values()):,} texts in {time.perf_counter() - start:.0f} s")
    labels = {s: p["label_id"].cast(pl.Int64).to_numpy() for s, p in parts.items()}
    print("| SVM fitted on | fit s | test macro-F1 | test accuracy |\n|---|---|---|---|")
    for limit in args.limits:
        n = limit or len(out["train"])
        start = time.perf_counter()
        svm = fit_svm(out["train"][:n], labels["train"][:n])
        fit_s = time.perf_counter() - start
        pred = svm.predict(out["test"])
        print(f"| {n:,} {'(all)' if n == len(out['train']) else ''} | {fit_s:.1f} | "
              f"{f1_score(labels['test'], pred, average='macro'):.3f} | {accuracy_score(labels['test'], pred):.3f} |")


if __name__ == "__main__":
    main()
