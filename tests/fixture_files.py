"""Tiny source files in the real formats, written by the tests (real data is never committed).

`write_mirror(root)` lays them out like shared/data and returns the sha256 of each, to pass as the
resolver's overrides. Values are synthetic; the quirks are real: CSV-quoted GoEmotions texts,
EmoLex's empty first line and CRLF endings, Warriner's unnamed index column and the word "null",
SemEval's bare '&' and TAB, MELD's quoted commas, EmoryNLP's list-literal speakers, SST-2's swapped
CRLF train file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from data_contracts.vocab import GOEMOTIONS_LABELS, PLUTCHIK8

EKMAN = {
    "anger": ["anger", "annoyance", "disapproval"], "disgust": ["disgust"], "fear": ["fear", "nervousness"],
    "joy": ["joy", "amusement", "approval", "excitement", "gratitude", "love", "optimism", "relief", "pride",
            "admiration", "desire", "caring"],
    "sadness": ["sadness", "disappointment", "embarrassment", "grief", "remorse"],
    "surprise": ["surprise", "realization", "confusion", "curiosity"],
}
SENTIMENT = {
    "positive": ["amusement", "excitement", "joy", "love", "desire", "optimism", "caring", "pride", "admiration",
                 "gratitude", "relief", "approval"],
    "negative": ["fear", "nervousness", "remorse", "embarrassment", "disappointment", "sadness", "grief", "disgust",
                 "anger", "annoyance", "disapproval"],
    "ambiguous": ["realization", "surprise", "curiosity", "confusion"],
}
WORDS = ["happy", "sad", "angry", "calm", "null", "party", "storm", "gift", "funeral", "sunshine",
         "danger", "hug", "scream", "peace", "trophy", "garbage", "kitten", "war", "smile", "tears"]
# Enough lexicon words that the word pairs' 10% test and dev splits (one split per word across the pairs) hold
# MIN_TEST_ITEMS (10) words: the label mapper's dev figure, which the champion rule compares, is then a number.
WORDS += [f"term{chr(97 + k // 26)}{chr(97 + k % 26)}" for k in range(160)]

GOEMOTIONS = {
    "train": [
        ("I love this so much!", "18"), ('"Lol ""Weapons grade weed"", I love it"', "1"), ("This is weird and scary", "6,14"),
        ("Meh.", "27"), ("Thanks a lot [NAME]", "15"), ("So angry right now", "2"), ("Why would you do that?", "7"),
        ("That is disgusting", "11"), ("I miss her", "25"), ("Great job!", "0,4,15"), ("Café olé, très bien", "17"),
    ],
    # Two texts of some classes, so retrieval figures (MAP@R needs a same-class neighbour) are numbers.
    "dev": [("Wow, did not expect that", "26"), ("Sorry for that", "24"), ("ok", "27"), ("Nice one", "0,1"),
            ("Sorry again", "24"), ("fine", "27")],
    "test": [("I am so proud of you", "21"), ("This is annoying", "3"), ("hm", "27"), ("yay", "17,13"), ("So annoying", "3"),
             ("sure", "27")],
}


def _score(i: int, j: int) -> float:
    """Deterministic pseudo-scores in [0, 1]."""
    return round(((i * 37 + j * 11) % 97) / 96, 3)


def _files() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for split, rows in GOEMOTIONS.items():
        lines = [f"{text}\t{ids}\t{split[0]}{i:03d}" for i, (text, ids) in enumerate(rows)]
        files[f"goemotions/{split}.tsv"] = ("\n".join(lines) + "\n").encode()
    files["goemotions/emotions.txt"] = "\n".join(GOEMOTIONS_LABELS).encode()
    files["goemotions/ekman_mapping.json"] = json.dumps(EKMAN).encode()
    files["goemotions/sentiment_dict.json"] = json.dumps(SENTIMENT).encode()

    terms = list(GOEMOTIONS_LABELS) + WORDS + ["apple juice"]
    v1 = ["Word\tValence\tArousal\tDominance"] + [f"{t}\t{_score(i, 1):.3f}\t{_score(i, 2):.3f}\t{_score(i, 3):.3f}" for i, t in enumerate(terms)]
    files["nrc_vad_v1/NRC-VAD-Lexicon.txt"] = ("\n".join(v1) + "\n").encode()
    v2 = ["term\tvalence\tarousal\tdominance"] + [
        f"{t}\t{2 * _score(i, 4) - 1:.3f}\t{2 * _score(i, 5) - 1:.3f}\t{2 * _score(i, 6) - 1:.3f}" for i, t in enumerate(terms)]
    files["nrc_vad_v2.1/NRC-VAD-Lexicon-v2.1.txt"] = ("\n".join(v2) + "\n").encode()

    categories = [*list(PLUTCHIK8), "negative", "positive"]
    emolex = [""] + [f"{w}\t{c}\t{int(_score(i, j) > 0.6)}" for i, w in enumerate(WORDS) for j, c in enumerate(categories)]
    files["nrc_emolex_v0.92/NRC-Emotion-Lexicon-Wordlevel-v0.92.txt"] = ("\r\n".join(emolex) + "\r\n").encode()
    eil = [f"{w}\t{e}\t{_score(i, j):.3f}" for i, w in enumerate(WORDS[:14]) for j, e in enumerate(PLUTCHIK8) if (i + j) % 3 == 0]
    files["nrc_emotion_intensity_v1/NRC-Emotion-Intensity-Lexicon-v1.txt"] = ("\r\n".join(eil) + "\r\n").encode()

    war = [",Word,V.Mean.Sum,V.SD.Sum,V.Rat.Sum,A.Mean.Sum,A.SD.Sum,A.Rat.Sum,D.Mean.Sum,D.SD.Sum,D.Rat.Sum"]
    war += [f"{i + 1},{w},{1 + 8 * _score(i, 7):.2f},1.5,20,{1 + 8 * _score(i, 8):.2f},2.1,21,{1 + 8 * _score(i, 9):.2f},1.8,19"
            for i, w in enumerate(WORDS)]
    files["warriner_xanew/Ratings_Warriner_et_al.csv"] = ("\n".join(war) + "\n").encode()

    headlines = {"trial": [(1, "Mortar assault leaves dozens dead"), (2, "Goal delight for Sheva"), (3, "Beckham & Posh win")],
                 "test": [(500, "Test to predict relapse is approved"), (501, "Global National\tMajor ring bust"),
                          (502, "Sights and sounds from CES"), (503, "Schuey sees Ferrari unveil new car")]}
    for split, rows in headlines.items():
        base = f"semeval2007_affective_text/AffectiveText.{split}/affectivetext_{split}"
        xml = ['<corpus task="affective text">'] + [f'<instance id="{i}">{t}</instance>' for i, t in rows] + ["</corpus>"]
        files[f"{base}.xml"] = ("\n".join(xml) + "\n").encode()
        files[f"{base}.emotions.gold"] = "".join(f"{i} {' '.join(str(int(100 * _score(i, j))) for j in range(6))}\n" for i, _ in rows).encode()
        files[f"{base}.valence.gold"] = "".join(f"{i} {int(200 * _score(i, 9)) - 100}\n" for i, _ in rows).encode()

    emobank = ["id,split,V,A,D,text"]
    emobank += [f"SemEval_{i},{['train', 'dev', 'test'][i % 3]},{1 + 4 * _score(i, 1):.2f},{1 + 4 * _score(i, 2):.2f},"
                f"{1 + 4 * _score(i, 3):.2f},\"{t.replace('&', '&').replace(chr(9), ' ')}\"" for split in headlines.values() for i, t in split]
    emobank += ['A1_0_10,train,3.0,3.0,3.2,"Remember what she said, in my last letter? """', "A1_10_20,test,2.8,3.1,2.8,If I wasn't working here."]
    # a few more of EmoBank's own dev sentences, so the text encoders' dev figure (what selects them) is a number
    emobank += [f"B2_{k}_{k + 9},dev,{2.0 + 0.5 * k:.1f},{3.5 - 0.4 * k:.1f},{2.5 + 0.3 * k:.1f},sentence number {k} of the dev texts"
                for k in range(4)]
    files["emobank/emobank.csv"] = ("\n".join(emobank) + "\n").encode()

    meld_header = "Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime"
    meld_rows = [("also I was the point person on my company’s transition.", "Chandler", "neutral", "neutral"),
                 ("You must’ve had your hands full.", "The Interviewer", "surprise", "positive"),
                 ("That I did. That I did.", "Chandler", "joy", "positive"),
                 ("So, let’s talk a little bit, ok?", "The Interviewer", "anger", "negative")]
    for split in ("train", "dev", "test"):
        rows = [meld_header] + [f'{k + 1},"{t}",{s},{e},{snt},{k // 2},{k % 2},8,21,"00:16:16,059","00:16:21,731"'
                                for k, (t, s, e, snt) in enumerate(meld_rows)]
        files[f"meld/MELD/{split}_sent_emo.csv"] = ("\n".join(rows) + "\n").encode()

    # EACL's text files: speaker, transcript, emotion a line; an empty line between scenes
    emory = ["Monica Geller\tWhat you guys don't understand is, for us, kissing matters.\tJoyful",
             "Joey Tribbiani\tYeah, right!.......Y'serious?\tNeutral", "",
             "Monica Geller\tOh come on.\tMad", "Phoebe Buffay\tWhat?\tScared"]
    files["emorynlp/txt_from_EACL_repo/EMORY_train.txt"] = ("\n".join(emory) + "\n").encode()
    for name, emotions in (("dev", ["Neutral", "Sad"]), ("test", ["Scared", "Powerful"])):
        files[f"emorynlp/txt_from_EACL_repo/EMORY_{name}.txt"] = "".join(
            f"Rachel Green\tLine {k}.\t{e}\n" for k, e in enumerate(emotions)).encode()

    files["sst2/train_label_first_crlf.tsv"] = b"label\tsentence\r\n0\thide new secretions\r\n1\ta charming journey\r\n1\tgood\r\n"
    files["sst2/dev.tsv"] = b"sentence\tlabel\nit 's a charming and often affecting journey . \t1\nunflinchingly bleak \t0\n"
    sarcasm = ["is_sarcastic,text", *[f"{i % 2},\"headline number {i}, with a comma\"" for i in range(12)],
               "1,\"headline number 3, with a comma\""]
    files["sarcasm_headlines/Sarcasm_Headlines_Dataset_v1_headline_label.csv"] = ("\n".join(sarcasm) + "\n").encode()
    return files


def write_mirror(root: Path) -> dict[str, str]:
    """Write every fixture under `root`; return {registry path: sha256}."""
    hashes = {}
    for rel, data in _files().items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        hashes[rel] = hashlib.sha256(data).hexdigest()
    return hashes


def rewrite(root: Path, rel: str, data: bytes, hashes: dict[str, str]) -> dict[str, str]:
    """Replace one fixture file and return the overrides that accept its new bytes."""
    (root / rel).write_bytes(data)
    return {**hashes, rel: hashlib.sha256(data).hexdigest()}
