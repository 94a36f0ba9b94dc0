"""The code location as the UI loads it: groups, asset keys, checks, resources."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from emopipe.definitions import defs

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {"goemotions", "nrc_vad_lexicon", "nrc_emolex", "nrc_emotion_intensity", "warriner_vad", "emobank",
           "semeval_affective_text", "meld", "emorynlp", "sst2", "sarcasm_headlines"}
GPU_MODELS = {"goemotions_baseline", "vad_regressor", "emotion_content_encoders", "retrofitted_plm", "eacl_checkpoints"}
MODELS = GPU_MODELS | {"label_mapping_model"}
DATASETS = {"emotion_label_points", "goemotions_vad", "label_mapping_datasets", "conversation_utterances", "downstream_tasks"}


def test_workspace_loads_like_the_ui(tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    dagster = Path(sys.executable).with_name("dagster")
    done = subprocess.run([str(dagster), "definitions", "validate", "-w", "workspace.yaml"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Validation successful for code location emopipe" in done.stderr + done.stdout



def test_dg_checks_and_lists_the_same_definitions(tmp_path):
    """[tool.dg] in pyproject.toml: `dg check defs` passes and `dg list defs` shows every asset and check."""
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "VIRTUAL_ENV": str(Path(sys.executable).parents[1]),
           "DAGSTER_DISABLE_TELEMETRY": "true"}
    dg_cli = str(Path(sys.executable).with_name("dg"))
    checked = subprocess.run([dg_cli, "check", "defs"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert checked.returncode == 0 and "All definitions loaded successfully" in checked.stdout + checked.stderr, checked.stderr[-3000:]
    listed = subprocess.run([dg_cli, "list", "defs", "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert listed.returncode == 0, listed.stderr[-3000:]
    found = json.loads(listed.stdout)
    graph = defs.resolve_asset_graph()
    assert {a["asset_key"] for a in found["assets"]} == {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {c["key"] for c in found["asset_checks"]} == {f"{k.asset_key.to_user_string()}:{k.name}" for k in graph.asset_check_keys}

def test_groups_and_asset_keys():
    graph = defs.resolve_asset_graph()
    groups: dict[str, set[str]] = {}
    for key in graph.get_all_asset_keys():
        groups.setdefault(graph.get(key).group_name, set()).add(key.to_user_string())
    assert groups == {"source_files": {f"source_files/{name}" for name in SOURCES}, "sources": SOURCES, "datasets": DATASETS,
                      "models": MODELS, "reports": {"eval_report"}, "scoring": {"scored_texts"}}


def test_every_table_has_a_blocking_contract_check():
    graph = defs.resolve_asset_graph()
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert checks == {(name, "data_contract") for name in SOURCES | DATASETS | {"scored_texts"}}
    blocking = [spec for a in graph.assets_defs for spec in a.check_specs]
    assert blocking and all(spec.blocking for spec in blocking)


def test_dependencies_follow_the_design():
    graph = defs.resolve_asset_graph()
    parents = {k.to_user_string(): {p.to_user_string() for p in graph.get(k).parent_keys} for k in graph.get_all_asset_keys()}
    assert parents["goemotions_vad"] == {"goemotions", "emotion_label_points"}
    assert parents["emotion_label_points"] == {"nrc_vad_lexicon"}
    assert parents["conversation_utterances"] == {"meld", "emorynlp"}
    assert parents["downstream_tasks"] == {"sst2", "sarcasm_headlines"}
    assert {"nrc_emolex", "warriner_vad", "emobank", "semeval_affective_text"} <= parents["label_mapping_datasets"]
    assert parents["goemotions_baseline"] == {"goemotions_vad", "emotion_label_points"}
    assert parents["vad_regressor"] == {"goemotions_vad", "emotion_label_points", "downstream_tasks"}
    assert parents["label_mapping_model"] == {"label_mapping_datasets"}
    assert parents["emotion_content_encoders"] == {"label_mapping_model", "label_mapping_datasets", "emobank"}
    assert parents["retrofitted_plm"] == {"goemotions_vad", "emotion_label_points", "downstream_tasks"}
    assert parents["eacl_checkpoints"] == {"conversation_utterances"}
    assert parents["eval_report"] == MODELS
    assert parents["scored_texts"] == {"vad_regressor", "goemotions_baseline", "label_mapping_model", "eacl_checkpoints"}
    assert graph.get(dg.AssetKey("eacl_checkpoints")).partitions_def.get_partition_keys() == ["emorynlp", "meld"]


GRAPH_WITH_RETROFITTED = """
import json
from emopipe.definitions import defs
graph = defs.resolve_asset_graph()
print(json.dumps({k.to_user_string(): sorted(p.to_user_string() for p in graph.get(k).parent_keys)
                  for k in graph.get_all_asset_keys()}))
"""


def test_encoder_retrofitted_puts_retrofitted_plm_upstream_of_the_encoder_models(tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "EMOPIPE_ENCODER": "retrofitted"}
    done = subprocess.run([sys.executable, "-c", GRAPH_WITH_RETROFITTED], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    parents = json.loads(done.stdout.strip().splitlines()[-1])
    for name in ("goemotions_baseline", "vad_regressor", "emotion_content_encoders", "eacl_checkpoints"):
        assert "retrofitted_plm" in parents[name]
    assert "retrofitted_plm" not in parents["retrofitted_plm"] and "retrofitted_plm" not in parents["label_mapping_model"]


def test_training_steps_run_in_the_gpu_pool():
    graph = defs.resolve_asset_graph()
    pools = {k.to_user_string(): graph.get(k).pools for k in graph.get_all_asset_keys()}
    assert all(pools[name] == {"gpu"} for name in GPU_MODELS)


def test_resources_are_bound():
    assert {"data", "io_manager", "mlflow"} <= set(defs.resources)
    assert isinstance(defs.executor, dg.ExecutorDefinition)


def test_readme_starts_with_the_two_commands_and_draws_the_real_graph():
    readme = (ROOT / "README.md").read_text()
    commands = readme.split("```bash\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert [c.split("#")[0].strip() for c in commands] == ["make run", "make test"]
    mermaid = readme.split("```mermaid\n", 1)[1].split("```", 1)[0]
    drawn = {tuple(part.strip() for part in line.split("-->")) for line in mermaid.splitlines() if "-->" in line}
    graph = defs.resolve_asset_graph()
    # every edge but the source files' (source_files/x --> x), which the text below the graph names
    assert drawn == {(p.to_user_string(), k.to_user_string()) for k in graph.get_all_asset_keys() for p in graph.get(k).parent_keys
                     if p.path[0] != "source_files"}
    assert "`source_files`" in readme.split("```mermaid\n", 1)[1]
