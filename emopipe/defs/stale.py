"""Which assets (and partitions) are missing or stale in the local instance: what `emopipe run`
rebuilds, so a second run with nothing changed does nothing.

Uses the resolver behind the UI's "Stale" badges and `RunRequest(stale_assets_only=True)`: an asset
is stale when its code version or an upstream data version changed since it was materialized."""

import dagster as dg
from dagster._core.asset_graph_view.asset_graph_view import AssetGraphView, TemporalContext
from dagster._core.definitions.data_version import CachingStaleStatusResolver, StaleStatus
from dagster._time import get_current_datetime


def outdated(defs: dg.Definitions, instance: dg.DagsterInstance, selection: str) -> dict[str, list[str | None]]:
    """Asset key -> the partitions (None for an unpartitioned asset) that are missing or stale, within
    `selection` (Dagster's selection syntax, e.g. `*eval_report`)."""
    graph = defs.resolve_asset_graph()
    view = AssetGraphView(temporal_context=TemporalContext(effective_dt=get_current_datetime(), last_event_id=None),
                          instance=instance, asset_graph=graph)
    resolver = CachingStaleStatusResolver(instance, graph, view)
    found: dict[str, list[str | None]] = {}
    for key in sorted(dg.AssetSelection.from_string(selection).resolve(graph)):
        node = graph.get(key)
        partitions = node.partitions_def.get_partition_keys() if node.partitions_def else [None]
        late = [p for p in partitions if resolver.get_status(key, p) in (StaleStatus.MISSING, StaleStatus.STALE)]
        if late:
            found[key.to_user_string()] = late
    return found
