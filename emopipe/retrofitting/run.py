"""One retrofitting run for one encoder: base, retrofitted and the no-preservation ablation (lambda = 0)
scored side by side, as one flat metrics dict named `<encoder>_<metric>` (`base_test_ami`,
`retrofitted_test_map_at_r`, `retrofitted_delta_emb`, `nopreservation_test_ami`, ...).

Scored for each: k-means AMI/ARI/FMS and retrieval MRR/P@1/MAP@R on GoEmotions single-label test
embeddings; a logistic-regression probe on frozen embeddings for SST-2 (dev) and sarcasm (test);
drift against the base encoder on SST-2 dev sentences. Few-shot fine-tuning (16/64/256 per class x
3 seeds) runs for base and retrofitted only: the ablation's figures are the embedding ones.
What depends only on the base encoder (its embeddings, its few-shot scores, the frozen copy's
embeddings) is remembered by content, so a retrained variant does not pay for it again.
Budgets per profile are in `options.BUDGETS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl

from emopipe.evaluation.embedding_quality import clustering_scores, embedding_drift, retrieval_scores
from emopipe.evaluation.plots import embedding_projection_figure
from emopipe.evaluation.probes import mean_and_std, probe_scores
from emopipe.evaluation.report import markdown_table
from emopipe.retrofitting.few_shot import few_shot_run
from emopipe.retrofitting.options import FewShotOptions, RetrofitBudget, RetrofitOptions
from emopipe.retrofitting.serving import export_retrofitted
from emopipe.retrofitting.train import build_retrofit_model, retrofit
from emopipe.training.inference import predict
from emopipe.training.remembered import remembered_predict
from emopipe.training.token_cache import token_ids
from emopipe.training.trained import Trained

TASK_EVAL_SPLIT = {"sst2": "dev", "sarcasm": "test"}  # SST-2's test labels are not public


def _split(goemotions_vad: pl.DataFrame, split: str, limit: int | None, seed: int) -> pl.DataFrame:
    rows = goemotions_vad.filter((pl.col("split") == split) & pl.col("is_single_label"))
    return rows.sample(limit, seed=seed) if limit is not None and rows.height > limit else rows


def _task(downstream: pl.DataFrame, task: str, split: str, limit: int | None, seed: int) -> pl.DataFrame:
    rows = downstream.filter((pl.col("task") == task) & (pl.col("split") == split))
    if rows.height == 0:
        raise ValueError(f"downstream_tasks has no {task}/{split} rows")
    return rows.sample(limit, seed=seed) if limit is not None and rows.height > limit else rows


def run_retrofit(encoder_spec: str, goemotions_vad: pl.DataFrame, label_points: pl.DataFrame, downstream: pl.DataFrame,
                 budget: RetrofitBudget, options: RetrofitOptions, few_shot: FewShotOptions, workdir: Path, run_config: dict,
                 seed: int = 13, log: Callable[[str], None] = print, log_metrics=lambda metrics, step: None) -> Trained:
    """Base, retrofitted and lambda = 0 scored side by side; the retrofitted encoder saved to
    `workdir/served` as a Hugging Face directory."""
    go = {s: _split(goemotions_vad, s, None if s == "train" else budget.eval_limit, seed) for s in ("train", "dev", "test")}
    tasks = {task: {"train": _task(downstream, task, "train", None, seed), "eval": _task(downstream, task, split, None, seed)}
             for task, split in TASK_EVAL_SPLIT.items()}
    probe_train = {task: parts["train"].sample(min(budget.probe_train_limit or parts["train"].height, parts["train"].height), seed=seed)
                   for task, parts in tasks.items()}
    texts = {"test": go["test"]["text"], **{f"{t}_probe_train": probe_train[t]["text"] for t in tasks},
             **{f"{t}_eval": tasks[t]["eval"]["text"] for t in tasks}}
    y_test = go["test"]["label_id"].cast(pl.Int64).to_numpy()

    def embed_all(model, tokenizer, encoder_path, how=predict) -> dict[str, np.ndarray]:
        return {name: how(model, token_ids(tokenizer, encoder_path, series, budget.max_length), tokenizer.pad_token_id,
                          budget.inference_batch_size, bf16=budget.bf16, fn="embed") for name, series in texts.items()}

    def embedding_metrics(prefix: str, emb: dict[str, np.ndarray]) -> dict[str, float]:
        out = clustering_scores("test", emb["test"], y_test, seed) | retrieval_scores("test", emb["test"], y_test)
        for task in tasks:
            out |= probe_scores(f"{task}_probe", emb[f"{task}_probe_train"], probe_train[task]["label"].to_numpy(),
                                emb[f"{task}_eval"], tasks[task]["eval"]["label"].to_numpy(), options.probe, options.probe_neighbours)
        return {f"{prefix}_{k}": v for k, v in out.items()}

    def few_shot_metrics(prefix: str, encoder_path: str) -> dict[str, float]:
        out = {}
        for task, parts in tasks.items():
            for n in few_shot.sizes:
                log(f"{prefix}: few-shot {task}, {n} per class, seeds {list(few_shot.seeds)}")
                runs = [few_shot_run(encoder_path, parts["train"], parts["eval"], n, s, few_shot, budget.max_length, budget.bf16,
                                     budget.pooling)
                        for s in few_shot.seeds]
                out |= mean_and_std(f"{prefix}_{task}_fewshot{n}", runs)
        return out

    def train_variant(name: str, variant: RetrofitOptions):
        model, tokenizer, encoder_path = build_retrofit_model(encoder_spec, variant, budget.frozen_layers, seed, budget.pooling)
        ids = token_ids(tokenizer, encoder_path, go["train"]["text"], budget.max_length)
        dev_ids = token_ids(tokenizer, encoder_path, go["dev"]["text"], budget.max_length)
        y_dev = go["dev"]["label_id"].cast(pl.Int64).to_numpy()

        def dev_fn(m):
            return retrieval_scores("dev", predict(m, dev_ids, tokenizer.pad_token_id, budget.inference_batch_size,
                                                   bf16=budget.bf16, fn="embed"), y_dev)

        result = retrofit(model, ids, go["train"]["label_id"].cast(pl.Int64).to_numpy(), tokenizer.pad_token_id, budget, variant,
                          dev_fn, workdir / "checkpoints" / name, {"run": run_config, "encoder": encoder_spec}, seed=seed,
                          log=lambda s: log(f"{name}: {s}"), log_metrics=lambda m, step: log_metrics({f"{name}_{k}": v for k, v in m.items()}, step))
        return model, tokenizer, encoder_path, result

    # the base encoder untouched whatever the budget freezes (frozen, it would be read through the float16 frozen-layer cache)
    base_model, tokenizer, base_path = build_retrofit_model(encoder_spec, options, 0, seed, budget.pooling)
    log(f"embedding the evaluation sets with the base encoder {encoder_spec}")
    base_emb = embed_all(base_model, tokenizer, base_path, how=remembered_predict)  # the same every run: read back after the first
    metrics = embedding_metrics("base", base_emb)
    del base_model

    model, tokenizer, _, result = train_variant("retrofitted", options)
    model_dir = export_retrofitted(model.encoder, tokenizer, budget.pooling, workdir / "served")
    emb = embed_all(model, tokenizer, base_path)  # same tokenizer: reuse its token cache
    metrics |= embedding_metrics("retrofitted", emb) | {"retrofitted_delta_emb": embedding_drift(base_emb["sst2_eval"], emb["sst2_eval"])}
    metrics |= {k: v for k, v in result.history[result.best_epoch].items() if k.startswith("dev_")}
    del model

    ablation, ab_tokenizer, ab_path, _ = train_variant("nopreservation", replace(options, preservation_weight=0.0))
    ab_emb = embed_all(ablation, ab_tokenizer, ab_path)
    metrics |= embedding_metrics("nopreservation", ab_emb)
    metrics["nopreservation_delta_emb"] = embedding_drift(base_emb["sst2_eval"], ab_emb["sst2_eval"])
    del ablation

    metrics |= few_shot_metrics("base", base_path) | few_shot_metrics("retrofitted", str(model_dir))

    groups = label_points.sort("label_id")["ekman_group"].cast(pl.String).to_list()
    shown = np.random.default_rng(seed).permutation(len(y_test))[: budget.picture_items]
    picture = embedding_projection_figure(
        {f"base ({encoder_spec})": base_emb["test"][shown], "retrofitted": emb["test"][shown]}, [groups[i] for i in y_test[shown]],
        f"GoEmotions test embeddings (t-SNE, {len(shown)} items), coloured by Ekman group")
    return Trained(metrics, model_dir, {"retrofitted": result.history}, pictures={"embeddings_tsne": picture},
                   captions={"embeddings_tsne": f"GoEmotions test embeddings, base vs retrofitted (t-SNE), {encoder_spec}"},
                   tables={"comparison": markdown_table(comparison(metrics), rows=40)})


def comparison(metrics: dict[str, float]) -> pl.DataFrame:
    """One row per metric, one column per encoder variant (base, retrofitted, nopreservation)."""
    variants = ("base", "retrofitted", "nopreservation")
    names = sorted({k.split("_", 1)[1] for k in metrics if k.split("_", 1)[0] in variants and "train_" not in k})
    return pl.DataFrame({"metric": names, **{v: [round(metrics.get(f"{v}_{n}", float("nan")), 4) for n in names] for v in variants}})
