"""A model asset's Dagster config, derived from its method's options and budget dataclasses, so a
default and its help are written once, in the method package:

- every options field is a config field with the options' default (a tuple becomes a list);
- every budget field is an override that defaults to unset (the profile's budget decides);
- every model asset also takes `profile`, `seed` and `force_champion`.

`run_settings` turns a filled config back into the options, the chosen budget and the one flat
run configuration that is the checkpoint folder's key, the MLflow params and the checkpoint config."""

from __future__ import annotations

import dataclasses
import json
import typing
from typing import Any

import dagster as dg
from pydantic import Field, create_model

from emopipe.training.profiles import HELP, choose_budget, profile_name

FORCE_CHAMPION = ("move `champion` to this version even when the champion was selected under another profile, split or "
                  "metric, or on a higher figure")
COMMON = {
    "profile": (str | None, Field(default=None, description="smoke | cpu | gpu; default $EMOPIPE_PROFILE, else cpu")),
    "seed": (int, Field(default=13, description="seed of sampling, initialisation and batch order")),
    "force_champion": (bool, Field(default=False, description=FORCE_CHAMPION)),
}


def _config_type(annotation: Any) -> Any:
    """Dagster config takes lists, not tuples."""
    if typing.get_origin(annotation) is tuple:
        return list[typing.get_args(annotation)[0]]
    return annotation


def asset_config(name: str, options: dict[str, type] | None = None, budget: type | None = None) -> type[dg.Config]:
    """A `dg.Config` class: the fields of each options class (under its prefix, `""` for none) and
    an override for each budget field."""
    fields: dict[str, Any] = dict(COMMON)
    for prefix, cls in (options or {}).items():
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            default = list(f.default) if isinstance(f.default, tuple) else f.default
            fields[prefix + f.name] = (_config_type(hints[f.name]), Field(default=default, description=f.metadata.get(HELP, "")))
    if budget is not None:
        hints = typing.get_type_hints(budget)
        for f in dataclasses.fields(budget):
            if f.name in fields:
                raise ValueError(f"{name}: budget field {f.name!r} would shadow an option of the same name")
            kind = _config_type(hints[f.name])
            fields[f.name] = (kind | None, Field(default=None, description=f"{f.metadata.get(HELP, '')} (default: the profile's budget)"))
    return create_model(name, __base__=dg.Config, **fields)


def options_of(config: dg.Config, cls: type, prefix: str = ""):
    """The options dataclass `cls` filled from the config's fields under `prefix`."""
    values = {f.name: getattr(config, prefix + f.name) for f in dataclasses.fields(cls)}
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


def budget_of(config: dg.Config, budgets: dict):
    """The config's profile's budget with the config's overrides applied."""
    cls = type(next(iter(budgets.values())))
    overrides = {f.name: getattr(config, f.name) for f in dataclasses.fields(cls)}
    return choose_budget(budgets, profile_name(config.profile), {k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()})


def run_settings(config: dg.Config, budget, options: dict[str, Any] | None = None, recorded: dict | None = None) -> dict:
    """The run configuration: profile, seed, every budget value and every option (under its prefix),
    as one flat, JSON-clean dict; `recorded` entries replace what the budget holds (a registered
    encoder is recorded by name and model URI, not by the local path it was fetched to)."""
    settings = {"profile": profile_name(config.profile), "seed": config.seed}
    parts = [dataclasses.asdict(budget)] + [{prefix + k: v for k, v in dataclasses.asdict(o).items()} for prefix, o in (options or {}).items()]
    for part in parts:
        clash = set(settings) & set(part)
        if clash:
            raise ValueError(f"run configuration keys {sorted(clash)} are set twice")
        settings |= part
    return json.loads(json.dumps(settings | (recorded or {})))
