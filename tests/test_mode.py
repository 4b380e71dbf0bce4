"""Mode selection: sandbox unless live is chosen, and live without keys fails naming every variable; and
in sandbox mode a request's log line names the sandbox, never a vendor host it did not reach."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import httpx2
import pytest
from pydantic import ValidationError

from resources.claude import ClaudeClient
from resources.errors import ConfigurationError
from resources.explorium import DEFAULT_BASE_URL as EXPLORIUM_BASE_URL
from resources.explorium import ExploriumClient
from resources.http import HttpPolicy
from resources.mode import build_vendor_resources, check_live_environment, current_mode

ALL_KEYS = {
    "EXPLORIUM_API_KEY": "e",
    "HUBSPOT_ACCESS_TOKEN": "h",
    "LEMLIST_API_KEY": "l",
    "ANTHROPIC_API_KEY": "a",
}


def test_sandbox_is_the_default() -> None:
    assert current_mode({}) == "sandbox"
    assert current_mode({"SALES_MODE": " LIVE "}) == "live"
    with pytest.raises(ConfigurationError, match="SALES_MODE"):
        current_mode({"SALES_MODE": "prod"})


def test_live_mode_names_each_missing_variable() -> None:
    with pytest.raises(ConfigurationError) as info:
        check_live_environment({"SALES_MODE": "live", "HUBSPOT_ACCESS_TOKEN": "x", "LEMLIST_API_KEY": " "})
    message = str(info.value)
    for name in ("EXPLORIUM_API_KEY", "LEMLIST_API_KEY", "ANTHROPIC_API_KEY"):
        assert name in message
    assert "HUBSPOT_ACCESS_TOKEN" not in message
    check_live_environment(ALL_KEYS)


def test_live_resources_fail_at_start_up_without_keys() -> None:
    with pytest.raises(ConfigurationError, match="ANTHROPIC_API_KEY"):
        build_vendor_resources(environ={"SALES_MODE": "live"})


def test_sandbox_resources_use_the_in_process_simulator(tmp_path) -> None:
    state = tmp_path / "state.sqlite"
    built = build_vendor_resources(environ={}, sandbox_state=state)
    assert set(built) == {"explorium", "hubspot", "lemlist", "anthropic"}
    for resource in built.values():
        assert resource.sandbox_state == str(state)
        assert resource.api_key.startswith("sandbox")


def test_sandbox_mode_with_a_base_url_talks_to_that_url(tmp_path) -> None:
    built = build_vendor_resources(
        environ={"HUBSPOT_BASE_URL": "http://127.0.0.1:9/hubspot"}, sandbox_state=tmp_path
    )
    assert built["hubspot"].sandbox_state is None
    assert built["explorium"].sandbox_state is not None


def test_live_resources_bind_secrets_through_env_vars() -> None:
    built = build_vendor_resources(environ={**ALL_KEYS, "SALES_MODE": "live"})
    for resource in built.values():
        assert resource.sandbox_state is None
    # Secrets stay EnvVar references until launch; the values never sit in the definitions.
    import dagster as dg

    for resource in built.values():
        assert isinstance(resource.api_key, dg.EnvVar)
    assert built["hubspot"].api_key == "HUBSPOT_ACCESS_TOKEN"


# --- where a request says it went --------------------------------------------------------------------------

REAL_HOSTS = ("api.explorium.ai", "api.hubapi.com", "api.hsforms.com", "api.lemlist.com", "api.anthropic.com")


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """httpx's and httpx2's (the Anthropic SDK's) INFO line per request."""
    return [r.getMessage() for r in caplog.records if r.name in ("httpx", "httpx2")]


def test_sandbox_requests_log_the_sandbox_never_a_vendor_host(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="httpx")
    caplog.set_level(logging.INFO, logger="httpx2")
    built = build_vendor_resources(environ={}, sandbox_state=tmp_path / "state.sqlite")
    built["explorium"].get_client().credits()
    hubspot = built["hubspot"].get_client()
    portal = hubspot.account_info().portal_id
    form = next(f for f in hubspot.list_forms() if f.name == "Newsletter signup")
    # The public forms endpoint lives on api.hsforms.com in live mode: in the sandbox it must not say so.
    hubspot.submit_form(portal, form.id, {"email": "ada@example.org", "firstname": "Ada"})
    built["lemlist"].get_client().team()
    built["anthropic"].get_client().count_tokens(model="claude-haiku-4-5", system=None, messages="ping")

    lines = _request_lines(caplog)
    assert len(lines) >= 6
    for line in lines:
        assert "sandbox" in line, line
        assert not any(host in line for host in REAL_HOSTS), line
    for mount in ("/explorium/v1/credits", "/hubspot/submissions/v3/", "/lemlist/api/team", "/anthropic/v1/"):
        assert any(mount in line for line in lines), mount


def test_live_requests_still_name_the_vendor_host(caplog: pytest.LogCaptureFixture) -> None:
    # Any transport that is not the sandbox (here a mock standing in for the network) keeps the real URLs.
    caplog.set_level(logging.INFO, logger="httpx")
    caplog.set_level(logging.INFO, logger="httpx2")
    explorium = ExploriumClient(
        "key",
        transport=httpx.MockTransport(
            lambda request: httpx.Response(200, json={"allocated_credits": 1, "remaining_credits": 1})
        ),
    )
    assert str(explorium._http.base_url).rstrip("/") == EXPLORIUM_BASE_URL
    explorium.credits()
    claude = ClaudeClient(
        api_key="key",
        policy=HttpPolicy(),
        transport=httpx2.MockTransport(lambda request: httpx2.Response(200, json={"input_tokens": 1})),
    )
    claude.count_tokens(model="claude-haiku-4-5", system=None, messages="ping")
    lines = _request_lines(caplog)
    assert any("https://api.explorium.ai/v1/credits" in line for line in lines)
    assert any("https://api.anthropic.com/v1/messages/count_tokens" in line for line in lines)
    assert not any("sandbox" in line for line in lines)


def test_the_hubspot_api_version_is_bound_from_the_environment(tmp_path) -> None:
    default = build_vendor_resources("sandbox", sandbox_state=tmp_path / "s.sqlite", environ={})
    assert default["hubspot"].crm_version == "2026-09"
    legacy = build_vendor_resources(
        "sandbox", sandbox_state=tmp_path / "s.sqlite", environ={"HUBSPOT_CRM_VERSION": "v3"}
    )
    assert legacy["hubspot"].crm_version == "v3"
    with pytest.raises(ValidationError, match="crm_version"):
        build_vendor_resources(
            "sandbox", sandbox_state=tmp_path / "s.sqlite", environ={"HUBSPOT_CRM_VERSION": "latest"}
        )
