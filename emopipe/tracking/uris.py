"""Tracking URIs as they may be shown: a password in `postgresql://user:secret@host/db` (or an
`http://user:token@host`) never reaches a message or a log."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def redact(uri: str) -> str:
    """`uri` with the password of its user part replaced by `***`."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "<unparseable tracking URI>"
    if parts.password is None:
        return uri
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
