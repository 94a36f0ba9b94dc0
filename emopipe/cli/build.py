"""The commands that build: `emopipe run` (what is missing or stale, in dependency order) and
`emopipe fetch-models` (the hub models a profile names, into the local cache)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import click

from emopipe.cli.common import registry_uri


@click.command()
@click.option("--select", default="*eval_report", show_default=True, help="Dagster asset selection to bring up to date.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Run config (YAML or JSON, Dagster's `ops: {asset: {config: ...}}`); each run gets the entries of its assets.")
@click.option("--dry-run", is_flag=True, help="Only list what is missing or stale.")
def run(select: str, config_file: Path | None, dry_run: bool) -> None:
    """Materialize what is missing or stale in SELECT, in dependency order (after observing the source
    files upstream of it, so a changed file counts): unpartitioned assets in
    one run, then each stale `eacl_checkpoints` partition, then `eval_report`. Nothing changed:
    nothing runs. Runs left behind by a killed process are marked failed first (their pool slots
    freed, their MLflow runs ended), and their training resumes from the last finished epoch. Ends
    with a summary: what was built, how long it took, where the report is."""
    import dagster as dg

    from emopipe.definitions import defs
    from emopipe.defs.deployment import deployment
    from emopipe.defs.recovery import recover_dead_runs
    from emopipe.defs.stale import outdated
    from emopipe.tracking.mlflow_tracking import MlflowTracking

    try:
        selection = dg.AssetSelection.from_string(select)
    except dg.DagsterError as err:
        raise click.ClickException(f"--select {select!r} is not a Dagster asset selection ({err}). Examples: '*eval_report' "
                                   "(it and everything upstream), 'key:\"vad_regressor\" or key:\"goemotions_baseline\"', "
                                   "'+key:\"vad_regressor\"' (one level upstream)") from err
    config = _run_config(config_file) if config_file else None
    if deployment() == "local" and not dry_run:
        with dg.DagsterInstance.get() as instance:
            recover_dead_runs(instance, MlflowTracking(tracking_uri=registry_uri(click.get_current_context())),
                              log=lambda line: click.echo(line, err=True))
    graph = defs.resolve_asset_graph()
    selected = selection.resolve(graph)
    files = sorted(k.to_user_string() for k in selection.upstream_source_assets().resolve(graph))
    if files:  # the source files as they are now: a changed one makes its table stale
        observe(defs, files, config)
    plan = outdated(defs, select)
    if not plan:
        click.echo(f"{select}: everything is up to date")
        _unused_config_hint(config, selected, config_file)
        return
    for key, partitions in plan.items():
        click.echo(f"to build: {key}" + (f" [{', '.join(partitions)}]" if partitions != [None] else ""))
    if dry_run:
        return
    started, built = time.monotonic(), []
    plain = [k for k, parts in plan.items() if parts == [None] and k != "eval_report"]
    if plain:
        materialize(plain, config=config)
        built += plain
    if any(spec.partitions_def is not None for spec in defs.resolve_all_asset_specs() if spec.key in selected):
        plan = outdated(defs, select)  # upstream runs may have made more partitions stale
    for key, partitions in plan.items():
        for partition in partitions if partitions != [None] else ():
            materialize([key], partition, config=config)
            built.append(f"{key}[{partition}]")
    report = dg.AssetKey("eval_report") in selected
    if report:
        materialize(["eval_report"], config=config)  # last: it was missing or stale itself, or something it reports on was just built
        built.append("eval_report")
    click.echo(_summary(built, time.monotonic() - started, report))


@click.command("fetch-models")
@click.option("--profile", default=None, help="smoke | cpu | gpu (default: $EMOPIPE_PROFILE, else cpu).")
def fetch_models(profile: str | None) -> None:
    """Fetch every pretrained model PROFILE names from the Hugging Face hub into its local cache (once;
    with progress), so that runs after it work offline. `EMOPIPE_PROFILE=gpu make run` does this first."""
    from emopipe.defs.hub_models import hub_models
    from emopipe.training.hub import fetch

    names = hub_models(profile)
    if not names:
        click.echo("this profile names no hub model (its encoders are installed or built locally)")
        return
    for name in names:
        try:
            fetch(name, log=click.echo)
        except RuntimeError as err:
            raise click.ClickException(str(err) if name in str(err) else f"{name}: {err}") from err
    click.echo(f"{len(names)} models in the cache: runs of this profile work offline (HF_HUB_OFFLINE=1)")


def _summary(built: list[str], seconds: float, report: bool) -> str:
    """What `emopipe run` did, in how long, and where the report is."""
    from emopipe.paths import dagster_home

    minutes, rest = divmod(round(seconds), 60)
    lines = [f"built {len(built)} asset{'s' if len(built) != 1 else ''} in {minutes} min {rest} s: {', '.join(built)}"]
    if report:
        lines.append(f"report: {dagster_home() / 'reports' / 'eval_report.html'} (and eval_report.md beside it)")
    return "\n".join(lines)


def _run_config(path: Path) -> dict:
    import yaml

    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise click.BadParameter(f"{path} is not YAML or JSON: {err}", param_hint="--config") from err
    if not isinstance(config, dict) or not isinstance(config.get("ops", {}), dict):
        raise click.BadParameter(f"{path}: expected a mapping with `ops: {{asset: {{config: ...}}}}`", param_hint="--config")
    return config


def _unused_config_hint(config: dict | None, selected, config_file: Path | None) -> None:
    """Run config is not part of what makes an asset stale: a file that only sets a new seed builds
    nothing. Say so, and how to build with it anyway."""
    ops, names = (config or {}).get("ops", {}), {k.to_user_string() for k in selected}
    configured = sorted(k for k in ops if k in names)
    if not configured:
        return
    only = "" if len(configured) == len(ops) else " (Dagster refuses op config for assets outside --select: a file with their entries only)"
    click.echo(f"--config sets {', '.join(configured)}, but a change of run config does not make an asset stale; "
               f"to build with it anyway: dagster asset materialize -m emopipe.definitions --select "
               f"{','.join(configured)} --config {config_file}{only}", err=True)


def observe(defs, keys: list[str], config: dict | None) -> None:
    """Observe the source files `keys` in this process, a run on the instance like the others: a
    second Python with the definitions imported again (about as long as the observation's run itself
    takes many times over) is spared."""
    import dagster as dg

    click.echo(f"observing {', '.join(keys)}", err=True)
    with dg.DagsterInstance.get() as instance:
        try:
            result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
                run_config={k: v for k, v in (config or {}).items() if k != "ops"}, instance=instance,
                asset_selection=[dg.AssetKey.from_user_string(k) for k in keys], raise_on_error=False)
        except dg.DagsterInvalidConfigError as err:
            raise click.BadParameter(str(err), param_hint="--config") from err
    if not result.success:
        failure = next((e.step_failure_data.error for e in result.all_events if e.is_step_failure), None)
        raise click.ClickException(f"observing the source files failed: {failure.message.strip() if failure else 'see the log above'}")


def materialize(keys: list[str], partition: str | None = None, config: dict | None = None) -> None:
    """Materialize `keys` (one partition of them) with Dagster's own command, its log on this terminal."""
    import tempfile

    import yaml

    command = [sys.executable, "-m", "dagster", "asset", "materialize", "-m", "emopipe.definitions", "--select", ",".join(keys)]
    if partition is not None:
        command += ["--partition", partition]
    with tempfile.TemporaryDirectory() as folder:
        if config:  # Dagster refuses op config for assets outside the selection: each run gets its own entries
            ops = {k: v for k, v in config.get("ops", {}).items() if k in keys}
            path = Path(folder) / "run_config.yaml"
            path.write_text(yaml.safe_dump({k: v for k, v in {**config, "ops": ops}.items() if v}))
            command += ["--config", str(path)]
        click.echo("$ " + " ".join(command[1:]), err=True)
        if subprocess.run(command).returncode != 0:
            raise click.ClickException(f"materializing {', '.join(keys)}" + (f" [{partition}]" if partition else "") + " failed; "
                                       "what was materialized before stays, `emopipe run` again resumes from there")
