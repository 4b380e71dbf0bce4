"""`evaluations`: the reply classifier and the day's outreach copy measured, daily, as figures over time.

What belongs here: the asset, its pandera model (`Evaluations`: one row per area, subject and metric), its
checks (the blocking schema check and `classifier_safe`) and the rows and metadata built from the pure
scores of `reply_scores.py` (labelled sets) and `copy_scores.py` (the day's copy). What is scored on is
`evaluation_settings.py`'s.

The classifier is scored on every labelled set with its offline rules only, sure or not: in production the
replies the rules are not sure of go to Claude, but a paid call has no place in a measurement that runs
every day, so a run of this asset, and any re-run, spends nothing. The copy figures come from every ICP's
`outreach_copy` and `qualified_leads` of the day (the `icp x day` partitions mapped onto the day); an ICP
with no copy that day adds nothing, and a day with no copy at all gives zeros.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from sales_assets.common.copy_models import COLUMNS as COPY_COLUMNS
from sales_assets.common.mail.classify import LABELS
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import OutboundPartition, daily_partitions
from sales_assets.common.schemas import schema_check, table_schema
from sales_assets.common.seller import SellerSettings
from sales_assets.insights.copy_scores import CopyFigures, copy_figures, judge_copy
from sales_assets.insights.evaluation_settings import ALL_SETS, EvaluationSettings
from sales_assets.insights.reply_scores import (
    DANGERS,
    Decision,
    LabelledMail,
    LabelledSetError,
    Score,
    decide,
    load_labelled,
    score,
    score_table,
)

# Partitioned asset checks are "preview" in Dagster 1.13; without them a check would load every partition.
warnings.filterwarnings(
    "ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning
)
# The day -> every ICP of the day mapping is "beta" in Dagster 1.13; it is Dagster's own way to read each
# ICP's partition of a day, and the warning, at every load, gives a reader nothing to act on.
warnings.filterwarnings(
    "ignore",
    message=r"Class `MultiToSingleDimensionPartitionMapping` is currently in beta",
    category=dg.BetaWarning,
)

AREAS = ("replies", "copy")
ALL = ALL_SETS
#: Metric names of the dangerous confusions (`reply_scores.DANGERS`).
DANGER_METRICS = {kind: kind.replace("-", "_").replace(" ", "_") for kind in DANGERS}
COUNT_METRICS = (
    "items",
    "dangerous",
    *DANGER_METRICS.values(),
    "rows",
    "held_back",
    "ungrounded",
    "without_facts",
)
RATE_METRICS = (
    "exact",
    "bounce_recall",
    "sure_share",
    "sure_precision",
    *(f"precision/{label}" for label in LABELS),
    *(f"recall/{label}" for label in LABELS),
    "held_back_rate",
    "lint_pass_rate",
    "first_answer_pass_rate",
    "ungrounded_share",
)
METRICS = COUNT_METRICS + RATE_METRICS
#: Every ICP's partition of an outbound asset on the evaluated day.
ICPS_OF_THE_DAY = dg.MultiToSingleDimensionPartitionMapping(partition_dimension_name="day")
DECIDED_BY = (
    "offline rules only: every item is scored on the rules' label, sure or not; the Claude fallback the "
    "product uses for unsure replies is never called here, so a run spends nothing"
)


class Evaluations(pa.DataFrameModel):
    """One figure per row: the area (`replies`: a labelled set; `copy`: the day's outreach copy), what it
    is about (a set's name, an ICP, or `all`), the metric, its value and the count it is over."""

    area: Series[str] = pa.Field(isin=AREAS)
    subject: Series[str]
    metric: Series[str] = pa.Field(isin=METRICS)
    value: Series[float] = pa.Field(ge=0.0)
    items: Series[int] = pa.Field(ge=0)

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check(error="rates are shares in [0, 1]")
    def rates_are_shares(cls, frame: pd.DataFrame) -> pd.Series:
        return ~frame["metric"].isin(RATE_METRICS) | (frame["value"] <= 1.0)

    @pa.dataframe_check(error="one row per area, subject and metric")
    def one_row_per_figure(cls, frame: pd.DataFrame) -> pd.Series:
        return ~frame.duplicated(["area", "subject", "metric"], keep=False)


EVALUATION_COLUMNS = list(Evaluations.to_schema().columns)


# --- replies ---------------------------------------------------------------------------------------------


def reply_rows(name: str, result: Score) -> list[dict[str, Any]]:
    """The figures of one scored set."""
    rows = [
        ("items", result.total, result.total),
        ("exact", result.exact, result.total),
        ("bounce_recall", result.bounce_recall, result.bounces),
        ("sure_share", result.sure_share, result.total),
        ("sure_precision", result.sure_precision, result.sure),
        ("dangerous", result.dangerous, result.total),
        *((DANGER_METRICS[kind], len(found), result.total) for kind, found in result.danger.items()),
    ]
    for label in LABELS:
        precision, recall, actual = result.precision_recall(label)
        given = sum(n for (_, got), n in result.confusion.items() if got == label)
        if precision is not None:
            rows.append((f"precision/{label}", precision, given))
        if recall is not None:
            rows.append((f"recall/{label}", recall, actual))
    return [
        {"area": "replies", "subject": name, "metric": m, "value": float(v), "items": int(n)}
        for m, v, n in rows
    ]


def _wrong_sure(
    name: str, mails: Sequence[LabelledMail], decisions: Sequence[Decision]
) -> list[dict[str, str]]:
    return [
        {"set": name, "id": m.id, "expected": m.label, "got": d.label, "reason": d.reason}
        for m, d in zip(mails, decisions, strict=True)
        if d.sure and d.label != m.label
    ]


def score_sets(
    sets: Mapping[str, Sequence[LabelledMail]],
) -> tuple[list[dict[str, Any]], dict[str, Score], list[dict[str, str]]]:
    """The figure rows of each set and of all of them together, each set's score (`all` included) and the
    wrong sure labels."""
    rows: list[dict[str, Any]] = []
    scores: dict[str, Score] = {}
    wrong: list[dict[str, str]] = []
    every: list[LabelledMail] = []
    every_decision: list[Decision] = []
    for name, mails in sets.items():
        decisions = [decide(m.subject, m.text) for m in mails]
        scores[name] = score(mails, decisions)
        rows += reply_rows(name, scores[name])
        wrong += _wrong_sure(name, mails, decisions)
        every += mails
        every_decision += decisions
    if sets:
        scores[ALL] = score(every, every_decision)
        rows += reply_rows(ALL, scores[ALL])
    return rows, scores, wrong


# --- copy ------------------------------------------------------------------------------------------------


def day_frames(value: Any, keys: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    """Every ICP's frame of the day as one frame with an `icp` column. `value` is what the IO manager
    loaded for the mapped partitions `keys`: one frame (one partition), a dict by partition key (several;
    missing ones left out), or None (one partition, missing)."""
    if isinstance(value, pd.DataFrame):
        found = {keys[0]: value} if len(keys) == 1 else {}
    elif isinstance(value, Mapping):
        found = {str(k): v for k, v in value.items() if isinstance(v, pd.DataFrame)}
    else:
        found = {}
    frames = [
        frame.assign(icp=OutboundPartition.from_key(key).icp) for key, frame in found.items() if len(frame)
    ]
    if not frames:
        return pd.DataFrame(columns=[*columns, "icp"])
    return pd.concat(frames, ignore_index=True)


def copy_rows(subject: str, figures: CopyFigures) -> list[dict[str, Any]]:
    counts = [
        ("rows", figures.rows, figures.rows),
        ("held_back", figures.held_back, figures.rows),
        ("ungrounded", figures.ungrounded, figures.checked),
        ("without_facts", figures.without_facts, figures.rows),
    ]
    rates = [(m, v, n) for m, (v, n) in figures.rates().items()]
    return [
        {"area": "copy", "subject": subject, "metric": m, "value": float(v), "items": int(n)}
        for m, v, n in counts + rates
    ]


def score_copy(
    copy: pd.DataFrame, leads: pd.DataFrame, seller: SellerSettings
) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    """The copy figures of the day (`all`, then each ICP with copy) and the judged rows."""
    judged = judge_copy(copy, leads, seller)
    rows = copy_rows(ALL, copy_figures(judged))
    for icp in sorted(judged["icp"].unique()):
        rows += copy_rows(str(icp), copy_figures(judged[judged["icp"] == icp]))
    return rows, judged


# --- the asset -------------------------------------------------------------------------------------------


def evaluation_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=EVALUATION_COLUMNS)
    return frame.astype({"value": float, "items": "int64"})


def _metadata_value(metric: str, value: float) -> dg.MetadataValue:
    if metric in COUNT_METRICS:
        return dg.MetadataValue.int(int(value))
    return dg.MetadataValue.float(round(value, 4))


def evaluation_metadata(
    frame: pd.DataFrame,
    scores: Mapping[str, Score],
    wrong: list[dict[str, str]],
    judged: pd.DataFrame,
    examples: int,
) -> dict[str, Any]:
    """Numeric metadata per figure (`replies/<set>/<metric>`, `copy/<metric>`, `copy/<icp>/<metric>`) so
    the UI plots each over time; the per-label figures as a table per set; previews of what went wrong."""
    metadata: dict[str, Any] = {"dagster/row_count": len(frame), "decided_by": DECIDED_BY}
    for row in frame.to_dict(orient="records"):
        area, subject, metric = str(row["area"]), str(row["subject"]), str(row["metric"])
        if "/" in metric:
            continue  # per-label figures: in the set's table
        prefix = "copy" if (area, subject) == ("copy", ALL) else f"{area}/{subject}"
        metadata[f"{prefix}/{metric}"] = _metadata_value(metric, float(row["value"]))
    for name, result in scores.items():
        metadata[f"replies/{name}/labels"] = dg.MetadataValue.md(score_table(result))
    dangerous = [
        {"set": name, "kind": kind, "id": i, "expected": e, "got": g, "reason": r}
        for name, result in scores.items()
        if name != ALL
        for kind, found in result.danger.items()
        for i, e, g, r in found
    ]
    metadata["replies/dangerous_preview"] = dg.MetadataValue.md(
        markdown_table(pd.DataFrame(dangerous), limit=examples)
    )
    metadata["replies/wrong_sure_preview"] = dg.MetadataValue.md(
        markdown_table(pd.DataFrame(wrong), limit=examples)
    )
    ungrounded = judged[judged["ungrounded"].astype(bool)]
    metadata["copy/ungrounded_preview"] = dg.MetadataValue.md(
        markdown_table(ungrounded, limit=examples, columns=["icp", "prospect_id", "ungrounded_claims"])
    )
    failing = judged[~judged["lint_passed"].astype(bool) & judged["has_facts"].astype(bool)]
    metadata["copy/lint_failures_preview"] = dg.MetadataValue.md(
        markdown_table(failing, limit=examples, columns=["icp", "prospect_id", "status", "lint_problems"])
    )
    return metadata


def load_sets(settings: EvaluationSettings) -> dict[str, list[LabelledMail]]:
    """Every configured labelled set, read; a set that cannot be read fails the run naming it (retrying
    would not make a missing file appear)."""
    try:
        return {name: load_labelled(path) for name, path in settings.sets().items()}
    except (LabelledSetError, ValueError) as exc:
        raise dg.Failure(str(exc), allow_retries=False) from exc


@dg.asset(
    partitions_def=daily_partitions,
    group_name="insights",
    kinds={"pandas"},
    ins={
        name: dg.AssetIn(partition_mapping=ICPS_OF_THE_DAY, metadata={"allow_missing_partitions": True})
        for name in ("outreach_copy", "qualified_leads")
    },
    metadata={"dagster/column_schema": table_schema(Evaluations)},
)
def evaluations(
    context: dg.AssetExecutionContext,
    outreach_copy: Any,
    qualified_leads: Any,
    evaluation_settings: EvaluationSettings,
    seller: SellerSettings,
) -> dg.MaterializeResult:
    """The reply classifier scored on the labelled sets (offline rules only: nothing is paid for), and the
    day's outreach copy: lint pass and held-back rates, and the share stating a fact not in the lead's
    facts; one row per figure, every figure numeric metadata so the UI plots it over time."""
    sets = load_sets(evaluation_settings)
    rows, scores, wrong = score_sets(sets)
    copy = day_frames(outreach_copy, context.asset_partition_keys_for_input("outreach_copy"), COPY_COLUMNS)
    leads = day_frames(
        qualified_leads,
        context.asset_partition_keys_for_input("qualified_leads"),
        ["prospect_id"],
    )
    more, judged = score_copy(copy, leads, seller)
    frame = evaluation_frame(rows + more)
    return dg.MaterializeResult(
        value=frame,
        metadata=evaluation_metadata(frame, scores, wrong, judged, evaluation_settings.examples),
    )


@dg.asset_check(
    asset=evaluations,
    name="classifier_safe",
    partitions_def=daily_partitions,
    description="On no labelled set would the offline rules suppress an address on a policy block, a "
    "temporary failure or an automatic reply, or read a bounce as a person's intent.",
)
def classifier_safe(evaluations: pd.DataFrame) -> dg.AssetCheckResult:
    danger = evaluations[(evaluations["area"] == "replies") & (evaluations["metric"] == "dangerous")]
    by_set = dict(
        zip(danger["subject"].astype(str).tolist(), danger["value"].astype(int).tolist(), strict=True)
    )
    return dg.AssetCheckResult(
        passed=not any(by_set.values()),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={f"{name}/dangerous": count for name, count in by_set.items()},
    )


def evaluations_checks() -> list[dg.AssetChecksDefinition]:
    """The checks of `evaluations`: its pandera schema (blocking) and `classifier_safe` (a warning)."""
    return [schema_check("evaluations", Evaluations, partitions_def=daily_partitions), classifier_safe]
