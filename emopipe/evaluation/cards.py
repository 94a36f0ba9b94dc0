"""Model cards: the description every registered model and version carries in the MLflow UI (and
`emopipe models --card NAME` prints). What it predicts, its input and output, the data it was
trained on with their licences, encoder and profile, our test figures beside the paper's, and the
known differences from the paper. Pure: built from a run's metrics and settings."""

from __future__ import annotations

import math
from dataclasses import dataclass

from emopipe.evaluation.comparison import Method
from emopipe.evaluation.papers import EACL, EMOTION_EMBEDDINGS, RETROFITTING, VAD
from emopipe.sources.registry import files_of


@dataclass(frozen=True)
class CardSpec:
    asset: str
    predicts: str
    io: str
    sources: tuple[str, ...]  # datasets of the source registry the model learned from or was selected on
    method: Method
    selection: str  # the dev figure the champion rule compares
    headline: tuple[str, ...]  # the figures shown for the model (asset metadata, `emopipe models`)


_ERC_HEADLINE = ("dev_weighted_f1", "test_weighted_f1", "test_macro_f1", "baseline_test_weighted_f1", "baseline_test_macro_f1",
                 "eacl_gain_test_weighted_f1", "stage1_test_weighted_f1", "anchor_min_angle_initial", "anchor_min_angle_final")
_TEXTS = "Input: texts (a list, or a DataFrame with a `text` column). "
SPECS = {
    "emopipe-goemotions-baseline": CardSpec(
        "goemotions_baseline", "the GoEmotions emotions of a text (28 labels), GoEmotions' own multi-label recipe (sigmoid head, threshold 0.3)",
        _TEXTS + "Output: `top_emotion`, `probability` and, for the multi-label head, `emotions` (every label above the threshold).",
        ("goemotions",), VAD,
        "dev_macro_f1", ("dev_macro_f1", "test_macro_f1", "test_accuracy")),
    "emopipe-vad-regressor": CardSpec(
        "vad_regressor", "valence, arousal and dominance of a text, and its GoEmotions emotion through a back-classifier",
        _TEXTS + "Output: `valence`, `arousal`, `dominance` (on [0, 1]), `top_emotion`.",
        ("goemotions", "nrc_vad_v1", "sst2"), VAD, "dev_macro_f1",
        ("dev_macro_f1", "test_macro_f1", "test_accuracy", "test_svm_macro_f1", "test_1nn_macro_f1", "test_vad_mae",
         "sst2_dev_valence_accuracy")),
    "emopipe-label-mapper": CardSpec(
        "label_mapping_model", "emotion labels converted between formats through one shared 100-d emotion space",
        'Input: `{"from": FORMAT, "to": FORMAT, "values": [[...], ...]}` on the harmonized [0, 1] scale; '
        "param `scores` (sigmoid scores instead of 0/1). Output: one column per variable of the target format.",
        ("nrc_vad_v1", "nrc_emolex", "nrc_emotion_intensity", "warriner_vad", "emobank", "semeval_affective_text", "goemotions"),
        EMOTION_EMBEDDINGS, "dev_mapping_mean_r",
        ("dev_mapping_mean_r", "mapping_mean_r", "mapping_mean_f1", "nosharing_mapping_mean_r", "baseline_mapping_mean_r")),
    "emopipe-content-encoder": CardSpec(
        "emotion_content_encoders", "the emotion of a text in any format of the label mapper's space, zero-shot for formats it never saw",
        _TEXTS + "Param `format` (default `emobank_vad`; `embedding` for the 100-d points). Output: the format's variables.",
        ("emobank", "semeval_affective_text", "nrc_vad_v1", "nrc_emolex", "nrc_emotion_intensity", "warriner_vad", "goemotions"),
        EMOTION_EMBEDDINGS, "dev_text_augmented_vad_mean_r",
        ("dev_text_augmented_vad_mean_r", "text_augmented_basic5_zeroshot_r", "text_basic5_zeroshot_r", "text_vad_mean_r",
         "text_augmented_vad_mean_r", "text_supervised_basic5_r", "word_vad_mean_r", "word_eil_zeroshot_r", "word_emolex_zeroshot_f1")),
    "emopipe-retrofitted-plm": CardSpec(
        "retrofitted_plm", "sentence embeddings from an encoder retrofitted for emotions (supervised contrastive + preservation)",
        _TEXTS + "Output: an array (n, hidden size) of embeddings pooled as in training (mean or [CLS])."
        " The files are a plain Hugging Face directory.",
        ("goemotions", "sst2", "sarcasm_headlines"), RETROFITTING, "dev_map_at_r",
        ("dev_map_at_r", "retrofitted_test_ami", "retrofitted_test_map_at_r", "retrofitted_sst2_probe_f1", "base_test_ami",
         "base_test_map_at_r", "base_sst2_probe_f1", "retrofitted_sarcasm_probe_f1", "base_sarcasm_probe_f1",
         "retrofitted_delta_emb", "nopreservation_delta_emb")),
    "emopipe-eacl-meld": CardSpec(
        "eacl_checkpoints", "the emotion of every utterance of a conversation (MELD's 7 labels), EACL",
        'Input: one conversation, a list of `{"speaker", "text"}` in order (or a DataFrame). '
        "Output: `turn`, `speaker`, `emotion`, `score`.", ("meld",), EACL, "dev_weighted_f1", _ERC_HEADLINE),
    "emopipe-eacl-emorynlp": CardSpec(
        "eacl_checkpoints", "the emotion of every utterance of a conversation (EmoryNLP's 7 labels), EACL",
        'Input: one conversation, a list of `{"speaker", "text"}` in order (or a DataFrame). '
        "Output: `turn`, `speaker`, `emotion`, `score`.", ("emorynlp",), EACL, "dev_weighted_f1", _ERC_HEADLINE),
}


def spec_of(name: str) -> CardSpec:
    """The card of a registered name (a second retrofitted encoder, `emopipe-retrofitted-plm-<encoder>`, shares the first's)."""
    found = SPECS.get(name) or next((s for n, s in SPECS.items() if name.startswith(f"{n}-")), None)
    if found is None:
        raise KeyError(f"no model card for {name!r}; known: {', '.join(SPECS)}")
    return found


def licences(datasets: tuple[str, ...]) -> list[str]:
    return [f"`{d}`: {files_of(d)[0].licence}" for d in datasets]


def figures(spec: CardSpec, metrics: dict[str, float], partition: str | None = None) -> list[tuple[str, float, float | None]]:
    """(label, our figure, the paper's or None) for the spec's asset, ablations left out (other runs)."""
    rows = []
    paper_by_metric = spec.method.paper_by_partition.get(partition or "", {})
    for figure in spec.method.figures:
        if figure.asset != spec.asset or figure.ablation or figure.metric not in metrics:
            continue
        ours = metrics[figure.metric] - (metrics.get(figure.minus, math.nan) if figure.minus else 0.0)
        paper = paper_by_metric.get(figure.metric) if figure.minus is None and figure.metric in paper_by_metric else figure.paper
        rows.append((figure.label, ours, paper))
    return rows


def model_card(name: str, metrics: dict[str, float], profile: str, encoder: str, partition: str | None = None) -> str:
    """Markdown for the MLflow UI."""
    spec = spec_of(name)
    restricted = any("do not redistribute" in line for line in licences(spec.sources))
    lines = [
        f"**{name}** predicts {spec.predicts}.", "", spec.io, "",
        f"Method: {spec.method.title} ({spec.method.citation}).", "",
        f"Encoder `{encoder}`, profile `{profile}`; selected on {spec.selection} (dev, never test).", "",
        "**Training data and licences**", "", *[f"- {line}" for line in licences(spec.sources)], "",
    ]
    if restricted:
        lines += ["This model was trained on NRC lexicons, which are for non-commercial research and education and must not "
                  "be redistributed; the same terms bind this model.", ""]
    lines += ["**Test figures beside the paper's**", "", "| figure | ours | paper |", "|---|---|---|"]
    lines += [f"| {label} | {_fmt(ours)} | {_fmt(paper)} |" for label, ours, paper in figures(spec, metrics, partition)]
    lines += ["", "**Known differences from the paper**", "", *[f"- {d}" for d in spec.method.differences], "",
              "Loads with `mlflow.pyfunc.load_model(...)` where emopipe is installed; nothing in it is pickled."]
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.3f}"
