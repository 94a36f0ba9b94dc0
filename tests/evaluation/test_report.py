"""The report's content and rendering from hand-made records: our figure beside the paper's, gains
and ablations, missing models said as such, and an HTML page that needs no other file."""

import re

from emopipe.evaluation.paper import EACL, METHODS, VAD
from emopipe.evaluation.records import ModelRecord, RunRecord
from emopipe.evaluation.report import Bullets, Picture, Section, Table, render_html, render_markdown
from emopipe.evaluation.report_sections import ReportInputs, ablation_key, figure_table, report_sections

PNG = b"\x89PNG\r\n\x1a\nfake"


def _record(name: str, metrics: dict, pictures: dict | None = None) -> ModelRecord:
    run = RunRecord("run" + name[-4:], name, metrics, {"profile_encoder": "base"}, {"profile": "cpu", "dagster_run_id": "d-1"},
                    {"goemotions_vad": "abc123"}, 0, pictures or {})
    return ModelRecord(name, "3", ["champion"], "3", run)


def _row(table: Table, label: str) -> list[str]:
    return next(r for r in table.rows if r[0] == label)


def test_figures_sit_beside_the_papers_and_missing_ablations_say_not_run():
    inputs = ReportInputs(models={"goemotions_baseline": _record("emopipe-goemotions-baseline", {"test_accuracy": 0.61, "test_macro_f1": 0.5}),
                                  "vad_regressor": None}, partitions={})
    table = figure_table(VAD, inputs)
    assert _row(table, "CE baseline, test macro-F1")[2:] == ["0.500", "0.493"]
    assert _row(table, "VAD model + configured back-classifier, test macro-F1")[2:] == ["n/a", "0.454"]
    assert _row(table, "ablation: arbitrary mapping (sphere points), test macro-F1")[2] == "not run"
    inputs.ablations[ablation_key("vad_regressor", {"vad_mapper": "arbitrary"})] = _record("x-arb1", {"test_macro_f1": 0.44}).run
    assert _row(figure_table(VAD, inputs), "ablation: arbitrary mapping (sphere points), test macro-F1")[2:] == ["0.440", "0.454"]


def test_partitioned_method_has_a_column_pair_per_partition_and_signed_gains():
    metrics = {"test_weighted_f1": 0.61, "baseline_test_weighted_f1": 0.6125}
    inputs = ReportInputs(models={"eacl_checkpoints[meld]": _record("emopipe-eacl-meld", metrics), "eacl_checkpoints[emorynlp]": None},
                          partitions={"eacl_checkpoints": ["emorynlp", "meld"]})
    table = figure_table(EACL, inputs)
    assert table.header[2:] == ["ours (emorynlp)", "paper (emorynlp)", "ours (meld)", "paper (meld)"]
    assert _row(table, "EACL, test weighted F1")[2:] == ["n/a", "0.402", "0.610", "0.671"]
    assert _row(table, "EACL gain over the baseline, test weighted F1")[4] == "-0.0025"


def test_report_names_every_method_difference_and_lineage():
    inputs = ReportInputs(models={"goemotions_baseline": _record("emopipe-goemotions-baseline", {"test_macro_f1": 0.5}, {"confusion_matrix": PNG})},
                          partitions={"eacl_checkpoints": ["meld"]}, dagster_run_id="run-42",
                          source_files=[{"path": "goemotions/train.tsv", "sha256": "f" * 64, "url": "https://x", "licence": "Apache-2.0"}])
    markdown, files = render_markdown("r", report_sections(inputs))
    for method in METHODS:
        assert method.title in markdown
        assert all(d in markdown for d in method.differences)
    assert "run-42" in markdown and "f" * 64 in markdown and "`emopipe-goemotions-baseline` v3" in markdown
    assert "Not materialized yet:" in markdown and "`vad_regressor`" in markdown
    assert files == {"figures/goemotions_baseline_confusion_matrix.png": PNG}
    assert "(figures/goemotions_baseline_confusion_matrix.png)" in markdown


def test_html_is_self_contained_and_escaped():
    sections = [Section("A <b>", ["uses `code` and **bold** & <script>"]), Section("T", [Table(["a|b"], [["1 | 2"]]), Bullets(["x"]),
                                                                                         Picture("p", "cap", PNG)])]
    page = render_html("t", sections)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<code>code</code>" in page and "<strong>bold</strong>" in page
    assert re.findall(r'src="([^"]+)"', page) == ["data:image/png;base64,iVBORw0KGgpmYWtl"]
    markdown, _ = render_markdown("t", sections, figures_dir=None)
    assert "| a\\|b |" in markdown and "![" not in markdown
