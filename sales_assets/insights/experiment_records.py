"""The copy experiments' records in the pipeline store: an experiment started, its decision, a promotion
with its evidence and the revert of one; and the decision rule as it is recorded and shown.

What belongs here: the writes of `copy_experiments` to the action ledger (the shapes they are read back
as are `sales_assets.common.copy_variants`', since enrollment reads them). Each record is keyed, so a
re-run of a partition finds what it wrote instead of writing it twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from resources.pipeline_store import ActionLedger
from sales_assets.common.copy_variants import (
    CONTROL,
    DEFAULT_KIND,
    EXPERIMENT_KIND,
    PROMOTED,
    REVERTED,
    RUNNING,
    CopyVariant,
    Experiment,
    default_history,
    experiments,
    promotions_in_force,
    record_key,
)
from sales_assets.insights.copy_variant_prompt import PROMPT_VERSION
from sales_assets.insights.experiments import ArmCounts, Verdict, winner


def rule_text(settings: dict[str, Any]) -> str:
    """The decision rule with its figures, as recorded and shown."""
    return (
        f"Fixed horizon of {settings['planned_sends']} delivered leads per arm (reply rate "
        f"{settings['baseline_rate']:.1%} +{settings['min_detectable_lift']:.0%}, "
        f"power {settings['power']:.0%}); "
        f"replies counted within {settings['reply_window_days']:g} days of the first email. At the horizon a "
        f"challenger is promoted when the one-sided pooled two-proportion z-test gives p < "
        f"{settings['alpha']:g} / {settings['challengers']} challengers = {settings['corrected_alpha']:.4g}; "
        "of several, the one most likely better. The Bayesian P(better) (uniform priors) is shown beside it "
        "and does not decide. Nothing is decided before the horizon."
    )


def start_experiment(
    actions: ActionLedger,
    icp: str,
    control: CopyVariant,
    challengers: list[CopyVariant],
    settings: dict[str, Any],
    *,
    partition: str,
    now: datetime,
) -> Experiment:
    """Record a running experiment of `icp`, round after the last one."""
    rounds = experiments(actions, icp)
    key = record_key(icp, (rounds[-1].round + 1) if rounds else 1)
    variants = (CopyVariant(CONTROL, control.subject, control.first_line), *challengers)
    detail = {
        "icp": icp,
        "variants": [v.as_detail() for v in variants],
        "settings": settings,
        "rule": rule_text(settings),
        "started_at": now.isoformat(),
        "started_partition": partition,
        "prompt_version": PROMPT_VERSION,
    }
    actions.record(EXPERIMENT_KIND, key, RUNNING, detail, partition=partition, at=now)
    return Experiment(key, icp, RUNNING, variants, detail)


def conclude(
    actions: ActionLedger,
    experiment: Experiment,
    arms: dict[str, ArmCounts],
    verdicts: list[Verdict],
    *,
    partition: str,
    now: datetime,
) -> str:
    """Record the decision of `experiment` and, when the rule names a winner, its promotion with the
    evidence. Returns the experiment's new status."""
    best = winner(verdicts)
    status = "promoted" if best else "no_difference"
    evidence = {
        "arms": {v: {"sent": a.sent, "replied": a.succeeded} for v, a in arms.items()},
        "verdicts": [verdict_detail(v) for v in verdicts],
    }
    detail = {**experiment.detail, **evidence, "winner": best, "decided_at": now.isoformat()}
    detail["decided_partition"] = partition
    actions.record(EXPERIMENT_KIND, experiment.id, status, detail, partition=partition, at=now)
    if best is not None:
        history = default_history(actions, experiment.icp)
        in_force = promotions_in_force(history)
        sequence = (history[-1].sequence + 1) if history else 1
        actions.record(
            DEFAULT_KIND,
            record_key(experiment.icp, sequence),
            PROMOTED,
            {
                "icp": experiment.icp,
                "experiment_id": experiment.id,
                "copy": experiment.variant(best).as_detail(),
                "previous": in_force[-1].detail["copy"] if in_force else None,
                "rule": experiment.detail.get("rule"),
                **evidence,
            },
            partition=partition,
            at=now,
        )
    return status


def revert_default(
    actions: ActionLedger, icp: str, *, reason: str, partition: str | None = None, now: datetime | None = None
) -> str | None:
    """Take `icp`'s latest promotion still in force back out (recorded; the default before it is in force
    again). Returns the reverted promotion's key, None when no promotion is in force. A revert already
    recorded for this partition is not repeated (a re-run reverts once)."""
    history = default_history(actions, icp)
    last = history[-1] if history else None
    if (
        last is not None
        and last.status == REVERTED
        and partition
        and last.detail.get("partition") == partition
    ):
        return None
    in_force = promotions_in_force(history)
    if not in_force:
        return None
    latest = in_force[-1]
    actions.record(
        DEFAULT_KIND,
        record_key(icp, history[-1].sequence + 1),
        REVERTED,
        {
            "icp": icp,
            "reverts": latest.key,
            "reverted_copy": latest.detail["copy"],
            "restored": latest.detail.get("previous"),
            "reason": reason,
            "partition": partition,
        },
        partition=partition,
        at=now,
    )
    return latest.key


def verdict_detail(v: Verdict) -> dict[str, Any]:
    return {
        "challenger": v.challenger,
        "default": v.default,
        "decision": v.decision,
        "lift": None if v.lift in (float("inf"),) else v.lift,
        "p_value": v.p_value,
        "alpha": v.alpha,
        "probability_better": v.probability_better,
        "planned_sends": v.planned_sends,
        "reason": v.reason,
    }
