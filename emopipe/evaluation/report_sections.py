"""The evaluation report's content: per method our figures beside the paper's, the pictures the model
runs logged, the data contracts, lineage and every deliberate difference. Pure: it reads the records
the caller gathered (MLflow runs, Dagster materializations) and returns report sections."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime

from emopipe.evaluation.comparison import Figure, Method, paper_applies, recipe_verdict
from emopipe.evaluation.papers import METHODS
from emopipe.evaluation.records import ModelRecord, RunRecord
from emopipe.evaluation.report import Bullets, Picture, Section, Table

ENCODER_PARAMS = ("encoder", "profile_encoder", "budget_encoder")  # runs before budgets recorded it under the older names


def ablation_key(target: str, params: dict[str, str]) -> str:
    return target + "|" + ",".join(f"{k}={v}" for k, v in sorted(params.items()))


@dataclass
class ReportInputs:
    models: dict[str, ModelRecord | None]  # "asset" or "asset[partition]" -> the reported version (None: not materialized)
    partitions: dict[str, list[str]]  # partitioned asset -> its partitions
    ablations: dict[str, RunRecord | None] = field(default_factory=dict)  # ablation_key(target, params) -> run
    seeds: dict[str, list[RunRecord]] = field(default_factory=dict)  # model or ablation key -> its recipe's run per seed
    data_tables: list[dict] = field(default_factory=list)  # asset, group, rows, contract, check, digest, materialized
    source_files: list[dict] = field(default_factory=list)  # path, sha256, url, licence
    dagster_run_id: str = ""
    generated: datetime = field(default_factory=lambda: datetime.now(UTC))

    def missing(self) -> list[str]:
        """Every model (and partition) the report covers that has no materialized version."""
        return sorted(k for m in METHODS for k, _ in targets(m, self.partitions) if self.models.get(k) is None)


def _fmt(value: float | None, figure: Figure) -> str:
    """Three decimals; a gain (`minus`) signed, with four, so that a tie shows which way it leans."""
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:+.4f}" if figure.minus is not None else f"{value:.3f}"


def targets(method: Method, partitions: dict[str, list[str]]) -> list[tuple[str, str | None]]:
    """(record key, partition) per column group: one for a plain method, one per partition otherwise."""
    if not method.partitioned:
        return [(asset, None) for asset in method.assets]
    return [(f"{asset}[{p}]", p) for asset in method.assets for p in partitions.get(asset, [])]


def run_of(figure: Figure, inputs: ReportInputs, partition: str | None) -> RunRecord | None:
    """The run a figure is read from: the reported model's, or its same-recipe ablation's."""
    key = figure.asset if partition is None else f"{figure.asset}[{partition}]"
    if figure.ablation is not None:
        return inputs.ablations.get(ablation_key(key, figure.ablation))
    record = inputs.models.get(key)
    return record.run if record else None


def figure_value(figure: Figure, run: RunRecord | None) -> float | None:
    metrics = run.metrics if run else None
    if metrics is None or figure.metric not in metrics:
        return None
    value = metrics[figure.metric]
    if figure.minus is not None:
        if figure.minus not in metrics:
            return None
        value -= metrics[figure.minus]
    return value


def our_figure(figure: Figure, inputs: ReportInputs, partition: str | None) -> float | None:
    return figure_value(figure, run_of(figure, inputs, partition))


def seed_spread(figure: Figure, inputs: ReportInputs, partition: str | None) -> tuple[float, float, int] | None:
    """Mean, sample standard deviation and count of the figure over the seeds its recipe was run with
    (None under two seeds)."""
    key = figure.asset if partition is None else f"{figure.asset}[{partition}]"
    runs = inputs.seeds.get(ablation_key(key, figure.ablation) if figure.ablation else key, [])
    values = [v for v in (figure_value(figure, r) for r in runs) if v is not None and math.isfinite(v)]
    if len(values) < 2:
        return None
    return statistics.mean(values), statistics.stdev(values), len(values)


def _compared_with(method: Method, figure: Figure, inputs: ReportInputs, partition: str | None) -> tuple[str, float] | None:
    """What a figure is held against: the paper's figure, else for an ablation its main run's figure
    (over the same seeds), else for a gain zero."""
    paper = _paper(method, figure, partition, run_of(figure, inputs, partition))
    if paper is not None:
        return "the paper", paper
    if figure.ablation:
        main = Figure(figure.label, figure.asset, figure.metric, minus=figure.minus)
        spread = seed_spread(main, inputs, partition)
        value = spread[0] if spread else our_figure(main, inputs, partition)
        return ("the main run", value) if value is not None else None
    if figure.minus is not None:
        return "zero", 0.0
    return None


def seeds_cell(method: Method, figure: Figure, inputs: ReportInputs, partition: str | None) -> str:
    """"mean ± std (n seeds)", and whether the figure differs from what it is held against by less than that spread."""
    spread = seed_spread(figure, inputs, partition)
    if spread is None:
        return ""
    mean, std, n = spread
    cell = f"{_fmt(mean, figure)} ± {std:.4f} ({n} seeds)"
    against = _compared_with(method, figure, inputs, partition)
    if against is not None and abs(mean - against[1]) < std:
        cell += f"; within the seed spread of {against[0]}"
    return cell


def _paper(method: Method, figure: Figure, partition: str | None, run: RunRecord | None = None) -> float | None:
    """The paper's figure, when it is the same quantity as ours for `run` (its settings match `paper_when`)."""
    if not paper_applies(figure, run.params if run else None) and run is not None:
        return None
    if partition is not None and figure.ablation is None and figure.minus is None:
        return method.paper_by_partition.get(partition, {}).get(figure.metric, figure.paper)
    return figure.paper


def figure_table(method: Method, inputs: ReportInputs) -> Table:
    columns = [p for _, p in targets(method, inputs.partitions)] if method.partitioned else [None]
    header = ["figure", "MLflow metric"]
    for p in columns:
        header += [f"{h} ({p})" if p else h for h in ("ours", "paper", "same recipe", "over seeds")]
    rows = []
    for figure in method.figures:
        name = figure.metric + (f" - {figure.minus}" if figure.minus else "")
        if figure.ablation:
            name += " (run with " + ", ".join(f"{k}={v}" for k, v in figure.ablation.items()) + ")"
        row = [figure.label, f"`{name}`"]
        for p in columns:
            ours, run = our_figure(figure, inputs, p), run_of(figure, inputs, p)
            missing = "not run" if figure.ablation and ours is None else _fmt(ours, figure)
            paper = _paper(method, figure, p, run)
            row += [missing, _fmt(paper, figure) if paper is not None else "", recipe_verdict(method, figure, run.params if run else None),
                    seeds_cell(method, figure, inputs, p)]
        rows.append(row)
    return Table(header, rows)


def _setting(key: str, record: ModelRecord | None) -> str:
    if record is None:
        return f"`{key}`: not materialized yet"
    params, tags = record.run.params, record.run.tags
    encoder = next((params[p] for p in ENCODER_PARAMS if p in params), "n/a")
    data = ", ".join(f"{name} `{digest}`" for name, digest in sorted(record.run.inputs.items())) or "n/a"
    return (f"`{key}`: `{record.name}` v{record.version} (champion v{record.champion_version or 'none'}), encoder `{encoder}`, "
            f"profile `{tags.get('profile', 'n/a')}`, data {data}")


def method_sections(method: Method, inputs: ReportInputs) -> list[Section]:
    keys = targets(method, inputs.partitions)
    blocks: list = [f"*{method.citation}*", Bullets([_setting(key, inputs.models.get(key)) for key, _ in keys]),
                    figure_table(method, inputs)]
    for key, _ in keys:
        record = inputs.models.get(key)
        for stem, png in sorted(record.run.pictures.items()) if record else ():
            safe = key.replace("[", "_").replace("]", "")
            blocks.append(Picture(f"{safe}_{stem}", f"{key}: {stem.replace('_', ' ')} (MLflow run {record.run.run_id[:8]})", png))
    return [Section(method.title, blocks),
            Section("Where we differ from the paper", [Bullets(list(method.differences))], level=3)]


def summary_section(inputs: ReportInputs) -> Section:
    profiles = sorted({r.run.tags.get("profile", "n/a") for r in inputs.models.values() if r})
    missing = inputs.missing()
    rows = []
    for method in METHODS:
        for key, partition in targets(method, inputs.partitions):
            for figure in (f for f in method.figures if f.headline and f.asset == key.split("[")[0]):
                run = run_of(figure, inputs, partition)
                paper = _paper(method, figure, partition, run)
                rows.append([method.title, key, figure.label, _fmt(our_figure(figure, inputs, partition), figure),
                             _fmt(paper, figure) if paper is not None else "", recipe_verdict(method, figure, run.params if run else None),
                             seeds_cell(method, figure, inputs, partition)])
    blocks: list = [f"Generated {inputs.generated:%Y-%m-%d %H:%M} UTC by Dagster run `{inputs.dagster_run_id}`; "
                    f"profile(s): {', '.join(profiles) or 'n/a'}. Figures are on test splits unless the row says otherwise; "
                    "the paper's figures are on the same metric and scale (fractions).",
                    Table(["method", "model", "figure", "ours", "paper", "same recipe", "over seeds"], rows)]
    if missing:
        blocks.append("Not materialized yet: " + ", ".join(f"`{k}`" for k in missing) + ".")
    return Section("Summary", blocks)


def data_section(inputs: ReportInputs) -> Section:
    rows = [[f"`{t['asset']}`", t["group"], str(t["rows"]), f"`{t['contract']}`", t["check"], f"`{t['digest']}`", t["materialized"]]
            for t in inputs.data_tables]
    return Section("Data contracts", [
        "Every table is validated against its dataframely contract by a blocking asset check before it is stored.",
        Table(["table", "group", "rows", "contract", "check", "digest", "materialized"], rows)])


def lineage_section(inputs: ReportInputs) -> Section:
    rows = []
    for key in sorted(k for m in METHODS for k, _ in targets(m, inputs.partitions)):
        record = inputs.models.get(key)
        if record is None:
            rows.append([f"`{key}`", "not materialized", "", "", "", ""])
            continue
        rows.append([f"`{key}`", f"`{record.name}` v{record.version}", ", ".join(record.aliases) or "none",
                     f"`{record.run.run_id}`", f"`{record.run.tags.get('dagster_run_id', 'n/a')}`",
                     record.run.tags.get("champion_decision", "n/a")])
    sources = [[f"`{s['path']}`", f"`{s['sha256']}`", s["licence"], s["url"]] for s in inputs.source_files]
    return Section("Lineage", [
        Table(["model", "registered version", "aliases", "MLflow run", "Dagster run", "champion decision"], rows),
        "Source files, each verified against its sha256 before it was read:",
        Table(["file", "sha256", "licence", "official URL"], sources)])


def report_sections(inputs: ReportInputs) -> list[Section]:
    sections = [summary_section(inputs)]
    for method in METHODS:
        sections += method_sections(method, inputs)
    return [*sections, data_section(inputs), lineage_section(inputs)]
