"""Group `sources`: one typed, contract-checked table per source dataset, read from verified files."""

from typing import Literal

import dagster as dg
from pydantic import Field

from emopipe.code_version import asset_code_version
from emopipe.defs import OWNERS
from emopipe.defs.contracts import contract_check, validated
from emopipe.defs.resources import SourceData
from emopipe.defs.source_files import files_key
from emopipe.sources import conversations, corpora, lexicons, sst2_sarcasm
from emopipe.sources import goemotions as goemo

CODE_VERSION = asset_code_version(__name__)  # changes with this module's code and the method code it imports


def source_asset(name: str, kinds: set[str] | None = None):
    """The decorator every source asset shares: group, contract check, owners, kinds, and its files' asset upstream."""
    return dg.asset(
        name=name, group_name="sources", check_specs=[contract_check(name)], owners=OWNERS,
        kinds={"polars", *(kinds or set())}, code_version=CODE_VERSION, deps=[files_key(name)],
    )


def _lineage(lineage: dict) -> dict:
    return {"source_files": dg.MetadataValue.json(lineage)}


@source_asset("goemotions")
def goemotions_asset(data: SourceData):
    """GoEmotions (Demszky et al., 2020) simplified splits, multi-label: 43,410 / 5,426 / 5,427 Reddit comments
    with label ids (0-27, 27 = neutral) and names."""
    paths, lineage = data.fetch("goemotions")
    table = goemo.read_goemotions({s: paths[f"goemotions/{s}.tsv"] for s in goemo.SPLITS}, paths["goemotions/emotions.txt"])
    counts = {s: table.filter(split=s).height for s in goemo.SPLITS}
    yield from validated("goemotions", table, _lineage(lineage) | {"rows_per_split": dg.MetadataValue.json(counts)})


class NrcVadConfig(dg.Config):
    version: Literal["v1", "v2.1"] = Field(
        default="v1", description="NRC VAD release: v1 (2018, [0,1]) or v2.1 (2025, [-1,1], rescaled to [0,1])"
    )


@source_asset("nrc_vad_lexicon")
def nrc_vad_lexicon_asset(config: NrcVadConfig, data: SourceData):
    """NRC VAD lexicon (Mohammad): valence, arousal, dominance of English terms on [0, 1]; the release is
    chosen by config and recorded in the `lexicon_version` column and the metadata."""
    paths, lineage = data.fetch(f"nrc_vad_{config.version}")
    table = lexicons.read_nrc_vad(next(iter(paths.values())), config.version)
    yield from validated("nrc_vad_lexicon", table, _lineage(lineage) | {"lexicon_version": config.version})


@source_asset("nrc_emolex")
def nrc_emolex_asset(data: SourceData):
    """NRC Emotion Lexicon (EmoLex) v0.92, word level: binary association with 8 Plutchik emotions and 2 sentiments."""
    paths, lineage = data.fetch("nrc_emolex")
    yield from validated("nrc_emolex", lexicons.read_emolex(next(iter(paths.values()))), _lineage(lineage))


@source_asset("nrc_emotion_intensity")
def nrc_emotion_intensity_asset(data: SourceData):
    """NRC Emotion Intensity Lexicon v1: real-valued intensity [0, 1] of word-emotion pairs (8 Plutchik emotions)."""
    paths, lineage = data.fetch("nrc_emotion_intensity")
    yield from validated("nrc_emotion_intensity", lexicons.read_emotion_intensity(next(iter(paths.values()))), _lineage(lineage))


@source_asset("warriner_vad")
def warriner_vad_asset(data: SourceData):
    """Warriner, Kuperman & Brysbaert (2013) VAD norms for 13,915 English lemmas, means on the 1-9 scale."""
    paths, lineage = data.fetch("warriner_vad")
    yield from validated("warriner_vad", lexicons.read_warriner(next(iter(paths.values()))), _lineage(lineage))


@source_asset("emobank")
def emobank_asset(data: SourceData):
    """EmoBank (Buechel & Hahn, 2017): 10,062 sentences with VAD on the 1-5 scale; 1,192 are SemEval-2007 headlines."""
    paths, lineage = data.fetch("emobank")
    yield from validated("emobank", corpora.read_emobank(next(iter(paths.values()))), _lineage(lineage))


@source_asset("semeval_affective_text")
def semeval_affective_text_asset(data: SourceData):
    """SemEval-2007 Task 14 Affective Text: 1,250 headlines with six basic emotions (0-100) and valence (-100..100)."""
    paths, lineage = data.fetch("semeval_affective_text")
    base = "semeval2007_affective_text/AffectiveText.{s}/affectivetext_{s}.{k}"
    files = {s: {k.split(".")[0]: paths[base.format(s=s, k=k)] for k in ("xml", "emotions.gold", "valence.gold")}
             for s in corpora.SEMEVAL_SPLITS}
    yield from validated("semeval_affective_text", corpora.read_semeval(files), _lineage(lineage))


@source_asset("meld")
def meld_asset(data: SourceData):
    """MELD (Poria et al., 2019), text only: Friends dialogues with 7 emotions; 9,989 / 1,109 / 2,610 utterances."""
    paths, lineage = data.fetch("meld")
    table = conversations.read_meld({s: paths[f"meld/MELD/{s}_sent_emo.csv"] for s in ("train", "dev", "test")})
    yield from validated("meld", table, _lineage(lineage))


@source_asset("emorynlp")
def emorynlp_asset(data: SourceData):
    """EmoryNLP emotion detection (Zahiri & Choi, 2018): Friends scenes with 7 emotions, the full original
    split (9,934 / 1,344 / 1,328 utterances) as the EACL reference repository ships it."""
    paths, lineage = data.fetch("emorynlp")
    table = conversations.read_emorynlp({s: paths[f"emorynlp/txt_from_EACL_repo/EMORY_{s}.txt"] for s in ("train", "dev", "test")})
    yield from validated("emorynlp", table, _lineage(lineage))


@source_asset("sst2")
def sst2_asset(data: SourceData):
    """SST-2 (GLUE): 67,349 train phrases and 872 dev sentences with binary sentiment."""
    paths, lineage = data.fetch("sst2")
    table = sst2_sarcasm.read_sst2(paths["sst2/train_label_first_crlf.tsv"], paths["sst2/dev.tsv"])
    yield from validated("sst2", table, _lineage(lineage))


@source_asset("sarcasm_headlines")
def sarcasm_headlines_asset(data: SourceData):
    """News Headlines Dataset for Sarcasm Detection v1 (Misra & Arora): 26,709 headlines, 11,724 sarcastic."""
    paths, lineage = data.fetch("sarcasm_headlines")
    yield from validated("sarcasm_headlines", sst2_sarcasm.read_sarcasm(next(iter(paths.values()))), _lineage(lineage))


SOURCE_ASSETS = [
    goemotions_asset, nrc_vad_lexicon_asset, nrc_emolex_asset, nrc_emotion_intensity_asset, warriner_vad_asset,
    emobank_asset, semeval_affective_text_asset, meld_asset, emorynlp_asset, sst2_asset, sarcasm_headlines_asset,
]
