"""Data contracts as blocking asset checks.

An asset validates its table against its dataframely contract before anything is stored. A table
that violates it yields a failed check (violation counts and example rows in the metadata) and
fails the step, so nothing is written, the previous version stays, and no downstream asset runs.
A valid table is stored with its row count, schema, preview and digest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import dagster as dg
import dataframely as dy
import polars as pl

from data_contracts import CONTRACTS
from emopipe.evaluation.report import markdown_table

CHECK_NAME = "data_contract"


def contract_check(key: str) -> dg.AssetCheckSpec:
    schema = CONTRACTS[key]
    return dg.AssetCheckSpec(
        CHECK_NAME, asset=key, blocking=True,
        description=f"Every row satisfies {schema.__module__}.{schema.__name__}: dtypes, nullability, ranges, "
                    "allowed labels, primary key and rules.",
    )


def table_digest(df: pl.DataFrame) -> str:
    """Content digest of a table (schema and rows), stable across runs of the same code."""
    return hashlib.sha256(df.write_ipc(None, compression="uncompressed").getvalue()).hexdigest()[:16]


def _column_schema(schema: type[dy.Schema], df: pl.DataFrame) -> dg.TableSchema:
    columns = schema.columns()
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, str(dtype), description=columns[name].description if name in columns else None,
                           constraints=dg.TableColumnConstraints(nullable=columns[name].nullable if name in columns else True))
            for name, dtype in df.schema.items()
        ]
    )


def validated(key: str, df: pl.DataFrame, metadata: dict | None = None, schema: type[dy.Schema] | None = None) -> Iterator:
    """Yield the contract check's result and, when it passes, the validated table as the output.
    `schema`: the key's contract extended for this output (a scored corpus's mapped columns)."""
    schema = schema or CONTRACTS[key]
    result = schema.filter(df, cast=True)
    counts = result.failure.counts()
    if counts:
        invalid = result.failure.invalid()
        details = {
            "violations": dg.MetadataValue.int(sum(counts.values())),
            "violations_by_rule": dg.MetadataValue.json(counts),
            "invalid_rows": dg.MetadataValue.int(invalid.height),
            "examples": dg.MetadataValue.md(markdown_table(invalid, rows=10)),
        }
        yield dg.AssetCheckResult(check_name=CHECK_NAME, passed=False, severity=dg.AssetCheckSeverity.ERROR, metadata=details)
        raise dg.Failure(
            description=f"{key} violates its data contract {schema.__name__}: {counts} ({invalid.height} of {df.height} rows); "
                        f"nothing was stored and the previous version is kept. First offending rows:\n{markdown_table(invalid, rows=3)}",
            metadata=details,
        )
    table = result.result
    digest = table_digest(table)
    yield dg.Output(
        table,
        data_version=dg.DataVersion(digest),
        metadata={
            "dagster/row_count": dg.MetadataValue.int(table.height),
            "dagster/column_schema": _column_schema(schema, table),
            "preview": dg.MetadataValue.md(markdown_table(table)),
            "digest": dg.MetadataValue.text(digest),
            "contract": dg.MetadataValue.text(f"{schema.__module__}.{schema.__name__}"),
            **(metadata or {}),
        },
    )
    yield dg.AssetCheckResult(
        check_name=CHECK_NAME, passed=True, metadata={"rows_checked": dg.MetadataValue.int(table.height), "violations": 0}
    )
