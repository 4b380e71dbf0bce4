"""`HubSpotBaseClient`: the HTTP-sending core every HubSpot API area builds on.

What belongs here: HubSpot's base URL, API versions and how a versioned path is spelt, its Bearer auth, the
client-side limits (general and search), how many batch calls go out at once (`_each_chunk`), and how its
error bodies, 429 policies and per-record batch errors read. Retries, timeouts and the limiters themselves
come from `resources.http`. Endpoints belong in the area modules (`objects.py`, `search.py`,
`associations.py`, `properties.py`, `forms.py`, `account.py`), which `client.py` composes.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx

from resources.errors import ServerError, VendorError
from resources.http import HttpPolicy, RateLimit, VendorHttpClient, parse_retry_after
from resources.hubspot.models import RecordError

DEFAULT_BASE_URL = "https://api.hubapi.com"

#: The API version a client uses unless told otherwise: HubSpot's current date version. HubSpot files the
#: v1-v3 CRM paths as legacy: they become unsupported in September 2027, and associations v4 on 2027-03-30
#: (changelog "legacy APIs and legacy apps: what's going unsupported and when"). The date versions
#: (`/crm/objects/2026-09/...`, since 2026-03-30) replace both. `HubSpotResource.crm_version` overrides it.
DEFAULT_CRM_VERSION = "2026-09"
#: The legacy version: CRM objects, properties and owners v3, account info and communication preferences v3,
#: with associations v4 (the v3 associations API is older still).
LEGACY_CRM_VERSION = "v3"
_DATE_VERSION = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


#: Professional and Enterprise: 190 requests per 10 s per app (Free/Starter: 100). The extra 0.1 s of window
#: keeps clock skew between us and HubSpot from pushing a burst over.
DEFAULT_LIMIT = RateLimit("hubspot", 190, 10.1)
#: Search has its own bucket: the 2021 changelog says 4/s per token, current docs 5/s per account. 4 is the
#: defensive reading.
DEFAULT_SEARCH_LIMIT = RateLimit("hubspot.search", 4, 1.05)

#: How long to wait on a 429 that carries no Retry-After, by HubSpot's `policyName` (the official Node SDK
#: waits 10 s on TEN_SECONDLY_ROLLING and 1 s on the search "secondly" limit).
TEN_SECONDLY_WAIT = 10.0
SECONDLY_WAIT = 1.0
#: The daily limit resets at midnight in the account's time zone: nothing a retry inside a step can wait
#: out, so it is reported as a day, longer than any policy's `max_retry_after`, and the policy gives up.
DAILY_WAIT = 86_400.0

T = TypeVar("T")
R = TypeVar("R")

#: Batch calls in flight at once per client (see `_each_chunk`); the rate limiter still paces them.
DEFAULT_CONCURRENCY = 6


def check_crm_version(version: str) -> str:
    """`version` if it is `v3` or a date version `YYYY-MM`; otherwise a ValueError saying what is accepted."""
    text = str(version).strip()
    if text == LEGACY_CRM_VERSION or _DATE_VERSION.fullmatch(text):
        return text
    raise ValueError(
        f"HubSpot crm_version must be {LEGACY_CRM_VERSION!r} (the legacy v3/v4 paths) or a date version "
        f"'YYYY-MM' such as {DEFAULT_CRM_VERSION!r}; got {version!r}"
    )


def crm_path(area: str, rest: str = "", *, version: str) -> str:
    """A CRM path: `/crm/v3/objects/contacts` for vN versions, `/crm/objects/2026-09/contacts` for dates
    (the date versions put the version after the area instead of before it)."""
    if version.startswith("v"):
        return f"/crm/{version}/{area}{rest}"
    return f"/crm/{area}/{version}{rest}"


def in_chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def offset_chunks(items: Sequence[T], size: int) -> Iterator[tuple[int, Sequence[T]]]:
    for start in range(0, len(items), size):
        yield start, items[start : start + size]


def json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        return None


def text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


class HubSpotBaseClient(VendorHttpClient):
    """One httpx client for HubSpot in one API version (`crm_version`: `v3` or a date such as `2026-09`):
    auth, limits, versioned paths, batch concurrency and HubSpot's error reading. No endpoints of its own."""

    vendor = "hubspot"
    key_variable = "HUBSPOT_ACCESS_TOKEN"

    def __init__(
        self,
        access_token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        policy: HttpPolicy | None = None,
        limits: Sequence[RateLimit] | None = None,
        search_limits: Sequence[RateLimit] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_concurrency: int = DEFAULT_CONCURRENCY,
        crm_version: str = DEFAULT_CRM_VERSION,
    ) -> None:
        self.crm_version = check_crm_version(crm_version)
        #: Associations are v4 next to the legacy v3; a date version covers every area, associations included.
        self.associations_version = "v4" if self.crm_version == LEGACY_CRM_VERSION else self.crm_version
        super().__init__(
            base_url=base_url,
            policy=policy or HttpPolicy(),
            limits=limits if limits is not None else (DEFAULT_LIMIT,),
            headers={"authorization": f"Bearer {access_token}"},
            transport=transport,
            sleep=sleep,
        )
        self.search_limits = tuple(search_limits) if search_limits is not None else (DEFAULT_SEARCH_LIMIT,)
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self.max_concurrency = max_concurrency

    # --- versioned paths --------------------------------------------------------------------------------
    # Marketing forms (`/marketing/v3/forms`), the legacy form submissions (`/form-integrations/v1/...`) and
    # the public hsforms submit endpoint have no date-versioned document: they keep their own paths.

    def _crm(self, area: str, rest: str = "") -> str:
        """A path of a CRM area (objects, properties, owners) in this client's version."""
        return crm_path(area, rest, version=self.crm_version)

    def _associations(self, area: str, rest: str) -> str:
        """An associations path (`associations` batch routes or `objects/.../associations/...` routes)."""
        return crm_path(area, rest, version=self.associations_version)

    def _api(self, area: str, rest: str) -> str:
        """A path outside `/crm` (account info, communication preferences): `/{area}/{version}{rest}` in
        both the v3 and the date shapes."""
        return f"/{area}/{self.crm_version}{rest}"

    def _each_chunk(self, chunks: Sequence[T], send: Callable[[T], R]) -> list[R]:
        """`send` every chunk, up to `max_concurrency` at a time, results in chunk order.

        A batch call spends most of its time waiting on HubSpot (hundreds of milliseconds); one at a time,
        a large sync would run far under the rate limit. The process-wide limiter still decides when each
        request may go, so concurrency only fills the window, never exceeds it.
        """
        if len(chunks) <= 1 or self.max_concurrency == 1:
            return [send(chunk) for chunk in chunks]
        with ThreadPoolExecutor(max_workers=min(self.max_concurrency, len(chunks))) as pool:
            return list(pool.map(send, chunks))

    def _record_errors(
        self,
        raw: Mapping[str, Any],
        keys: Mapping[str, str],
        positions: Mapping[str, int],
        correlation_id: str | None,
    ) -> list[RecordError]:
        """One `RecordError` per input a 207 StandardError names (by trace id, else by `context.ids`)."""
        context = {
            str(k): [str(x) for x in (v if isinstance(v, list) else [v])]
            for k, v in (raw.get("context") or {}).items()
        }
        common: dict[str, Any] = {
            "status": str(raw["status"]) if raw.get("status") is not None else None,
            "category": str(raw.get("category") or "UNKNOWN"),
            "sub_category": text_or_none(raw.get("subCategory")),
            "message": str(raw.get("message") or ""),
            "correlation_id": raw.get("correlationId") or correlation_id,
            "context": context,
            "details": [dict(e) for e in raw.get("errors") or [] if isinstance(e, Mapping)],
        }
        traces = context.get("objectWriteTraceId") or []
        if traces:
            return [RecordError(id=keys.get(t), trace_id=t, index=positions.get(t), **common) for t in traces]
        ids = context.get("ids") or []
        if not ids and context.get("fromObjectId"):
            # Association errors name both ends of a pair, or only the record a batch read asked about.
            to_ids = context.get("toObjectId") or []
            if to_ids:
                ids = [f"{f}->{t}" for f, t in zip(context["fromObjectId"], to_ids, strict=False)]
            else:
                ids = list(context["fromObjectId"])
        if ids:
            return [RecordError(id=i, **common) for i in ids]
        return [RecordError(**common)]

    def _paged_get(
        self, path: str, params: Mapping[str, Any], *, endpoint: str | None = None
    ) -> Iterator[dict[str, Any]]:
        after: str | None = None
        while True:
            data = self.request("GET", path, endpoint=endpoint, params={**params, "after": after}).json()
            yield from data.get("results") or []
            after = ((data.get("paging") or {}).get("next") or {}).get("after")
            if not after or not data.get("results"):
                return

    # --- error hooks ----------------------------------------------------------------------------------

    def _error_details(self, response: httpx.Response) -> tuple[str, str | None]:
        """HubSpot's error body: {status, message, correlationId, category, subCategory, errors, context}."""
        correlation = response.headers.get("x-hubspot-correlation-id")
        body = json_or_none(response)
        if not isinstance(body, Mapping):
            return super()._error_details(response)[0], correlation
        message = str(body.get("message") or response.reason_phrase or "error")
        category = body.get("category")
        parts = [f"{category}: {message}" if category else message]
        sub = text_or_none(body.get("subCategory"))
        if sub:
            parts.append(f"({sub})")
        scopes: list[str] = []
        for item in body.get("errors") or []:
            if not isinstance(item, Mapping):
                continue
            ctx = item.get("context") or {}
            for key in ("requiredGranularScopes", "requiredScopes"):
                scopes.extend(str(s) for s in ctx.get(key) or [])
            detail = item.get("message")
            if detail and detail != message and not scopes:
                parts.append(f"- {detail}")
        if scopes:
            parts.append(f"- required scopes: {', '.join(dict.fromkeys(scopes))}")
        return " ".join(parts)[:1000], body.get("correlationId") or correlation

    def _retry_after(self, response: httpx.Response) -> float | None:
        """Seconds to wait on a 429/5xx, by HubSpot's 429 `policyName` when no Retry-After came."""
        body = json_or_none(response)
        policy = str(body.get("policyName") or "").upper() if isinstance(body, Mapping) else ""
        message = str(body.get("message") or "").lower() if isinstance(body, Mapping) else ""
        if response.status_code == 429 and (policy == "DAILY" or "daily limit" in message):
            return DAILY_WAIT
        header = parse_retry_after(response.headers.get("retry-after"))
        if header is not None:
            return header
        if response.status_code != 429:
            return None
        if policy == "TEN_SECONDLY_ROLLING" or "ten_secondly" in message:
            return TEN_SECONDLY_WAIT
        if policy == "SECONDLY" or "secondly limit" in message:
            return SECONDLY_WAIT
        return None

    def _error_from_response(self, response: httpx.Response, endpoint: str) -> VendorError:
        # 423 Locked (retry about 2 s later) and 477 Migration in progress come from third-party notes only;
        # retrying them is harmless, failing a run on them is not.
        if response.status_code in (423, 477):
            message, correlation_id = self._error_details(response)
            return ServerError(
                message,
                retry_after=self._retry_after(response) or 2.0,
                vendor=self.vendor,
                endpoint=endpoint,
                status_code=response.status_code,
                correlation_id=correlation_id,
                body=json_or_none(response),
            )
        return super()._error_from_response(response, endpoint)
