"""The product's lemlist campaigns: which campaign each ICP's leads go to, whether it may send, the daily
cap, and which campaign states are closed.

What belongs here: `EnrollmentSettings` (bound from the environment by `enrollment_settings_from_env`) and
`CLOSED_CAMPAIGN_STATES`. Outbound enrolls leads into these campaigns (`sales_assets/outbound/enrollment.py`);
engagement reads their statistics and pauses them (`sales_assets/engagement/stats.py`, `safety.py`), so both
stages find the same campaigns. How a campaign is found or created, and what is sent to it, belong to the
enrollment asset.
"""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from pydantic import Field

from resources.errors import ConfigurationError
from sales_assets.common.flags import parse_flag

SENDING_VARIABLE = "SALES_SENDING_ENABLED"
DAILY_CAP_VARIABLE = "SALES_DAILY_SEND_CAP"

#: Campaign states nothing can be enrolled into any more.
CLOSED_CAMPAIGN_STATES = ("ended", "archived")


class EnrollmentSettings(dg.ConfigurableResource):
    """Which lemlist campaign each ICP's leads go to, whether it may send, and the daily cap."""

    campaigns: dict[str, str] = Field(
        default={},
        description="ICP name -> lemlist campaign id. An ICP without one uses the campaign named "
        "'<campaign_name_prefix> <icp>', created as a draft when missing.",
    )
    campaign_name_prefix: str = Field(
        default="sales-pipeline", description="Name prefix of the campaigns found or created per ICP."
    )
    sending_enabled: bool = Field(
        default=False,
        description="Start the campaign after adding leads. Off: campaigns stay drafts and nothing is sent. "
        f"Bound from {SENDING_VARIABLE}.",
    )
    daily_cap: int = Field(
        default=200,
        ge=0,
        description="Leads added per campaign per UTC day, across every run and partition. "
        f"Bound from {DAILY_CAP_VARIABLE}.",
    )
    timezone: str = Field(
        default="Europe/Paris",
        description="IANA timezone of the campaigns created here (their sending window); lemlist's default.",
    )

    def campaign_name(self, icp: str) -> str:
        return f"{self.campaign_name_prefix} {icp}"


def enrollment_settings_from_env(environ: Mapping[str, str] | None = None) -> EnrollmentSettings:
    """`EnrollmentSettings` with `sending_enabled` from `SALES_SENDING_ENABLED` (off unless 1/true/yes) and
    `daily_cap` from `SALES_DAILY_SEND_CAP` (default 200)."""
    env = os.environ if environ is None else environ
    settings: dict[str, Any] = {"sending_enabled": parse_flag(env.get(SENDING_VARIABLE), SENDING_VARIABLE)}
    cap = (env.get(DAILY_CAP_VARIABLE) or "").strip()
    if cap:
        try:
            settings["daily_cap"] = int(cap)
        except ValueError:
            raise ConfigurationError(
                f"{DAILY_CAP_VARIABLE} must be a whole number of leads per day, not {cap!r}"
            ) from None
        if settings["daily_cap"] < 0:
            raise ConfigurationError(f"{DAILY_CAP_VARIABLE} must not be negative, not {cap!r}")
    return EnrollmentSettings(**settings)
