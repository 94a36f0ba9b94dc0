"""Retries for model assets: a step that failed because the tracking store was busy or away (SQLite
locked, the MLflow server restarting) is retried from its last checkpoint; every other failure fails
the step at once. Dagster's RetryPolicy would retry any error, so the asset raises RetryRequested
itself, only for transient errors."""

from __future__ import annotations

import functools

import dagster as dg

from emopipe.tracking.errors import is_transient

MAX_RETRIES = 3
WAIT_SECONDS = 10


def transient_retries(asset_fn):
    """Wrap an asset's body: a transient tracking error becomes `RetryRequested` (up to MAX_RETRIES,
    WAIT_SECONDS apart); anything else propagates unchanged."""

    @functools.wraps(asset_fn)
    def body(*args, **kwargs):
        try:
            return asset_fn(*args, **kwargs)
        except dg.RetryRequested:
            raise
        except Exception as err:
            if is_transient(err):
                raise dg.RetryRequested(max_retries=MAX_RETRIES, seconds_to_wait=WAIT_SECONDS) from err
            raise

    return body
