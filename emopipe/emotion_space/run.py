"""One label-mapping run: the shared space, its no-sharing ablation and the per-direction baselines,
trained on the same splits and scored on test, as one flat metrics dict and a picture."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import polars as pl

from emopipe.emotion_space.equivalences import EQUIVALENCES
from emopipe.emotion_space.metrics import summarize
from emopipe.emotion_space.model import EmotionSpace
from emopipe.emotion_space.pairs import pair_splits
from emopipe.emotion_space.train import MappingConfig, directions, score_baselines, score_space, train_direct_baseline, train_space
from emopipe.evaluation.plots import emotion_space_figure
from emopipe.labels.formats import FORMATS


@dataclass
class MappingRun:
    space: EmotionSpace
    metrics: dict[str, float]
    directions: pl.DataFrame  # one row per direction: the shared space, the no-sharing ablation and the direct MLP on test
    history: list[dict]
    picture: bytes


def run_label_mapping(table: pl.DataFrame, config: MappingConfig, log: Callable[[str], None] = print) -> MappingRun:
    train, dev, test = (pair_splits(table, s) for s in ("train", "dev", "test"))
    space, history = train_space(train, dev, config, EQUIVALENCES, log=log)
    log("training the no-sharing ablation")
    ablation, _ = train_space(train, dev, replace(config, weights=replace(config.weights, sharing=0.0)), EQUIVALENCES, log=lambda s: None)
    log("training the per-direction baselines")
    baselines = {d: train_direct_baseline(train[d[0]], dev[d[0]], d[1], d[2], config) for d in directions(train)}
    scores = {"shared space": score_space(space, test), "no sharing": score_space(ablation, test),
              "direct MLP": score_baselines(baselines, test)}
    metrics = (summarize(scores["shared space"]) | summarize(score_space(space, dev), prefix="dev_")
               | summarize(scores["no sharing"], prefix="nosharing_") | summarize(scores["direct MLP"], prefix="baseline_"))
    table = pl.DataFrame({"direction": list(scores["shared space"]),
                          **{name: [f"{kind} {value:.3f}" for kind, value, _ in s.values()] for name, s in scores.items()}})
    rows = {f"{f}:{v}": space.decoder_row(f, v).detach().numpy() for f in space.formats for v in FORMATS[f].variables}
    classes = {f"{f}:{v}": name for name, members in EQUIVALENCES.items() for f, v in members}
    picture = emotion_space_figure(rows, classes, "Emotion space: decoder rows (PCA), coloured by equivalence class")
    return MappingRun(space, metrics, table.sort("direction"), history, picture)
