"""Train and evaluate the two GoEmotions models on the single-label subset: the baseline and the VAD
regressor with its back-classifiers ("Dimension is All You Need?").

The baseline is GoEmotions' own recipe, as the paper retrained it: a sigmoid per label (BCE on the
one-hot target), a label predicted above 0.3, scored as multi-label predictions (exact-match
accuracy, F1 per label column); `head: softmax` trains the argmax classifier instead, a variant.
The gpu budgets are the reference's paper configs (pooled [CLS], the regressor's Linear(768, 3) +
sigmoid, warm-up 0.1, weight decay 0); the cpu budget trains MiniLM-L6 with mean pooling (the
regressor with an MLP head) for three epochs at max length 64, the baseline with its embeddings and
4 lowest layers frozen.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
import torch
import torch.nn.functional as F

from data_contracts.vocab import VAD
from emopipe.dimensional.options import MAPPERS, BaselineOptions, TextBudget, VadOptions
from emopipe.dimensional.serving import export_text_model
from emopipe.evaluation.metrics import classification_metrics, confusion, multilabel_metrics, vad_errors
from emopipe.evaluation.plots import confusion_figure
from emopipe.losses.vad_regression import vad_loss
from emopipe.models.text_models import TextModel, TextModelConfig
from emopipe.models.vad_classifiers import RbfSvm, fit_svm, nearest_label
from emopipe.training.encoders import freeze_lower, load_encoder
from emopipe.training.loop import FitConfig, fit
from emopipe.training.remembered import remembered_predict
from emopipe.training.token_cache import token_ids
from emopipe.training.trained import Trained

KINDS = ("baseline", "vad")


def _subset(table: pl.DataFrame, split: str, limit: int | None, seed: int) -> pl.DataFrame:
    rows = table.filter((pl.col("split") == split) & pl.col("is_single_label"))
    return rows.sample(limit, seed=seed) if limit is not None and rows.height > limit else rows


def points_of(points: pl.DataFrame, mapper: str) -> np.ndarray:
    if mapper not in MAPPERS:
        raise ValueError(f"unknown mapper {mapper!r}; expected one of {sorted(MAPPERS)}")
    return points.sort("label_id").select([f"{MAPPERS[mapper]}{v}" for v in VAD]).to_numpy()


def train_goemotions_model(
    kind: str,
    goemotions_vad: pl.DataFrame,
    label_points: pl.DataFrame,
    budget: TextBudget,
    workdir: Path,
    run_config: dict,
    options: VadOptions | None = None,
    sentiment: pl.DataFrame | None = None,
    baseline: BaselineOptions | None = None,
    seed: int = 13,
    title: str = "",
    log: Callable[[str], None] = print,
    log_metrics: Callable[[dict, int], None] = lambda m, s: None,
) -> Trained:
    """`kind` is "baseline" or "vad"; the dev-selected model, scored on test, exported to
    `workdir/served`. `sentiment` (texts with a 0/1 `label`) adds the VAD model's zero-shot
    sentiment accuracy from valence."""
    if kind not in KINDS:
        raise ValueError(f"unknown GoEmotions model kind {kind!r}; expected one of {KINDS}")
    options, baseline = options or VadOptions(), baseline or BaselineOptions()
    multilabel = kind == "baseline" and baseline.objective == "multilabel"
    names = label_points.sort("label_id")["label"].cast(pl.String).to_list()
    train = _subset(goemotions_vad, "train", budget.train_limit, seed)
    dev, test = (_subset(goemotions_vad, s, budget.eval_limit, seed) for s in ("dev", "test"))
    encoder, tokenizer, encoder_path = load_encoder(budget.encoder)
    ids = {name: token_ids(tokenizer, encoder_path, part["text"], budget.max_length)
           for name, part in (("train", train), ("dev", dev), ("test", test))}
    labels = {name: part["label_id"].cast(pl.Int64).to_numpy() for name, part in (("train", train), ("dev", dev), ("test", test))}
    pad_id = tokenizer.pad_token_id
    points = torch.tensor(points_of(label_points, options.mapper), dtype=torch.float32) if kind == "vad" else None
    model_kind = {"vad": "vad_regressor", "baseline": "multilabel" if multilabel else "classifier"}[kind]
    config = TextModelConfig(model_kind, encoder.config.hidden_size, len(names) if kind == "baseline" else 3,
                             pooling=budget.pooling, head=budget.head)
    torch.manual_seed(seed)
    freeze_lower(encoder, budget.frozen_layers)
    model = TextModel(encoder, config)
    y_train = torch.tensor(labels["train"])
    # remembered by content: the best epoch's dev predictions, scored in training, are read back after it
    run = functools.partial(remembered_predict, pad_id=pad_id, batch_size=budget.inference_batch_size, bf16=budget.bf16)
    if kind == "vad":
        per_example, shared = {"label": y_train, "target": points[y_train]}, {"points": points}

        def loss_fn(m, batch):
            pred = m(batch.input_ids, batch.attention_mask)
            return vad_loss(options.loss, pred, batch["target"], batch["label"], batch["points"], options.ce_weight)

        def dev_fn(m):
            pred = run(m, ids["dev"])
            return classification_metrics("dev", labels["dev"], nearest_label(pred, points.numpy()), names) | {"dev_vad_mae": float(
                np.abs(pred - points.numpy()[labels["dev"]]).mean())}
    elif multilabel:
        per_example, shared = {"target": F.one_hot(y_train, len(names)).float()}, {}

        def loss_fn(m, batch):
            return F.binary_cross_entropy_with_logits(m(batch.input_ids, batch.attention_mask), batch["target"])

        def dev_fn(m):
            return multilabel_metrics("dev", labels["dev"], above(run(m, ids["dev"]), baseline.threshold), names)
    else:
        per_example, shared = {"label": y_train}, {}

        def loss_fn(m, batch):
            return F.cross_entropy(m(batch.input_ids, batch.attention_mask), batch["label"])

        def dev_fn(m):
            return classification_metrics("dev", labels["dev"], run(m, ids["dev"]).argmax(1), names)

    fit_config = FitConfig(epochs=budget.epochs, batch_size=budget.batch_size, learning_rate=budget.learning_rate,
                           head_learning_rate=budget.head_learning_rate, weight_decay=budget.weight_decay,
                           warmup_ratio=budget.warmup_ratio, seed=seed, bf16=budget.bf16)
    model_config = {"run": run_config, "model": config.to_dict(), "encoder": budget.encoder, "encoder_path": encoder_path,
                    "labels": names, "max_length": budget.max_length, "kind": kind}
    if kind == "vad":
        model_config |= {"vad": options.__dict__, "points": points.tolist()}
    else:
        model_config |= {"baseline": baseline.__dict__}
    result = fit(model, ids["train"], pad_id, loss_fn, dev_fn, fit_config, workdir / "checkpoints", model_config, log=log,
                 log_metrics=log_metrics, per_example=per_example, shared=shared)
    log(f"best epoch {result.best_epoch + 1} (dev_macro_f1 {result.best_score:.4f}) on {result.device}; evaluating on test")

    metrics = {f"best_{k}": v for k, v in result.history[result.best_epoch].items() if k.startswith("dev_")}
    metrics["dev_macro_f1"] = result.best_score
    predict_with = functools.partial(run, model)
    svm = None
    if kind == "baseline":
        test_metrics, y_pred = _evaluate_baseline(predict_with, ids, labels, names, baseline.threshold if multilabel else None)
    else:
        test_metrics, y_pred, svm = _evaluate_vad(predict_with, ids, labels, names, points.numpy(), options.classifier,
                                                  budget.svm_fit_limit)
    metrics |= test_metrics
    if kind == "vad" and sentiment is not None:
        texts = token_ids(tokenizer, encoder_path, sentiment["text"], budget.max_length)
        valence = predict_with(texts)[:, 0]
        metrics["sst2_dev_valence_accuracy"] = float(((valence > metrics["train_valence_median"]).astype(int)
                                                      == sentiment["label"].to_numpy()).mean())
    model_dir = export_text_model(model, tokenizer, model_config, svm, workdir / "served")
    matrix = confusion(labels["test"], y_pred, len(names))
    return Trained(metrics, model_dir, {kind: result.history},
                   pictures={"confusion_matrix": confusion_figure(matrix, names, title)},
                   captions={"confusion_matrix": "Test confusion matrix (rows: true label)"})


def above(logits: np.ndarray, threshold: float) -> np.ndarray:
    """0/1 per label: the sigmoid of the logit above `threshold`."""
    return (1 / (1 + np.exp(-logits)) > threshold).astype(int)


def _evaluate_baseline(run, ids, labels, names, threshold: float | None) -> tuple[dict, np.ndarray]:
    """The softmax classifier by argmax; the multi-label one as multi-label predictions (the figures the
    paper's baseline reports), and by its top label too (`test_top1_*`, comparable with the argmax
    classifier). The confusion matrix is of the top label."""
    logits = run(ids["test"])
    y_pred = logits.argmax(1)
    if threshold is None:
        return classification_metrics("test", labels["test"], y_pred, names), y_pred
    top1 = {k.replace("test_", "test_top1_"): v for k, v in classification_metrics("test", labels["test"], y_pred, names).items()
            if not k.startswith("test_f1_")}
    return multilabel_metrics("test", labels["test"], above(logits, threshold), names) | top1, y_pred


def _evaluate_vad(run, ids, labels, names, points: np.ndarray, classifier: str, svm_fit_limit: int) -> tuple[dict, np.ndarray, RbfSvm]:
    """Test metrics for both back-classifiers (`test_1nn_*`, `test_svm_*`), the chosen one's as
    `test_*`; the SVM is fitted on the first `svm_fit_limit` predicted training points (all when None,
    as the paper). With the SVM chosen, its dev macro-F1 becomes `dev_macro_f1`, the figure the
    champion rule compares."""
    out, dev_pred = run(ids["test"]), run(ids["dev"])
    fit_ids = ids["train"][:svm_fit_limit]
    train_pred = run(fit_ids)
    svm = fit_svm(train_pred, labels["train"][: len(fit_ids)])
    by_classifier = {"1nn": nearest_label(out, points), "svm": svm.predict(out)}
    metrics = {}
    for name, pred in by_classifier.items():
        metrics |= {k.replace("test_", f"test_{name}_"): v for k, v in
                    classification_metrics("test", labels["test"], pred, names).items() if not k.startswith("test_f1_")}
    metrics["dev_svm_macro_f1"] = classification_metrics("dev", labels["dev"], svm.predict(dev_pred), names)["dev_macro_f1"]
    y_pred = by_classifier[classifier]
    metrics |= classification_metrics("test", labels["test"], y_pred, names)
    metrics |= vad_errors("test", out, points[labels["test"]])
    metrics["train_valence_median"] = float(np.median(train_pred[:, 0]))
    if classifier == "svm":
        metrics["dev_macro_f1"] = metrics["dev_svm_macro_f1"]
    return metrics, y_pred, RbfSvm.from_sklearn(svm)
