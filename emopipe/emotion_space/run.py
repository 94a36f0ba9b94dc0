"""One label-mapping run: the shared space, its no-sharing ablation and the per-direction baselines,
trained on the same splits and scored on test, as one flat metrics dict and a picture; the space is
exported as the served label mapper."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import polars as pl

from emopipe.emotion_space.convert import EXAMPLE, LabelConverter, save_space
from emopipe.emotion_space.equivalences import EQUIVALENCES, equivalence_table
from emopipe.emotion_space.metrics import MIN_TEST_ITEMS, summarize
from emopipe.emotion_space.options import MappingBudget, MappingOptions
from emopipe.emotion_space.pairs import pair_splits
from emopipe.emotion_space.train import (
    LossWeights,
    MappingConfig,
    directions,
    score_baselines,
    score_space,
    train_direct_baseline,
    train_space,
)
from emopipe.evaluation.plots import emotion_space_figure
from emopipe.evaluation.report import markdown_table
from emopipe.labels.formats import FORMATS
from emopipe.training.trained import Trained


def mapping_config(options: MappingOptions, budget: MappingBudget, seed: int) -> MappingConfig:
    weights = LossWeights(options.autoencode_weight, options.mapping_weight, options.embedding_weight, options.sharing_weight)
    return MappingConfig(epochs=budget.epochs, batch_size=options.batch_size, learning_rate=options.learning_rate, seed=seed,
                         weights=weights, bipolar=options.bipolar)


def run_label_mapping(table: pl.DataFrame, options: MappingOptions, budget: MappingBudget, workdir: Path, seed: int = 13,
                      log: Callable[[str], None] = print, log_metrics=lambda metrics, step: None) -> Trained:
    config = mapping_config(options, budget, seed)
    train, every_dev, test = (pair_splits(table, s) for s in ("train", "dev", "test"))
    # Selection and the dev figure average over the pairs whose test figures the means report (not the 28 label words)
    dev = {pid: split for pid, split in every_dev.items() if len(test[pid]) >= MIN_TEST_ITEMS}
    space, history = train_space(train, dev, config, EQUIVALENCES, log=log, log_epoch=lambda epoch, loss, score: log_metrics(
        {"epoch_train_loss": loss, "epoch_dev_selection": score}, epoch))
    log("training the no-sharing ablation")
    ablation, _ = train_space(train, dev, replace(config, weights=replace(config.weights, sharing=0.0)), EQUIVALENCES, log=lambda s: None)
    other_scale = "unitscale" if config.bipolar else "bipolar"
    log(f"training the {other_scale} ablation (valence, arousal, dominance on {'[0, 1]' if config.bipolar else '[-1, 1]'})")
    rescaled, _ = train_space(train, dev, replace(config, bipolar=not config.bipolar), EQUIVALENCES, log=lambda s: None)
    log("training the per-direction baselines")
    baselines = {d: train_direct_baseline(train[d[0]], every_dev[d[0]], d[1], d[2], config) for d in directions(train)}
    scores = {"shared space": score_space(space, test), "no sharing": score_space(ablation, test),
              other_scale: score_space(rescaled, test), "direct MLP": score_baselines(baselines, test)}
    metrics = (summarize(scores["shared space"]) | summarize(score_space(space, dev), prefix="dev_")
               | summarize(scores["no sharing"], prefix="nosharing_") | summarize(scores[other_scale], prefix=f"{other_scale}_")
               | summarize(scores["direct MLP"], prefix="baseline_"))
    by_direction = pl.DataFrame({"direction": list(scores["shared space"]),
                                 **{name: [f"{kind} {value:.3f}" for kind, value, _ in s.values()] for name, s in scores.items()}})
    rows = {f"{f}:{v}": space.decoder_row(f, v).detach().numpy() for f in space.formats for v in FORMATS[f].variables}
    classes = {f"{f}:{v}": name for name, members in EQUIVALENCES.items() for f, v in members}
    picture = emotion_space_figure(rows, classes, "Emotion space: decoder rows (PCA), coloured by equivalence class")
    example = pl.from_pandas(LabelConverter(space).convert(EXAMPLE)).with_columns(pl.all().round(3))
    return Trained(
        metrics, save_space(space, workdir / "served"), {"space": history},
        pictures={"emotion_space": picture}, captions={"emotion_space": "Decoder rows of every format in the shared space (PCA)"},
        tables={"example": f"`{EXAMPLE}` ->\n\n" + markdown_table(example),
                "directions": markdown_table(by_direction.sort("direction"), rows=by_direction.height),
                "equivalence_classes": equivalence_table()},
        details={"equivalences": equivalence_table()},
    )
