"""Every source file emopipe reads, declared once: dataset, path in the mirror, where to fetch it,
its sha256 and its licence.

`path` is relative to a mirror laid out like `../shared/data` (`$EMOPIPE_DATA_DIR`). `url` is the
official distribution; `member` names the file inside it when the official distribution is an
archive (the sha256 is then the member's). Where the official distribution is in another format
than the mirror's file (SST-2 train, the sarcasm CSV), `url` is the commit-pinned public copy the
mirror was taken from, and `official` names the original.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceFile:
    dataset: str
    path: str
    url: str
    sha256: str
    licence: str
    member: str | None = None
    official: str | None = None


_GOEMO = "https://raw.githubusercontent.com/google-research/google-research/master/goemotions/data/"
_NRC = "https://saifmohammad.com/WebDocs/Lexicons/"
_NRC_TERMS = "NRC terms: non-commercial research and education; do not redistribute"
_MELD = "https://raw.githubusercontent.com/declare-lab/MELD/master/data/"
_SEMEVAL = "https://web.eecs.umich.edu/~mihalcea/downloads/AffectiveText.Semeval.2007.tar.gz"
_EMORY = "https://raw.githubusercontent.com/emorynlp/emotion-detection/master/json/"
_EACL = "https://raw.githubusercontent.com/Yu-Fangxu/EACL/32233d1b828e933945d49e31fc6d14414dbc730a/data/EmoryNLP/"

_FILES = [
    SourceFile("goemotions", "goemotions/train.tsv", _GOEMO + "train.tsv",
               "1c254a142be5c00e80d819b9ae1bbd36d94b2eeb8f4b1271846508d57e57d9c5", "Apache-2.0 (copy); none stated upstream"),
    SourceFile("goemotions", "goemotions/dev.tsv", _GOEMO + "dev.tsv",
               "575489c079c9de1097062a01738f998590d6b7ead66dd1c9fd1d2ba01fd8bc62", "Apache-2.0 (copy); none stated upstream"),
    SourceFile("goemotions", "goemotions/test.tsv", _GOEMO + "test.tsv",
               "0587b2dd8b27b97352adbfc3fb083d46005c8946657fdc2b1ca8b1cc7f1f8be4", "Apache-2.0 (copy); none stated upstream"),
    SourceFile("goemotions", "goemotions/emotions.txt", _GOEMO + "emotions.txt",
               "45c3ef86782d2a4d7fedcd6d8c111aa0d0e94720689bd164fac94fefb4495a89", "Apache-2.0 (copy); none stated upstream"),
    SourceFile("goemotions", "goemotions/ekman_mapping.json", _GOEMO + "ekman_mapping.json",
               "d6b1fea382917c1685c42e1324a0344106be9390f52a3850ce032656d103a328", "Apache-2.0 (copy); none stated upstream"),
    SourceFile("goemotions", "goemotions/sentiment_dict.json", _GOEMO + "sentiment_dict.json",
               "801f6f028082141bd38541a4b14d65b33bdc55d29c7b2aaa029fefecf206f76b", "Apache-2.0 (copy); none stated upstream"),
    SourceFile("nrc_vad_v1", "nrc_vad_v1/NRC-VAD-Lexicon.txt", _NRC + "NRC-VAD-Lexicon.zip",
               "7ca443b2aed2d3fc62f65987783ea08bc95726a1fe3bb66ef551439786fb1125", _NRC_TERMS,
               member="NRC-VAD-Lexicon.txt"),
    SourceFile("nrc_vad_v2.1", "nrc_vad_v2.1/NRC-VAD-Lexicon-v2.1.txt", _NRC + "NRC-VAD-Lexicon-v2.1.zip",
               "42c718817fc91d5c133581b24b0bb31d2b14a0b16edb19bc6ce6ab70343e5a45", _NRC_TERMS,
               member="NRC-VAD-Lexicon-v2.1.txt"),
    SourceFile("nrc_emolex", "nrc_emolex_v0.92/NRC-Emotion-Lexicon-Wordlevel-v0.92.txt", _NRC + "NRC-Emotion-Lexicon.zip",
               "df3638e9fdbd2ebcf69bad833e16aee76c4c4360dfb17324178d1fa1e812ceec", _NRC_TERMS,
               member="NRC-Emotion-Lexicon-Wordlevel-v0.92.txt"),
    SourceFile("nrc_emotion_intensity", "nrc_emotion_intensity_v1/NRC-Emotion-Intensity-Lexicon-v1.txt",
               _NRC + "NRC-Emotion-Intensity-Lexicon.zip",
               "fd9aa3a825e306e62e712bf55c941de1b277b4e1712b2c9b0a7541fbb1ee43e7", _NRC_TERMS,
               member="NRC-Emotion-Intensity-Lexicon-v1.txt"),
    SourceFile("warriner_vad", "warriner_xanew/Ratings_Warriner_et_al.csv",
               "https://raw.githubusercontent.com/JULIELab/XANEW/master/Ratings_Warriner_et_al.csv",
               "78ac8107c78e116bb96538fae4faa47281a155f5f8fe39f30bbc6ea3db05b446", "CC BY-NC-ND 3.0; do not redistribute"),
    SourceFile("emobank", "emobank/emobank.csv",
               "https://raw.githubusercontent.com/JULIELab/EmoBank/master/corpus/emobank.csv",
               "1ade4a4a453e880c0f39d0536d2b355e8a716e0cf88236c64cdb4d438cf9605b", "CC-BY-SA 4.0"),
    *[
        SourceFile("semeval_affective_text", f"semeval2007_affective_text/AffectiveText.{split}/affectivetext_{split}.{kind}",
                   _SEMEVAL, sha, "none stated", member=f"AffectiveText.{split}/affectivetext_{split}.{kind}")
        for split, kind, sha in [
            ("trial", "xml", "b41b9910d6bd70b4b5f18e73b2e0e2c06bb1ab0ad3d638f498c89b5ee4992983"),
            ("trial", "emotions.gold", "232f3d75bc84a3cb5e67fd40d6331b2f2106d778ab0264856a70fda57a8f8bfb"),
            ("trial", "valence.gold", "1bb7eb17b5655333a121a6fcac379979db8b3e538f49f270eb46e914f4af2880"),
            ("test", "xml", "18cd8a49431f5d1fe9fb3d58aab8070c33621eef66e11e7cc15b131c4b2f49e4"),
            ("test", "emotions.gold", "551dd5077fa3ffc0576db4f91a87b82824ae9b92b6d8fe48867ac958ee21f05c"),
            ("test", "valence.gold", "f9e93adce0fa85d6edbc160d26abd812e667778a2303bcd0ebc0806ed5412a7c"),
        ]
    ],
    *[
        SourceFile("meld", f"meld/MELD/{split}_sent_emo.csv", _MELD + f"MELD/{split}_sent_emo.csv", sha, "GPL-3.0")
        for split, sha in [
            ("train", "d2fa2d6529cf03cac2989efec05c9b27d8fd2f4c8fc5974c7ae88aa537fa02db"),
            ("dev", "2e89c6f8aa182d6f62f8c6331aece905ac7273ca4999660bfb5213e1d0370c1c"),
            ("test", "8d37103938f7067600839fe29d5a114a6cd1bcdafb75bec101e06464c5006888"),
        ]
    ],
    # The full original split (9,934 / 1,344 / 1,328), as the EACL reference repository ships it; the original train
    # JSON of emorynlp/emotion-detection is not available, and the MELD repository's CSV is a 7,551-utterance subset.
    *[SourceFile("emorynlp", f"emorynlp/txt_from_EACL_repo/EMORY_{split}.txt", f"{_EACL}EMORY_{split}.txt", sha256, "Apache-2.0",
                 official=f"{_EMORY}emotion-detection-{name}.json (the same utterances as JSON)")
      for split, name, sha256 in (("train", "trn", "b686aba4a7feb151346327ac7a9a55a09da810c529a7485c556f4be392a512c7"),
                                  ("dev", "dev", "1059dea45b362559646f3216cba08a519a6ee7eddaa87808ad44c9e4ff5d916e"),
                                  ("test", "tst", "a4c0ca8ae410e3a8a1bb2aec371cdf925ad486eae064cedc53f5749a2e654b72"))],
    SourceFile("sst2", "sst2/train_label_first_crlf.tsv",
               "https://raw.githubusercontent.com/awake020/pytorch_Bert_sst2/ce2ab1719d32182e6233b24b2de246bd32814fde/SST-2/train.tsv",
               "e981ceb4fe6c9acd1c79851d0d091b9e78103f1f2a399ca83dda27915d41c56c", "none stated",
               official="https://dl.fbaipublicfiles.com/glue/data/SST-2.zip (SST-2/train.tsv, sentence-first)"),
    SourceFile("sst2", "sst2/dev.tsv", "https://dl.fbaipublicfiles.com/glue/data/SST-2.zip",
               "54a9c12c77e402fc14d6a66a506f24d999f596b0176eb777c972cccc2f9cc4b0", "none stated", member="SST-2/dev.tsv"),
    SourceFile("sarcasm_headlines", "sarcasm_headlines/Sarcasm_Headlines_Dataset_v1_headline_label.csv",
               "https://raw.githubusercontent.com/Chan5537/ling111-final-project-sarcasm-detection/"
               "57fd6d116820581314f4d7b576a88a865dbbb561/Sarcasm_Headlines_Dataset.csv",
               "7f17ec26032b3e24a4427ccec6315c95fad854e6bc31e92fdf74a979ef30a373", "none stated (cite Misra & Arora)",
               official="https://github.com/rishabhmisra/News-Headlines-Dataset-For-Sarcasm-Detection (v1 JSON)"),
]

SOURCE_FILES: dict[str, SourceFile] = {f.path: f for f in _FILES}


def files_of(dataset: str) -> list[SourceFile]:
    """The registered files of one dataset, in declaration order."""
    found = [f for f in _FILES if f.dataset == dataset]
    if not found:
        raise KeyError(f"no source files registered for dataset {dataset!r}")
    return found
