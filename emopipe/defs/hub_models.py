"""The hub models a profile names: every encoder of every method's budget for that profile (the
gpu profile's are the papers' own). `emopipe fetch-models` fetches them once."""

from __future__ import annotations

from emopipe.defs.encoders import ENCODER_OVERRIDE
from emopipe.dimensional.options import BASELINE_BUDGETS, VAD_BUDGETS
from emopipe.emotion_space.options import CONTENT_BUDGETS
from emopipe.erc.options import BUDGETS as ERC_BUDGETS
from emopipe.retrofitting.options import BUDGETS as RETROFIT_BUDGETS
from emopipe.training.hub import is_hub_name
from emopipe.training.profiles import profile_name

TEXT_BUDGETS = (BASELINE_BUDGETS, VAD_BUDGETS, CONTENT_BUDGETS, RETROFIT_BUDGETS, ERC_BUDGETS)


def hub_models(profile: str | None = None) -> list[str]:
    """Sorted hub names the profile trains on (with `EMOPIPE_ENCODER` replacing the single-encoder budgets,
    as it does in a run)."""
    names = set()
    for budgets in TEXT_BUDGETS:
        budget = budgets[profile_name(profile)]
        specs = budget.encoders if hasattr(budget, "encoders") else (ENCODER_OVERRIDE or budget.encoder,)
        names |= {spec for spec in specs if is_hub_name(spec)}
    return sorted(names)
