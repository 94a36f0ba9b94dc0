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
from pathlib import Path

import numpy as np
import polars as pl
import torch

from emopipe.emotion_space.content_data import SPLITS, ContentData
from emopipe.emotion_space.content_encoder import GROUP_NAMES, ContentEncoder, Target, frozen, score, semeval_figures
from emopipe.emotion_space.content_serving import export_content_encoder
from emopipe.emotion_space.content_train import train_text_encoder, train_word_head
from emopipe.emotion_space.model import EmotionSpace
from emopipe.emotion_space.options import ContentBudget, ContentOptions
from emopipe.evaluation.report import markdown_table
from emopipe.training.checkpoints import save_weights
from emopipe.training.encoders import freeze_lower, load_encoder
from emopipe.training.inference import predict
from emopipe.training.loop import FitConfig
from emopipe.training.remembered import remembered_predict
from emopipe.training.token_cache import token_ids
from emopipe.training.trained import Trained

# variant -> (training data attribute, augmentation target, selection metric)
TEXT_VARIANTS = {
    "plain": ("texts", None, "dev_text_vad_mean_r"),
    "augmented": ("texts", "semeval_be6", "dev_text_augmented_vad_mean_r"),
    "supervised": ("be6", None, "dev_text_be6_supervised_r"),
}
SERVED = "augmented"  # the text encoder `emopipe-content-encoder` serves


def _targets(split_data: dict, augment: str | None, weight: float) -> dict[str, Target]:
    return {s: Target(split_data[s].fmt, split_data[s].values, augment if s == "train" else None, weight) for s in SPLITS}


def run_content_encoders(data: ContentData, space: EmotionSpace, budget: ContentBudget, options: ContentOptions, workdir: Path,
                         run_config: dict, seed: int = 13, log: Callable[[str], None] = print,
                         log_metrics=lambda metrics, step: None) -> Trained:
    """Every content encoder trained and scored; the augmented text encoder exported to
    `workdir/served` (with the space it reads through), the word encoder's MLP to `workdir/word_encoder`."""
    space = frozen(space)
    encoder, tokenizer, encoder_path = load_encoder(budget.encoder)

    def ids(texts: list[str]) -> list[list[int]]:
        return token_ids(tokenizer, encoder_path, pl.Series("text", texts, dtype=pl.String), budget.max_length)

    def run(model, texts: list[str], fn: str = "forward", how=predict):
        if not texts:  # a split with no items (tiny data): no rows, the right width
            return np.zeros((0, encoder.config.hidden_size if fn == "embed" else space.size), dtype=np.float32)
        return how(model, ids(texts), tokenizer.pad_token_id, budget.inference_batch_size, bf16=budget.bf16, fn=fn)
    metrics, rows, history = {}, [], {}

    log("word encoder: features from the frozen pretrained encoder")
    features_model = ContentEncoder(encoder, encoder.config.hidden_size)
    words = {**{s: data.words[s].items for s in SPLITS}, **{f: t.items for f, t in data.word_tests.items()}}
    # the pretrained encoder's, the same every run: remembered by content
    features = {name: run(features_model, items, fn="embed", how=remembered_predict) for name, items in words.items()}
    head, history["word"] = train_word_head(features, _targets(data.words, None, 1.0), space, options.word_epochs,
                                            options.word_learning_rate, 256, seed, log=log)
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
        torch.manual_seed(seed)
        text_encoder = load_encoder(budget.encoder)[0]
        freeze_lower(text_encoder, budget.frozen_layers)
        model = ContentEncoder(text_encoder, encoder.config.hidden_size, pooling=budget.pooling, head=budget.head)
        fit_config = FitConfig(epochs=budget.supervised_passes if variant == "supervised" else budget.text_epochs,
                               batch_size=budget.batch_size, learning_rate=budget.learning_rate,
                               head_learning_rate=budget.head_learning_rate, weight_decay=budget.weight_decay,
                               step_gamma=budget.step_gamma, seed=seed, bf16=budget.bf16, selection_metric=selection)
        model_config = {"run": run_config, "encoder": budget.encoder, "encoder_path": encoder_path, "hidden_size": encoder.config.hidden_size,
                        "size": space.size, "variant": variant, "max_length": budget.max_length, "pooling": budget.pooling,
                        "head": budget.head}
        result = train_text_encoder(model, {s: ids(split_data[s].items) for s in SPLITS}, tokenizer.pad_token_id,
                                    _targets(split_data, augment, options.augment_weight), space, fit_config,
                                    workdir / "checkpoints" / variant, model_config, budget.inference_batch_size, log=log,
                                    log_metrics=lambda m, step, v=variant: log_metrics({f"{v}_{k}": x for k, x in m.items()}, step))
        metrics[selection] = result.best_score
        history[variant] = result.history
        text_models[variant] = (model, model_config)

    prefix = {"plain": "text", "augmented": "text_augmented", "supervised": "text_supervised"}
    for variant in ("plain", "augmented"):
        model = text_models[variant][0]
        vad = score(space, "emobank_vad", run(model, data.texts["test"].items), data.texts["test"].values)
        trained_on = "EmoBank VAD" + (" + mapper be6" if variant == "augmented" else "")
        metrics[f"{prefix[variant]}_vad_mean_r"] = vad
        rows.append((f"text encoder ({variant})", trained_on, "emobank_vad", f"{prefix[variant]}_vad_mean_r", vad))
    trained_on = {"plain": "EmoBank VAD", "augmented": "EmoBank VAD + mapper be6", "supervised": "SemEval be6 (gold)"}
    for variant in ("plain", "augmented", "supervised"):
        # SemEval's basic emotions are zero-shot for the EmoBank-trained encoders; valence is not (EmoBank has it)
        read_as = semeval_figures(space, run(text_models[variant][0], data.be6["test"].items), data.be6["test"].values)
        kind = "r" if variant == "supervised" else "zeroshot_r"
        for group, value in read_as.items():
            name = f"{prefix[variant]}_semeval_valence_r" if group == "valence" else f"{prefix[variant]}_{group}_{kind}"
            metrics[name] = value
            rows.append((f"text encoder ({variant})", trained_on[variant], f"semeval_be6: {GROUP_NAMES[group]}", name, value))

    results = pl.DataFrame(rows, schema=["model", "trained on", "read as", "metric", "test score"], orient="row")
    results = results.with_columns(pl.col("test score").round(3))
    served, served_config = text_models[SERVED]
    word_dir = workdir / "word_encoder"  # not served; its MLP is kept with the run
    save_weights(head, word_dir, {"features": "mean-pooled last hidden state of the word alone",
                                  **{k: served_config[k] for k in ("encoder", "hidden_size", "size")}})
    model_dir = export_content_encoder(served, tokenizer, served_config, space, workdir / "served")
    return Trained({k: float(v) for k, v in metrics.items()}, model_dir, history,
                   tables={"results": markdown_table(results, rows=results.height)}, artifacts={"word_encoder": word_dir})
