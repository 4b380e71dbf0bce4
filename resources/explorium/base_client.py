"""`ExploriumBaseClient`: the HTTP-sending core every Explorium API area builds on.

What belongs here: Explorium's base URL, `api_key` header and rate limit, how a POST is sent and its
`credit_usage` read, the page-mode fetch walk, batching helpers, and how its error bodies read. Retries,
timeouts and the limiter come from `resources.http`. Endpoints belong in the area modules
(`businesses.py`, `prospects.py`, `account.py`), which `client.py` composes. Every request asks for
`credit-usage: true`, so each result carries the credits it cost.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from resources.errors import InsufficientCreditsError, VendorError
from resources.explorium.filters import BusinessFilters, ProspectFilters
from resources.explorium.models import (
    MAX_FETCH_SIZE,
    MAX_PAGE_SIZE,
    CallSpend,
    CreditUsage,
    FetchPage,
    FetchResult,
)
from resources.http import HttpPolicy, RateLimit, VendorHttpClient, parse_retry_after

DEFAULT_BASE_URL = "https://api.explorium.ai/v1"
#: 200 requests per minute per key, in a 60 s sliding window shared by all endpoints. Half a second of
#: margin on the window so clock skew between us and Explorium cannot push a burst over.
DEFAULT_LIMIT = RateLimit("explorium", 200, 60.5)


RecordT = TypeVar("RecordT", bound=BaseModel)
T = TypeVar("T")

Filters = BusinessFilters | ProspectFilters | Mapping[str, Any] | None


class ExploriumBaseClient(VendorHttpClient):
    """Explorium AgentSource v1 over httpx: auth, the limit, sending, paging and error reading."""

    vendor = "explorium"
    key_variable = "EXPLORIUM_API_KEY"

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
            limits=limits if limits is not None else (DEFAULT_LIMIT,),
            # The SPEC's header is `api_key` (REST has no Bearer token; that belongs to the MCP server).
            headers={"api_key": api_key, "content-type": "application/json", "credit-usage": "true"},
            transport=transport,
            sleep=sleep,
        )

    # --- plumbing --------------------------------------------------------------------------------

    def _post(self, path: str, body: Mapping[str, Any]) -> tuple[dict[str, Any], CreditUsage | None]:
        response = self.request("POST", path, endpoint=f"POST {path}", json=body)
        raw = response.json()
        usage = raw.get("credit_usage") if isinstance(raw, dict) else None
        return raw, CreditUsage.model_validate(usage) if isinstance(usage, dict) else None

    def _pages(
        self,
        path: str,
        model: type[RecordT],
        filters: Filters,
        page_size: int,
        max_results: int | None,
        exclude: Sequence[str],
    ) -> Iterator[FetchPage[RecordT]]:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, not {page_size}")
        if max_results is not None and max_results < 1:
            raise ValueError("max_results must be at least 1")
        size = min(max_results or MAX_FETCH_SIZE, MAX_FETCH_SIZE)
        # Explorium rejects size < page_size with a 422, so a small max_results shrinks the page.
        page_size = min(page_size, size)
        body: dict[str, Any] = {
            "mode": "full",
            "size": size,
            "page_size": page_size,
            "filters": filters_body(filters),
        }
        if exclude:
            body["exclude"] = list(exclude)
        page_type = FetchPage[model]  # type: ignore[valid-type]
        page = 1
        while True:
            raw, usage = self._post(path, {**body, "page": page})
            parsed = page_type.model_validate(raw)
            parsed.credit_usage = usage
            yield parsed
            if not parsed.data or page >= parsed.total_pages:
                return
            page += 1

    @staticmethod
    def _collect(
        pages: Iterable[FetchPage[RecordT]], *, key: Callable[[Any], str], max_results: int | None
    ) -> FetchResult[RecordT]:
        spend = CallSpend()
        seen: set[str] = set()
        records: list[RecordT] = []
        total = 0
        count = 0
        for page in pages:
            count += 1
            spend.add(page.credit_usage)
            total = page.total_results
            for record in page.data:
                if key(record) not in seen:
                    seen.add(key(record))
                    records.append(record)
        if max_results is not None:
            records = records[:max_results]
        return FetchResult[Any](records=records, total_results=total, pages=count, spend=spend)

    # --- error bodies ----------------------------------------------------------------------------

    def _error_details(self, response: httpx.Response) -> tuple[str, str | None]:
        try:
            body = response.json()
        except ValueError:
            return super()._error_details(response)
        if not isinstance(body, dict):
            return super()._error_details(response)
        context = body.get("response_context")
        correlation_id = body.get("correlation_id") or (
            context.get("correlation_id") if isinstance(context, dict) else None
        )
        return _error_message(body) or response.reason_phrase or "error", correlation_id

    def _retry_after(self, response: httpx.Response) -> float | None:
        header = parse_retry_after(response.headers.get("retry-after"))
        if header is not None:
            return header
        try:
            value = response.json().get("retry_after")
        except (ValueError, AttributeError):
            return None
        return float(value) if isinstance(value, int | float) else None

    def _error_from_response(self, response: httpx.Response, endpoint: str) -> VendorError:
        if response.status_code == 403:
            message, correlation_id = self._error_details(response)
            # Explorium documents 403 as "insufficient credits"; any other 403 is a refused key.
            if "credit" in message.lower():
                return InsufficientCreditsError(
                    message,
                    vendor=self.vendor,
                    endpoint=endpoint,
                    status_code=403,
                    correlation_id=correlation_id,
                    body=_json_or_text(response),
                )
        return super()._error_from_response(response, endpoint)


def _error_message(body: Mapping[str, Any]) -> str | None:
    """Explorium's error bodies differ by endpoint: FastAPI `detail` lists, `detail`/`details`/`message`
    strings, or `{"error": {"code", "message"}}`."""
    detail = body.get("detail")
    if isinstance(detail, list):
        parts = []
        for item in detail:
            if isinstance(item, dict):
                loc = ".".join(str(p) for p in item.get("loc") or [])
                msg = item.get("msg") or item.get("message") or ""
                parts.append(f"{loc}: {msg}" if loc else str(msg))
            else:
                parts.append(str(item))
        return "; ".join(parts)
    for key in ("detail", "details", "message"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    error = body.get("error")
    if isinstance(error, dict):
        code, message = error.get("code"), error.get("message")
        return f"{code}: {message}" if code and message else (message or code)
    if isinstance(error, str):
        return error
    return None


def _json_or_text(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:2000]


def filters_body(filters: Filters) -> dict[str, Any]:
    if filters is None:
        return {}
    if isinstance(filters, BusinessFilters | ProspectFilters):
        return filters.to_api()
    # Plain mappings may use the same shorthands as the models: a list (or string) for an includes
    # filter, a bool for an exists filter. Filter objects pass through untouched.
    out: dict[str, Any] = {}
    for name, value in filters.items():
        if isinstance(value, bool):
            out[name] = {"value": value}
        elif isinstance(value, str):
            out[name] = {"values": [value]}
        elif isinstance(value, Sequence):
            out[name] = {"values": list(value)}
        else:
            out[name] = value
    return out


def as_input(model: type[BaseModel], value: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    parsed = value if isinstance(value, BaseModel) else model.model_validate(value)
    return parsed.model_dump(exclude_none=True)


def one_record(data: Any, model: type[RecordT]) -> RecordT | None:
    # Explorium's enrich outputs are an object or a one-element list depending on the type.
    if isinstance(data, list):
        data = data[0] if data else None
    if data is None:
        return None
    return model.model_validate(data)


def unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def in_chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
