"""The sandbox's HTTP core: request/response types, routing, and the request pipeline every simulator shares.

What belongs here: `SimRequest`/`SimResponse` (framework-neutral, so the same simulator answers an
in-process httpx transport and the socket server), the `route` decorator, and `VendorSimulator`, whose
`handle` runs faults, authentication, server-side rate limits, routing and the usage ledger in that order.
A vendor's own paths, payloads and error bodies belong in its module (`explorium.py`, `hubspot/`,
`lemlist.py`, `claude.py`).
"""

from __future__ import annotations

import fnmatch
import json
import os
import random
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from resources.sandbox import Sandbox

#: Any API key that starts with this is accepted by every simulator; anything else is refused (401).
SANDBOX_KEY_PREFIX = "sandbox"
SANDBOX_API_KEY = "sandbox-key"


class CaseInsensitiveDict(dict[str, str]):
    """Header map with lower-cased keys."""

    def __init__(self, items: Mapping[str, str] | None = None) -> None:
        super().__init__()
        for k, v in (items or {}).items():
            self[k.lower()] = v

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


@dataclass(slots=True)
class SimRequest:
    """One HTTP request as a simulator sees it. `path` is the vendor's own path (e.g. `/crm/v3/...`)."""

    method: str
    path: str
    query_string: str = ""
    headers: CaseInsensitiveDict = field(default_factory=CaseInsensitiveDict)
    body: bytes = b""
    # The client's read timeout when known (in-process transports pass it; the server cannot know).
    read_timeout: float | None = None
    _json: Any = None
    _json_loaded: bool = False

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(self.query_string, keep_blank_values=True)

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        """The body as JSON; raises `BadJson` when it is not."""
        if not self._json_loaded:
            if not self.body:
                self._json = None
            else:
                try:
                    self._json = json.loads(self.body)
                except (ValueError, UnicodeDecodeError) as exc:
                    raise BadJson(str(exc)) from exc
            self._json_loaded = True
        return self._json


class BadJson(Exception):
    """The request body is not valid JSON."""


@dataclass(frozen=True, slots=True)
class Spend:
    """What a call cost, for the usage ledger."""

    credits: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0


@dataclass(slots=True)
class SimResponse:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    spend: Spend | None = None
    # Set when the simulator decided to hang (a timeout fault): the transport turns it into a timeout.
    hang_seconds: float | None = None
    # Set when the request was processed but its answer is lost (`lose_response_next`): the transport times
    # out after `hang_seconds`, the socket server closes the connection without answering.
    lost: bool = False


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None, spend: Spend | None = None
) -> SimResponse:
    return SimResponse(
        status=status,
        body=json.dumps(data, default=str).encode(),
        headers={"content-type": "application/json; charset=utf-8", **(headers or {})},
        spend=spend,
    )


def text_response(text: str, status: int, headers: Mapping[str, str] | None = None) -> SimResponse:
    return SimResponse(
        status=status,
        body=text.encode(),
        headers={"content-type": "text/plain; charset=utf-8", **(headers or {})},
    )


Handler = Callable[..., SimResponse]


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    """Mark a simulator method as the handler of `method pattern`.

    `{name}` matches one path segment, `{name:path}` the rest of the path. The pattern (as written) is
    also the endpoint name in the usage ledger, e.g. `POST /crm/v3/objects/{objectType}/batch/upsert`.
    """

    def mark(fn: Handler) -> Handler:
        routes: list[tuple[str, str]] = getattr(fn, "_routes", [])
        routes.append((method.upper(), pattern))
        fn._routes = routes  # type: ignore[attr-defined]
        return fn

    return mark


def _compile(pattern: str) -> re.Pattern[str]:
    regex = ""
    for part in re.split(r"(\{[^}]+\})", pattern):
        if part.startswith("{") and part.endswith("}"):
            name, _, kind = part[1:-1].partition(":")
            regex += f"(?P<{name}>.+)" if kind == "path" else f"(?P<{name}>[^/]+)"
        else:
            regex += re.escape(part)
    return re.compile(f"^{regex}/?$")


@dataclass(frozen=True, slots=True)
class Bucket:
    """A server-side rate limit: `limit` requests per `window` seconds, keyed per API key by the caller."""

    name: str
    limit: int
    window: float


@dataclass(frozen=True, slots=True)
class BucketState:
    bucket: Bucket
    allowed: bool
    remaining: int
    reset_seconds: float


class VendorSimulator:
    """Base of the four vendor simulators. Subclasses set `vendor`, add `@route` handlers, and override the
    hooks that shape auth, rate limits and error bodies like the real vendor's."""

    vendor: ClassVar[str]
    _routes: ClassVar[list[tuple[str, str, re.Pattern[str], str]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        table: list[tuple[str, str, re.Pattern[str], str]] = []
        for attr in dir(cls):
            fn = getattr(cls, attr, None)
            for method, pattern in getattr(fn, "_routes", []):
                table.append((method, pattern, _compile(pattern), attr))
        # Literal segments win over parameters: sort by the number of parameters, then by length.
        table.sort(key=lambda r: (r[1].count("{"), -len(r[1])))
        cls._routes = table

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.store = sandbox.store
        self.world = sandbox.world
        self._rng = random.Random(f"{self.store.seed}:{self.vendor}:faults")

    # --- hooks a vendor overrides --------------------------------------------------------------

    def api_key(self, req: SimRequest) -> str | None:
        """The API key the request carries, however this vendor expects it."""
        raise NotImplementedError

    def unauthorized(self, req: SimRequest) -> SimResponse:
        return json_response({"message": "unauthorized"}, 401)

    def buckets(self, req: SimRequest, endpoint: str) -> list[Bucket]:
        """The rate-limit windows this request counts against."""
        return []

    def rate_limit_headers(self, states: list[BucketState]) -> dict[str, str]:
        return {}

    def too_many_requests(self, req: SimRequest, state: BucketState, retry_after: float) -> SimResponse:
        return json_response(
            {"message": "rate limited"}, 429, {"retry-after": str(max(1, round(retry_after)))}
        )

    def server_error(self, req: SimRequest, status: int) -> SimResponse:
        return json_response({"message": "internal error"}, status)

    def not_found(self, req: SimRequest) -> SimResponse:
        return json_response({"message": f"no route {req.method} {req.path}"}, 404)

    def bad_json(self, req: SimRequest, error: str) -> SimResponse:
        return json_response({"message": f"invalid JSON body: {error}"}, 400)

    def extra_headers(self, req: SimRequest) -> dict[str, str]:
        """Headers every response of this vendor carries (request ids and the like)."""
        return {}

    # --- the pipeline ------------------------------------------------------------------------

    def match(self, method: str, path: str) -> tuple[str, str, dict[str, str]] | None:
        for m, pattern, regex, attr in self._routes:
            if m != method.upper():
                continue
            found = regex.match(path)
            if found:
                return pattern, attr, found.groupdict()
        return None

    def handle(self, req: SimRequest) -> SimResponse:
        matched = self.match(req.method, req.path)
        endpoint = f"{req.method.upper()} {matched[0]}" if matched else "unmatched"
        faults = self.store.faults(self.vendor)
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000.0)
        if faults.timeout_next and self.store.consume_fault(self.vendor, "timeout_next"):
            self.store.record_call(self.vendor, endpoint, error=True)
            return SimResponse(status=504, hang_seconds=60.0)

        response = self._answer(req, matched, endpoint, faults)
        response.headers.update(self.extra_headers(req))
        spend = response.spend or Spend()
        charge = self.store.record_call(
            self.vendor,
            endpoint,
            error=response.status >= 400,
            credits=spend.credits,
            input_tokens=spend.input_tokens,
            output_tokens=spend.output_tokens,
            cache_read_tokens=spend.cache_read_tokens,
            cache_write_tokens=spend.cache_write_tokens,
            delivered=False,
        )
        if matched is not None and response.status < 400 and (faults.kill_after or faults.lose_response_next):
            self._after_commit(req, endpoint, faults, response)
        # A charge counts as delivered once its answer leaves the simulator: a lost answer, or a process
        # ended (by `kill_after`, in this or another thread) before it got here, leaves it undelivered.
        if not response.lost:
            self.store.mark_delivered(charge)
        return response

    def _after_commit(self, req: SimRequest, endpoint: str, faults: Any, response: SimResponse) -> None:
        """The chaos faults, once the request is processed and recorded: crash the serving process after the
        N-th matching write (`kill_after`), or lose this answer (`lose_response_next`). See `Faults`."""
        concrete = f"{req.method.upper()} {req.path}"
        if faults.kill_after and endpoint_matches(faults.kill_after_endpoint, endpoint, concrete):
            left = self.store.count_down(self.vendor, "kill_after")
            if left == 0:
                # Written straight to the file descriptor: logging handlers may not flush before _exit.
                os.write(2, f"sandbox: kill_after fired on {self.vendor} {concrete}\n".encode())
                os._exit(int(faults.kill_exit_code))
        if (
            faults.lose_response_next
            and endpoint_matches(faults.lose_response_endpoint, endpoint, concrete)
            and self.store.consume_fault(self.vendor, "lose_response_next")
        ):
            response.hang_seconds = max(0.0, float(faults.lose_response_seconds))
            response.lost = True

    def _answer(
        self,
        req: SimRequest,
        matched: tuple[str, str, dict[str, str]] | None,
        endpoint: str,
        faults: Any,
    ) -> SimResponse:
        key = self.api_key(req)
        if not key or not key.startswith(SANDBOX_KEY_PREFIX):
            return self.unauthorized(req)

        states: list[BucketState] = []
        for bucket in self.buckets(req, endpoint):
            allowed, remaining, reset = self.store.hit(
                f"{self.vendor}:{bucket.name}:{key}", bucket.limit, bucket.window
            )
            state = BucketState(bucket, allowed, remaining, reset)
            states.append(state)
            if not allowed:
                response = self.too_many_requests(req, state, reset)
                response.headers.update(self.rate_limit_headers(states))
                return response
        limit_headers = self.rate_limit_headers(states)

        if faults.rate_limit_next and self.store.consume_fault(self.vendor, "rate_limit_next"):
            state = BucketState(Bucket("storm", 1, faults.rate_limit_retry_after), False, 0, 0.0)
            return self.too_many_requests(req, state, faults.rate_limit_retry_after)
        if faults.server_error_next and self.store.consume_fault(self.vendor, "server_error_next"):
            return self.server_error(req, faults.server_error_status)
        if faults.server_error_rate and self._rng.random() < faults.server_error_rate:
            return self.server_error(req, faults.server_error_status)

        if matched is None:
            return self.not_found(req)
        _, attr, params = matched
        try:
            response = getattr(self, attr)(req, **params)
        except BadJson as exc:
            response = self.bad_json(req, str(exc))
        response.headers.update({k: v for k, v in limit_headers.items() if k not in response.headers})
        return response


def endpoint_matches(pattern: str, endpoint: str, concrete: str) -> bool:
    """Whether a fault's endpoint filter selects a request: an empty filter selects every request; else a
    glob (`fnmatch`, case-sensitive) on the ledger endpoint name (`POST /api/campaigns/{campaignId}/leads`)
    or on the method and concrete path (`POST /crm/objects/2026-09/tasks/batch/create`)."""
    if not pattern:
        return True
    return fnmatch.fnmatchcase(endpoint, pattern) or fnmatch.fnmatchcase(concrete, pattern)


def new_uuid(seed: str | None = None) -> str:
    """A uuid4-shaped id; deterministic when `seed` is given."""
    if seed is None:
        return str(uuid.uuid4())
    return str(uuid.UUID(bytes=random.Random(seed).randbytes(16), version=4))
