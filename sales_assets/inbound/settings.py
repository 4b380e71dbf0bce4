"""`InboundSettings`: which HubSpot forms are sales leads, how leads are tiered and how fast each tier is
worked, and whether replies may be sent.

What belongs here: the settings resource, binding it from the environment (`inbound_settings_from_env`,
`SALES_INBOUND_FORMS`), and resolving the allow-list against HubSpot's form definitions. The tiering
itself is `tiers.py`'s, validation `validation.py`'s.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime

import dagster as dg
from pydantic import Field

from resources.errors import ConfigurationError
from resources.hubspot.client import HubSpotClient
from resources.hubspot.models import Form
from sales_assets.common.flags import parse_flag
from sales_assets.inbound.tiers import (
    DEFAULT_DUE,
    DEFAULT_FORM_INTENT,
    DEFAULT_THRESHOLDS,
    DEFAULT_WEIGHTS,
    TIERS,
    TierPolicy,
    due_at,
)

FORMS_VARIABLE = "SALES_INBOUND_FORMS"
SEND_REPLIES_VARIABLE = "SALES_INBOUND_SEND_REPLIES"
#: The sales forms of a default HubSpot portal; newsletter sign-ups are not sales leads.
DEFAULT_FORMS = ("Contact sales", "Request a demo")


class InboundSettings(dg.ConfigurableResource):
    """Allow-listed forms, tier weights/thresholds/due times, the reply model, and the send switch. Who
    signs the drafted replies is the shared `SellerSettings`."""

    forms: list[str] = Field(
        default=list(DEFAULT_FORMS),
        description="Form ids or names (case-insensitive) whose submissions are sales leads. Bound from "
        f"{FORMS_VARIABLE} (comma-separated).",
    )
    weights: dict[str, float] = Field(
        default=dict(DEFAULT_WEIGHTS),
        description="Weights of the tier score: icp_fit, seniority, form_intent, message_intent; penalties "
        "free_mail, role_address, no_company_match (subtracted).",
    )
    thresholds: dict[str, float] = Field(
        default=dict(DEFAULT_THRESHOLDS),
        description="Lowest score of each tier (SCORCHING, HOT, WARM, COOL, COLD); below COLD is "
        "UNQUALIFIED, and so is anything that reads as spam.",
    )
    form_intent: dict[str, float] = Field(
        default=dict(DEFAULT_FORM_INTENT),
        description="Intent of each form by name (lower case); forms not listed score `default`.",
    )
    due_minutes: dict[str, int] = Field(
        default=dict(DEFAULT_DUE),
        description="Minutes after the submission a tier's task is due. COOL: -1 means 09:00 UTC on the next "
        "business day. UNQUALIFIED gets no task.",
    )
    reply_model: str = Field(default="claude-haiku-4-5", description="The model that drafts the replies.")
    reply_max_tokens: int = Field(default=700, description="Output token limit of one drafted reply.")
    daily_budget_credits: float = Field(
        default=500.0, ge=0, description="Explorium credits the inbound enrichment may spend per day."
    )
    send_replies: bool = Field(
        default=False,
        description="Drafts only by default: the reply is put in the owner's task for a person to send. "
        f"Bound from {SEND_REPLIES_VARIABLE}; no automatic sending path exists yet, so turning it on is "
        "refused at start rather than silently ignored.",
    )

    def policy(self) -> TierPolicy:
        return TierPolicy(
            weights={**DEFAULT_WEIGHTS, **self.weights},
            thresholds={**DEFAULT_THRESHOLDS, **self.thresholds},
            form_intent={**DEFAULT_FORM_INTENT, **{k.lower(): v for k, v in self.form_intent.items()}},
        )

    def due(self, tier: str, submitted_at: datetime) -> datetime | None:
        """When the task of a lead of `tier` submitted at `submitted_at` is due (None: no task)."""
        minutes = {**DEFAULT_DUE, **self.due_minutes}.get(tier)
        if minutes is None:
            return None
        return due_at(submitted_at, minutes)

    def check(self) -> None:
        """Refuse settings that cannot be honoured, naming what to change."""
        if self.send_replies:
            raise ConfigurationError(
                f"{SEND_REPLIES_VARIABLE} is on, but the pipeline has no path that sends inbound replies: "
                "replies are drafted into the owner's HubSpot task. Switch it off."
            )
        unknown = set(self.thresholds) - set(TIERS)
        if unknown:
            raise ConfigurationError(f"InboundSettings.thresholds: unknown tiers {sorted(unknown)}")

    def resolve_forms(self, client: HubSpotClient) -> list[Form]:
        """The allow-listed forms as HubSpot defines them (ids or names matched case-insensitively).

        A name or id that matches no form fails loudly: a typo would otherwise silently drop every lead
        of that form.
        """
        return match_forms(client.list_forms(), self.forms)


def match_forms(forms: Sequence[Form], wanted: Sequence[str]) -> list[Form]:
    """The forms whose id or name is in `wanted` (case-insensitive), in `wanted` order."""
    by_key: dict[str, Form] = {}
    for form in forms:
        by_key.setdefault(form.id.lower(), form)
        if form.name:
            by_key.setdefault(form.name.strip().lower(), form)
    found: dict[str, Form] = {}
    missing: list[str] = []
    for item in wanted:
        match = by_key.get(item.strip().lower())
        if match is None:
            missing.append(item)
        else:
            found.setdefault(match.id, match)
    if missing:
        names = ", ".join(sorted(f.name or f.id for f in forms))
        raise ConfigurationError(
            f"{FORMS_VARIABLE}: no HubSpot form with id or name {missing}; the portal has: {names}"
        )
    return list(found.values())


def parse_forms(value: str | None) -> list[str]:
    """`SALES_INBOUND_FORMS`: comma-separated form ids or names; empty means the default sales forms."""
    items = [v.strip() for v in (value or "").split(",") if v.strip()]
    return items or list(DEFAULT_FORMS)


def inbound_settings_from_env(environ: Mapping[str, str] | None = None) -> InboundSettings:
    """`InboundSettings` with the forms from `SALES_INBOUND_FORMS` and the send switch from
    `SALES_INBOUND_SEND_REPLIES` (off unless 1/true/yes)."""
    env = os.environ if environ is None else environ
    send_replies = parse_flag(env.get(SEND_REPLIES_VARIABLE), SEND_REPLIES_VARIABLE)
    return InboundSettings(forms=parse_forms(env.get(FORMS_VARIABLE)), send_replies=send_replies)
