"""Dagster wiring: assets, checks, resources. Logic lives in the plain modules these call."""

OWNERS = ["team:emopipe"]  # every asset's owner in the UI
