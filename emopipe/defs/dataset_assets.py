"""Group `datasets`: the harmonized tables the models train and evaluate on."""

import dagster as dg
import polars as pl
from pydantic import Field

from emopipe.code_version import asset_code_version
from emopipe.defs import OWNERS
from emopipe.defs.contracts import contract_check, validated
from emopipe.defs.pictures import picture_metadata
from emopipe.defs.resources import SourceData
from emopipe.evaluation.plots import label_points_figure
from emopipe.evaluation.report import markdown_table
from emopipe.labels import conversations, downstream_tasks, mapping, points
from emopipe.labels import goemotions_vad as gvad
from emopipe.sources import goemotions as goemo

CODE_VERSION = asset_code_version(__name__)  # changes with this module's code and the method code it imports


def dataset_asset(name: str):
    return dg.asset(
        name=name, group_name="datasets", check_specs=[contract_check(name)], owners=OWNERS, kinds={"polars"},
        code_version=CODE_VERSION, automation_condition=dg.AutomationCondition.eager(),  # updates when an input table does
    )


class LabelPointsConfig(dg.Config):
    n_quantiles: int = Field(default=21, ge=2, le=28, description="QuantileTransformer n_quantiles (reference code: 21)")


@dataset_asset("emotion_label_points")
def emotion_label_points_asset(config: LabelPointsConfig, data: SourceData, nrc_vad_lexicon: pl.DataFrame):
    """The 28 GoEmotions labels as VAD points: the label word's NRC VAD point, the quantile-scaled point
    (QuantileTransformer fitted on the 28 points) and an arbitrary evenly spread point (the reference code's) inside
    [0,1]^3 (the paper's ablation), with each label's Ekman and sentiment group."""
    files = ("goemotions/emotions.txt", "goemotions/ekman_mapping.json", "goemotions/sentiment_dict.json")
    paths, lineage = data.fetch("goemotions", only=files)
    names = goemo.read_label_names(paths["goemotions/emotions.txt"])
    ekman = goemo.read_groups(paths["goemotions/ekman_mapping.json"], names)
    sentiment = goemo.read_groups(paths["goemotions/sentiment_dict.json"], names)
    table = points.emotion_label_points(names, nrc_vad_lexicon, ekman, sentiment, config.n_quantiles)
    picture = picture_metadata("label_points", label_points_figure(table), "Raw vs quantile-scaled vs arbitrary label points")
    yield from validated("emotion_label_points", table, picture | {
        "source_files": dg.MetadataValue.json(lineage), "n_quantiles": config.n_quantiles, "lexicon_version": nrc_vad_lexicon["lexicon_version"][0],
    })


@dataset_asset("goemotions_vad")
def goemotions_vad_asset(goemotions: pl.DataFrame, emotion_label_points: pl.DataFrame):
    """Every GoEmotions row with a single-label flag and, for single-label rows (the paper's subset:
    36,308 / 4,548 / 4,590), the label's raw and quantile-scaled VAD as regression targets."""
    table = gvad.goemotions_vad(goemotions, emotion_label_points)
    single = table.filter("is_single_label").group_by("split").len()
    counts = {row["split"]: row["len"] for row in single.iter_rows(named=True)}
    yield from validated("goemotions_vad", table, {"single_label_rows_per_split": dg.MetadataValue.json(counts)})


class SplitConfig(dg.Config):
    seed: int = Field(default=13, description="seed of the train/dev/test assignment (80/10/10 by item)")


@dataset_asset("label_mapping_datasets")
def label_mapping_datasets_asset(
    config: SplitConfig,
    nrc_vad_lexicon: pl.DataFrame,
    nrc_emolex: pl.DataFrame,
    nrc_emotion_intensity: pl.DataFrame,
    warriner_vad: pl.DataFrame,
    emobank: pl.DataFrame,
    semeval_affective_text: pl.DataFrame,
    emotion_label_points: pl.DataFrame,
):
    """Items rated in two label formats, harmonized into one long table (pair, item, format, variable,
    value in [0,1], split): NRC VAD, Warriner, EmoLex, Emotion Intensity, EmoBank, SemEval-2007,
    GoEmotions and Ekman. Seeded splits by item; no item is in two splits of a pair."""
    table = mapping.label_mapping_datasets(
        nrc_vad_lexicon, nrc_emolex, nrc_emotion_intensity, warriner_vad, emobank, semeval_affective_text,
        emotion_label_points, seed=config.seed,
    )
    summary = mapping.pair_summary(table)
    yield from validated("label_mapping_datasets", table, {
        "pairs": dg.MetadataValue.md(markdown_table(summary, rows=summary.height)), "seed": config.seed,
    })


@dataset_asset("conversation_utterances")
def conversation_utterances_asset(meld: pl.DataFrame, emorynlp: pl.DataFrame):
    """MELD and EmoryNLP in one schema (dataset, split, dialogue, turn, speaker, text, emotion), in
    dialogue order, for emotion recognition in conversation."""
    table = conversations.conversation_utterances(meld, emorynlp)
    counts = table.group_by("dataset", "split").len().sort("dataset", "split")
    yield from validated("conversation_utterances", table, {
        "utterances": dg.MetadataValue.json({f"{r['dataset']}/{r['split']}": r["len"] for r in counts.iter_rows(named=True)}),
    })


@dataset_asset("downstream_tasks")
def downstream_tasks_asset(config: SplitConfig, sst2: pl.DataFrame, sarcasm_headlines: pl.DataFrame):
    """Downstream probes for encoders: SST-2 (GLUE train/dev) and sarcasm headlines (seeded 80/10/10,
    split by headline so duplicates never straddle splits), as task, split, text, label."""
    table = downstream_tasks.downstream_tasks(sst2, sarcasm_headlines, seed=config.seed)
    counts = table.group_by("task", "split").len().sort("task", "split")
    yield from validated("downstream_tasks", table, {
        "rows": dg.MetadataValue.json({f"{r['task']}/{r['split']}": r["len"] for r in counts.iter_rows(named=True)}),
    })


DATASET_ASSETS = [
    emotion_label_points_asset, goemotions_vad_asset, label_mapping_datasets_asset,
    conversation_utterances_asset, downstream_tasks_asset,
]
