"""The signed webhook intake: HubSpot's v3 signature verified (forged, stale and unsigned requests get 401
and store nothing; a valid one gets 200 and lands in the action ledger), through a direct WSGI call and
through a real socket; and a delivered submission read by `form_submissions`."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIServer, make_server

import dagster as dg
import httpx
import pytest

from resources.hubspot.signature import sign_v3
from resources.mode import build_vendor_resources
from resources.pipeline_store import PipelineStoreResource
from resources.sandbox import Sandbox
from sales_assets.inbound.assets import form_submissions
from sales_assets.inbound.settings import InboundSettings
from sales_assets.inbound.webhook import PATH, REJECTED_KIND, WEBHOOK_KIND, WebhookApp, main

SECRET = "test-client-secret"
HOST = "intake.example.com"
NOW_MS = 1_795_000_000_000


def event(conversion_id: str = "c-1", form_id: str = "form-1", submitted_at: int = NOW_MS) -> dict[str, Any]:
    return {
        "formId": form_id,
        "conversionId": conversion_id,
        "submittedAt": submitted_at,
        "values": [{"name": "email", "value": "ada@acme.com"}, {"name": "firstname", "value": "Ada"}],
        "pageUrl": "https://www.relaypoint.io/demo",
    }


@pytest.fixture
def store(tmp_path: Path) -> PipelineStoreResource:
    return PipelineStoreResource(path=str(tmp_path / "store.sqlite"))


def call(
    app: WebhookApp,
    body: bytes,
    *,
    timestamp: int | None = NOW_MS,
    secret: str = SECRET,
    signature: str | None = None,
    path: str = PATH,
) -> tuple[str, dict[str, Any]]:
    """One request through the WSGI interface, signed as HubSpot signs it (unless told otherwise)."""
    uri = f"http://{HOST}{path}"
    headers: dict[str, str] = {}
    if timestamp is not None:
        headers["HTTP_X_HUBSPOT_REQUEST_TIMESTAMP"] = str(timestamp)
        headers["HTTP_X_HUBSPOT_SIGNATURE_V3"] = signature or sign_v3(
            client_secret=secret, method="POST", uri=uri, body=body, timestamp_ms=timestamp
        )
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": HOST,
        "SERVER_PORT": "80",
        "HTTP_HOST": HOST,
        "wsgi.url_scheme": "http",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        **headers,
    }
    status: list[str] = []
    chunks = app(environ, lambda s, h: status.append(s))
    return status[0], json.loads(b"".join(chunks))


def test_a_valid_signature_is_accepted_and_lands_in_the_ledger(store: PipelineStoreResource) -> None:
    app = WebhookApp(SECRET, store, now_ms=lambda: NOW_MS + 1_000)
    body = json.dumps([event("c-1"), event("c-2")]).encode()
    status, answer = call(app, body)
    assert status.startswith("200")
    assert answer["accepted"] == ["c-1", "c-2"] and answer["rejected"] == []
    entries = store.actions.entries(WEBHOOK_KIND)
    assert sorted(entries["key"]) == ["c-1", "c-2"]
    day = datetime.fromtimestamp(NOW_MS / 1000, UTC).date().isoformat()
    assert set(entries["partition"]) == {day}
    assert entries["detail"].iloc[0]["form_id"] == "form-1"
    # The same delivery again (HubSpot retries) does not duplicate anything.
    call(app, body)
    assert len(store.actions.entries(WEBHOOK_KIND)) == 2


@pytest.mark.parametrize(
    ("case", "kwargs"),
    [
        ("wrong secret", {"secret": "someone-else"}),
        ("tampered signature", {"signature": "AAAA" + "B" * 40}),
        ("stale (6 minutes old)", {"timestamp": NOW_MS - 6 * 60 * 1000}),
        ("from the future", {"timestamp": NOW_MS + 6 * 60 * 1000}),
        ("unsigned", {"timestamp": None}),
    ],
)
def test_forged_stale_and_unsigned_requests_are_refused(
    store: PipelineStoreResource, case: str, kwargs: dict[str, Any]
) -> None:
    app = WebhookApp(SECRET, store, now_ms=lambda: NOW_MS)
    status, answer = call(app, json.dumps(event()).encode(), **kwargs)
    assert status.startswith("401"), case
    assert answer == {"error": "invalid or expired signature"}
    assert store.actions.entries(WEBHOOK_KIND).empty


def test_a_body_changed_after_signing_is_refused(store: PipelineStoreResource) -> None:
    app = WebhookApp(SECRET, store, now_ms=lambda: NOW_MS)
    signed = json.dumps(event("c-1")).encode()
    signature = sign_v3(
        client_secret=SECRET, method="POST", uri=f"http://{HOST}{PATH}", body=signed, timestamp_ms=NOW_MS
    )
    status, _ = call(app, json.dumps(event("c-evil")).encode(), signature=signature)
    assert status.startswith("401")


def test_bad_events_are_kept_with_a_reason(store: PipelineStoreResource) -> None:
    app = WebhookApp(SECRET, store, now_ms=lambda: NOW_MS)
    status, answer = call(app, json.dumps([event("c-1"), {"conversionId": "x"}, "nonsense"]).encode())
    assert status.startswith("200")
    assert answer["accepted"] == ["c-1"]
    assert sorted(r["reason"] for r in answer["rejected"]) == ["event is not a JSON object", "no formId"]
    assert len(store.actions.entries(REJECTED_KIND)) == 2
    status, _ = call(app, b"{not json")
    assert status.startswith("400")


def test_the_intake_needs_its_secret(store: PipelineStoreResource, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="HUBSPOT_CLIENT_SECRET"):
        WebhookApp("", store)
    monkeypatch.delenv("HUBSPOT_CLIENT_SECRET", raising=False)
    assert main(["--port", "0"]) == 2


@pytest.fixture
def server(store: PipelineStoreResource) -> Iterator[tuple[WSGIServer, str]]:
    app = WebhookApp(SECRET, store)
    httpd = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd, f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_through_a_real_socket(server: tuple[WSGIServer, str], store: PipelineStoreResource) -> None:
    _, base = server
    url = base + PATH
    now = int(time.time() * 1000)
    body = json.dumps(event("sock-1", submitted_at=now)).encode()

    def post(timestamp: int, secret: str = SECRET) -> httpx.Response:
        signature = sign_v3(client_secret=secret, method="POST", uri=url, body=body, timestamp_ms=timestamp)
        headers = {
            "Content-Type": "application/json",
            "X-HubSpot-Signature-v3": signature,
            "X-HubSpot-Request-Timestamp": str(timestamp),
        }
        return httpx.post(url, content=body, headers=headers, timeout=10)

    assert post(now, secret="forged").status_code == 401
    assert post(now - 10 * 60 * 1000).status_code == 401
    assert store.actions.entries(WEBHOOK_KIND).empty
    accepted = post(now)
    assert accepted.status_code == 200 and accepted.json()["accepted"] == ["sock-1"]
    assert httpx.get(base + "/health", timeout=10).json() == {"status": "ok"}
    assert httpx.post(base + "/elsewhere", content=body, timeout=10).status_code == 404


def test_form_submissions_reads_webhook_deliveries(tmp_path: Path, store: PipelineStoreResource) -> None:
    state = tmp_path / "state.sqlite"
    sandbox = Sandbox.at(state)
    form = next(f for f in sandbox.world.forms if f.name == "Request a demo")
    now = int(time.time() * 1000)
    pushed = event("pushed-1", form_id=form.guid, submitted_at=now)
    pushed["values"] = [
        {"name": "email", "value": "Linus@Kernel-Tools.example"},
        {"name": "firstname", "value": "Linus"},
        {"name": "lastname", "value": "T"},
        {"name": "company", "value": "Kernel Tools"},
        {"name": "numemployees", "value": "5-25"},
    ]
    app = WebhookApp(SECRET, store, now_ms=lambda: now)
    body = json.dumps(pushed).encode()
    signature = sign_v3(
        client_secret=SECRET, method="POST", uri=f"http://{HOST}{PATH}", body=body, timestamp_ms=now
    )
    assert call(app, body, timestamp=now, signature=signature)[0].startswith("200")

    day = datetime.fromtimestamp(now / 1000, UTC).date().isoformat()
    resources = {
        "hubspot": build_vendor_resources(sandbox_state=state, environ={})["hubspot"],
        "pipeline_store": store,
        "inbound_settings": InboundSettings(forms=["Request a demo"]),
    }
    result = dg.materialize([form_submissions], resources=resources, partition_key=day)
    assert result.success
    frame = result.output_for_node("form_submissions")
    row = frame[frame["conversion_id"] == "pushed-1"].iloc[0]
    assert row["source"] == "webhook" and row["email"] == "linus@kernel-tools.example"
    assert row["status"] == "valid"
    polled = frame[frame["conversion_id"] != "pushed-1"]
    assert (polled["source"] == "poll").all()
