"""Which variables of different label formats mean the same thing. Declared once: the sharing loss
pulls their decoder rows together, the emotion-space picture labels them, the report prints them."""

from __future__ import annotations

from data_contracts.vocab import BASIC6, PLUTCHIK8, VAD
from emopipe.labels.formats import FORMATS

_VAD_FORMATS = ("nrc_vad", "warriner_vad", "emobank_vad")
_BASIC_FORMATS = ("emolex8", "eil8", "semeval_be6", "ekman6")

EQUIVALENCES: dict[str, tuple[tuple[str, str], ...]] = {
    **{v: tuple((f, v) for f in _VAD_FORMATS) for v in VAD},
    **{e: tuple((f, e) for f in _BASIC_FORMATS) for e in BASIC6},
    **{e: (("emolex8", e), ("eil8", e)) for e in PLUTCHIK8 if e not in BASIC6},
}
# SemEval-2007 rates valence too, on its own scale: the same variable as the VAD formats' valence.
EQUIVALENCES["valence"] += (("semeval_be6", "valence"),)


def check_equivalences(equivalences: dict[str, tuple[tuple[str, str], ...]] = EQUIVALENCES) -> None:
    for name, members in equivalences.items():
        for fmt, variable in members:
            if fmt not in FORMATS or variable not in FORMATS[fmt].variables:
                raise ValueError(f"equivalence class {name!r} names {fmt}:{variable}, which is not a variable of a known format")


def equivalence_table(equivalences: dict[str, tuple[tuple[str, str], ...]] = EQUIVALENCES) -> str:
    """Markdown: one row per class, its members as format:variable."""
    rows = [f"| {name} | {', '.join(f'{f}:{v}' for f, v in members)} |" for name, members in equivalences.items()]
    return "\n".join(["| class | variables |", "|---|---|", *rows])


check_equivalences()
