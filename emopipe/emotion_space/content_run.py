"""One content-encoder run: the word encoder, the text encoder with and without emotion-label
augmentation, and a supervised SemEval be6 text encoder, all into the same frozen emotion space
and scored on test, as one flat metrics dict (names as the issue and the report use them).

Zero-shot means the format was never a training target for that content: the word encoder learns
NRC VAD only and is read through the frozen emolex8 and eil8 decoders; the text encoders learn
EmoBank VAD only (the augmented one also the mapper's be6 translation of it, never gold be6) and
are read through the frozen semeval_be6 decoder. Only the supervised model sees gold be6 labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import torch

from emopipe.emotion_space.content_data import SPLITS, ContentData
from emopipe.emotion_space.content_models import ContentEncoder, Target, frozen, score, train_text_encoder, train_word_head
from emopipe.emotion_space.model import EmotionSpace
from emopipe.training.encoders import freeze_lower, load_encoder
from emopipe.training.loop import FitConfig, predict
from emopipe.training.profiles import Profile
from emopipe.training.token_cache import token_ids

# variant -> (training data attribute, augmentation target, selection metric)
TEXT_VARIANTS = {
    "plain": ("texts", None, "dev_text_vad_mean_r"),
    "augmented": ("texts", "semeval_be6", "dev_text_augmented_vad_mean_r"),
    "supervised": ("be6", None, "dev_text_be6_supervised_r"),
}
SERVED = "augmented"  # the text encoder `emopipe-content-encoder` serves


@dataclass(frozen=True)
class ContentConfig:
    text_epochs: int
    supervised_epochs: int  # the supervised be6 model has ~940 headlines, so it gets more passes
    word_epochs: int = 40
    word_learning_rate: float = 1e-3
    augment_weight: float = 1.0
    seed: int = 13


@dataclass
class ContentRun:
    metrics: dict[str, float]
    results: pl.DataFrame  # one row per model and test set: what it was trained on, how it is read, the score
    text_model: ContentEncoder  # the served (augmented) text encoder
    word_head: torch.nn.Module
    tokenizer: object
    model_config: dict
    history: dict[str, list[dict]]


def _targets(split_data: dict, augment: str | None, weight: float) -> dict[str, Target]:
    return {s: Target(split_data[s].fmt, split_data[s].values, augment if s == "train" else None, weight) for s in SPLITS}


def run_content_encoders(data: ContentData, space: EmotionSpace, profile: Profile, config: ContentConfig, checkpoint_root: Path,
                         log: Callable[[str], None] = print, log_metrics=lambda metrics, step: None) -> ContentRun:
    space = frozen(space)
    encoder, tokenizer, encoder_path = load_encoder(profile.encoder)

    def ids(texts: list[str]) -> list[list[int]]:
        return token_ids(tokenizer, encoder_path, pl.Series("text", texts, dtype=pl.String), profile.max_length)

    def run(model, texts: list[str], fn: str = "forward"):
        return predict(model, ids(texts), tokenizer.pad_token_id, profile.inference_batch_size, bf16=profile.bf16, fn=fn)
    metrics, rows, history = {}, [], {}

    log("word encoder: features from the frozen pretrained encoder")
    features_model = ContentEncoder(encoder, encoder.config.hidden_size)
    words = {**{s: data.words[s].items for s in SPLITS}, **{f: t.items for f, t in data.word_tests.items()}}
    features = {name: run(features_model, items, fn="embed") for name, items in words.items()}
    head, history["word"] = train_word_head(features, _targets(data.words, None, 1.0), space, config.word_epochs,
                                            config.word_learning_rate, 256, config.seed, log=log)
    with torch.no_grad():
        points = {name: head(torch.as_tensor(f, dtype=torch.float32)).numpy() for name, f in features.items()}
    word_scores = {
        "word_vad_mean_r": ("NRC VAD", "nrc_vad", score(space, "nrc_vad", points["test"], data.words["test"].values)),
        "word_emolex_zeroshot_f1": ("NRC VAD", "emolex8", score(space, "emolex8", points["emolex8"], data.word_tests["emolex8"].values)),
        "word_eil_zeroshot_r": ("NRC VAD", "eil8", score(space, "eil8", points["eil8"], data.word_tests["eil8"].values)),
    }
    metrics["dev_word_vad_mean_r"] = max(h["dev_word_vad_mean_r"] for h in history["word"])
    for name, (trained_on, fmt, value) in word_scores.items():
        metrics[name] = value
        rows.append(("word encoder", trained_on, fmt, name, value))

    text_models = {}
    for variant, (attribute, augment, selection) in TEXT_VARIANTS.items():
        split_data = getattr(data, attribute)
        log(f"text encoder ({variant}): {len(split_data['train'])} training texts in {split_data['train'].fmt}"
            + (f", augmented with the mapper's {augment}" if augment else ""))
        torch.manual_seed(config.seed)
        text_encoder = load_encoder(profile.encoder)[0]
        freeze_lower(text_encoder, profile.frozen_layers)
        model = ContentEncoder(text_encoder, encoder.config.hidden_size)
        fit_config = FitConfig(epochs=config.supervised_epochs if variant == "supervised" else config.text_epochs,
                               batch_size=profile.batch_size, learning_rate=profile.learning_rate,
                               head_learning_rate=profile.head_learning_rate, seed=config.seed, bf16=profile.bf16,
                               selection_metric=selection)
        model_config = {"encoder": profile.encoder, "encoder_path": encoder_path, "hidden_size": encoder.config.hidden_size,
                        "size": space.size, "variant": variant, "max_length": profile.max_length, "profile": profile.to_dict()}
        result = train_text_encoder(model, {s: ids(split_data[s].items) for s in SPLITS}, tokenizer.pad_token_id,
                                    _targets(split_data, augment, config.augment_weight), space, fit_config, checkpoint_root / variant,
                                    model_config, profile.inference_batch_size, log=log,
                                    log_metrics=lambda m, step, v=variant: log_metrics({f"{v}_{k}": x for k, x in m.items()}, step))
        metrics[selection] = result.best_score
        history[variant] = result.history
        text_models[variant] = (model, model_config)

    prefix = {"plain": "text", "augmented": "text_augmented"}
    for variant in ("plain", "augmented"):
        model = text_models[variant][0]
        vad = score(space, "emobank_vad", run(model, data.texts["test"].items), data.texts["test"].values)
        be6 = score(space, "semeval_be6", run(model, data.be6["test"].items), data.be6["test"].values)
        trained_on = "EmoBank VAD" + (" + mapper be6" if variant == "augmented" else "")
        metrics[f"{prefix[variant]}_vad_mean_r"] = vad
        metrics["text_be6_zeroshot_r" if variant == "plain" else "text_be6_augmented_zeroshot_r"] = be6
        rows += [(f"text encoder ({variant})", trained_on, "emobank_vad", f"{prefix[variant]}_vad_mean_r", vad),
                 (f"text encoder ({variant})", trained_on, "semeval_be6",
                  "text_be6_zeroshot_r" if variant == "plain" else "text_be6_augmented_zeroshot_r", be6)]
    supervised = score(space, "semeval_be6", run(text_models["supervised"][0], data.be6["test"].items), data.be6["test"].values)
    metrics["text_be6_supervised_r"] = supervised
    rows.append(("text encoder (supervised)", "SemEval be6 (gold)", "semeval_be6", "text_be6_supervised_r", supervised))

    results = pl.DataFrame(rows, schema=["model", "trained on", "read as", "metric", "test score"], orient="row")
    served, served_config = text_models[SERVED]
    return ContentRun({k: float(v) for k, v in metrics.items()}, results.with_columns(pl.col("test score").round(3)), served, head,
                      tokenizer, served_config, history)
