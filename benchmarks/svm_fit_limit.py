"""The VAD model's SVM back-classifier, measured on one registered VAD model: how many training
predictions it needs (the `svm_fit_limit` budget setting) and, with `--grid`, whether the
reference's C and gamma still suit our model's predictions.

The model predicts the GoEmotions single-label train, dev and test texts once; then, side by side
in this run:
- for several n, the SVM (the reference's C = 10, gamma = 3.5) is fitted on the first n training
  predictions and scored on test (macro-F1, accuracy) with its fit time. Predicting the training
  texts is most of the VAD model's evaluation time (36k texts against 4.6k test);
- with `--grid`, the SVM is fitted on every training prediction for each (gamma, C) of the grid the
  reference searched on dev to choose its C and gamma (`rbf_accuracy_per_gamma` in its
  src/model_analyzing_2.py: gamma in 10^{0, 0.5, 1, 1.5}, C in 10^{-0.5, 0, ..., 2.5}), scored on
  dev and test. The reference chose on dev; so would we, were the dev-best point better on test.
Run:
  .venv/bin/python benchmarks/svm_fit_limit.py [--model emopipe-vad-regressor@champion] [--limits 4000 8000 16000 0]
  .venv/bin/python benchmarks/svm_fit_limit.py --grid [--gammas 1 3.16] [--cs 1 10 100]
(limit 0: all of them, the paper's).
"""

from __future__ import annotations

import argparse
import time

import mlflow
import numpy as np
import polars as pl
from sklearn.metrics import accuracy_score, f1_score

from emopipe.models.vad_classifiers import fit_svm
from emopipe.paths import dagster_home
from emopipe.tracking.mlflow_tracking import default_tracking_uri

GAMMAS = [float(10**e) for e in np.arange(0, 2, 0.5)]  # the reference's grid
CS = [float(10**e) for e in np.arange(-0.5, 3, 0.5)]


def macro_f1(labels, pred) -> float:
    return f1_score(labels, pred, average="macro")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="emopipe-vad-regressor@champion")
    parser.add_argument("--limits", type=int, nargs="+", default=[4000, 8000, 16000, 0])
    parser.add_argument("--grid", action="store_true", help="the reference's (gamma, C) grid instead of fit limits")
    parser.add_argument("--gammas", type=float, nargs="+", default=GAMMAS)
    parser.add_argument("--cs", type=float, nargs="+", default=CS)
    args = parser.parse_args()
    mlflow.set_tracking_uri(default_tracking_uri())
    model = mlflow.pyfunc.load_model(f"models:/{args.model}")
    table = pl.read_parquet(dagster_home() / "tables" / "goemotions_vad.parquet").filter(pl.col("is_single_label"))
    splits = ("train", "dev", "test") if args.grid else ("train", "test")
    parts = {s: table.filter(pl.col("split") == s) for s in splits}
    start = time.perf_counter()
    out = {s: model.predict(p["text"].to_list())[["valence", "arousal", "dominance"]].to_numpy() for s, p in parts.items()}
    print(f"{args.model}: predicted {sum(len(p) for p in parts.values()):,} texts in {time.perf_counter() - start:.0f} s")
    labels = {s: p["label_id"].cast(pl.Int64).to_numpy() for s, p in parts.items()}
    if args.grid:
        print("| gamma | C | dev macro-F1 | test macro-F1 | test accuracy | fit s |\n|---|---|---|---|---|---|")
        for gamma in args.gammas:
            for c in args.cs:
                start = time.perf_counter()
                svm = fit_svm(out["train"], labels["train"], c=c, gamma=gamma)
                fit_s = time.perf_counter() - start
                pred = svm.predict(out["test"])
                print(f"| {gamma:.3g} | {c:.3g} | {macro_f1(labels['dev'], svm.predict(out['dev'])):.4f} | "
                      f"{macro_f1(labels['test'], pred):.4f} | {accuracy_score(labels['test'], pred):.4f} | {fit_s:.0f} |", flush=True)
        return
    print("| SVM fitted on | fit s | test macro-F1 | test accuracy |\n|---|---|---|---|")
    for limit in args.limits:
        n = limit or len(out["train"])
        start = time.perf_counter()
        svm = fit_svm(out["train"][:n], labels["train"][:n])
        fit_s = time.perf_counter() - start
        pred = svm.predict(out["test"])
        print(f"| {n:,} {'(all)' if n == len(out['train']) else ''} | {fit_s:.1f} | "
              f"{macro_f1(labels['test'], pred):.3f} | {accuracy_score(labels['test'], pred):.3f} |")


if __name__ == "__main__":
    main()
