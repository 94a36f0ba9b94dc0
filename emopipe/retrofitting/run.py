"""One retrofitting run for one encoder: base, retrofitted and the no-preservation ablation (lambda = 0)
scored side by side, as one flat metrics dict named `<encoder>_<metric>` (`base_test_ami`,
`retrofitted_test_map_at_r`, `retrofitted_delta_emb`, `nopreservation_test_ami`, ...).

Scored for each: k-means AMI/ARI/FMS and retrieval MRR/P@1/MAP@R on GoEmotions single-label test
embeddings; a logistic-regression probe on frozen embeddings for SST-2 (dev) and sarcasm (test);
drift against the base encoder on SST-2 dev sentences. Few-shot fine-tuning (16/64/256 per class x
3 seeds) runs for base and retrofitted only: the ablation's figures are the embedding ones.
Budgets per profile are in `BUDGETS`: on the cpu profile the contrastive phase sees 16,000 sampled
items and the probes train on 4,000 sentences per task (the paper: all of them).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import polars as pl

from emopipe.evaluation.downstream import mean_and_std, probe_scores
from emopipe.evaluation.embedding_quality import clustering_scores, embedding_drift, retrieval_scores
from emopipe.evaluation.plots import embedding_projection_figure
from emopipe.retrofitting.few_shot import FewShotOptions, few_shot_run
from emopipe.retrofitting.train import RetrofitOptions, build_retrofit_model, retrofit
from emopipe.training.encoders import TINY
from emopipe.training.loop import predict
from emopipe.training.profiles import Profile
from emopipe.training.token_cache import token_ids

TASK_EVAL_SPLIT = {"sst2": "dev", "sarcasm": "test"}  # SST-2's test labels are not public


@dataclass(frozen=True)
class RetrofitBudget:
    encoders: tuple[str, ...]  # which encoders get retrofitted, each registered and evaluated on its own
    examples_per_epoch: int | None  # items the class-balanced sampler draws per epoch (None: the train split's size)
    probe_train_limit: int | None  # probe training sentences per task (None: all)
    eval_limit: int | None  # GoEmotions dev/test items scored (None: all)
    picture_items: int = 2000


BUDGETS = {
    "smoke": RetrofitBudget((TINY,), examples_per_epoch=64, probe_train_limit=60, eval_limit=80, picture_items=60),
    "cpu": RetrofitBudget(("base",), examples_per_epoch=16_000, probe_train_limit=4_000, eval_limit=None),
    "gpu": RetrofitBudget(("bert-base-uncased", "roberta-base"), examples_per_epoch=None, probe_train_limit=None, eval_limit=None),
}


@dataclass
class RetrofitRun:
    encoder: str
    metrics: dict[str, float]
    model_dir: Path  # the retrofitted encoder as a Hugging Face directory (save_pretrained, tokenizer included)
    picture: bytes
    history: list[dict]
    config: dict


def _split(goemotions_vad: pl.DataFrame, split: str, limit: int | None, seed: int) -> pl.DataFrame:
    rows = goemotions_vad.filter((pl.col("split") == split) & pl.col("is_single_label"))
    return rows.sample(limit, seed=seed) if limit is not None and rows.height > limit else rows


def _task(downstream: pl.DataFrame, task: str, split: str, limit: int | None, seed: int) -> pl.DataFrame:
    rows = downstream.filter((pl.col("task") == task) & (pl.col("split") == split))
    if rows.height == 0:
        raise ValueError(f"downstream_tasks has no {task}/{split} rows")
    return rows.sample(limit, seed=seed) if limit is not None and rows.height > limit else rows


def run_retrofit(encoder_spec: str, goemotions_vad: pl.DataFrame, label_points: pl.DataFrame, downstream: pl.DataFrame,
                 profile: Profile, budget: RetrofitBudget, options: RetrofitOptions, few_shot: FewShotOptions,
                 checkpoint_root: Path, seed: int = 13, log: Callable[[str], None] = print,
                 log_metrics=lambda metrics, step: None) -> RetrofitRun:
    options = replace(options, examples_per_epoch=options.examples_per_epoch or budget.examples_per_epoch)
    go = {s: _split(goemotions_vad, s, None if s == "train" else budget.eval_limit, seed) for s in ("train", "dev", "test")}
    tasks = {task: {"train": _task(downstream, task, "train", None, seed), "eval": _task(downstream, task, split, None, seed)}
             for task, split in TASK_EVAL_SPLIT.items()}
    probe_train = {task: parts["train"].sample(min(budget.probe_train_limit or parts["train"].height, parts["train"].height), seed=seed)
                   for task, parts in tasks.items()}
    texts = {"test": go["test"]["text"], **{f"{t}_probe_train": probe_train[t]["text"] for t in tasks},
             **{f"{t}_eval": tasks[t]["eval"]["text"] for t in tasks}}
    y_test = go["test"]["label_id"].cast(pl.Int64).to_numpy()

    def embed_all(model, tokenizer, encoder_path) -> dict[str, np.ndarray]:
        return {name: predict(model, token_ids(tokenizer, encoder_path, series, profile.max_length), tokenizer.pad_token_id,
                              profile.inference_batch_size, bf16=profile.bf16, fn="embed") for name, series in texts.items()}

    def embedding_metrics(prefix: str, emb: dict[str, np.ndarray]) -> dict[str, float]:
        out = clustering_scores("test", emb["test"], y_test, seed) | retrieval_scores("test", emb["test"], y_test)
        for task in tasks:
            out |= probe_scores(f"{task}_probe", emb[f"{task}_probe_train"], probe_train[task]["label"].to_numpy(),
                                emb[f"{task}_eval"], tasks[task]["eval"]["label"].to_numpy())
        return {f"{prefix}_{k}": v for k, v in out.items()}

    def few_shot_metrics(prefix: str, encoder_path: str) -> dict[str, float]:
        out = {}
        for task, parts in tasks.items():
            for n in few_shot.sizes:
                log(f"{prefix}: few-shot {task}, {n} per class, seeds {list(few_shot.seeds)}")
                runs = [few_shot_run(encoder_path, parts["train"], parts["eval"], n, s, few_shot, profile.max_length, profile.bf16)
                        for s in few_shot.seeds]
                out |= mean_and_std(f"{prefix}_{task}_fewshot{n}", runs)
        return out

    def train_variant(name: str, variant: RetrofitOptions):
        model, tokenizer, encoder_path = build_retrofit_model(encoder_spec, variant, profile.frozen_layers)
        ids = token_ids(tokenizer, encoder_path, go["train"]["text"], profile.max_length)
        dev_ids = token_ids(tokenizer, encoder_path, go["dev"]["text"], profile.max_length)
        y_dev = go["dev"]["label_id"].cast(pl.Int64).to_numpy()

        def dev_fn(m):
            return retrieval_scores("dev", predict(m, dev_ids, tokenizer.pad_token_id, profile.inference_batch_size,
                                                   bf16=profile.bf16, fn="embed"), y_dev)

        result = retrofit(model, ids, go["train"]["label_id"].cast(pl.Int64).to_numpy(), tokenizer.pad_token_id, profile, variant,
                          dev_fn, checkpoint_root / name, {"encoder": encoder_spec, "profile": profile.to_dict()}, seed=seed,
                          log=lambda s: log(f"{name}: {s}"), log_metrics=lambda m, step: log_metrics({f"{name}_{k}": v for k, v in m.items()}, step))
        return model, tokenizer, encoder_path, result

    base_model, tokenizer, base_path = build_retrofit_model(encoder_spec, options, profile.frozen_layers)
    log(f"embedding the evaluation sets with the base encoder {encoder_spec}")
    base_emb = embed_all(base_model, tokenizer, base_path)
    metrics = embedding_metrics("base", base_emb)
    del base_model

    model, tokenizer, _, result = train_variant("retrofitted", options)
    model_dir = checkpoint_root / "retrofitted_plm"
    shutil.rmtree(model_dir, ignore_errors=True)
    model.encoder.save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)
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
    config = {"encoder": encoder_spec, "options": asdict(options), "few_shot": asdict(few_shot), "budget": asdict(budget),
              "profile": profile.to_dict(), "seed": seed}
    return RetrofitRun(encoder_spec, metrics, model_dir, picture, result.history, config)
