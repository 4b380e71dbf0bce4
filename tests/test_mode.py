"""Mode selection: sandbox unless live is chosen, and live without keys fails naming every variable."""

from __future__ import annotations

import pytest

from resources.errors import ConfigurationError
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
