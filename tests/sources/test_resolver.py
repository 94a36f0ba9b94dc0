"""Mirror first, then cache, then download (pooch) with checksum verification, on files made here
and served from 127.0.0.1."""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import tarfile
import threading
import zipfile
from dataclasses import replace

import pytest

from emopipe.sources import registry
from emopipe.sources.errors import SourceUnavailableError
from emopipe.sources.resolver import SourceResolver

REL = "nrc_vad_v1/NRC-VAD-Lexicon.txt"
CONTENT = b"Word\tValence\tArousal\tDominance\nhappy\t0.9\t0.6\t0.7\n"
SHA = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture
def server(tmp_path):
    """A static file server on 127.0.0.1 for the test's lifetime; yields (folder, base URL)."""
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _register(monkeypatch, url: str, member: str | None):
    entry = replace(registry.SOURCE_FILES[REL], url=url, member=member, sha256=SHA)
    monkeypatch.setitem(registry.SOURCE_FILES, REL, entry)


def test_mirror_file_is_used_in_place_after_verification(tmp_path):
    (tmp_path / "m" / "nrc_vad_v1").mkdir(parents=True)
    (tmp_path / "m" / REL).write_bytes(CONTENT)
    resolver = SourceResolver(tmp_path / "m", tmp_path / "cache", offline=True, sha256_overrides={REL: SHA})
    assert resolver.resolve(REL) == tmp_path / "m" / REL


def test_checksum_mismatch_is_a_clear_error(tmp_path):
    (tmp_path / "m" / "nrc_vad_v1").mkdir(parents=True)
    (tmp_path / "m" / REL).write_bytes(CONTENT + b"tampered\t1\t1\t1\n")
    with pytest.raises(SourceUnavailableError, match=rf"NRC-VAD-Lexicon.txt .*has sha256 [0-9a-f]{{64}}, expected {SHA}"):
        SourceResolver(tmp_path / "m", tmp_path / "cache", sha256_overrides={REL: SHA}).resolve(REL)


def test_missing_offline_names_the_file_and_the_variables(tmp_path):
    with pytest.raises(SourceUnavailableError) as err:
        SourceResolver(None, tmp_path / "cache", offline=True).resolve(REL)
    assert REL in str(err.value) and "EMOPIPE_DATA_DIR" in str(err.value) and "EMOPIPE_OFFLINE" in str(err.value)


def test_unknown_path_is_rejected(tmp_path):
    with pytest.raises(KeyError, match="not a registered source file"):
        SourceResolver(None, tmp_path).resolve("nope/nothing.txt")


def test_plain_download_fills_the_cache_once(monkeypatch, tmp_path, server):
    root, base = server
    (root / "lexicon.txt").write_bytes(CONTENT)
    _register(monkeypatch, f"{base}/lexicon.txt", member=None)
    resolver = SourceResolver(None, tmp_path / "cache")
    path = resolver.resolve(REL)
    assert path == tmp_path / "cache" / REL and path.read_bytes() == CONTENT
    (root / "lexicon.txt").unlink()  # the second call must not need the network
    assert SourceResolver(None, tmp_path / "cache", offline=True).resolve(REL).read_bytes() == CONTENT


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_archive_member_is_extracted_and_verified(monkeypatch, tmp_path, server, kind):
    root, base = server
    if kind == "zip":
        with zipfile.ZipFile(root / "bundle.zip", "w") as zf:
            zf.writestr("NRC-VAD-Lexicon/README.txt", "read me")
            zf.writestr("NRC-VAD-Lexicon/NRC-VAD-Lexicon.txt", CONTENT)
    else:
        with tarfile.open(root / "bundle.tar.gz", "w:gz") as tf:
            info = tarfile.TarInfo("bundle/NRC-VAD-Lexicon.txt")
            info.size = len(CONTENT)
            tf.addfile(info, io.BytesIO(CONTENT))
    _register(monkeypatch, f"{base}/bundle.{kind}", member="NRC-VAD-Lexicon.txt")
    assert SourceResolver(None, tmp_path / "cache").resolve(REL).read_bytes() == CONTENT


def test_downloaded_file_with_wrong_hash_is_rejected(monkeypatch, tmp_path, server):
    root, base = server
    (root / "lexicon.txt").write_bytes(CONTENT + b"x")
    _register(monkeypatch, f"{base}/lexicon.txt", member=None)
    with pytest.raises(SourceUnavailableError, match="download failed"):
        SourceResolver(None, tmp_path / "cache").resolve(REL)
    assert not (tmp_path / "cache" / REL).exists()


def test_failed_download_says_what_to_set(monkeypatch, tmp_path, server):
    _, base = server
    _register(monkeypatch, f"{base}/missing.txt", member=None)
    with pytest.raises(SourceUnavailableError, match="EMOPIPE_DATA_DIR"):
        SourceResolver(None, tmp_path / "cache").resolve(REL)


def test_registry_declares_every_file_once_with_url_sha_and_licence():
    for path, entry in registry.SOURCE_FILES.items():
        assert entry.path == path and entry.url.startswith("https://") and len(entry.sha256) == 64 and entry.licence
