"""The sandbox's chaos faults: `lose_response_next` (the write is committed, billed and counted, then the
answer is lost) and `kill_after` (the process serving the simulator exits right after the N-th matching
write), set in the state file so a job in another process obeys them, from tests and from the CLI."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import httpx2
import pytest

from resources.sandbox import SANDBOX_API_KEY, Sandbox
from resources.sandbox.__main__ import main as sandbox_cli
from resources.sandbox.app import endpoint_matches
from resources.sandbox.server import SandboxServer
from resources.sandbox.transport import SandboxTransport, SandboxTransport2

COMPANIES_CREATE = "POST /crm/objects/2026-09/companies/batch/create"
HUBSPOT_BATCH_CREATE = "POST /crm/objects/2026-09/{objectType}/batch/create"
LEMLIST_AUTH = httpx.BasicAuth("", SANDBOX_API_KEY)


def _hubspot(sandbox: Sandbox) -> httpx.Client:
    return httpx.Client(
        transport=SandboxTransport(sandbox),
        base_url="https://api.hubapi.com",
        headers={"authorization": f"Bearer {SANDBOX_API_KEY}"},
        timeout=5.0,
    )


def _create_company(client: httpx.Client, domain: str) -> httpx.Response:
    body = {"inputs": [{"properties": {"name": domain.split(".")[0].title(), "domain": domain}}]}
    return client.post("/crm/objects/2026-09/companies/batch/create", json=body)


def _calls(sandbox: Sandbox, vendor: str, endpoint: str) -> int:
    return sum(u.calls for u in sandbox.store.usage(vendor) if u.endpoint == endpoint)


def test_endpoint_filter_globs_the_ledger_name_or_the_concrete_path() -> None:
    assert endpoint_matches("", HUBSPOT_BATCH_CREATE, COMPANIES_CREATE)
    assert endpoint_matches(HUBSPOT_BATCH_CREATE, HUBSPOT_BATCH_CREATE, COMPANIES_CREATE)
    assert endpoint_matches("POST */companies/batch/create", HUBSPOT_BATCH_CREATE, COMPANIES_CREATE)
    assert not endpoint_matches("POST */notes/batch/create", HUBSPOT_BATCH_CREATE, COMPANIES_CREATE)
    assert not endpoint_matches("GET *", HUBSPOT_BATCH_CREATE, COMPANIES_CREATE)


def test_a_lost_response_commits_the_write_and_times_the_client_out(sandbox: Sandbox) -> None:
    sandbox.store.set_faults(
        "hubspot", lose_response_next=1, lose_response_endpoint="POST */companies/batch/create"
    )
    with _hubspot(sandbox) as client:
        # Another endpoint is answered, and does not take the counter.
        contact = {"inputs": [{"properties": {"email": "ada@lost.example"}, "id": "ada@lost.example"}]}
        upsert = client.post(
            "/crm/objects/2026-09/contacts/batch/upsert",
            json={"inputs": [{**contact["inputs"][0], "idProperty": "email"}]},
        )
        assert upsert.status_code in (200, 201), upsert.text
        assert sandbox.store.faults("hubspot").lose_response_next == 1

        with pytest.raises(httpx.ReadTimeout):
            _create_company(client, "lost-answer.example")
        # Processed completely: the company exists, the ledger counts the call as a success.
        assert len(sandbox.store.find("hubspot.companies", "lost-answer.example")) == 1
        assert _calls(sandbox, "hubspot", HUBSPOT_BATCH_CREATE) == 1
        assert sandbox.store.faults("hubspot").lose_response_next == 0

        # The counter is spent: the client's retry is answered, and it writes a second company.
        assert _create_company(client, "lost-answer.example").status_code in (200, 201)
    assert len(sandbox.store.find("hubspot.companies", "lost-answer.example")) == 2


def test_a_lost_claude_answer_is_billed_and_raises_the_httpx2_read_timeout(sandbox: Sandbox) -> None:
    sandbox.store.set_faults("anthropic", lose_response_next=1, lose_response_endpoint="POST /v1/messages")
    body = {
        "model": "claude-haiku-4-5",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "Say hello."}],
    }
    headers = {"authorization": f"Bearer {SANDBOX_API_KEY}", "anthropic-version": "2023-06-01"}
    with (
        httpx2.Client(transport=SandboxTransport2(sandbox), timeout=5.0) as client,
        pytest.raises(httpx2.ReadTimeout),
    ):
        client.post("https://api.anthropic.com/v1/messages", json=body, headers=headers)
    (usage,) = [u for u in sandbox.store.usage("anthropic") if u.endpoint == "POST /v1/messages"]
    assert usage.calls == 1 and usage.errors == 0 and usage.input_tokens > 0 and usage.output_tokens > 0


def test_the_socket_server_closes_the_connection_without_answering(sandbox: Sandbox) -> None:
    sandbox.store.set_faults("lemlist", lose_response_next=1, lose_response_endpoint="POST /api/campaigns")
    with SandboxServer(sandbox) as server, httpx.Client(auth=LEMLIST_AUTH, timeout=5.0) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(f"{server.url}/lemlist/api/campaigns", json={"name": "Answer lost"})
        names = [c["name"] for c in client.get(f"{server.url}/lemlist/api/campaigns").json()]
    assert names.count("Answer lost") == 1


_KILLED_JOB = textwrap.dedent(
    """
    import sys

    import httpx

    from resources.sandbox import SANDBOX_API_KEY, Sandbox
    from resources.sandbox.transport import SandboxTransport

    sandbox = Sandbox.at(sys.argv[1])
    with httpx.Client(
        transport=SandboxTransport(sandbox),
        base_url="https://api.lemlist.com",
        auth=httpx.BasicAuth("", SANDBOX_API_KEY),
    ) as client:
        for n in range(1, 4):
            client.post("/api/campaigns", json={"name": f"chaos {n}"}).raise_for_status()
            print(f"created {n}", flush=True)
    """
)


def test_kill_after_ends_the_process_right_after_the_nth_write(sandbox: Sandbox, sandbox_path: Path) -> None:
    # Set through the CLI, as an operator would: the counter lives in the state file the child opens.
    assert (
        sandbox_cli(
            [
                "--state",
                str(sandbox_path),
                "faults",
                "lemlist",
                "kill_after=2",
                "kill_after_endpoint=POST /api/campaigns",
            ]
        )
        == 0
    )
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_JOB, str(sandbox_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 75, child.stderr
    # Killed after the second write was committed, before its answer reached the client.
    assert child.stdout.split() == ["created", "1"]
    assert "kill_after fired on lemlist POST /api/campaigns" in child.stderr
    names = [c["name"] for c in sandbox.store.all("lemlist.campaigns")]
    assert {"chaos 1", "chaos 2"} <= set(names) and "chaos 3" not in names
    assert _calls(sandbox, "lemlist", "POST /api/campaigns") == 2
    assert sandbox.store.faults("lemlist").kill_after == 0
