"""Dagster wiring: assets, checks, resources. Logic lives in the plain modules these call."""
