"""Resources: where source files come from, and where tables are stored."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import polars as pl
from pydantic import Field

from emopipe.atomic import atomic_path
from emopipe.paths import dagster_home
from emopipe.sources.registry import SOURCE_FILES, files_of
from emopipe.sources.resolver import SourceResolver, default_cache_dir


class SourceData(dg.ConfigurableResource):
    """Finds source files: the mirror ($EMOPIPE_DATA_DIR), then the cache, then the official URL."""

    data_dir: str | None = Field(default=None, description="mirror laid out like shared/data; default $EMOPIPE_DATA_DIR")
    cache_dir: str | None = Field(default=None, description="download cache; default $EMOPIPE_CACHE_DIR or ~/.cache/emopipe")
    offline: bool = Field(default=False, description="never download (also on when $EMOPIPE_OFFLINE=1)")
    sha256_overrides: dict[str, str] = Field(
        default_factory=dict, description="registry path -> sha256 for copies you vetted yourself (a newer release)"
    )

    def resolver(self) -> SourceResolver:
        env = SourceResolver.from_env()
        return SourceResolver(
            self.data_dir or env.mirror_dir,
            self.cache_dir or default_cache_dir(),
            offline=self.offline or env.offline,
            sha256_overrides=self.sha256_overrides,
        )

    def observe(self, datasets: list[str]) -> dict[str, dict[str, str]]:
        """Registry path -> {sha256, read_from} of every file of `datasets`, as they are here now (nothing downloaded)."""
        resolver = self.resolver()
        return {f.path: resolver.observed(f.path) for dataset in datasets for f in files_of(dataset)}

    def fetch(self, dataset: str, only: tuple[str, ...] = ()) -> tuple[dict[str, Path], dict]:
        """The registered files of `dataset` (or just the paths in `only`), verified, and a lineage
        record for the asset metadata."""
        resolver = self.resolver()
        paths = {f.path: resolver.resolve(f.path) for f in files_of(dataset) if not only or f.path in only}
        lineage = {
            path: {
                "sha256": resolver.expected_sha256(path),
                "read_from": str(local),
                "url": SOURCE_FILES[path].url,
                "licence": SOURCE_FILES[path].licence,
            }
            for path, local in paths.items()
        }
        return paths, lineage


class ParquetTables(dg.ConfigurableIOManager):
    """Stores each table as `<base_dir>/<asset key>.parquet` and each model reference (a small dict:
    run id, model URI, metrics) as `<asset key>.json`, written atomically: a failed or interrupted
    write leaves the previous version in place. A partitioned asset's partitions are
    `<asset key>/<partition>.json`; loading several partitions gives `{partition: value}`."""

    base_dir: str | None = Field(default=None, description="default $DAGSTER_HOME/tables")

    def _path(self, key: dg.AssetKey, suffix: str, partition: str | None = None) -> Path:
        name = "/".join(key.path) + (f"/{partition}" if partition is not None else "")
        return Path(self.base_dir or dagster_home() / "tables") / (name + suffix)

    def handle_output(self, context: dg.OutputContext, obj: pl.DataFrame | dict) -> None:
        partition = context.asset_partition_key if context.has_asset_partitions else None
        if isinstance(obj, pl.DataFrame):
            path = self._path(context.asset_key, ".parquet", partition)
            with atomic_path(path) as tmp:
                obj.write_parquet(tmp)
        elif isinstance(obj, dict):
            path = self._path(context.asset_key, ".json", partition)
            with atomic_path(path) as tmp:
                tmp.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str))
        else:
            raise TypeError(f"{context.asset_key.to_user_string()} returned a {type(obj).__name__}; "
                            "this IO manager stores polars DataFrames and dict references")
        context.add_output_metadata({"path": dg.MetadataValue.path(str(path))})

    def load_input(self, context: dg.InputContext) -> pl.DataFrame | dict:
        if context.has_asset_partitions:
            keys = context.asset_partition_keys
            loaded = {key: self._load(context.asset_key, key) for key in keys}
            return loaded[keys[0]] if len(keys) == 1 else loaded
        return self._load(context.asset_key)

    def _load(self, key: dg.AssetKey, partition: str | None = None) -> pl.DataFrame | dict:
        table, reference = self._path(key, ".parquet", partition), self._path(key, ".json", partition)
        if table.exists():
            return pl.read_parquet(table)
        if reference.exists():
            return json.loads(reference.read_text())
        what = key.to_user_string() + (f" partition {partition}" if partition is not None else "")
        raise FileNotFoundError(f"{what} has not been materialized yet ({table} is missing)")


def latest_materialization(instance: dg.DagsterInstance, asset: str, partition: str | None = None) -> dg.EventLogRecord | None:
    """The asset's (or partition's) latest materialization record; None when it was never materialized."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[partition] if partition else None), limit=1).records
    return records[0] if records else None


def recorded(record: dg.EventLogRecord | dg.EventLogEntry | None, name: str, default=None):
    """The metadata value `name` a materialization recorded; `default` when there is none."""
    materialization = record.asset_materialization if record else None
    entry = materialization.metadata.get(name) if materialization else None
    return entry.value if entry is not None else default


def stored_path(context: dg.AssetExecutionContext, asset: str) -> str:
    """Where the IO manager stored the upstream table at its latest materialization (its `path` metadata)."""
    return recorded(latest_materialization(context.instance, asset), "path", default=f"dagster-asset:{asset}")
