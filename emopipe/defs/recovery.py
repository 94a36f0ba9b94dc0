"""Recovery from a killed local run. A `dagster asset materialize` (or `emopipe run`) killed with
SIGKILL leaves its Dagster run STARTED, holding the `gpu` pool's only slot, and its MLflow run
RUNNING: the next run would wait for the slot forever. Before launching, `emopipe run` finds such
runs (the process that executed the steps, recorded in the run's engine events, is gone), marks each
failed, frees its slots and ends its MLflow runs as FAILED. The training itself then resumes from
the dead run's last finished epoch, whose checkpoint folder is keyed by the run configuration.

A run whose process lost the instance's database (Postgres stopped or unreachable in the server and
cluster deployments) is marked failed by Dagster once the database answers again, as "marked as
failed from outside the execution context": true, but it does not say why. The sensor
`explain_failed_runs` reads the failed run's captured step logs and, where they show the database
was lost, adds that cause to the run (an engine event and the tag `emopipe/failure_cause`)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg

from emopipe.tracking.mlflow_tracking import MlflowTracking

ACTIVE = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]


def run_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The pid of the process that executed the run's steps ("Executing steps in process (pid: ...)")."""
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        data = record.dagster_event.engine_event_data if record.dagster_event else None
        pid = data.metadata.get("pid") if data is not None else None
        if pid is not None:
            return int(pid.value)
    return None


def process_alive(pid: int, started_by: float) -> bool:
    """Whether `pid` is a live process that was already running at `started_by` (a Unix time): a pid
    reused by a newer process, or a zombie, is not the run's."""
    stat = Path(f"/proc/{pid}/stat")
    if not Path("/proc/self/stat").exists():  # not Linux: existence only
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    if fields[0] in ("Z", "X"):
        return False
    boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime"))
    started = boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    return started <= started_by + 2.0  # btime has a resolution of one second


def dead_runs(instance: dg.DagsterInstance) -> list[tuple[dg.DagsterRun, int]]:
    """Active runs of this instance whose step process is gone, with that pid."""
    found = []
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=ACTIVE)):
        pid = run_pid(instance, record.dagster_run.run_id)
        started = record.start_time or record.create_timestamp.timestamp()
        if pid is not None and not process_alive(pid, started):
            found.append((record.dagster_run, pid))
    return found


def recover_dead_runs(instance: dg.DagsterInstance, tracking: MlflowTracking, log: Callable[[str], None] = print) -> list[str]:
    """Mark dead runs failed, free their pool slots, end their MLflow runs; returns their run ids."""
    recovered = []
    for run, pid in dead_runs(instance):
        reason = f"process {pid} of this run is gone (killed?); marked failed by emopipe at {time.strftime('%Y-%m-%d %H:%M:%S')}"
        instance.report_run_failed(run, message=reason)
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        ended = tracking.end_runs_of(run.run_id, reason)
        log(f"dead run {run.run_id} (pid {pid}): marked failed, its pool slots freed"
            + (f", MLflow run(s) {', '.join(r[:8] for r in ended)} ended as FAILED" if ended else ""))
        recovered.append(run.run_id)
    return recovered


# What a step's captured stderr says when the instance's database went away under it (Dagster's own words).
LOST_DATABASE = ("too many retries for DB connection", "Exception while writing logger call to event log")
FAILURE_CAUSE_TAG = "emopipe/failure_cause"


def lost_database_evidence(instance: dg.DagsterInstance, run_id: str) -> str | None:
    """The line of the run's captured step logs that best shows its instance database was lost (the
    phrases of LOST_DATABASE in that order), or None."""
    manager = instance.compute_log_manager
    lines = []
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.LOGS_CAPTURED):
        captured = record.dagster_event.logs_captured_data if record.dagster_event else None
        if captured is not None:
            stderr = manager.get_log_data(manager.build_log_key_for_run(run_id, captured.file_key)).stderr or b""
            lines += stderr.decode("utf-8", errors="replace").splitlines()
    return next((line.strip() for words in LOST_DATABASE for line in lines if words in line), None)


@dg.run_failure_sensor(name="explain_failed_runs", default_status=dg.DefaultSensorStatus.RUNNING, minimum_interval_seconds=10,
                       description="Adds the cause to a failed run whose process lost the Dagster instance's database "
                                   "(Postgres stopped or unreachable), which Dagster records only as 'marked as failed from outside'.")
def explain_failed_runs(context: dg.RunFailureSensorContext):
    run = context.dagster_run
    evidence = lost_database_evidence(context.instance, run.run_id)
    if evidence is None:
        return dg.SkipReason(f"run {run.run_id}: no sign of a lost instance database in its step logs")
    context.instance.report_engine_event(
        f"emopipe: this run stopped because the Dagster instance's database became unreachable (its step logs say: {evidence}). "
        "The events of that time are lost. Tables materialized before are untouched; materialize the asset again and its "
        "training resumes from the last finished epoch.", run)
    context.instance.add_run_tags(run.run_id, {FAILURE_CAUSE_TAG: "instance database unreachable"})
    return None
