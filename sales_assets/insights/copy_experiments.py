"""`copy_experiments`: an A/B test of subject lines and first lines per ICP, decided by a stated rule, and
the winner promoted to the ICP's default only when the rule says so.

What belongs here: the asset, its settings (`CopyExperimentSettings`), its run config (which ICPs' latest
promotion to revert), its pandera model and blocking check, and the records it writes in the pipeline
store: an experiment started, decided, a promotion and its revert (`sales_assets.common.copy_variants`
holds their shapes, since enrollment reads them). The prompt is `copy_variant_prompt.py`'s, the per-variant
counting `variant_results.py`'s and the statistics `experiments.py`'s.

Per ICP, each daily run does one step:

- no experiment running, and none decided on this partition's day: Claude writes `challengers`
  challengers (B, C, ...) from the ICP profile and the seller's facts; the control "A" is the default in
  force. The experiment is recorded as running and enrollment assigns every new lead of the ICP to one
  variant by its address.
- an experiment running: its leads' sends and replies are counted per variant from lemlist; the rule of
  `experiments.py` decides once every arm reached the planned sends. A winner is promoted (recorded with
  its evidence); else the default stays and the experiment is recorded as "no difference".
- asked to (`CopyExperimentsConfig.revert`), the ICP's latest promotion still in force is reverted: a
  recorded revert that restores the default before it.

A re-run of a partition repeats nothing and pays nothing: a started experiment is found in the store, the
variants are cached by prompt, and a decision is read back from its record.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series
from pydantic import Field

from resources.claude.pricing import price_for
from resources.claude.resource import AnthropicResource
from resources.errors import AuthenticationError
from resources.lemlist.client import LemlistClient
from resources.lemlist.resource import LemlistResource
from resources.pipeline_store import ActionLedger, PipelineStoreResource
from sales_assets.common.claude_spend import ClaudeSpend
from sales_assets.common.copy_variants import (
    CONTROL,
    RUNNING,
    CopyVariant,
    Experiment,
    current_default,
    experiments,
)
from sales_assets.common.icp import IcpProfilesResource
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.schemas import schema_check, table_schema
from sales_assets.common.seller import SellerSettings
from sales_assets.insights.copy_variant_prompt import write_variants
from sales_assets.insights.experiment_records import (
    conclude,
    revert_default,
    rule_text,
    start_experiment,
    verdict_detail,
)
from sales_assets.insights.experiments import ArmCounts, decide, planned_sends
from sales_assets.insights.variant_results import arm_counts, experiment_leads, read_activities

logger = logging.getLogger(__name__)

ASSET = "copy_experiments"
#: What the asset did for an ICP in this run.
ACTIONS = ("started", "collecting", "promoted", "no_difference", "reverted", "not_started")
EXPERIMENT_STATUSES = (RUNNING, "promoted", "no_difference")
DECISIONS = ("control", "collecting", "promote", "keep_default")


class CopyExperimentSettings(dg.ConfigurableResource):
    """How copy experiments are written and decided. The rule's figures are fixed when an experiment starts
    (recorded with it): changing them here applies to the next experiment, never to a running one."""

    model: str = Field(default="claude-sonnet-5-5", description="The model that writes the challengers.")
    max_tokens: int = Field(default=1024, description="Output token limit of the answer.")
    challengers: int = Field(default=2, ge=1, le=6, description="Challengers per experiment (B, C, ...).")
    baseline_rate: float = Field(
        default=0.09,
        gt=0.0,
        lt=1.0,
        description="The default's expected reply rate (lemlist replies per delivered lead, automatic "
        "replies included), from which the planned sends are computed.",
    )
    min_detectable_lift: float = Field(
        default=0.75, gt=0.0, description="Smallest relative lift worth acting on (0.75 = +75 %)."
    )
    alpha: float = Field(
        default=0.01,
        gt=0.0,
        lt=0.5,
        description="False-promotion rate of one experiment, over every challenger.",
    )
    power: float = Field(default=0.9, gt=0.5, lt=1.0, description="Chance to promote a lift of that size.")
    reply_window_days: float = Field(
        default=7.0,
        gt=0.0,
        description="A lead counts once its first email is this old; replies after it do not.",
    )


class CopyExperimentsConfig(dg.Config):
    """Run config: the ICPs whose latest promotion still in force is reverted in this run."""

    revert: list[str] = Field(default_factory=list)


class CopyExperiments(pa.DataFrameModel):
    """One row per ICP and variant of the ICP's current (or just decided) experiment."""

    icp: Series[str]
    experiment_id: Series[str]
    experiment_status: Series[str] = pa.Field(isin=EXPERIMENT_STATUSES)
    action: Series[str] = pa.Field(isin=ACTIONS)
    variant: Series[str]
    subject: Series[str] = pa.Field(nullable=True)
    first_line: Series[str] = pa.Field(nullable=True)
    sent: Series[int] = pa.Field(ge=0)
    replied: Series[int] = pa.Field(ge=0)
    reply_rate: Series[float] = pa.Field(ge=0.0, le=1.0)
    planned_sends: Series[int] = pa.Field(ge=1)
    alpha: Series[float] = pa.Field(gt=0.0, lt=1.0)
    decision: Series[str] = pa.Field(isin=DECISIONS)
    p_value: Series[float] = pa.Field(ge=0.0, le=1.0, nullable=True)
    probability_better: Series[float] = pa.Field(ge=0.0, le=1.0, nullable=True)
    lift: Series[float] = pa.Field(nullable=True)
    in_force: Series[bool]

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check(error="one row per ICP and variant")
    def one_row_per_variant(cls, frame: pd.DataFrame) -> pd.Series:
        return ~frame.duplicated(["icp", "variant"], keep=False)


COLUMNS = list(CopyExperiments.to_schema().columns)


# --- the records ----------------------------------------------------------------------------------


def rule_settings(settings: CopyExperimentSettings) -> dict[str, Any]:
    corrected = settings.alpha / settings.challengers
    return {
        "model": settings.model,
        "challengers": settings.challengers,
        "baseline_rate": settings.baseline_rate,
        "min_detectable_lift": settings.min_detectable_lift,
        "alpha": settings.alpha,
        "corrected_alpha": corrected,
        "power": settings.power,
        "reply_window_days": settings.reply_window_days,
        "planned_sends": planned_sends(
            settings.baseline_rate, settings.min_detectable_lift, alpha=corrected, power=settings.power
        ),
    }


# --- one ICP --------------------------------------------------------------------------------------


@dataclass
class IcpStep:
    """What this run did for one ICP and the figures behind it."""

    icp: str
    action: str
    experiment: Experiment | None = None
    arms: dict[str, ArmCounts] = field(default_factory=dict)
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


def _decided_today(found: list[Experiment], partition: str) -> Experiment | None:
    last = found[-1] if found else None
    if last is not None and last.status != RUNNING and last.detail.get("decided_partition") == partition:
        return last
    return None


def rows_of(step: IcpStep, in_force: CopyVariant | None) -> list[dict[str, Any]]:
    """The frame's rows of one ICP: one per variant of its experiment."""
    experiment = step.experiment
    if experiment is None:
        return []
    settings = experiment.detail.get("settings", {})
    by_challenger = {v["challenger"]: v for v in step.verdicts}
    rows = []
    for variant in experiment.variants:
        arm = step.arms.get(variant.name, ArmCounts(variant.name, 0, 0))
        verdict = by_challenger.get(variant.name)
        decision = "control" if variant.name == CONTROL else (verdict or {}).get("decision", "collecting")
        same_as_default = (
            (variant.subject, variant.first_line) == (in_force.subject, in_force.first_line)
            if in_force is not None
            else variant.name == CONTROL and variant.subject is None and variant.first_line is None
        )
        rows.append(
            {
                "icp": step.icp,
                "experiment_id": experiment.id,
                "experiment_status": experiment.status,
                "action": step.action,
                "variant": variant.name,
                "subject": variant.subject,
                "first_line": variant.first_line,
                "sent": int(arm.sent),
                "replied": int(arm.succeeded),
                "reply_rate": float(arm.rate),
                "planned_sends": int(settings.get("planned_sends", 1)),
                "alpha": float(settings.get("corrected_alpha", settings.get("alpha", 0.01))),
                "decision": decision,
                "p_value": verdict.get("p_value") if verdict else None,
                "probability_better": verdict.get("probability_better") if verdict else None,
                "lift": verdict.get("lift") if verdict else None,
                "in_force": bool(same_as_default),
            }
        )
    return rows


def frame_of(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("sent", "replied", "planned_sends"):
        frame[column] = frame[column].astype("int64")
    for column in ("reply_rate", "alpha", "p_value", "probability_better", "lift"):
        frame[column] = frame[column].astype("float64")
    frame["in_force"] = frame["in_force"].astype(bool)
    for column in ("subject", "first_line"):
        frame[column] = [None if pd.isna(v) else str(v) for v in frame[column]]
    return frame


def _day_end(day: date, now: datetime) -> datetime:
    return min(now, datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC))


@dg.asset(
    partitions_def=daily_partitions,
    group_name="insights",
    kinds={"lemlist", "anthropic", "pandas"},
    metadata={"dagster/column_schema": table_schema(CopyExperiments)},
    pool="lemlist",
)
def copy_experiments(
    context: dg.AssetExecutionContext,
    config: CopyExperimentsConfig,
    lemlist: LemlistResource,
    anthropic: AnthropicResource,
    pipeline_store: PipelineStoreResource,
    icp_profiles: IcpProfilesResource,
    seller: SellerSettings,
    copy_experiment_settings: CopyExperimentSettings,
) -> dg.MaterializeResult:
    """Per ICP, one row per variant of its copy experiment: the variants' subject and first line, sends and
    replies from lemlist, and the rule's verdict; an experiment is started where none runs, decided at its
    horizon, and its winner promoted to the ICP's default only when the rule says so."""
    settings = copy_experiment_settings
    price_for(settings.model)  # an unknown model fails here, before any spend
    day = date.fromisoformat(context.partition_key)
    partition = context.partition_key
    now = datetime.now(UTC)
    as_of = _day_end(day, now)
    actions = pipeline_store.actions
    try:
        run_id: str | None = context.run.run_id
    except dg.DagsterError:
        run_id = None
    claude = anthropic.get_client()
    spend = ClaudeSpend(pipeline_store, claude, partition=partition, asset=ASSET, run_id=run_id)
    lemlist_client = lemlist.get_client()
    lemlist_calls = lemlist_client.stats.total_calls
    profiles = icp_profiles.profiles()
    unknown = sorted(set(config.revert) - set(profiles))
    if unknown:
        raise dg.Failure(f"cannot revert unknown ICPs: {', '.join(unknown)}", allow_retries=False)
    assignments = pipeline_store.enrollments.variants()
    spent = {"cost_usd": 0.0, "input_tokens": 0, "output_tokens": 0, "claude_calls": 0, "claude_cached": 0}
    steps: list[IcpStep] = []
    try:
        for icp, profile in sorted(profiles.items()):
            if icp in config.revert:
                reverted = revert_default(
                    actions, icp, reason="asked in the run config", partition=partition, now=now
                )
                if reverted:
                    context.log.info(f"{icp}: promotion {reverted} reverted; the default before it is back")
            found = experiments(actions, icp)
            running = [e for e in found if e.status == RUNNING]
            decided = _decided_today(found, partition)
            if running:
                experiment = running[-1]
                steps.append(
                    _collect_or_decide(
                        actions, experiment, assignments, lemlist_client, as_of, partition, now
                    )
                )
            elif decided is not None:
                # Decided on this partition's day (a re-run): its recorded figures, nothing asked again.
                steps.append(
                    IcpStep(
                        icp,
                        decided.status,
                        decided,
                        {v: ArmCounts(v, a["sent"], a["replied"]) for v, a in decided.detail["arms"].items()},
                        list(decided.detail.get("verdicts", [])),
                    )
                )
            else:
                control = current_default(actions, icp) or CopyVariant(CONTROL)
                names = [chr(ord(CONTROL) + i) for i in range(1, settings.challengers + 1)]
                written = write_variants(
                    spend,
                    pipeline_store.cache,
                    model=settings.model,
                    max_tokens=settings.max_tokens,
                    profile=profile,
                    seller=seller,
                    control=control,
                    names=names,
                )
                spent["claude_cached" if written.cached else "claude_calls"] += 1
                spent["cost_usd"] += written.cost_usd
                spent["input_tokens"] += written.input_tokens
                spent["output_tokens"] += written.output_tokens
                if written.variants is None:
                    context.log.warning(f"{icp}: no experiment started: {written.error}")
                    steps.append(IcpStep(icp, "not_started", note=written.error or ""))
                    continue
                experiment = start_experiment(
                    actions,
                    icp,
                    control,
                    written.variants,
                    rule_settings(settings),
                    partition=partition,
                    now=now,
                )
                steps.append(IcpStep(icp, "started", experiment))
    except AuthenticationError as exc:
        raise dg.Failure(str(exc), allow_retries=False) from exc

    rows: list[dict[str, Any]] = []
    for step in steps:
        rows.extend(rows_of(step, current_default(actions, step.icp)))
    frame = frame_of(rows)
    metadata: dict[str, Any] = {
        "dagster/row_count": len(frame),
        "experiments_running": sum(
            1 for s in steps if s.experiment is not None and s.experiment.status == RUNNING
        ),
        "experiments_started": sum(1 for s in steps if s.action == "started"),
        "promotions": sum(1 for s in steps if s.action == "promoted"),
        "no_difference": sum(1 for s in steps if s.action == "no_difference"),
        "not_started": sum(1 for s in steps if s.action == "not_started"),
        "claude_calls": spent["claude_calls"],
        "claude_cache_hits": spent["claude_cached"],
        "cost_usd": round(float(spent["cost_usd"]), 6),
        "input_tokens": int(spent["input_tokens"]),
        "output_tokens": int(spent["output_tokens"]),
        "lemlist_calls": lemlist_client.stats.total_calls - lemlist_calls,
        "decision_rule": dg.MetadataValue.md(rule_text(rule_settings(settings))),
        "preview": dg.MetadataValue.md(
            markdown_table(
                frame,
                columns=["icp", "variant", "sent", "replied", "reply_rate", "decision", "p_value", "subject"],
                limit=40,
            )
        ),
    }
    for step in steps:
        metadata.update(_icp_metadata(step))
    return dg.MaterializeResult(value=frame, metadata=metadata)


def _collect_or_decide(
    actions: ActionLedger,
    experiment: Experiment,
    assignments: pd.DataFrame,
    client: LemlistClient,
    as_of: datetime,
    partition: str,
    now: datetime,
) -> IcpStep:
    """Count a running experiment's arms from lemlist and apply the rule; conclude when it decides."""
    settings = experiment.detail["settings"]
    leads = experiment_leads(assignments, experiment)
    window = timedelta(days=float(settings["reply_window_days"]))
    if leads.empty:
        arms = {v: ArmCounts(v, 0, 0) for v in experiment.names}
    else:
        activities = read_activities(client, leads["campaign_id"].astype(str), leads["enrolled_at"].min())
        arms = arm_counts(leads, activities, experiment.names, as_of=as_of, reply_window=window)
    verdicts = decide(
        arms[CONTROL],
        [arms[v] for v in experiment.names if v != CONTROL],
        baseline_rate=float(settings["baseline_rate"]),
        min_detectable_lift=float(settings["min_detectable_lift"]),
        alpha=float(settings["alpha"]),
        power=float(settings["power"]),
    )
    details = [verdict_detail(v) for v in verdicts]
    if any(v.decision == "collecting" for v in verdicts):
        return IcpStep(experiment.icp, "collecting", experiment, arms, details)
    status = conclude(actions, experiment, arms, verdicts, partition=partition, now=now)
    decided = next(e for e in experiments(actions, experiment.icp) if e.id == experiment.id)
    return IcpStep(experiment.icp, status, decided, arms, details)


def _icp_metadata(step: IcpStep) -> dict[str, Any]:
    """Numeric metadata of one ICP, so the UI plots each ICP's arms over time."""
    out: dict[str, Any] = {}
    if step.experiment is None:
        return out
    prefix = f"{step.icp}/"
    settings = step.experiment.detail.get("settings", {})
    out[prefix + "round"] = step.experiment.round
    out[prefix + "planned_sends"] = int(settings.get("planned_sends", 0))
    out[prefix + "alpha"] = float(settings.get("corrected_alpha", 0.0))
    for variant, arm in step.arms.items():
        out[f"{prefix}sent_{variant}"] = int(arm.sent)
        out[f"{prefix}replied_{variant}"] = int(arm.succeeded)
        out[f"{prefix}reply_rate_{variant}"] = round(arm.rate, 6)
    for verdict in step.verdicts:
        name = verdict["challenger"]
        out[f"{prefix}probability_better_{name}"] = round(float(verdict["probability_better"]), 6)
        if verdict.get("p_value") is not None:
            out[f"{prefix}p_value_{name}"] = float(verdict["p_value"])
    return out


def copy_experiments_checks() -> list[dg.AssetChecksDefinition]:
    """The blocking schema check of `copy_experiments` (its pandera model)."""
    return [schema_check(ASSET, CopyExperiments, partitions_def=daily_partitions)]
