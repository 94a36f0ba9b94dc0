"""One ERC run on one dataset: EACL and its cross-entropy baseline trained on the same prompts with
the same encoder and budget, scored on test, and the EACL model written as a servable folder.

Metric names: `test_weighted_f1` (the papers' metric), `test_macro_f1`, `test_accuracy`,
`test_f1_<emotion>` for EACL; the same with `baseline_` for the baseline; `stage1_*` for EACL
before stage 2 (the no-stage-2 ablation, free); anchor geometry as `anchor_min_angle_initial`,
`anchor_min_angle_stage1` and `anchor_min_angle_final` (degrees, centred anchors as the angle loss
sees them). `dev_weighted_f1` is the champion rule's figure.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
import torch
import torch.nn.functional as F

from emopipe.erc.data import SPLITS, erc_split, labels_of
from emopipe.erc.options import EaclOptions, ErcBudget
from emopipe.erc.serving import export_eacl
from emopipe.erc.train import KINDS, TrainedErc, nearest_anchor, train_erc
from emopipe.evaluation.metrics import classification_metrics, confusion
from emopipe.evaluation.plots import anchor_cosine_figure, confusion_figure
from emopipe.losses.anchor_contrastive import min_pairwise_angle_degrees
from emopipe.training.device import host
from emopipe.training.encoders import load_encoder
from emopipe.training.inference import predict
from emopipe.training.trained import Trained

CAPTIONS = {"eacl_confusion": "EACL test confusion (rows: true label)", "baseline_confusion": "CE baseline test confusion",
            "anchor_cosines": "Pairwise cosine between emotion anchors: before training, after stage 1, after stage 2"}


def cosine_matrix(anchors: torch.Tensor) -> np.ndarray:
    unit = F.normalize(anchors.detach().float(), dim=1)
    return (unit @ unit.T).numpy()


def run_erc(dataset: str, table: pl.DataFrame, budget: ErcBudget, options: EaclOptions, workdir: Path, seed: int = 13,
            log: Callable[[str], None] = print, log_metrics=lambda metrics, step: None) -> Trained:
    """EACL (and, with `options.baseline`, its CE baseline) trained and scored on `dataset`; the EACL
    model exported to `workdir/served`."""
    names = labels_of(dataset)
    _, tokenizer, _ = load_encoder(budget.encoder)
    splits = {s: erc_split(table, dataset, s, tokenizer, budget.max_length, budget.past_turns,
                           budget.dialogue_limit if s == "train" else None, seed) for s in SPLITS}
    lengths = np.array([len(x) for x in splits["train"].ids])
    log(f"{dataset}: {', '.join(f'{s} {len(splits[s].ids)}' for s in SPLITS)} prompts; train prompts average {lengths.mean():.0f} "
        f"tokens (max length {budget.max_length}, {budget.past_turns} past turns)")
    y_test = splits["test"].labels
    metrics: dict[str, float] = {}
    pictures: dict[str, bytes] = {}
    history: dict[str, list[dict]] = {}
    trained: dict[str, TrainedErc] = {}
    for kind in KINDS if options.baseline else ("eacl",):
        prefix = "" if kind == "eacl" else "baseline_"
        model = train_erc(kind, splits, names, budget, options, workdir / "checkpoints" / kind, seed,
                          log=lambda s, k=kind: log(f"{k}: {s}"),
                          log_metrics=lambda m, step, k=kind: log_metrics({f"{k}_{key}": v for key, v in m.items()}, step))
        trained[kind], history[kind] = model, model.fit.history
        pad_id = model.tokenizer.pad_token_id
        if kind == "eacl":
            reps = predict(model.model, splits["test"].ids, pad_id, budget.inference_batch_size, bf16=budget.bf16, fn="represent")
            y_pred = nearest_anchor(reps, model.anchors)
            stage1 = host(model.model.anchors())
            metrics |= {f"stage1_{k}": v for k, v in classification_metrics("test", y_test, nearest_anchor(reps, stage1), list(names)).items()
                        if "_f1_" not in k}
            metrics["stage1_dev_weighted_f1"] = model.fit.best_score
            metrics["dev_weighted_f1"] = model.dev_score
            metrics |= _geometry(model, names, options, pictures, dataset)
        else:
            y_pred = predict(model.model, splits["test"].ids, pad_id, budget.inference_batch_size, bf16=budget.bf16).argmax(1)
            metrics[f"{prefix}dev_weighted_f1"] = model.dev_score
        metrics |= {f"{prefix}{k}": v for k, v in classification_metrics("test", y_test, y_pred, list(names)).items()}
        pictures[f"{kind}_confusion"] = confusion_figure(confusion(y_test, y_pred, len(names)), list(names),
                                                         f"{dataset}: {kind} test confusion")
        if kind == "baseline":
            del model.model  # only the EACL model is served
    if options.baseline:
        metrics["eacl_gain_test_weighted_f1"] = metrics["test_weighted_f1"] - metrics["baseline_test_weighted_f1"]
    model_dir = export_eacl(trained["eacl"], workdir / "served", dataset)
    return Trained(metrics, model_dir, history, pictures=pictures, captions=CAPTIONS,
                   details={"prompts": {s: len(splits[s].ids) for s in SPLITS}, "train_mean_tokens": float(lengths.mean())})


def _geometry(model: TrainedErc, names, options: EaclOptions, pictures: dict, dataset: str) -> dict[str, float]:
    """Anchor geometry before training, after stage 1 and final (after stage 2); the pairwise cosine
    pictures go into `pictures`."""
    with torch.no_grad():
        stage1 = host(model.model.anchors())
    panels = {"before training": cosine_matrix(model.initial_anchors), "after stage 1": cosine_matrix(stage1)}
    if options.stage_two:
        panels["after stage 2"] = cosine_matrix(model.anchors)
    pictures["anchor_cosines"] = anchor_cosine_figure(panels, list(names), f"{dataset}: pairwise cosine between emotion anchors")
    return {"anchor_min_angle_initial": min_pairwise_angle_degrees(model.initial_anchors),
            "anchor_min_angle_stage1": min_pairwise_angle_degrees(stage1),
            "anchor_min_angle_final": min_pairwise_angle_degrees(model.anchors)}
