"""Find a registered source file: the local mirror first, then the download cache, filled from the
official URL by pooch. Every file returned has the sha256 the registry (or an override) expects.

The mirror (`$EMOPIPE_DATA_DIR`) is read in place and never written. The cache
(`$EMOPIPE_CACHE_DIR`, default `~/.cache/emopipe`) holds downloads laid out like the mirror; an
archive is downloaded once and the registered member extracted beside it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import zipfile
from pathlib import Path

import pooch

from emopipe.atomic import atomic_path
from emopipe.sources.errors import SourceUnavailableError
from emopipe.sources.registry import SOURCE_FILES, SourceFile

DATA_DIR_ENV, CACHE_DIR_ENV, OFFLINE_ENV = "EMOPIPE_DATA_DIR", "EMOPIPE_CACHE_DIR", "EMOPIPE_OFFLINE"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_cache_dir() -> Path:
    return Path(os.environ.get(CACHE_DIR_ENV) or Path.home() / ".cache" / "emopipe")


class SourceResolver:
    """Resolve registry paths to verified local files.

    `sha256_overrides` replaces the registry's hash for named paths: for a copy whose bytes you
    have vetted yourself (a newer release, or the tiny files tests write).
    """

    def __init__(
        self,
        mirror_dir: str | Path | None = None,
        cache_dir: str | Path | None = None,
        offline: bool = False,
        sha256_overrides: dict[str, str] | None = None,
    ):
        self.mirror_dir = Path(mirror_dir) if mirror_dir else None
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self.offline = offline
        self.sha256_overrides = dict(sha256_overrides or {})

    @classmethod
    def from_env(cls) -> SourceResolver:
        return cls(
            os.environ.get(DATA_DIR_ENV) or None,
            default_cache_dir(),
            offline=os.environ.get(OFFLINE_ENV, "").lower() in {"1", "true", "yes"},
        )

    def expected_sha256(self, path: str) -> str:
        return self.sha256_overrides.get(path, self._entry(path).sha256)

    def _local(self, path: str) -> tuple[Path, str] | None:
        """(the local file for a registry path, where it is): the mirror first, then the cache; None if neither has it."""
        self._entry(path)
        if self.mirror_dir is not None and (self.mirror_dir / path).is_file():
            return self.mirror_dir / path, f"the mirror {DATA_DIR_ENV}={self.mirror_dir}"
        if (self.cache_dir / path).is_file():
            return self.cache_dir / path, f"the cache {CACHE_DIR_ENV}={self.cache_dir}"
        return None

    def locate(self, path: str) -> Path | None:
        """The local file `resolve` would read, unverified; None when it would download."""
        found = self._local(path)
        return found[0] if found else None

    def observed(self, path: str) -> dict[str, str]:
        """What a materialization would read now, without downloading: the local file's sha256 and where
        it is, or (when it would be downloaded) the sha256 the download must have. A changed or
        replaced file changes this; `resolve` still refuses one whose hash is not the expected one."""
        local = self.locate(path)
        if local is None:
            return {"sha256": self.expected_sha256(path), "read_from": "download (not here yet)"}
        return {"sha256": sha256_of(local), "read_from": str(local)}

    def resolve(self, path: str) -> Path:
        """The verified local file for a registry path, fetching it into the cache if needed."""
        entry = self._entry(path)
        found = self._local(path)
        if found:
            return self._verified(found[0], path, found[1])
        cached = self.cache_dir / path
        if self.offline:
            raise SourceUnavailableError(self._missing_message(entry, "offline mode is on"))
        self._download(entry, cached)
        return self._verified(cached, path, f"the download from {entry.url}")

    def _entry(self, path: str) -> SourceFile:
        try:
            return SOURCE_FILES[path]
        except KeyError:
            raise KeyError(f"{path!r} is not a registered source file (see emopipe/sources/registry.py)") from None

    def _verified(self, local: Path, path: str, where: str) -> Path:
        expected, actual = self.expected_sha256(path), sha256_of(local)
        if actual != expected:
            raise SourceUnavailableError(
                f"{local} (from {where}) has sha256 {actual}, expected {expected}. The file is corrupt, "
                f"truncated or a different release: replace it with the registered file, or delete it to re-download."
            )
        return local

    def _missing_message(self, entry: SourceFile, why: str) -> str:
        mirror = f"{DATA_DIR_ENV}={self.mirror_dir}" if self.mirror_dir else f"{DATA_DIR_ENV} is not set"
        return (
            f"source file {entry.path!r} ({entry.dataset}) is not in the mirror ({mirror}) nor in the cache "
            f"({CACHE_DIR_ENV}={self.cache_dir}), and {why}. Set {DATA_DIR_ENV} to a folder laid out like "
            f"shared/data that holds it, or allow the download from {entry.url} (unset {OFFLINE_ENV})."
        )

    def _download(self, entry: SourceFile, target: Path) -> None:
        downloads = self.cache_dir / "_downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        # For an archive the registry knows the member's hash, not the archive's: verify after extraction.
        known = None if entry.member else f"sha256:{self.expected_sha256(entry.path)}"
        try:
            fetched = Path(pooch.retrieve(entry.url, known_hash=known, path=downloads, progressbar=False))
        except Exception as err:  # network and HTTP errors, re-raised with what to do
            raise SourceUnavailableError(self._missing_message(entry, f"the download failed ({err})")) from err
        with atomic_path(target) as tmp, open(tmp, "wb") as out:
            if entry.member:
                _copy_member(fetched, entry.member, out)
            else:
                with open(fetched, "rb") as src:
                    shutil.copyfileobj(src, out)


def _copy_member(archive: Path, member: str, out) -> None:
    """Copy the archive member whose name is `member` or ends with `/member` into `out`."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            name = _pick(archive, zf.namelist(), member)
            with zf.open(name) as src:
                shutil.copyfileobj(src, out)
        return
    with tarfile.open(archive) as tf:
        name = _pick(archive, [m.name for m in tf.getmembers() if m.isfile()], member)
        shutil.copyfileobj(tf.extractfile(name), out)


def _pick(archive: Path, names: list[str], member: str) -> str:
    matches = [n for n in names if n == member or n.endswith("/" + member)]
    if not matches:
        raise SourceUnavailableError(f"{archive} has no member {member!r} (it has {len(names)} members)")
    return min(matches, key=len)
