"""Sandbox or live: the one switch, and the resources each mode gets.

What belongs here: reading `SALES_MODE` (`sandbox`, the default, or `live`), the start-up check that names
every missing variable in live mode (the vendor keys, plus what the caller adds), and
`build_vendor_resources()`, which the definitions call. In sandbox mode each resource talks to the
in-process simulator over the state file under the instance's home, or, when a `*_BASE_URL` is set, to
whatever that URL serves (the sandbox server, say).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Literal

import dagster as dg

from resources.errors import ConfigurationError
from resources.sandbox.app import SANDBOX_API_KEY
from resources.sandbox.store import default_state_path

MODE_VARIABLE = "SALES_MODE"
Mode = Literal["sandbox", "live"]

#: resource key -> (API key variable, base URL variable)
VENDOR_VARIABLES: dict[str, tuple[str, str]] = {
    "explorium": ("EXPLORIUM_API_KEY", "EXPLORIUM_BASE_URL"),
    "hubspot": ("HUBSPOT_ACCESS_TOKEN", "HUBSPOT_BASE_URL"),
    "lemlist": ("LEMLIST_API_KEY", "LEMLIST_BASE_URL"),
    "anthropic": ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
}


#: An Anthropic key that may read the organization's usage report (an Admin key, or one with the
#: `read:analytics` scope). Optional: without it, Claude calls whose answers were lost stay at their
#: estimates in the spend ledger instead of being reconciled with what Anthropic billed.
ANTHROPIC_ADMIN_KEY_VARIABLE = "ANTHROPIC_ADMIN_API_KEY"

#: HubSpot's API version (`2026-09`, the default, or the legacy `v3`); see `HubSpotResource.crm_version`.
HUBSPOT_CRM_VERSION_VARIABLE = "HUBSPOT_CRM_VERSION"


def current_mode(environ: Mapping[str, str] | None = None) -> Mode:
    env = os.environ if environ is None else environ
    value = (env.get(MODE_VARIABLE) or "sandbox").strip().lower()
    if value not in ("sandbox", "live"):
        raise ConfigurationError(f"{MODE_VARIABLE} must be 'sandbox' or 'live', not {value!r}")
    return value  # type: ignore[return-value]


def check_live_environment(
    environ: Mapping[str, str] | None = None, *, also_required: Iterable[str] = ()
) -> None:
    """Raise one error naming every variable live mode needs and does not have: the vendor API keys, and
    `also_required` (what the definitions need besides, such as the seller's), so one start shows all
    that is missing."""
    env = os.environ if environ is None else environ
    needed = [key for key, _ in VENDOR_VARIABLES.values()] + list(also_required)
    missing = [name for name in dict.fromkeys(needed) if not (env.get(name) or "").strip()]
    if missing:
        raise ConfigurationError(
            f"{MODE_VARIABLE}=live needs these environment variables, which are not set: "
            f"{', '.join(missing)}. "
            f"Set them (see .env.example), or unset {MODE_VARIABLE} to run against the offline sandbox."
        )


def build_vendor_resources(
    mode: Mode | None = None,
    *,
    sandbox_state: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, dg.ConfigurableResource]:
    """The four vendor resources, keyed `explorium`, `hubspot`, `lemlist`, `anthropic`."""
    from resources.claude.resource import AnthropicResource
    from resources.explorium.resource import ExploriumResource
    from resources.hubspot.resource import HubSpotResource
    from resources.lemlist.resource import LemlistResource

    env = os.environ if environ is None else environ
    mode = mode or current_mode(env)
    classes = {
        "explorium": ExploriumResource,
        "hubspot": HubSpotResource,
        "lemlist": LemlistResource,
        "anthropic": AnthropicResource,
    }
    if mode == "live":
        check_live_environment(env)
    state = str(sandbox_state or default_state_path())
    # Per-vendor settings from the environment beyond key and URL. Not secrets: read now, so a malformed
    # value stops the load with the resource's own error instead of failing the first run.
    extra: dict[str, dict[str, object]] = {name: {} for name in classes}
    crm_version = (env.get(HUBSPOT_CRM_VERSION_VARIABLE) or "").strip()
    if crm_version:
        extra["hubspot"]["crm_version"] = crm_version
    if mode == "live" and (env.get(ANTHROPIC_ADMIN_KEY_VARIABLE) or "").strip():
        extra["anthropic"]["admin_api_key"] = dg.EnvVar(ANTHROPIC_ADMIN_KEY_VARIABLE)
    elif mode != "live":
        extra["anthropic"]["admin_api_key"] = SANDBOX_API_KEY
    built: dict[str, dg.ConfigurableResource] = {}
    for name, cls in classes.items():
        key_var, url_var = VENDOR_VARIABLES[name]
        base_url = dg.EnvVar(url_var) if (env.get(url_var) or "").strip() else None
        if mode == "live":
            built[name] = cls(api_key=dg.EnvVar(key_var), base_url=base_url, **extra[name])
        elif base_url is not None:
            # Sandbox mode pointed at a URL: the sandbox server (or anything speaking the vendor's API).
            built[name] = cls(api_key=SANDBOX_API_KEY, base_url=base_url, **extra[name])
        else:
            built[name] = cls(api_key=SANDBOX_API_KEY, sandbox_state=state, **extra[name])
    return built


def set_sandbox_demo(environ: Mapping[str, str] | None = None, *, on: bool) -> None:
    """Switch the sandbox's demo mode for the state file this environment uses; live mode has no demo, so
    there it does nothing."""
    if current_mode(environ) != "sandbox":
        return
    from resources.sandbox import demo
    from resources.sandbox.store import SandboxStore

    store = SandboxStore(default_state_path())
    try:
        demo.switch(store, on=on)
    finally:
        store.close()
