"""A copy experiment's results per variant, counted from lemlist's activities of the leads it enrolled.

What belongs here: which enrolled leads belong to an experiment, which lemlist activities are read for
them, and how they become one `ArmCounts` per variant. Pure but for `read_activities`, which is the only
lemlist call.

Why activities and not lemlist's stats: `GET /v2/campaigns/{id}/stats` filters by `ABSelected`, which
takes only "A" or "B" and means the versions of lemlist's own A/B step. The product's variants are its own
(a custom variable, any number of them), so each lead's variant comes from the enrollment ledger and its
sends, bounces and replies from the activities, matched by campaign and address.

What is counted, per variant: a lead is *sent* once its first email was delivered (sent, never bounced)
at least `reply_window` before `as_of`, so every counted lead had the same time to answer; it *replied*
when lemlist recorded a reply within `reply_window` of that first email. Automatic replies (out of office)
are replies to lemlist and count here too: they do not depend on the copy, so they dilute a lift but
cannot fake one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import pandas as pd

from resources.lemlist.client import LemlistClient
from resources.lemlist.models import Activity
from sales_assets.common.copy_variants import Experiment
from sales_assets.insights.experiments import ArmCounts

#: The activity types read: sends, bounces and replies (nothing else decides).
SENT, BOUNCED, REPLIED = "emailsSent", "emailsBounced", "emailsReplied"


def experiment_leads(assignments: pd.DataFrame, experiment: Experiment) -> pd.DataFrame:
    """The leads `experiment` enrolled: rows of `EnrollmentLedger.variants()` of the experiment's ICP
    (by their partition), sent one of its variants, from its start (an ICP runs one experiment at a time,
    and enrollment stops assigning its variants once it is decided)."""
    if assignments.empty:
        return assignments
    started = pd.Timestamp(experiment.detail["started_at"])
    icp = assignments["partition"].fillna("").astype(str).str.rsplit("|", n=1).str[-1]
    keep = (
        (icp == experiment.icp)
        & assignments["variant"].isin(experiment.names)
        & (assignments["enrolled_at"] >= started)
    )
    return assignments[keep]


def read_activities(client: LemlistClient, campaign_ids: Iterable[str], since: datetime) -> list[Activity]:
    """Sends, bounces and replies of `campaign_ids` from `since` on: three filtered walks per campaign
    (opens and clicks, most of the activities, are not read)."""
    found: list[Activity] = []
    for campaign_id in sorted(set(campaign_ids)):
        for kind in (SENT, BOUNCED, REPLIED):
            found.extend(client.activities(type=kind, campaign_id=campaign_id, min_date=since))
    return found


def arm_counts(
    leads: pd.DataFrame,
    activities: Sequence[Activity],
    variants: Sequence[str],
    *,
    as_of: datetime,
    reply_window: timedelta,
) -> dict[str, ArmCounts]:
    """One `ArmCounts` per variant (in `variants` order) by the rule of the module docstring."""
    variant_of = {
        (str(c), str(e).strip().lower()): str(v)
        for c, e, v in zip(leads["campaign_id"], leads["email"], leads["variant"], strict=True)
    }
    first_sent: dict[tuple[str, str], datetime] = {}
    bounced: set[tuple[str, str]] = set()
    replies: dict[tuple[str, str], list[datetime]] = {}
    for activity in activities:
        if not activity.campaign_id or not activity.lead_email:
            continue
        key = (activity.campaign_id, activity.lead_email.strip().lower())
        if key not in variant_of:
            continue
        if activity.type == SENT:
            earlier = first_sent.get(key)
            if earlier is None or activity.created_at < earlier:
                first_sent[key] = activity.created_at
        elif activity.type == BOUNCED:
            bounced.add(key)
        elif activity.type == REPLIED:
            replies.setdefault(key, []).append(activity.created_at)
    sent = dict.fromkeys(variants, 0)
    replied = dict.fromkeys(variants, 0)
    for key, at in first_sent.items():
        if key in bounced or at > as_of - reply_window:
            continue
        variant = variant_of[key]
        sent[variant] += 1
        if any(at <= r <= at + reply_window for r in replies.get(key, [])):
            replied[variant] += 1
    return {v: ArmCounts(v, sent[v], replied[v]) for v in variants}
