"""Profiles and budgets. A profile is a name (`smoke`: tiny random BERT and tiny budgets, for tests;
`cpu`, the default: MiniLM-L6 sized for a 2-core machine; `gpu`: the papers' own settings), set by
`EMOPIPE_PROFILE` or an asset's config. Each method keeps one budget per profile beside its
options, in its own package, and `choose_budget` is the one way a budget is picked: the profile's,
with the run's overrides applied. Options and budgets are dataclasses whose fields are declared
with `setting`, so the help a user reads in the Dagster UI is written once, beside the default."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from typing import Any, TypeVar

PROFILES = ("smoke", "cpu", "gpu")
PROFILE_ENV = "EMOPIPE_PROFILE"
HELP = "help"
FROZEN_LAYERS = ("keep the embeddings and this many lowest layers fixed (0: fine-tune all); their output is computed once "
                 "per set of texts and cached (BERT and RoBERTa encoders: training/frozen.py), so no dropout runs in them")
MIXED_PRECISION = ("mixed precision where the device has it: bf16 on CUDA GPUs that support it and on CPUs with native bf16, "
                   "fp16 with a gradient scaler on older GPUs; false: float32 everywhere")
B = TypeVar("B")


def profile_name(name: str | None = None) -> str:
    """`name`, else $EMOPIPE_PROFILE, else `cpu`; an unknown name is an error listing the known ones."""
    name = name or os.environ.get(PROFILE_ENV) or "cpu"
    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r}; {PROFILE_ENV} (or the asset's `profile`) must be one of {list(PROFILES)}")
    return name


def choose_budget(budgets: Mapping[str, B], profile: str, overrides: Mapping[str, Any] | None = None) -> B:
    """The profile's budget with every override that is not None applied."""
    chosen = budgets[profile_name(profile)]
    return dataclasses.replace(chosen, **{k: v for k, v in (overrides or {}).items() if v is not None})


def setting(default: Any = dataclasses.MISSING, help: str = "") -> Any:
    """A dataclass field with its help text (and default, if any)."""
    return dataclasses.field(default=default, metadata={HELP: help})
