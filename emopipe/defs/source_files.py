"""Group `source_files`: one observable source asset per source table, `source_files/<table>`, whose
data version is a hash of the sha256 of every file the table reads, as they are here now.

Each source table depends on its files' asset, so Dagster records the files' data version at every
materialization; once an observation finds another (a file replaced in the mirror or the cache, a
new hash vetted in `sha256_overrides`), the UI shows the table and everything below it as stale,
and `emopipe run`, which observes first, rebuilds them. Observing reads and hashes the local files
(about 35 MB) and downloads nothing: a file not here yet counts as the one its download must be.
The daemon observes hourly (an automation condition on each file asset)."""

import hashlib
import json
import warnings

import dagster as dg

from emopipe.defs import OWNERS
from emopipe.defs.resources import SourceData

GROUP = "source_files"
# Each source table and the registered datasets (emopipe/sources/registry.py) whose files it may read
TABLE_DATASETS = {
    "goemotions": ["goemotions"], "nrc_vad_lexicon": ["nrc_vad_v1", "nrc_vad_v2.1"], "nrc_emolex": ["nrc_emolex"],
    "nrc_emotion_intensity": ["nrc_emotion_intensity"], "warriner_vad": ["warriner_vad"], "emobank": ["emobank"],
    "semeval_affective_text": ["semeval_affective_text"], "meld": ["meld"], "emorynlp": ["emorynlp"], "sst2": ["sst2"],
    "sarcasm_headlines": ["sarcasm_headlines"],
}
HOURLY = dg.AutomationCondition.on_cron("0 * * * *")


def files_key(table: str) -> dg.AssetKey:
    return dg.AssetKey([GROUP, table])


def data_version(files: dict[str, dict[str, str]]) -> str:
    """One version for a table's files: it changes when any file's sha256 does."""
    return hashlib.sha256(json.dumps({p: f["sha256"] for p, f in sorted(files.items())}).encode()).hexdigest()[:16]


with warnings.catch_warnings():  # documented, and marked beta in Dagster 1.13: not a warning for every CLI call
    warnings.simplefilter("ignore", dg.BetaWarning)

    @dg.multi_observable_source_asset(
        name="observe_source_files", can_subset=True, required_resource_keys={"data"},
        description="Hashes the files each source table reads, as they are here now (nothing is downloaded).",
        specs=[dg.AssetSpec(files_key(table), group_name=GROUP, owners=OWNERS, kinds={"file"}, automation_condition=HOURLY,
                            description=f"The registered files of {', '.join(datasets)} (emopipe/sources/registry.py) that the "
                                        f"`{table}` table reads; data version: a hash of their sha256.")
               for table, datasets in TABLE_DATASETS.items()],
    )
    def observe_source_files(context: dg.AssetExecutionContext):
        data: SourceData = context.resources.data
        for key in sorted(context.selected_asset_keys):
            files = data.observe(TABLE_DATASETS[key.path[-1]])
            yield dg.ObserveResult(asset_key=key, data_version=dg.DataVersion(data_version(files)),
                                   metadata={"files": dg.MetadataValue.json(files)})
