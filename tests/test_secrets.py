"""DESIGN invariant 7: secrets never appear in logs, metadata or errors.

Every vendor key here is a distinctive value (the sandbox takes any key that starts with `sandbox`). A whole
outbound partition runs with them, through all four vendors, with HubSpot and lemlist answering 5xx on the
way (retried, logged). Then the vendor check runs once per vendor with that vendor's key refused (401, the
asset fails naming the variable). Nothing any of it wrote may hold a key, in clear or base64-encoded
(lemlist's Basic auth): Dagster's event log (messages, metadata, errors with their stack traces), the runs
themselves, Python logging, and the process's stdout and stderr.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from resources.claude.resource import AnthropicResource
from resources.explorium.resource import ExploriumResource
from resources.hubspot.resource import HubSpotResource
from resources.lemlist.resource import LemlistResource
from sales_assets.common.partitions import outbound_partitions
from sales_assets.operations.vendor_status import vendor_status

pytestmark = pytest.mark.slow

DAY = outbound_partitions.get_partition_keys()[-1].keys_by_dimension["day"]
PARTITION = f"{DAY}|revops_saas"
CLASSES: dict[str, Any] = {
    "explorium": ExploriumResource,
    "hubspot": HubSpotResource,
    "lemlist": LemlistResource,
    "anthropic": AnthropicResource,
}
KEYS = {name: f"sandbox-secret-{name}-7f3a9c21e4d0" for name in CLASSES}
ADMIN_KEY = "sandbox-secret-admin-5be01c9a72"
REFUSED = {name: f"refused-secret-{name}-b81d55c0" for name in CLASSES}


def _vendors(keys: dict[str, str], state: Path) -> dict[str, Any]:
    built = {name: cls(api_key=keys[name], sandbox_state=str(state)) for name, cls in CLASSES.items()}
    built["anthropic"] = AnthropicResource(
        api_key=keys["anthropic"], admin_api_key=ADMIN_KEY, sandbox_state=str(state)
    )
    return built


def _forms(secret: str) -> set[str]:
    """The key and the base64 forms an Authorization header would carry (Basic auth puts `user:key`)."""
    encoded = {
        base64.b64encode(text.encode()).decode().rstrip("=")
        for text in (secret, f":{secret}", f"{secret}:", f"api:{secret}")
    }
    return {secret, *encoded}


def _event_log(instance: dg.DagsterInstance) -> str:
    parts: list[str] = []
    for run in instance.get_runs():
        parts.append(dg.serialize_value(run))
        parts.extend(dg.serialize_value(entry) for entry in instance.all_logs(run.run_id))
    return "\n".join(parts)


def test_no_key_appears_in_logs_metadata_or_errors(
    make_env: Callable[..., Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    env = make_env(tmp_path / "env")
    state = env.root / "state.sqlite"
    env.resources.update(_vendors(KEYS, state))
    env.sandbox.store.set_faults("hubspot", server_error_next=2)
    env.sandbox.store.set_faults("lemlist", server_error_next=1)
    result = env.run(PARTITION)
    assert result.success
    assert env.sandbox.store.totals("hubspot").calls > 0 and env.sandbox.store.totals("anthropic").calls > 0

    failures: list[str] = []
    for name in CLASSES:
        resources = {**env.resources, **_vendors(KEYS, state)}
        resources[name] = CLASSES[name](api_key=REFUSED[name], sandbox_state=str(state))
        refused = dg.materialize(
            [vendor_status], resources=resources, instance=env.instance, raise_on_error=False
        )
        assert not refused.success, name
        failure = next(e for e in refused.all_events if e.event_type_value == "STEP_FAILURE")
        failures.append(str(failure.event_specific_data.error))
    # The errors say which variable to fix, so the check of their text below is not of empty strings.
    assert all("_KEY" in text or "TOKEN" in text for text in failures), failures

    written = "\n".join([_event_log(env.instance), caplog.text, *failures, *capfd.readouterr()])
    assert "vendor_status" in written and "crm_sync_results" in written
    for secret in [*KEYS.values(), ADMIN_KEY, *REFUSED.values()]:
        for form in _forms(secret):
            assert form not in written, f"a key ({secret[:14]}...) appears in what the runs wrote"


def test_the_check_finds_a_key_where_one_is_written() -> None:
    """The scan above would see a key had one been logged: its forms are found in text that holds them."""
    secret = KEYS["lemlist"]
    header = "Authorization: Basic " + base64.b64encode(f":{secret}".encode()).decode()
    assert any(form in header for form in _forms(secret))
    assert any(form in f"401 for key {secret}" for form in _forms(secret))
