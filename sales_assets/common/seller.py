"""`SellerSettings`: who sells. One resource every stage reads, so the outreach copy, the inbound reply
drafts and the reply actions never disagree about the seller.

What belongs here: the settings resource, the environment variables it is bound from, and
`seller_settings_from_env`, which binds it for the current mode: in sandbox mode the sandbox world's
fictional seller (any variable that is set overrides it), in live mode the variables alone. Live mode never
falls back to the sandbox's seller: a missing variable stops the code location from loading
(`live_required_variables`, checked together with the vendor keys by `sales_assets.startup`).

The values are not secrets, so they are read at load, like the other `*_settings_from_env` bindings, and
show in the Dagster UI as values rather than `dg.EnvVar` references: a person can see who signs the mail.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

import dagster as dg
from pydantic import Field, ValidationError, field_validator

from resources.errors import ConfigurationError
from resources.mode import MODE_VARIABLE, Mode, current_mode
from resources.sandbox import seller as sandbox_world_seller

SENDER_NAME_VARIABLE = "SALES_SENDER_NAME"
COMPANY_VARIABLE = "SALES_SELLER_COMPANY"
DOMAIN_VARIABLE = "SALES_SELLER_DOMAIN"
VALUE_PROPOSITION_VARIABLE = "SALES_VALUE_PROPOSITION"
SENDER_EMAIL_VARIABLE = "SALES_SENDER_EMAIL"
DEFAULT_OWNER_VARIABLE = "SALES_DEFAULT_OWNER_ID"

#: field of `SellerSettings` -> the environment variable it is bound from.
VARIABLES: dict[str, str] = {
    "sender_name": SENDER_NAME_VARIABLE,
    "company": COMPANY_VARIABLE,
    "domain": DOMAIN_VARIABLE,
    "value_proposition": VALUE_PROPOSITION_VARIABLE,
    "sender_email": SENDER_EMAIL_VARIABLE,
    "default_owner_id": DEFAULT_OWNER_VARIABLE,
}

#: What live mode cannot start without. The default owner is optional: without it, tasks of contacts that
#: have no HubSpot owner go to an active owner (a stable hash of the address for replies, the round-robin
#: for form leads), which is a sound live default; every other field puts words in a real person's mouth.
LIVE_REQUIRED_FIELDS = ("sender_name", "company", "domain", "value_proposition", "sender_email")

_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@([^@\s]+)$")


class SellerSettings(dg.ConfigurableResource):
    """The seller: the person who signs, the company, its web domain, what it sells, the mailbox outreach
    is sent from, and who owns the tasks of contacts without an owner. Bind it with
    `seller_settings_from_env`; every field but the default owner is required, so nothing is signed by a
    default."""

    sender_name: str = Field(
        description=f"Who signs the outreach emails and the drafted inbound replies. {SENDER_NAME_VARIABLE}."
    )
    company: str = Field(description=f"The seller's company name. {COMPANY_VARIABLE}.")
    domain: str = Field(description=f"The seller's web domain, e.g. example.com. {DOMAIN_VARIABLE}.")
    value_proposition: str = Field(
        description="What the company sells, in one or two sentences; Claude may say only this about the "
        f"seller. {VALUE_PROPOSITION_VARIABLE}."
    )
    sender_email: str = Field(
        description=f"The address outreach is sent from and signed with. {SENDER_EMAIL_VARIABLE}."
    )
    default_owner_id: str | None = Field(
        default=None,
        description="HubSpot owner id of tasks for contacts without an owner (replies and form leads). "
        "Unset: an active owner, chosen by a stable hash of the address for replies and by the "
        f"round-robin for form leads. {DEFAULT_OWNER_VARIABLE}.",
    )

    @field_validator("sender_name", "company", "value_proposition")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        cleaned = " ".join(value.split())
        if not cleaned:
            raise ValueError("must not be blank")
        return cleaned

    @field_validator("domain")
    @classmethod
    def _a_domain(cls, value: str) -> str:
        cleaned = value.strip().lower().removeprefix("www.")
        if not _DOMAIN.match(cleaned):
            raise ValueError(f"{value!r} is not a web domain such as example.com (no scheme, no path)")
        return cleaned

    @field_validator("sender_email")
    @classmethod
    def _an_address(cls, value: str) -> str:
        cleaned = value.strip()
        match = _EMAIL.match(cleaned)
        if not match or not _DOMAIN.match(match.group(1).lower()):
            raise ValueError(f"{value!r} is not an email address")
        return cleaned

    @field_validator("default_owner_id")
    @classmethod
    def _an_owner_id(cls, value: str | None) -> str | None:
        cleaned = (value or "").strip()
        if not cleaned:
            return None
        if not cleaned.isdigit():
            raise ValueError(f"{value!r} is not a HubSpot owner id (digits only)")
        return cleaned

    def facts(self) -> str:
        """What copy may say about the seller: text the copy lint accepts as facts."""
        return f"{self.sender_name} {self.company} {self.domain} {self.value_proposition}"


def sandbox_seller_values() -> dict[str, str]:
    """The sandbox world's fictional seller, field by field (no default owner: the sandbox's owners take
    turns). The sender address is the world's with the default seed, which every sandbox uses unless a
    state file was made with another seed."""
    return {
        "sender_name": sandbox_world_seller.NAME,
        "company": sandbox_world_seller.COMPANY,
        "domain": sandbox_world_seller.DOMAIN,
        "value_proposition": sandbox_world_seller.VALUE_PROPOSITION,
        "sender_email": sandbox_world_seller.sender_email(),
    }


def sandbox_seller() -> SellerSettings:
    """`SellerSettings` of the sandbox world, whatever the environment says."""
    return SellerSettings(**sandbox_seller_values())


def live_required_variables() -> list[str]:
    """The variables live mode cannot start without, in the order an error names them."""
    return [VARIABLES[name] for name in LIVE_REQUIRED_FIELDS]


def missing_live_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """The live-mode seller variables that are unset or blank."""
    env = os.environ if environ is None else environ
    return [name for name in live_required_variables() if not (env.get(name) or "").strip()]


def seller_settings_from_env(
    environ: Mapping[str, str] | None = None, *, mode: Mode | None = None
) -> SellerSettings:
    """`SellerSettings` for `mode` (default: `SALES_MODE`). Sandbox: the sandbox world's seller, with any
    variable that is set taking its place. Live: the variables only; raises `ConfigurationError` naming
    every missing one (the definitions check them together with the vendor keys first, so a live start
    reports everything missing at once)."""
    env = os.environ if environ is None else environ
    mode = mode or current_mode(env)
    given = {name: value for name, var in VARIABLES.items() if (value := (env.get(var) or "").strip())}
    if mode == "live":
        missing = missing_live_variables(env)
        if missing:
            raise ConfigurationError(
                f"{MODE_VARIABLE}=live needs these environment variables, which are not set: "
                f"{', '.join(missing)}. Set them (see .env.example)."
            )
        values = given
    else:
        values = {**sandbox_seller_values(), **given}
    try:
        return SellerSettings(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{VARIABLES.get(str(error['loc'][0]), error['loc'][0]) if error['loc'] else 'seller'}: "
            f"{error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors()
        )
        raise ConfigurationError(f"seller settings are invalid: {problems}") from None
