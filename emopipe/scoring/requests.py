"""A corpus registered for scoring: a copy of the file and what was asked (`request.json`) in
`$DAGSTER_HOME/scoring/<key>/`, where `key` is the `scored_texts` partition. The key is the file's
name and a hash of its bytes and the options, so the same file asked the same way is the same
partition, and the partition can be scored again later (from the UI, say) even if the user's file
has moved or changed."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from emopipe.atomic import staged_folder
from emopipe.paths import dagster_home

REQUEST = "request.json"


class UnknownCorpus(LookupError):
    """A partition key with no registered corpus behind it."""


@dataclass(frozen=True)
class ScoringRequest:
    key: str
    file_name: str     # the user's file name, as given
    input_format: str  # csv | parquet | jsonl
    to_format: str     # the label mapper's target format
    eacl_dataset: str  # which EACL champion reads conversations (meld | emorynlp)
    sha256: str        # of the file's bytes

    @property
    def input_path(self) -> Path:
        return folder_of(self.key) / ("input." + self.input_format)


def folder_of(key: str) -> Path:
    return dagster_home() / "scoring" / key


def register(data: bytes, file_name: str, input_format: str, to_format: str, eacl_dataset: str) -> ScoringRequest:
    """Copy the corpus in (atomically: a folder appears whole or not at all) and return its request."""
    sha256 = hashlib.sha256(data).hexdigest()
    options = json.dumps([sha256, input_format, to_format, eacl_dataset])
    stem = re.sub(r"[^A-Za-z0-9_]+", "_", Path(file_name).stem).strip("_")[:40] or "corpus"
    key = f"{stem}-{hashlib.sha256(options.encode()).hexdigest()[:10]}"
    request = ScoringRequest(key, file_name, input_format, to_format, eacl_dataset, sha256)
    if not (folder_of(key) / REQUEST).is_file():
        with staged_folder(folder_of(key)) as folder:
            (folder / ("input." + input_format)).write_bytes(data)
            (folder / REQUEST).write_text(json.dumps(asdict(request), indent=2))
    return request


def load(key: str) -> ScoringRequest:
    path = folder_of(key) / REQUEST
    try:
        request = ScoringRequest(**json.loads(path.read_text()))
    except FileNotFoundError:
        raise UnknownCorpus(f"scored_texts partition {key!r} has no corpus behind it ({path} is missing): "
                            "partitions are added by `emopipe score FILE`") from None
    if hashlib.sha256(request.input_path.read_bytes()).hexdigest() != request.sha256:
        raise UnknownCorpus(f"the copy of {request.file_name} in {request.input_path} changed since it was registered")
    return request
