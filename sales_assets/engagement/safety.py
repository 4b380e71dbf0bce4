"""Campaign safety: a sensor that judges each running product campaign's bounce rate and spam complaints, and
the `campaign_safety_job` it requests to pause a campaign through the lemlist API.

What belongs here: `SafetySettings` (thresholds, bound from the environment by `safety_settings_from_env`),
the pure judgement (`CampaignFigures`, `judge`), the sensor's evaluation (`judge_running_campaigns`) and the
pause op. The sensor (`campaign_safety_sensor`) and the job of the op (`campaign_safety_job`) are declared
in `defs.py`. Campaign discovery and complaint attribution are shared with the daily stats
(`product_campaigns.py`).

The rules (defaults of DESIGN section 7): over a rolling window of `window_days`, a bounce rate at or above
2 % warns and at or above 3 % pauses, once the campaign has sent `min_sent` emails in the window; any spam
complaint (an `abuse` entry of lemlist's unsubscribe list for one of the campaign's leads) stops it, whatever
the volume. lemlist has no "stop": a stopped campaign is paused with the status "stopped: spam complaint".

Where the pause happens: in a run the sensor requests, not in the sensor. The run leaves a record a person
can open in the UI (the figures are its run config, tags name the campaign and the reason, its logs say
what lemlist answered), it is retried by its RetryPolicy if lemlist fails, and the sensor stays a fast,
read-only evaluation. The price is a few seconds of run launch; the op claims no concurrency pool so a
pause never queues behind a long enrollment step (it is one call, and 429s are retried by the client).

Never twice for the same figures: each pause is recorded in the action ledger (kind `campaign_pause`, key
`<campaign id>:<reason>`) with the figures and their digest; the sensor requests no run, and the op makes
no call, when the ledger already holds that digest. The digest covers only the figures behind the reason
(sent and bounced for the bounce rate, the complaint count for complaints), so a person who resumes a
stopped campaign is not overruled until a new complaint arrives. The cursor is a digest of the last
judged figures per campaign: unchanged figures skip the tick.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import dagster as dg
from pydantic import Field, model_validator

from resources.errors import ConfigurationError
from resources.lemlist.models import CampaignStats
from resources.lemlist.resource import LemlistResource
from resources.pipeline_store import PipelineStoreResource, cache_key
from sales_assets.common.campaigns import EnrollmentSettings
from sales_assets.engagement.product_campaigns import (
    ProductCampaign,
    complaints_by_campaign,
    ledger_emails,
    product_campaigns,
)
from sales_assets.engagement.stats import rate

PAUSE_KIND = "campaign_pause"
WARNING_KIND = "campaign_warning"
BOUNCE = "bounce_rate"
COMPLAINT = "spam_complaint"
#: The status recorded for each reason.
STATUS = {BOUNCE: "paused: bounce rate", COMPLAINT: "stopped: spam complaint"}

#: environment variable -> (settings field, type)
ENV_FIELDS: dict[str, tuple[str, type]] = {
    "SALES_SAFETY_WARN_BOUNCE_RATE": ("warn_bounce_rate", float),
    "SALES_SAFETY_PAUSE_BOUNCE_RATE": ("pause_bounce_rate", float),
    "SALES_SAFETY_SPAM_COMPLAINTS": ("spam_complaints", int),
    "SALES_SAFETY_MIN_SENT": ("min_sent", int),
    "SALES_SAFETY_WINDOW_DAYS": ("window_days", int),
}


class SafetySettings(dg.ConfigurableResource):
    """When the safety sensor warns about, pauses or stops a campaign."""

    warn_bounce_rate: float = Field(
        default=0.02,
        ge=0,
        le=1,
        description="Bounce rate that warns. Bound from SALES_SAFETY_WARN_BOUNCE_RATE.",
    )
    pause_bounce_rate: float = Field(
        default=0.03,
        ge=0,
        le=1,
        description="Bounce rate that pauses. Bound from SALES_SAFETY_PAUSE_BOUNCE_RATE.",
    )
    spam_complaints: int = Field(
        default=1,
        ge=1,
        description="Complaints that stop a campaign. Bound from SALES_SAFETY_SPAM_COMPLAINTS.",
    )
    min_sent: int = Field(
        default=50,
        ge=1,
        description="Emails sent in the window before the bounce rate is judged. "
        "Bound from SALES_SAFETY_MIN_SENT.",
    )
    window_days: int = Field(
        default=7,
        ge=1,
        le=90,
        description="Days of sends the bounce rate is read over. SALES_SAFETY_WINDOW_DAYS.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> "SafetySettings":
        if self.pause_bounce_rate < self.warn_bounce_rate:
            raise ValueError(
                f"pause_bounce_rate ({self.pause_bounce_rate}) must not be below warn_bounce_rate "
                f"({self.warn_bounce_rate})"
            )
        return self


def safety_settings_from_env(environ: Mapping[str, str] | None = None) -> SafetySettings:
    """`SafetySettings` with any of `ENV_FIELDS` set in the environment; a bad value names its variable."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for variable, (name, kind) in ENV_FIELDS.items():
        text = (env.get(variable) or "").strip()
        if not text:
            continue
        try:
            values[name] = kind(text)
        except ValueError:
            raise ConfigurationError(f"{variable} must be a {kind.__name__}, not {text!r}") from None
    try:
        return SafetySettings(**values)
    except ValueError as exc:
        names = ", ".join(sorted(v for v, (n, _) in ENV_FIELDS.items() if n in values)) or "defaults"
        raise ConfigurationError(f"campaign safety settings ({names}): {exc}") from None


# --- judgement --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignFigures:
    """What the sensor judges a campaign on."""

    campaign_id: str
    campaign_name: str
    icp: str | None
    sent: int
    bounced: int
    spam_complaints: int
    window_start: str
    window_end: str

    @property
    def bounce_rate(self) -> float:
        return rate(self.bounced, self.sent)

    def digest(self, reason: str | None = None) -> str:
        """A digest of the figures behind `reason` (all of them when None)."""
        if reason == BOUNCE:
            figures: dict[str, int] = {"sent": self.sent, "bounced": self.bounced}
        elif reason == COMPLAINT:
            figures = {"spam_complaints": self.spam_complaints}
        else:
            figures = {"sent": self.sent, "bounced": self.bounced, "spam_complaints": self.spam_complaints}
        return cache_key({"campaign_id": self.campaign_id, **figures})[:16]


@dataclass(frozen=True)
class Verdict:
    """`ok`, `too_few_sends`, `warn`, `pause` or `stop`, with the reason and threshold behind it."""

    action: str
    reason: str | None = None
    threshold: float | None = None
    message: str = ""


def judge(figures: CampaignFigures, settings: SafetySettings) -> Verdict:
    """The verdict on one campaign: complaints first (whatever the volume), then the bounce rate once
    `min_sent` emails went out in the window."""
    f, s = figures, settings
    if f.spam_complaints >= s.spam_complaints:
        return Verdict(
            "stop",
            COMPLAINT,
            s.spam_complaints,
            f"{f.spam_complaints} spam complaint(s) on {f.campaign_name}",
        )
    if f.sent < s.min_sent:
        return Verdict("too_few_sends", message=f"{f.sent} sends in the window, fewer than {s.min_sent}")
    if f.bounce_rate >= s.pause_bounce_rate:
        return Verdict(
            "pause",
            BOUNCE,
            s.pause_bounce_rate,
            f"bounce rate {f.bounce_rate:.2%} ({f.bounced}/{f.sent}) >= {s.pause_bounce_rate:.2%}",
        )
    if f.bounce_rate >= s.warn_bounce_rate:
        return Verdict(
            "warn",
            BOUNCE,
            s.warn_bounce_rate,
            f"bounce rate {f.bounce_rate:.2%} ({f.bounced}/{f.sent}) >= {s.warn_bounce_rate:.2%}",
        )
    return Verdict("ok")


def figures_of(
    campaigns: list[ProductCampaign],
    stats: Mapping[str, CampaignStats],
    complaints: Mapping[str, int],
    *,
    start: datetime,
    end: datetime,
) -> list[CampaignFigures]:
    out = []
    for pc in campaigns:
        s = stats.get(pc.id)
        out.append(
            CampaignFigures(
                campaign_id=pc.id,
                campaign_name=pc.campaign.name,
                icp=pc.icp,
                sent=s.messages_sent if s else 0,
                bounced=s.messages_bounced if s else 0,
                spam_complaints=int(complaints.get(pc.id, 0)),
                window_start=start.isoformat(),
                window_end=end.isoformat(),
            )
        )
    return out


def pause_detail(figures: CampaignFigures, verdict: Verdict) -> dict[str, Any]:
    """What the ledger, the run config and the run's tags carry about one pause."""
    assert verdict.reason is not None
    return {
        **asdict(figures),
        "bounce_rate": figures.bounce_rate,
        "reason": verdict.reason,
        "status": STATUS[verdict.reason],
        "threshold": float(verdict.threshold or 0),
        "digest": figures.digest(verdict.reason),
        "message": verdict.message,
    }


def read_cursor(cursor: str | None) -> dict[str, str]:
    if not cursor:
        return {}
    try:
        data = json.loads(cursor)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


# --- the pause run ----------------------------------------------------------------------------------------


class CampaignPauseConfig(dg.Config):
    """The figures a pause is made on (the sensor fills this in; it shows as the run's config)."""

    campaign_id: str
    campaign_name: str
    icp: str | None = None
    reason: str
    status: str
    digest: str
    sent: int
    bounced: int
    bounce_rate: float
    spam_complaints: int
    threshold: float
    window_start: str
    window_end: str
    message: str = ""


@dg.op(
    retry_policy=dg.RetryPolicy(
        max_retries=3, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
    ),
    tags={"kind": "lemlist"},
)
def pause_campaign(
    context: dg.OpExecutionContext,
    config: CampaignPauseConfig,
    lemlist: LemlistResource,
    pipeline_store: PipelineStoreResource,
) -> dg.Output[str]:
    """Pause one lemlist campaign for the figures in the run config and record it in the action ledger,
    unless the ledger already holds a pause of this campaign for the same reason and figures."""
    key = f"{config.campaign_id}:{config.reason}"
    detail = config.model_dump()
    done = pipeline_store.actions.get(PAUSE_KIND, key)
    figures = {
        "sent": config.sent,
        "bounced": config.bounced,
        "bounce_rate": config.bounce_rate,
        "spam_complaints": config.spam_complaints,
        "threshold": config.threshold,
    }
    if done is not None and done.status != "intended" and done.detail.get("digest") == config.digest:
        context.log.info(f"campaign {config.campaign_id} already {done.status} for these figures: no call")
        return dg.Output(
            done.status, metadata={**figures, "paused_now": False, "campaign_id": config.campaign_id}
        )
    # The intent first: a run killed between lemlist's pause and this record leaves it for the sensor to
    # settle from the campaign's state (a pause is harmless to send twice; a pause nobody sees is not).
    pipeline_store.actions.record(PAUSE_KIND, key, "intended", detail)
    state = lemlist.get_client().pause_campaign(config.campaign_id).state
    pipeline_store.actions.record(PAUSE_KIND, key, config.status, {**detail, "lemlist_state": state})
    context.log.warning(
        f"lemlist campaign {config.campaign_name} ({config.campaign_id}) {config.status}: {config.message}"
    )
    return dg.Output(
        config.status,
        metadata={**figures, "paused_now": True, "campaign_id": config.campaign_id, "lemlist_state": state},
    )


def settle_pause_intents(client: Any, store: PipelineStoreResource, log: Any) -> int:
    """Pauses a run sent but did not record (killed in between): recorded from the campaign's state in
    lemlist. Returns how many were settled."""
    entries = store.actions.entries(PAUSE_KIND)
    settled = 0
    for key, status, detail in zip(entries["key"], entries["status"], entries["detail"], strict=True):
        if status != "intended":
            continue
        campaign = client.get_campaign(str(detail["campaign_id"]))
        if campaign.status == "paused":
            settled_detail = {**detail, "lemlist_state": "paused"}
            store.actions.record(PAUSE_KIND, str(key), str(detail["status"]), settled_detail)
            log.warning(
                f"campaign {detail['campaign_id']} was paused by a run that stopped before recording it"
            )
            settled += 1
    return settled


def judge_running_campaigns(
    context: dg.SensorEvaluationContext,
    lemlist: LemlistResource,
    pipeline_store: PipelineStoreResource,
    enrollment_settings: EnrollmentSettings,
    safety_settings: SafetySettings,
) -> dg.SensorResult | dg.SkipReason:
    """One tick of `campaign_safety_sensor`: settle pauses a stopped run left unrecorded, judge every
    running product campaign whose figures changed, warn, and request a `campaign_safety_job` run per
    pause or stop."""
    client = lemlist.get_client()
    settle_pause_intents(client, pipeline_store, context.log)
    emails = ledger_emails(pipeline_store)
    running = [
        pc for pc in product_campaigns(client, enrollment_settings, emails) if pc.campaign.status == "running"
    ]
    if not running:
        return dg.SkipReason("no running product campaign to judge")
    end = datetime.now(UTC)
    start = end - timedelta(days=safety_settings.window_days)
    batch = client.campaign_stats_batch([pc.id for pc in running], start=start, end=end)
    for error in batch.errors:
        context.log.warning(f"lemlist stats of campaign {error.campaign_id} failed: {error.error}")
    stats = {s.campaign_id: s for s in batch.results if s.campaign_id}
    # Complaints count over the campaign's whole life: one complaint is enough, however old.
    complaints = complaints_by_campaign(
        client.unsubscribes(), {pc.id: emails.get(pc.id, frozenset()) for pc in running}
    )
    figures = figures_of([pc for pc in running if pc.id in stats], stats, complaints, start=start, end=end)

    previous = read_cursor(context.cursor)
    cursor = {**previous, **{f.campaign_id: f.digest() for f in figures}}
    changed = [f for f in figures if previous.get(f.campaign_id) != f.digest()]
    if not changed:
        return dg.SkipReason(f"figures of {len(figures)} running campaign(s) unchanged since the last tick")

    requests: list[dg.RunRequest] = []
    warned: dict[str, tuple[str, dict[str, Any]]] = {}
    for f in changed:
        verdict = judge(f, safety_settings)
        if verdict.action == "warn":
            context.log.warning(f"campaign {f.campaign_name} ({f.campaign_id}): {verdict.message}")
            warned[f"{f.campaign_id}:{verdict.reason}"] = ("warned", pause_detail(f, verdict))
        elif verdict.action in ("pause", "stop"):
            assert verdict.reason is not None
            detail = pause_detail(f, verdict)
            done = pipeline_store.actions.get(PAUSE_KIND, f"{f.campaign_id}:{verdict.reason}")
            if (
                done is not None
                and done.status != "intended"
                and done.detail.get("digest") == detail["digest"]
            ):
                continue
            requests.append(
                dg.RunRequest(
                    run_key=f"campaign_safety:{f.campaign_id}:{verdict.reason}:{detail['digest']}",
                    run_config={"ops": {"pause_campaign": {"config": detail}}},
                    tags={"campaign_id": f.campaign_id, "safety_reason": verdict.reason},
                )
            )
    if warned:
        pipeline_store.actions.record_many(WARNING_KIND, warned)
    new_cursor = json.dumps(cursor, sort_keys=True)
    if not requests:
        return dg.SensorResult(
            skip_reason=f"judged {len(changed)} campaign(s): {len(warned)} warning(s), nothing to pause",
            cursor=new_cursor,
        )
    return dg.SensorResult(run_requests=requests, cursor=new_cursor)
