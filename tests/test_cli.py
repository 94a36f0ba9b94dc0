"""`emopipe` against a registry the smoke pipeline filled (label mapper, VAD model, GoEmotions baseline, EACL on MELD):
every command answers, help exists for each, and bad input or a missing model is a clear error
with a non-zero exit."""

import json
import re
from pathlib import Path

import dagster as dg
import numpy as np
import pandas as pd
import polars as pl
import pytest
import yaml
from click.testing import CliRunner

from data_contracts.vocab import GOEMOTIONS_LABELS
from emopipe.cli import main
from emopipe.defs.emotion_space_assets import label_mapping_model
from emopipe.defs.erc_assets import eacl_checkpoints
from emopipe.defs.model_assets import goemotions_baseline, vad_regressor
from emopipe.defs.resources import ParquetTables, SourceData
from emopipe.defs.source_files import observe_source_files
from emopipe.tracking.mlflow_tracking import MlflowTracking
from tests.defs.helpers import DATA_ASSETS, failure_text
from tests.fixture_files import write_mirror

COMMANDS = ("run", "models", "predict", "convert", "erc", "score", "serve", "fetch-models")


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    hashes = write_mirror(root / "mirror")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {"DAGSTER_HOME": str(root / "home"), "EMOPIPE_PROFILE": "smoke", "EMOPIPE_OFFLINE": "1"}.items():
            patch.setenv(name, value)
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        (root / "home").mkdir()
        resources = {"data": SourceData(data_dir=str(root / "mirror"), sha256_overrides=hashes, offline=True),
                     "io_manager": ParquetTables(), "mlflow": MlflowTracking()}
        # `emopipe run --config` reads the same mirror: the files it observes are the ones the tables were built from
        (root / "run.yaml").write_text(yaml.safe_dump({"resources": {"data": {"config": {
            "data_dir": str(root / "mirror"), "offline": True, "sha256_overrides": hashes}}}}))
        assets = [observe_source_files, *DATA_ASSETS, label_mapping_model, vad_regressor, goemotions_baseline, eacl_checkpoints]
        files = [k.to_user_string() for k in observe_source_files.keys]
        with dg.DagsterInstance.get() as instance:
            models = ["*label_mapping_model", "*vad_regressor", "*goemotions_baseline", "*conversation_utterances"]
            for selection, partition in ((files, None), (models, None),
                                         (["eacl_checkpoints"], "meld")):
                result = dg.materialize(assets, selection=selection, partition_key=partition, resources=resources, instance=instance,
                                        raise_on_error=False)
                assert result.success, failure_text(result)
        yield root


def cli(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    done = cli(command, "--help")
    assert done.exit_code == 0 and "Usage: main " + command in done.output and len(done.output.splitlines()) > 5


def test_models_lists_versions_aliases_and_key_metrics(registry):
    done = cli("models")
    assert done.exit_code == 0, done.output
    assert "emopipe-label-mapper  latest v1  champion=v1" in done.output
    assert "emopipe-eacl-meld  latest v1  champion=v1" in done.output and "test_weighted_f1=" in done.output
    assert "champion v1: selected on dev_macro_f1=" in done.output  # the VAD model's champion rule figure, from its tags


def test_predict_gives_vad_and_top_emotion_and_rejects_unknown_models(registry):
    done = cli("predict", "I am so happy", "so sad today")
    assert done.exit_code == 0, done.output
    header = done.stdout.splitlines()[0].split()
    assert header == ["text", "valence", "arousal", "dominance", "top_emotion"] and len(done.stdout.splitlines()) == 3
    assert cli("predict", "--model", "emopipe-vad-regressor/1", "hi").exit_code == 0
    missing = cli("predict", "--model", "emopipe-nothing", "hi")
    assert missing.exit_code == 1 and "no registered model 'emopipe-nothing'; registered: emopipe-eacl-meld" in missing.output
    alias = cli("predict", "--model", "emopipe-vad-regressor@gold", "hi")
    assert alias.exit_code == 1 and "has no alias 'gold' (aliases: champion)" in alias.output
    assert cli("predict", "--model", "emopipe-vad-regressor/9", "hi").exit_code == 1


def test_convert_maps_labels_and_names_bad_rows(registry):
    done = cli("convert", "--from", "nrc_vad", "--to", "emolex8", "0.9,0.6,0.7", "0.1,0.9,0.2")
    assert done.exit_code == 0, done.output
    lines = done.stdout.strip().splitlines()
    assert lines[0].split() == ["anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust"] and len(lines) == 3
    narrow = cli("convert", "--from", "nrc_vad", "--to", "emolex8", "0.9,0.6")
    assert narrow.exit_code == 1 and "nrc_vad has 3 variables" in narrow.output
    assert cli("convert", "--from", "nrc_vad", "--to", "emolex8", "a,b,c").exit_code == 2
    unknown = cli("convert", "--from", "klingon", "--to", "emolex8", "0.1")
    assert unknown.exit_code == 1 and "klingon" in unknown.output


def test_erc_reads_a_conversation_and_points_at_bad_lines(registry, tmp_path):
    good = tmp_path / "talk.jsonl"
    good.write_text("\n".join(json.dumps(t) for t in [{"speaker": "Ross", "text": "We were on a break!"},
                                                          {"speaker": "Rachel", "text": ""}, {"text": "no speaker"}]) + "\n")
    done = cli("erc", str(good))
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[0].split() == ["turn", "speaker", "text", "emotion", "score"] and len(done.stdout.splitlines()) == 4
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"speaker": "Ross", "text": "fine"}\n{"speaker": "Ross"\n')
    broken = cli("erc", str(bad))
    assert broken.exit_code == 1 and f"{bad}:2: not JSON" in broken.output
    bad.write_text('["Ross", "hi"]\n')
    assert "expected an object" in cli("erc", str(bad)).output
    assert "no registered model 'emopipe-eacl-emorynlp'" in cli("erc", str(good), "--dataset", "emorynlp").output


def test_run_lists_only_what_is_missing_or_stale(registry):
    config = str(registry / "run.yaml")
    fresh = cli("run", "--dry-run", "--select", "*label_mapping_model", "--config", config)
    assert fresh.exit_code == 0 and "everything is up to date" in fresh.output, fresh.output
    assert "does not make an asset stale" not in fresh.output
    seed = registry / "seed.yaml"  # a new seed alone is not stale: says how to build with it anyway
    seed.write_text(yaml.safe_dump({**yaml.safe_load(Path(config).read_text()), "ops": {"label_mapping_model": {"config": {"seed": 14}}}}))
    reseeded = cli("run", "--dry-run", "--select", "*label_mapping_model", "--config", str(seed))
    assert reseeded.exit_code == 0 and "everything is up to date" in reseeded.output, reseeded.output
    assert f"--select label_mapping_model --config {seed}" in reseeded.output, reseeded.output
    plan = cli("run", "--dry-run", "--config", config).output
    assert "to build: retrofitted_plm" in plan and "to build: eacl_checkpoints [emorynlp]" in plan
    assert "to build: label_mapping_model" not in plan and "to build: vad_regressor" not in plan


def test_an_empty_registry_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    for args in (["models"], ["predict", "hi"]):
        done = cli(*args)
        assert done.exit_code == 1 and "no models are registered" in done.output


def test_run_builds_in_order_unpartitioned_then_each_partition_then_the_report(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))  # an empty instance: everything is missing
    calls = []
    monkeypatch.setattr("emopipe.cli.build.materialize", lambda keys, partition=None, config=None: calls.append((sorted(keys), partition)))
    done = cli("run")
    assert done.exit_code == 0
    first, *rest = calls
    with dg.DagsterInstance.get() as instance:  # the source files, observed first (in this process)
        observed = {key for key in observe_source_files.keys if instance.fetch_observations(key, limit=1).records}
    assert observed == set(observe_source_files.keys) and done.output.index("observing ") < done.output.index("to build: ")
    assert "goemotions_baseline" in first[0] and "eacl_checkpoints" not in first[0] and "eval_report" not in first[0]
    assert rest == [(["eacl_checkpoints"], "emorynlp"), (["eacl_checkpoints"], "meld"), (["eval_report"], None)]
    summary = done.output.strip().splitlines()[-2:]  # what was built, how long, where the report is
    assert summary[0].startswith(f"built {len(first[0]) + 3} assets in 0 min ") and "eacl_checkpoints[meld], eval_report" in summary[0]
    assert summary[1] == f"report: {tmp_path / 'reports' / 'eval_report.html'} (and eval_report.md beside it)"


def test_run_passes_resource_config_to_every_run(tmp_path):
    """A config with resources only (no op entries) still reaches `dagster asset materialize`: here the
    mirror is nowhere but in the config, so the table builds only if it arrived."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import yaml

    hashes = write_mirror(tmp_path / "mirror")
    config = tmp_path / "run.yaml"
    config.write_text(yaml.safe_dump({"resources": {"data": {"config": {"data_dir": str(tmp_path / "mirror"), "offline": True,
                                                                         "sha256_overrides": hashes}}}}))
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "home"), "EMOPIPE_OFFLINE": "1"}
    env.pop("EMOPIPE_DATA_DIR", None)
    (tmp_path / "home").mkdir()
    done = subprocess.run([str(Path(sys.executable).parent / "emopipe"), "run", "--select", "goemotions", "--config", str(config)],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "home" / "tables" / "goemotions.parquet").is_file()


def test_a_run_config_dagster_refuses_is_an_error_naming_the_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    bad = tmp_path / "run.yaml"
    bad.write_text("resources:\n  data:\n    config:\n      data_dri: /nowhere\n")
    done = cli("run", "--select", "goemotions", "--config", str(bad))
    assert done.exit_code == 2 and "--config" in done.output and 'unexpected config entry "data_dri"' in done.output, done.output
    assert not (tmp_path / "tables").exists()


def test_a_changed_source_file_makes_its_table_stale_and_run_rebuilds_it(tmp_path, monkeypatch):
    """No hand-made cursor: the files are observed (source_files/*), and Dagster's stale status, asked
    over its GraphQL API, says which tables read other files than are there now."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from tests.fixture_files import rewrite

    mirror = tmp_path / "mirror"
    hashes = write_mirror(mirror)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    resources = {"data": SourceData(data_dir=str(mirror), sha256_overrides=hashes, offline=True), "io_manager": ParquetTables()}
    with dg.DagsterInstance.get() as instance:  # built as `emopipe run` builds: the files observed, then the tables
        for selection in ([k.to_user_string() for k in observe_source_files.keys], ["goemotions", "emobank"]):
            result = dg.materialize([observe_source_files, *DATA_ASSETS], selection=selection, resources=resources,
                                    instance=instance, raise_on_error=False)
            assert result.success, failure_text(result)
    env = {**os.environ, "EMOPIPE_OFFLINE": "1"}
    env.pop("EMOPIPE_DATA_DIR", None)

    def run(overrides: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
        config = tmp_path / "run.yaml"
        config.write_text(yaml.safe_dump({"resources": {"data": {"config": {"data_dir": str(mirror), "offline": True,
                                                                             "sha256_overrides": overrides}}}}))
        return subprocess.run([str(Path(sys.executable).parent / "emopipe"), "run", "--select", "key:goemotions or key:emobank",
                               "--config", str(config), *extra], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)

    again = run(hashes)
    assert again.returncode == 0 and "everything is up to date" in again.stdout, again.stdout + again.stderr[-2000:]
    emobank = (mirror / "emobank" / "emobank.csv").read_bytes()
    vetted = rewrite(mirror, "emobank/emobank.csv", emobank + emobank.splitlines()[-1].replace(b",", b"x,", 1) + b"\n", hashes)
    plan = run(hashes, "--dry-run")  # observed: the table is stale, whether or not the new bytes are vetted yet
    assert "to build: emobank" in plan.stdout and "goemotions" not in plan.stdout, plan.stdout + plan.stderr[-2000:]
    rebuilt = run(vetted)
    assert rebuilt.returncode == 0 and "built 1 asset in" in rebuilt.stdout, rebuilt.stdout + rebuilt.stderr[-2000:]


def test_a_file_that_is_not_utf8_is_an_error_naming_its_line(tmp_path):
    talk = tmp_path / "talk.jsonl"
    talk.write_bytes(b'{"speaker": "Ross", "text": "fine"}\n{"speaker": "Ross", "text": "caf\xe9"}\n')
    done = cli("erc", str(talk))
    assert done.exit_code == 1 and f"{talk}:2: not UTF-8 (byte 33 of the line is b'\\xe9')" in done.output


def test_no_message_prints_the_password_of_a_tracking_uri(tmp_path):
    """A real MLflow tracking server on loopback, addressed with credentials in its URI."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([str(Path(sys.executable).parent / "mlflow"), "server", "--backend-store-uri", f"sqlite:///{tmp_path / 'm.db'}",
                               "--default-artifact-root", str(tmp_path / "artifacts"), "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                              env={**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"})
    try:
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except OSError:
                assert time.time() < deadline and server.poll() is None, "mlflow server did not start"
                time.sleep(0.5)
        uri = f"http://alice:s3cr3t@127.0.0.1:{port}"
        for args in (["models"], ["predict", "hi"], ["models", "--card", "emopipe-vad-regressor"]):
            done = CliRunner().invoke(main, ["--tracking-uri", uri, *args])
            assert done.exit_code == 1 and "s3cr3t" not in done.output, done.output
        assert f"no models are registered in http://alice:***@127.0.0.1:{port}" in done.output
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_a_bad_selection_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    result = CliRunner().invoke(main, ["run", "--select", "*vad_regressor *goemotions_baseline", "--dry-run"])
    assert result.exit_code != 0 and "is not a Dagster asset selection" in result.output and "Examples" in result.output


def test_version_json_and_standard_input(registry, tmp_path):
    """`--version`; `--json` prints what the table shows as an array of objects; `-` reads the inputs from standard input."""
    from importlib.metadata import version

    assert cli("--version").output.strip() == f"emopipe, version {version('emopipe')}"
    models = json.loads(cli("models", "--json").stdout)
    mapper = next(m for m in models if m["name"] == "emopipe-label-mapper")
    assert mapper["aliases"] == {"champion": "1"} and mapper["champion"]["version"] == "1"
    vad = next(m for m in models if m["name"] == "emopipe-vad-regressor")["champion"]
    assert vad["selection_metric"] == "dev_macro_f1" and isinstance(vad["selection_value"], float) and vad["profile"] == "smoke"
    card = json.loads(cli("models", "--card", "emopipe-vad-regressor", "--json").stdout)
    assert card["card"].startswith("**emopipe-vad-regressor** predicts")

    texts = ["I am so happy", "a text long enough that the table would cut it short, but JSON keeps it whole"]
    rows = json.loads(cli("predict", "--json", "-", input="\n".join(texts) + "\n\n").stdout)
    assert [r["text"] for r in rows] == texts and set(rows[0]) == {"text", "valence", "arousal", "dominance", "top_emotion"}
    assert cli("predict", "-", input="").exit_code == 1

    converted = json.loads(cli("convert", "--from", "nrc_vad", "--to", "emolex8", "--json", "-", input="0.9,0.6,0.7\n0.1,0.9,0.2\n").stdout)
    assert len(converted) == 2 and set(converted[0]) == {"anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust"}

    talk = "\n".join(json.dumps(t) for t in [{"speaker": "Ross", "text": "We were on a break!"}, {"speaker": "Rachel", "text": "No."}])
    turns = json.loads(cli("erc", "--json", "-", input=talk).stdout)
    assert [t["speaker"] for t in turns] == ["Ross", "Rachel"] and {"turn", "text", "emotion", "score"} <= set(turns[0])
    broken = cli("erc", "-", input='{"speaker": "Ross"\n')
    assert broken.exit_code == 1 and "<stdin>:1: not JSON" in broken.output


def test_score_scores_a_corpus_with_the_champions_and_reports_bad_rows_by_line(registry, tmp_path):
    """`emopipe score` on a JSONL corpus with bad rows: a `scored_texts` partition whose rows are the
    champions' own predictions for each text (in file order, although scored length-sorted), the
    label mapper's ekman6 columns, the champion versions and a picture in its metadata, and the bad
    rows listed by line."""
    texts = ["I am so happy for you!", "This is the worst day ever, nothing went right and it kept raining.", "meh",
             "thank you so much", "what a long day it has been, and tomorrow will be longer still, I fear"]
    corpus = tmp_path / "my corpus.jsonl"
    corpus.write_bytes(b"\n".join([json.dumps({"text": texts[0]}).encode(), json.dumps({"text": texts[1]}).encode(),
                                   b'{"text": ""}', b'{"text": "caf\xe9"}', json.dumps({"text": "x" * 100_000}).encode(),
                                   b'{"text": broken', *[json.dumps({"text": t}).encode() for t in texts[2:]]]) + b"\n")
    done = cli("score", str(corpus), "--json", "--output", str(tmp_path / "scores.csv"))
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    assert summary["scored_rows"] == 5 and summary["bad_rows"] == 4
    assert [(p["line"], p["problem"].split(" (")[0]) for p in summary["left_out"]] == [
        (3, "empty text"), (4, "not UTF-8"), (5, "text of 100,000 characters, more than 20,000"), (6, "not JSON")]
    assert summary["champions"] == {"emopipe-vad-regressor": "1", "emopipe-goemotions-baseline": "1", "emopipe-label-mapper": "1"}

    scored = pl.read_parquet(summary["scores"])
    assert scored["line"].to_list() == [1, 2, 7, 8, 9] and scored["text"].to_list() == texts
    alone = pd.DataFrame(json.loads(cli("predict", "--json", *texts).stdout))  # the VAD champion, text by text
    assert np.allclose(scored.select("valence", "arousal", "dominance").to_numpy(), alone[["valence", "arousal", "dominance"]], atol=1e-5)
    assert scored["vad_emotion"].to_list() == alone["top_emotion"].tolist()
    probabilities = scored.select([f"prob_{label}" for label in GOEMOTIONS_LABELS]).to_numpy()
    assert [GOEMOTIONS_LABELS[i] for i in probabilities.argmax(1)] == scored["top_emotion"].to_list()
    assert np.allclose(probabilities.max(1), scored["probability"].to_numpy())
    ekman = scored.select([f"ekman6_{e}" for e in ("anger", "disgust", "fear", "joy", "sadness", "surprise")]).to_numpy()
    assert ((ekman >= 0) & (ekman <= 1)).all() and scored["eacl_emotion"].null_count() == 5
    assert pl.read_csv(tmp_path / "scores.csv")["text"].to_list() == texts

    with dg.DagsterInstance.get() as instance:
        assert summary["partition"] in instance.get_dynamic_partitions("scored_texts")
        record = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=dg.AssetKey("scored_texts"),
                                                                       asset_partitions=[summary["partition"]]), limit=1).records[0]
    metadata = record.asset_materialization.metadata
    assert metadata["dagster/row_count"].value == 5 and re.search(r"\| 4 +\| not UTF-8", metadata["bad_rows_by_line"].value)
    picture = Path(metadata["distribution_path"].value).read_bytes()
    assert picture.startswith(b"\x89PNG") and len(picture) > 10_000 and "data:image/png;base64," in metadata["distribution"].value


def test_score_reads_conversations_from_standard_input_each_turn_in_its_own_dialogue(registry):
    """Two interleaved dialogues on standard input: every turn's EACL emotion is the one `emopipe erc`
    gives for its dialogue alone, so no turn saw another dialogue's past."""
    first = [("Ross", "We were on a break!"), ("Rachel", "No, we were not."), ("Ross", "Fine.")]
    second = [("Joey", "How you doin?"), ("Phoebe", "Oh, I'm great, thanks for asking!")]
    rows = [("a", *first[0]), ("b", *second[0]), ("a", *first[1]), ("b", *second[1]), ("a", *first[2])]
    talk = "\n".join(json.dumps({"dialogue": d, "speaker": s, "text": t}) for d, s, t in rows) + "\n"
    done = cli("score", "-", "--json", "--to", "emolex8", input=talk)
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    assert summary["champions"]["emopipe-eacl-meld"] == "1" and summary["bad_rows"] == 0
    scored = pl.read_parquet(summary["scores"])
    assert scored["dialogue"].to_list() == ["a", "b", "a", "b", "a"] and "emolex8_trust" in scored.columns
    for dialogue, turns in (("a", first), ("b", second)):
        alone = json.loads(cli("erc", "--json", "-", input="\n".join(json.dumps({"speaker": s, "text": t}) for s, t in turns)).stdout)
        mine = scored.filter(pl.col("dialogue") == dialogue)
        assert mine["eacl_emotion"].to_list() == [t["emotion"] for t in alone]
        assert np.allclose(mine["eacl_score"].to_numpy(), [t["score"] for t in alone], atol=1e-5)


def test_score_refuses_what_it_cannot_score_before_any_run(registry, tmp_path):
    words = tmp_path / "words.csv"
    words.write_text("id,words\n1,hello\n")
    missing = cli("score", str(words))
    assert missing.exit_code == 1 and f"{words}: no `text` column (found id, words)" in missing.output
    empty = cli("score", "-", input='{"text": ""}\n{"text": "  "}\n')
    assert empty.exit_code == 1 and "no row of stdin.jsonl can be scored (line 1: empty text; line 2: empty text)" in empty.output
    assert cli("score", str(words), "--to", "klingon").exit_code == 2
    talk = '{"dialogue": "a", "speaker": "Ross", "text": "hi"}\n'
    unknown = cli("score", "-", "--eacl", "emorynlp", input=talk)
    assert unknown.exit_code == 1 and "no registered model 'emopipe-eacl-emorynlp'" in unknown.output


def test_score_draws_a_progress_bar_on_a_terminal_and_logs_progress(registry, tmp_path):
    """Run as a user does, with standard error on a terminal (a pseudo-terminal here): tqdm's bar
    is drawn, and the run's log says how far it got."""
    import os
    import pty
    import subprocess
    import sys
    import threading

    corpus = tmp_path / "corpus.csv"
    corpus.write_text("id,text\n1,so happy today\n2,\n3,what a terrible idea\n")
    reader, terminal = pty.openpty()
    seen = bytearray()

    def drain():  # read as it comes: a full terminal buffer would stop the command
        while True:
            try:
                chunk = os.read(reader, 65536)
            except OSError:
                return
            if not chunk:
                return
            seen.extend(chunk)

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    done = subprocess.run([str(Path(sys.executable).with_name("emopipe")), "score", str(corpus)], stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=terminal, timeout=600)
    os.close(terminal)
    thread.join(timeout=10)
    os.close(reader)
    text = seen.decode("utf-8", errors="replace")
    assert done.returncode == 0, text[-3000:]
    assert "2/2" in text and "texts/s]" in text  # tqdm: "100%|██████████| 2/2 [00:00<00:00, 9.1texts/s]"
    assert "scored 2 of 2 texts" in text and "corpus.csv:3: empty text" in done.stdout.decode()
