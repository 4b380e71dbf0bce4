"""The signed webhook intake: HubSpot's v3 signature verified (forged, stale and unsigned requests get 401
and store nothing; a valid one gets 200 and lands in the action ledger), through the ASGI app in process
and through the real uvicorn server on a socket; everything checkable from the headers refused before a
body byte is read; bodies it cannot read get 400, never 500; idle, slow and silent clients do not hold
up a valid delivery; and a delivered submission read by `form_submissions`."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import httpx
import pytest
from starlette.testclient import TestClient

from resources.hubspot.signature import sign_v3
from resources.mode import build_vendor_resources
from resources.pipeline_store import PipelineStoreResource
from resources.sandbox import Sandbox
from sales_assets.inbound.form_submissions import form_submissions
from sales_assets.inbound.settings import InboundSettings
from sales_assets.inbound.webhook import PATH, WebhookApp, main
from sales_assets.inbound.webhook_events import (
    MAX_JSON_DEPTH,
    REJECTED_KIND,
    WEBHOOK_KIND,
    json_depth_exceeds,
)
from sales_assets.inbound.webhook_server import build_server

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


def signed(body: bytes, uri: str, timestamp: int, secret: str = SECRET) -> dict[str, str]:
    """The headers HubSpot sends with a v3-signed JSON body."""
    return {
        "Content-Type": "application/json",
        "X-HubSpot-Signature-v3": sign_v3(
            client_secret=secret, method="POST", uri=uri, body=body, timestamp_ms=timestamp
        ),
        "X-HubSpot-Request-Timestamp": str(timestamp),
    }


def call(
    app: WebhookApp,
    body: bytes,
    *,
    timestamp: int | None = NOW_MS,
    secret: str = SECRET,
    signature: str | None = None,
    path: str = PATH,
) -> tuple[str, dict[str, Any]]:
    """One request through the ASGI app in process, signed as HubSpot signs it (unless told otherwise)."""
    headers = {"Content-Type": "application/json"}
    if timestamp is not None:
        headers = signed(body, f"http://{HOST}{path}", timestamp, secret)
        if signature is not None:
            headers["X-HubSpot-Signature-v3"] = signature
    with TestClient(app, base_url=f"http://{HOST}") as client:
        response = client.post(path, content=body, headers=headers)
    return f"{response.status_code} {response.reason_phrase}", response.json()


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


# --- everything checkable from the headers is refused before a body byte is read -------------------


def asgi_call(
    app: WebhookApp,
    headers: dict[str, str],
    *,
    method: str = "POST",
    path: str = PATH,
    body_after: float = -1,
) -> tuple[int, dict[str, str], dict[str, Any], int]:
    """One request straight through the ASGI interface: (status, headers, answer, body reads).

    The body is handed over only when the app asks for it (`receive`), and only after `body_after`
    seconds (never when negative), so a test sees whether, and how long, the app waited for it.
    """
    reads = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal reads
        reads += 1
        if body_after < 0:
            await asyncio.Event().wait()
        await asyncio.sleep(body_after)
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in {"host": HOST, **headers}.items()],
        "client": ("127.0.0.1", 50000),
        "server": (HOST, 80),
    }
    asyncio.run(app(scope, receive, send))
    start = sent[0]
    answer = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, answer, reads


@pytest.mark.parametrize(
    ("case", "headers", "method", "path", "status"),
    [
        ("unknown path", {}, "POST", "/elsewhere", 404),
        ("GET on the intake", {}, "GET", PATH, 405),
        ("not JSON", {"content-type": "text/plain", "content-length": "10"}, "POST", PATH, 415),
        ("no length, not chunked", {"content-type": "application/json"}, "POST", PATH, 411),
        (
            "over the size limit",
            {"content-type": "application/json", "content-length": "262145"},
            "POST",
            PATH,
            413,
        ),
        ("unsigned", {"content-type": "application/json", "content-length": "2"}, "POST", PATH, 401),
        (
            "stale",
            {
                "content-type": "application/json",
                "content-length": "2",
                "x-hubspot-signature-v3": "A" * 43 + "=",
                "x-hubspot-request-timestamp": str(NOW_MS - 6 * 60 * 1000),
            },
            "POST",
            PATH,
            401,
        ),
        (
            "timestamp not a number",
            {
                "content-type": "application/json",
                "content-length": "2",
                "x-hubspot-signature-v3": "A" * 43 + "=",
                "x-hubspot-request-timestamp": "yesterday",
            },
            "POST",
            PATH,
            401,
        ),
        (
            "signature not base64 of 32 bytes",
            {
                "content-type": "application/json",
                "content-length": "2",
                "x-hubspot-signature-v3": "forged!",
                "x-hubspot-request-timestamp": str(NOW_MS),
            },
            "POST",
            PATH,
            401,
        ),
    ],
)
def test_header_checks_come_before_the_body(
    store: PipelineStoreResource, case: str, headers: dict[str, str], method: str, path: str, status: int
) -> None:
    app = WebhookApp(SECRET, store, now_ms=lambda: NOW_MS)
    got, answer_headers, answer, reads = asgi_call(app, headers, method=method, path=path)
    assert got == status, case
    assert reads == 0, f"{case}: the body was read"
    assert set(answer) == {"error"}
    # A refusal closes the connection: a client cannot park an unsent body on it.
    assert answer_headers["connection"] == "close"
    if status == 401:
        assert answer == {"error": "invalid or expired signature"}


def test_a_body_that_never_comes_gets_408(store: PipelineStoreResource) -> None:
    app = WebhookApp(SECRET, store, now_ms=lambda: NOW_MS, body_timeout=0.2)
    headers = {
        "content-type": "application/json",
        "content-length": "2",
        "x-hubspot-signature-v3": "A" * 43 + "=",
        "x-hubspot-request-timestamp": str(NOW_MS),
    }
    started = time.monotonic()
    status, answer_headers, answer, reads = asgi_call(app, headers)
    assert answer == {"error": "body not received in time"}
    assert status == 408 and reads == 1 and answer_headers["connection"] == "close"
    assert time.monotonic() - started < 2
    # A body that does come within the deadline is read (and here refused: the signature is made up).
    assert asgi_call(app, headers, body_after=0.05)[0] == 401


def test_chunked_bodies_are_counted_as_they_arrive(store: PipelineStoreResource) -> None:
    app = WebhookApp(SECRET, store, now_ms=lambda: NOW_MS, max_body_bytes=4096)
    body = json.dumps([event("chunked-1")]).encode()
    headers = signed(body, f"http://{HOST}{PATH}", NOW_MS)

    def chunks(data: bytes) -> Iterator[bytes]:  # a generator body goes out chunked, with no length
        for start in range(0, len(data), 100):
            yield data[start : start + 100]

    with TestClient(app, base_url=f"http://{HOST}") as client:
        answer = client.post(PATH, content=chunks(body), headers=headers)
        assert answer.status_code == 200 and answer.json()["accepted"] == ["chunked-1"]
        padded = json.dumps([event("big", form_id="f" * 5000)]).encode()
        big = client.post(
            PATH, content=chunks(padded), headers=signed(padded, f"http://{HOST}{PATH}", NOW_MS)
        )
        assert big.status_code == 413 and big.headers["connection"] == "close"
    assert sorted(store.actions.entries(WEBHOOK_KIND)["key"]) == ["chunked-1"]


# --- signed bodies it cannot read: 400, never 500 ---------------------------------------------------


def nested(depth: int) -> bytes:
    """A valid event whose `extra` field nests arrays until the body is `depth` levels deep."""
    inner = "[" * (depth - 1) + "]" * (depth - 1)
    return json.dumps(event("deep")).encode()[:-1] + b', "extra": ' + inner.encode() + b"}"


@pytest.mark.parametrize(
    ("case", "body", "error"),
    [
        ("not JSON", b"{not json", "body is not JSON"),
        ("empty", b"", "body is not JSON"),
        ("not UTF-8", b'{"formId": "\xff\xfe"}', "body is not UTF-8"),
        ("Latin-1", '{"formId": "caf\u00e9"}'.encode("latin-1"), "body is not UTF-8"),
        ("one level too deep", nested(MAX_JSON_DEPTH + 1), f"body nests deeper than {MAX_JSON_DEPTH} levels"),
        (
            "100,000 levels deep",
            b"[" * 100_000 + b"]" * 100_000,
            f"body nests deeper than {MAX_JSON_DEPTH} levels",
        ),
        (
            "deep objects",
            b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
            f"body nests deeper than {MAX_JSON_DEPTH} levels",
        ),
        ("a string", b'"nonsense"', "body is not an event or an array of events"),
        ("a number", b"42", "body is not an event or an array of events"),
        ("null", b"null", "body is not an event or an array of events"),
        ("NaN", b'{"formId": "f", "submittedAt": NaN}', "body is not JSON"),
        (
            "a 10,000-digit number",
            b'{"formId": "f", "submittedAt": ' + b"9" * 10_000 + b"}",
            "body is not JSON",
        ),
    ],
)
def test_signed_bodies_it_cannot_read_get_400(
    store: PipelineStoreResource, case: str, body: bytes, error: str
) -> None:
    app = WebhookApp(SECRET, store, now_ms=lambda: NOW_MS)
    status, answer = call(app, body)
    assert status.startswith("400"), case
    assert answer == {"error": error}, case
    assert store.actions.entries(WEBHOOK_KIND).empty and store.actions.entries(REJECTED_KIND).empty


def test_odd_events_are_kept_as_rejected_not_a_500(store: PipelineStoreResource) -> None:
    app = WebhookApp(SECRET, store, now_ms=lambda: NOW_MS)
    body = (
        b"["
        + json.dumps(event("ok-1")).encode()
        + b","
        + json.dumps(event("far-future", submitted_at=10**20)).encode()
        + rb',{"formId": "f", "conversionId": "\ud800"}'
        + b","
        + nested(MAX_JSON_DEPTH - 1)
        + b"]"
    )
    status, answer = call(app, body)
    assert status.startswith("200")
    # Exactly MAX_JSON_DEPTH levels (the array around the events adds one) is still read.
    assert answer["accepted"] == ["deep", "ok-1"]
    assert sorted(r["reason"] for r in answer["rejected"]) == [
        "event holds text that is not valid Unicode",
        "submittedAt is not a date",
    ]
    assert len(store.actions.entries(REJECTED_KIND)) == 2


def test_json_depth_is_counted_outside_strings_only() -> None:
    assert not json_depth_exceeds('{"a": "[[[[[[[[[["}', limit=1)
    # An escaped quote does not end a string; an escaped backslash does not escape the quote after it.
    assert not json_depth_exceeds(r'{"a": "\\", "b": "\"[[[["}', limit=1)
    assert json_depth_exceeds(r'{"a": "\\", "b": [[]]}', limit=2)
    assert not json_depth_exceeds(r'{"a": "\\\"]]]]{{{{"}', limit=1)
    assert not json_depth_exceeds("[" * 32 + "]" * 32)
    assert json_depth_exceeds("[" * 33 + "]" * 33)


def test_a_public_url_is_what_is_signed(store: PipelineStoreResource) -> None:
    public = "https://hooks.example.org/relay"
    app = WebhookApp(SECRET, store, now_ms=lambda: NOW_MS, public_url=public + "/")
    body = json.dumps(event("behind-proxy")).encode()
    with TestClient(app, base_url=f"http://{HOST}") as client:
        ok = client.post(PATH, content=body, headers=signed(body, public + PATH, NOW_MS))
        assert ok.status_code == 200 and ok.json()["accepted"] == ["behind-proxy"]
        local = client.post(PATH, content=body, headers=signed(body, f"http://{HOST}{PATH}", NOW_MS))
        assert local.status_code == 401


# --- the real server: uvicorn on a socket ------------------------------------------------------------


@contextlib.contextmanager
def running(app: WebhookApp, **limits: Any) -> Iterator[str]:
    """The intake served by uvicorn on a free port in a thread; yields its base URL."""
    server = build_server(app, "127.0.0.1", 0, **limits)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def server(store: PipelineStoreResource) -> Iterator[str]:
    with running(WebhookApp(SECRET, store)) as base:
        yield base


@pytest.mark.server
def test_through_a_real_socket(server: str, store: PipelineStoreResource) -> None:
    base = server
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


# --- the real server cannot be stalled ------------------------------------------------------------------


def raw_exchange(base: str, data: bytes, *, timeout: float = 10.0) -> tuple[int, float]:
    """Send `data` on a fresh socket and read until the server closes: (status, seconds to the answer)."""
    host, port = base.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                answer += chunk
    return int(answer.split(b" ", 2)[1]), time.monotonic() - started


def head(base: str, headers: dict[str, str]) -> bytes:
    host = base.removeprefix("http://")
    lines = [f"POST {PATH} HTTP/1.1", f"Host: {host}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@pytest.mark.server
def test_the_real_server_cannot_be_stalled(store: PipelineStoreResource) -> None:
    """(a) idle and slow clients do not delay a valid delivery, and are closed at the head deadline;
    (b) a deeply nested signed body gets 400; (c) a refusal comes before the body: a declared body that
    is never sent does not delay it; (d) an over-limit body gets 413, declared or chunked."""
    # The body deadline is well above the "prompt" bound below, so a refusal that waited for it would show.
    header_timeout, body_timeout, limit = 1.0, 2.0, 64 * 1024
    app = WebhookApp(SECRET, store, body_timeout=body_timeout, max_body_bytes=limit)
    with running(app, header_timeout=header_timeout) as base:
        url = base + PATH
        host, port = base.removeprefix("http://").split(":")

        def deliver(conversion_id: str, body: bytes | None = None) -> tuple[httpx.Response, float]:
            now = int(time.time() * 1000)
            body = body or json.dumps(event(conversion_id, submitted_at=now)).encode()
            with httpx.Client(timeout=10) as client:  # a new connection; the client's set-up is not timed
                started = time.monotonic()
                response = client.post(url, content=body, headers=signed(body, url, now))
                return response, time.monotonic() - started

        baseline, baseline_s = deliver("alone")
        assert baseline.status_code == 200

        # (a) 50 sockets that connect and send nothing, 5 that send a header line every 0.2 s.
        idle = [socket.create_connection((host, int(port)), timeout=5) for _ in range(50)]
        slow = [socket.create_connection((host, int(port)), timeout=5) for _ in range(5)]
        stop = threading.Event()

        def trickle() -> None:
            for sock in slow:
                sock.sendall(f"POST {PATH} HTTP/1.1\r\n".encode())
            while not stop.wait(0.2):
                for sock in slow:
                    with contextlib.suppress(OSError):
                        sock.sendall(b"X-Slow: 1\r\n")

        trickler = threading.Thread(target=trickle, daemon=True)
        opened = time.monotonic()
        trickler.start()
        time.sleep(0.2)
        crowded, crowded_s = deliver("crowded")
        assert crowded.status_code == 200 and crowded.json()["accepted"] == ["crowded"]
        assert crowded_s < 2.0, f"a valid delivery took {crowded_s:.3f} s with 55 idle or slow sockets open"

        # The head deadline closes every one of them, the trickling ones included.
        closed_after: list[float] = []
        for sock in idle + slow:
            with contextlib.suppress(ConnectionResetError):
                assert sock.recv(1024) == b""
            closed_after.append(time.monotonic() - opened)
            sock.close()
        stop.set()
        trickler.join(timeout=5)
        assert max(closed_after) < header_timeout + 2.0

        # (b) a deeply nested, correctly signed body: 400, not 500.
        deep, _ = deliver("deep", b"[" * 30_000 + b"]" * 30_000)
        assert deep.status_code == 400 and deep.json() == {"error": "body nests deeper than 32 levels"}

        # (c) a request that announces 60,000 bytes and sends none: refused from its headers alone.
        now = int(time.time() * 1000)
        announced = {"Content-Type": "application/json", "Content-Length": "60000"}
        stale = {**announced, "X-HubSpot-Signature-v3": "A" * 43 + "=", "X-HubSpot-Request-Timestamp": "1"}
        stale_status, stale_s = raw_exchange(base, head(base, stale))
        garbage = {**announced, "X-HubSpot-Signature-v3": "forged", "X-HubSpot-Request-Timestamp": str(now)}
        garbage_status, garbage_s = raw_exchange(base, head(base, garbage))
        assert (stale_status, garbage_status) == (401, 401)
        assert max(stale_s, garbage_s) < 1.0
        # A well-formed signature can only be checked against the body: that wait ends at the body deadline.
        plausible = {**garbage, "X-HubSpot-Signature-v3": "A" * 43 + "="}
        waited_status, waited_s = raw_exchange(base, head(base, plausible))
        assert waited_status == 408 and body_timeout <= waited_s < body_timeout + 1.5

        # (d) over the limit: announced (refused before reading), or chunked (cut off at the limit).
        over = {**plausible, "Content-Length": str(limit + 1)}
        over_status, over_s = raw_exchange(base, head(base, over))
        assert over_status == 413 and over_s < 1.0
        chunked = {k: v for k, v in over.items() if k != "Content-Length"} | {"Transfer-Encoding": "chunked"}
        chunk = b"%x\r\n" % 16384 + b" " * 16384 + b"\r\n"
        chunked_status, chunked_s = raw_exchange(base, head(base, chunked) + chunk * 5)
        assert chunked_status == 413 and chunked_s < 1.0

        after, after_s = deliver("after")
        assert after.status_code == 200
    assert sorted(store.actions.entries(WEBHOOK_KIND)["key"]) == ["after", "alone", "crowded"]
    print(
        f"\nwebhook intake: delivery alone {baseline_s * 1000:.1f} ms; with 50 idle + 5 slow-header sockets "
        f"{crowded_s * 1000:.1f} ms; those 55 closed {min(closed_after):.2f}-{max(closed_after):.2f} s after "
        f"opening (head deadline {header_timeout} s); 401 before the body {stale_s * 1000:.1f} ms (stale) "
        f"/ {garbage_s * 1000:.1f} ms (malformed); body never sent -> 408 after {waited_s:.2f} s; "
        f"413 declared {over_s * 1000:.1f} ms, chunked {chunked_s * 1000:.1f} ms; delivery after "
        f"{after_s * 1000:.1f} ms"
    )


@pytest.mark.server
def test_silent_sockets_cannot_hold_the_concurrency_limit(store: PipelineStoreResource) -> None:
    """Sockets that fill `limit_concurrency` make uvicorn answer 503 (HubSpot retries); the head deadline
    frees the slots, so the next delivery succeeds instead of the intake staying shut."""
    with running(WebhookApp(SECRET, store), header_timeout=0.5, limit_concurrency=10) as base:
        url = base + PATH
        host, port = base.removeprefix("http://").split(":")
        squatters = [socket.create_connection((host, int(port)), timeout=5) for _ in range(10)]
        time.sleep(0.1)
        now = int(time.time() * 1000)
        body = json.dumps(event("squeezed", submitted_at=now)).encode()
        assert httpx.post(url, content=body, headers=signed(body, url, now), timeout=10).status_code == 503
        opened = time.monotonic()
        for sock in squatters:
            with contextlib.suppress(ConnectionResetError):
                assert sock.recv(1024) == b""
            sock.close()
        freed_after = time.monotonic() - opened
        now = int(time.time() * 1000)
        body = json.dumps(event("freed", submitted_at=now)).encode()
        freed = httpx.post(url, content=body, headers=signed(body, url, now), timeout=10)
        assert freed.status_code == 200 and freed.json()["accepted"] == ["freed"]
    print(
        "\nwebhook intake: 10 silent sockets at limit_concurrency=10 -> 503; "
        f"slots freed after {freed_after:.2f} s (head deadline 0.5 s)"
    )
