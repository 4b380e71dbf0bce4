"""What every stage's pandera models share: the UTC timestamp column type, the Dagster table schema generated
from a model (so the UI shows the columns it checks), and the blocking schema check that runs a model over
an asset's frame.

What belongs here: the machinery around the models. The models themselves (column names, types, ranges and
allowed values) belong to the stage whose assets they describe.
"""

# No `from __future__ import annotations`: Dagster reads the check's parameter annotations at definition
# time to find the context.
import warnings
from typing import Annotated

import dagster as dg
import pandas as pd
import pandera.pandas as pa

from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import outbound_partitions

# Partitioned asset checks are "preview" in Dagster 1.13; without them a check would load every partition.
warnings.filterwarnings(
    "ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning
)

UtcTimestamp = Annotated[pd.DatetimeTZDtype, "ns", "UTC"]


def table_schema(model: type[pa.DataFrameModel]) -> dg.TableSchema:
    """The Dagster table schema of a model (column, type, nullability, uniqueness, allowed values)."""
    columns = []
    for name, column in model.to_schema().columns.items():
        constraints = []
        if not column.nullable:
            constraints.append("not null")
        if column.unique:
            constraints.append("unique")
        constraints.extend(str(check.error or check.name) for check in column.checks)
        columns.append(
            dg.TableColumn(
                name,
                str(column.dtype),
                description="; ".join(constraints) or None,
                constraints=dg.TableColumnConstraints(nullable=column.nullable, unique=column.unique),
            )
        )
    return dg.TableSchema(columns=columns)


def schema_check(
    asset_name: str,
    model: type[pa.DataFrameModel],
    *,
    partitions_def: dg.PartitionsDefinition | None = outbound_partitions,
) -> dg.AssetChecksDefinition:
    """A blocking check that `asset_name`'s frame fits `model`, with pandera's failure cases as metadata.
    `partitions_def` is the asset's own (outbound by default; None for an unpartitioned asset)."""

    @dg.asset_check(
        asset=asset_name,
        name="schema",
        blocking=True,
        partitions_def=partitions_def,
        description=f"{asset_name} fits the pandera model {model.__name__} (types, ranges, allowed values).",
    )
    def _check(context: dg.AssetCheckExecutionContext, frame: pd.DataFrame) -> dg.AssetCheckResult:
        try:
            model.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases
            return dg.AssetCheckResult(
                passed=False,
                metadata={
                    "rows": len(frame),
                    "failure_cases": len(cases),
                    "failing_columns": ", ".join(sorted({str(c) for c in cases["column"].dropna()})),
                    "failure_preview": dg.MetadataValue.md(
                        markdown_table(cases, columns=["column", "check", "failure_case", "index"])
                    ),
                },
            )
        return dg.AssetCheckResult(passed=True, metadata={"rows": len(frame), "failure_cases": 0})

    return _check
