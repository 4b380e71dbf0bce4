"""The Claude client and the Anthropic simulator against the official `anthropic` SDK's own types.

Anthropic publishes no OpenAPI document: every request body the client sends must fit the SDK's request
`TypedDict`s and every answer the SDK's response models (`sdk_contracts.py`). The recording
(`conftest.anthropic_traffic`) holds the client's whole public surface and the simulator's refusals.
"""

from __future__ import annotations

import json

import pytest

from contracts.conftest import Traffic
from contracts.scenarios import MODEL
from contracts.sdk_contracts import OPERATIONS, check, operation_of
from resources.claude import ClaudeClient
from resources.sandbox.sandbox import Exchange

pytestmark = pytest.mark.contract


def test_the_scenario_calls_every_public_method_of_the_client(anthropic_traffic: Traffic) -> None:
    surface = {
        n for n in dir(ClaudeClient) if not n.startswith("_") and callable(getattr(ClaudeClient, n))
    } - {"close"}
    assert surface - anthropic_traffic.called == set()


def test_every_exchange_fits_the_official_sdk_types(anthropic_traffic: Traffic) -> None:
    problems = [p for exchange in anthropic_traffic.log for p in check(exchange)]
    assert {operation_of(e) for e in anthropic_traffic.log} <= set(OPERATIONS)
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_the_checker_catches_a_key_the_sdk_does_not_know() -> None:
    body = json.dumps({"model": MODEL, "max_tokens": 5, "messages": [], "temperature_mode": "hot"}).encode()
    exchange = Exchange("anthropic", "POST", "/v1/messages", "", {}, body, 200, {}, b"{}")
    problems = check(exchange)
    assert any("temperature_mode" in p for p in problems)
    assert any("-> 200" in p for p in problems)  # `{}` is no Message either
