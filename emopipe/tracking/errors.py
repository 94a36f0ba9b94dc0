"""Which failures of the tracking store are transient (worth a retry) and which are not."""

from __future__ import annotations

import sqlite3

from mlflow.exceptions import MlflowException

# MLflow's codes for a store that is busy or away: SQLite's "database is locked" arrives as
# TEMPORARILY_UNAVAILABLE, an unreachable or overloaded tracking server as the others.
TRANSIENT_CODES = {"TEMPORARILY_UNAVAILABLE", "RESOURCE_EXHAUSTED", "REQUEST_LIMIT_EXCEEDED", "DEADLINE_EXCEEDED", "ABORTED"}
_TRANSIENT_TEXT = ("database is locked", "database is busy", "max retries exceeded", "connection refused", "connection reset",
                   "temporarily unavailable")


def is_transient(error: BaseException | None) -> bool:
    """True when `error`, or an error it was raised from, says the store was busy or unreachable."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, MlflowException) and error.error_code in TRANSIENT_CODES:
            return True
        if isinstance(error, (ConnectionError, TimeoutError)):
            return True
        if isinstance(error, (MlflowException, sqlite3.OperationalError, OSError)) and any(t in str(error).lower() for t in _TRANSIENT_TEXT):
            return True
        error = error.__cause__ or error.__context__
    return False
