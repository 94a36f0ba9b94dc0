"""What the smoke graph produces, as one comparable JSON: every registered model's selection tags and
run metrics, its model card, and the rendered eval_report with run ids and times masked.

A restructuring that should change no behaviour is checked by running this before and after on the
same machine and comparing the two files (`--compare`):
  .venv/bin/python scripts/smoke_snapshot.py before.json
  ... change the code ...
  .venv/bin/python scripts/smoke_snapshot.py after.json --compare before.json
The graph runs with `emopipe run` on the tiny mirror the tests write, in a scratch DAGSTER_HOME.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MASKS = [
    (re.compile(r"\b[0-9a-f]{32}\b"), "<mlflow-run>"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<dagster-run>"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\b"), "<time>"),
    (re.compile(r"\(MLflow run [0-9a-f]{8}\)"), "(MLflow run <id>)"),
]


def mask(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def run_graph(home: Path) -> None:
    sys.path.insert(0, str(REPO))
    import yaml

    from tests.fixture_files import write_mirror

    shutil.copy(REPO / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    hashes = write_mirror(home.parent / "mirror")
    config = home.parent / "run.yaml"
    config.write_text(yaml.safe_dump({"resources": {"data": {"config": {
        "data_dir": str(home.parent / "mirror"), "offline": True, "sha256_overrides": hashes}}}}))
    env = {**os.environ, "DAGSTER_HOME": str(home), "EMOPIPE_PROFILE": "smoke", "EMOPIPE_OFFLINE": "1",
           "MLFLOW_DISABLE_TELEMETRY": "true", "DAGSTER_DISABLE_TELEMETRY": "true"}
    for name in ("MLFLOW_TRACKING_URI", "EMOPIPE_ENCODER", "EMOPIPE_DATA_DIR"):
        env.pop(name, None)
    emopipe = Path(sys.executable).parent / "emopipe"
    subprocess.run([str(emopipe), "run", "--select", "*eval_report", "--config", str(config)], env=env, cwd=home.parent,
                   check=True)


def snapshot(home: Path) -> dict:
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{home / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    models = {}
    for model in sorted(client.search_registered_models(), key=lambda m: m.name):
        version = client.get_model_version_by_alias(model.name, "champion")
        run = client.get_run(version.run_id)
        models[model.name] = {
            "tags": {k: v for k, v in sorted(version.tags.items()) if k.startswith("selection_") or k == "profile"},
            # every metric but throughput (examples/s), which the machine's load decides
            "metrics": {k: (None if math.isnan(v) else v) for k, v in sorted(run.data.metrics.items()) if "_per_s" not in k},
            "card": mask(version.description or ""),
        }
    return {"models": models, "report": mask((home / "reports" / "eval_report.md").read_text())}


def compare(now: dict, before: dict) -> list[str]:
    differences = []
    for name in sorted(set(now["models"]) | set(before["models"])):
        a, b = before["models"].get(name), now["models"].get(name)
        if a is None or b is None:
            differences.append(f"{name}: registered {'after only' if a is None else 'before only'}")
            continue
        for part in ("tags", "metrics"):
            for key in sorted(set(a[part]) | set(b[part])):
                if a[part].get(key) != b[part].get(key):
                    differences.append(f"{name} {part} {key}: {a[part].get(key)!r} -> {b[part].get(key)!r}")
        if a["card"] != b["card"]:
            differences.append(f"{name}: model card differs")
    if now["report"] != before["report"]:
        import difflib

        diff = difflib.unified_diff(before["report"].splitlines(), now["report"].splitlines(), "before", "after", lineterm="", n=0)
        differences.append("eval_report.md differs:\n" + "\n".join(list(diff)[:80]))
    return differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="where to write the snapshot (JSON)")
    parser.add_argument("--compare", type=Path, default=None, help="an earlier snapshot to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch) / "home"
        home.mkdir()
        run_graph(home)
        found = snapshot(home)
    args.output.write_text(json.dumps(found, indent=1, sort_keys=True))
    print(f"{args.output}: {len(found['models'])} registered models, report of {len(found['report'].splitlines())} lines")
    if args.compare:
        differences = compare(found, json.loads(args.compare.read_text()))
        print("\n".join(differences) if differences else f"identical to {args.compare}")
        sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
