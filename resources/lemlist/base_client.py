"""`LemlistBaseClient`: the HTTP-sending core every lemlist API area builds on.

What belongs here: lemlist's base URL, auth and rate limit, how a request is sent and its body read, the
two pagination walks, and how its error bodies and rate-limit headers read. Retries, timeouts and the
limiter come from `resources.http`. Endpoints belong in the area modules (`campaigns.py`, `leads.py`,
`activities.py`, `unsubscribes.py`), which `client.py` composes.

lemlist quirks handled here:
- Auth is HTTP Basic with an EMPTY user name and the key as password (not a bearer token).
- One limit, 20 requests per 2 seconds per key, on every route.
- Error bodies are mostly text/plain (`Campaign not found`, `Bad params: ...`), sometimes JSON
  `{error, message}`; both are read.
- `X-RateLimit-Reset` is a JavaScript date string, not seconds: `Retry-After` is read first.
- `GET /campaigns` pages by `page` under `version=v2` (the default); the walk has a loop guard.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from resources.errors import AuthenticationError, VendorError
from resources.http import HttpPolicy, RateLimit, VendorHttpClient, parse_retry_after

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.lemlist.com/api"
#: Documented as 20 requests per 2 s per key; the window is widened a little so that a burst timed on the
#: client never lands as 21 requests inside the server's 2 s.
DEFAULT_LIMIT = RateLimit("lemlist", 20, 2.05)
PAGE_SIZE = 100

DateLike = datetime | str | int | float


class LemlistBaseClient(VendorHttpClient):
    """One httpx client for lemlist: auth, the limit, sending, paging and error reading. No endpoints."""

    vendor = "lemlist"
    key_variable = "LEMLIST_API_KEY"

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        policy: HttpPolicy | None = None,
        limits: Sequence[RateLimit] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            base_url=base_url,
            policy=policy or HttpPolicy(),
            limits=(DEFAULT_LIMIT,) if limits is None else limits,
            auth=("", api_key),
            transport=transport,
            sleep=sleep,
        )

    # --- plumbing ------------------------------------------------------------------------------

    def _get(self, path: str, *, endpoint: str, params: dict[str, Any] | None = None) -> Any:
        return self._send("GET", path, endpoint=endpoint, params=params)

    def _send(
        self,
        method: str,
        path: str,
        *,
        endpoint: str,
        json: Any = None,
        params: dict[str, Any] | None = None,
        idempotent: bool = True,
    ) -> Any:
        response = self.request(
            method, path, endpoint=endpoint, json=json, params=params, idempotent=idempotent
        )
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            # A few lemlist routes answer 200 with a plain string ("Variables unsubscribed").
            return response.text

    def _walk_offset(
        self, path: str, *, endpoint: str, params: dict[str, Any], list_key: str | None = None
    ) -> list[dict[str, Any]]:
        return list(self._iter_offset(path, endpoint=endpoint, params=params, list_key=list_key))

    def _iter_offset(
        self, path: str, *, endpoint: str, params: dict[str, Any], list_key: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Offset pagination: `offset += limit` until a page shorter than the limit. A row whose `_id`
        was already yielded is skipped (rows can shift between requests while the list grows); a full page
        of nothing new means the server is not honouring `offset`, and the walk stops instead of looping."""
        seen: set[str] = set()
        offset = 0
        while True:
            data = self._get(path, endpoint=endpoint, params={**params, "offset": offset, "limit": PAGE_SIZE})
            rows = rows_of(data, list_key)
            fresh = [r for r in rows if _row_key(r) not in seen]
            for row in fresh:
                seen.add(_row_key(row))
                yield row
            if len(rows) < PAGE_SIZE:
                return
            if not fresh:
                logger.warning(
                    "lemlist %s: the page at offset %d only repeats rows already read; stopping the walk",
                    endpoint,
                    offset,
                )
                return
            offset += PAGE_SIZE

    def _walk_pages(
        self, path: str, *, endpoint: str, params: dict[str, Any], list_key: str
    ) -> list[dict[str, Any]]:
        """Page pagination (`page` from 1, `limit` 100) for lemlist's v2 lists.

        lemlist's document shows a bare JSON array; n8n reads a `totalPage` and a third-party doc shows
        `{<list_key>: [...], pagination: {page, limit, totalRecords, currentPage, nextPage, totalPage}}`.
        Both are read. The walk stops on an empty or short page (short against the `limit` the wrapped
        answer echoes, else the one sent), when `pagination` says there is no next page, and, whatever
        the server says, as soon as a page repeats an id already read (a server that ignores `page` would
        otherwise be walked forever): that page's new rows are kept and a warning is logged."""
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        page = 1
        while True:
            data = self._get(path, endpoint=endpoint, params={**params, "page": page, "limit": PAGE_SIZE})
            rows = rows_of(data, list_key)
            repeated = 0
            for row in rows:
                key = _row_key(row)
                if key in seen:
                    repeated += 1
                    continue
                seen.add(key)
                out.append(row)
            if repeated:
                logger.warning(
                    "lemlist %s: page %d repeats %d row(s) already read; stopping the walk with %d rows",
                    endpoint,
                    page,
                    repeated,
                    len(out),
                )
                return out
            if not rows or _last_page(data, page, len(rows)):
                return out
            page += 1

    # --- policy hooks --------------------------------------------------------------------------

    def _error_details(self, response: httpx.Response) -> tuple[str, str | None]:
        """lemlist error bodies: a text/plain sentence, or JSON `{error, message}` / `{ok: false, message}`
        / `{success: false, error: {code, message}}`."""
        text = response.text.strip()
        if "json" in response.headers.get("content-type", "") or text.startswith(("{", '"')):
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, str):
                return body[:500], None
            if isinstance(body, dict):
                error = body.get("error")
                if isinstance(error, dict):
                    error = error.get("message") or error.get("code")
                message = body.get("message")
                parts = [str(p) for p in (error, message) if p]
                if parts:
                    return ": ".join(dict.fromkeys(parts))[:500], None
        return (text[:500] or response.reason_phrase or "error"), None

    def _retry_after(self, response: httpx.Response) -> float | None:
        seconds = parse_retry_after(response.headers.get("retry-after"))
        if seconds is not None:
            return seconds
        return parse_js_date_delay(response.headers.get("x-ratelimit-reset"))

    def _error_from_response(self, response: httpx.Response, endpoint: str) -> VendorError:
        if response.status_code == 400 and "no api key" in response.text.lower():
            message, _ = self._error_details(response)
            return AuthenticationError(
                f"credentials missing: {message}",
                variable=self.key_variable,
                vendor=self.vendor,
                endpoint=endpoint,
                status_code=400,
                body=response.text[:2000],
            )
        return super()._error_from_response(response, endpoint)


_JS_DATE = re.compile(r"^\w{3} (\w{3} \d{1,2} \d{4} \d{2}:\d{2}:\d{2}) GMT([+-]\d{4})")


def parse_js_date_delay(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds until a JavaScript `Date.toString()` value such as
    `Tue Feb 16 2021 09:02:42 GMT+0100 (Central European Standard Time)`."""
    if not value:
        return None
    found = _JS_DATE.match(value.strip())
    if not found:
        return None
    try:
        when = datetime.strptime(f"{found.group(1)} {found.group(2)}", "%b %d %Y %H:%M:%S %z")
    except ValueError:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def _last_page(data: Any, page: int, count: int) -> bool:
    """Whether a page of the `page` walk is the last one: short against the limit, or so says the wrapped
    answer's `pagination` (or a top-level `totalPage`, which is where n8n reads it)."""
    limit = PAGE_SIZE
    if isinstance(data, dict):
        wrapped = data.get("pagination")
        pagination: dict[str, Any] = wrapped if isinstance(wrapped, dict) else data
        echoed = pagination.get("limit")
        if isinstance(echoed, int) and 0 < echoed < PAGE_SIZE:
            limit = echoed
        if "nextPage" in pagination and not pagination["nextPage"]:
            return True
        total = pagination.get("totalPage")
        if isinstance(total, int) and page >= total:
            return True
    return count < limit


def _row_key(row: dict[str, Any]) -> str:
    """A row's identity for the loop guards: its `_id`, else the row itself."""
    ident = row.get("_id")
    return str(ident) if ident is not None else json.dumps(row, sort_keys=True, default=str)


def rows_of(data: Any, key: str | None) -> list[dict[str, Any]]:
    """A page as a list: lemlist mostly answers bare arrays; some versions wrap them in an object."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for k in (key, "data", "results"):
            if k and isinstance(data.get(k), list):
                return data[k]
    return []


def segment(value: str) -> str:
    """One path segment; emails are sent URL-encoded (`a%40b.com`) as lemlist's own `leadUrl` shows."""
    return quote(value, safe="")


def bool_param(value: bool) -> str:
    return "true" if value else "false"


def iso_param(value: DateLike | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC).isoformat().replace("+00:00", "Z")
    return value
