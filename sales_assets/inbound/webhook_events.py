"""The events of a signed webhook body: what the intake (`webhook.py`) lands in the action ledger.

What belongs here: reading a body into events and sorting them into accepted and rejected ones, and the
ledger kinds they land under (`form_webhook`, `form_webhook_rejected`), which `form_submissions` and
`form_leads_sensor` read. No HTTP, no Starlette: the assets and the sensor import this without the server.

Accepted body: one event or a JSON array of events, each in the shape of a v1 form submission plus its
form: `{"formId": "...", "conversionId": "...", "submittedAt": <epoch ms>, "values": [{"name", "value"}],
"pageUrl": "..."}`. An event that does not fit is kept too (kind `form_webhook_rejected`, with why), and
the answer lists it; HubSpot retrying a well-signed request could not fix it. A body that is not UTF-8
JSON, is nested deeper than `MAX_JSON_DEPTH`, or is neither an object nor an array gets 400: no event in
it can be read.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any, NoReturn

from pydantic import ValidationError

from resources.hubspot.models import FormSubmission

WEBHOOK_KIND = "form_webhook"
REJECTED_KIND = "form_webhook_rejected"
#: A form event nests four levels deep (array, event, values, value); anything past this is not one.
MAX_JSON_DEPTH = 32

_JSON_TOKEN = re.compile(r'[\[\]{}"\\]')


class BadBody(ValueError):
    """A signed body none of whose events can be read (400)."""


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the JSON `text` nests arrays and objects deeper than `limit`.

    Checked before `json.loads`, whose recursion would otherwise decide how deep is too deep (a
    RecursionError a few hundred levels down). Linear: the regex jumps to brackets, quotes and backslashes.
    """
    depth = 0
    in_string = False
    escaped_at = -1
    for match in _JSON_TOKEN.finditer(text):
        at = match.start()
        if at == escaped_at:
            continue
        char = match.group()
        if in_string:
            if char == "\\":
                escaped_at = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def load_events(body: bytes) -> list[Any]:
    """The events of a body (one object, or an array of anything); `BadBody` when none can be read."""
    try:
        # utf-8-sig: a byte-order mark was accepted before (json.loads on bytes skips it) and still is.
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadBody("body is not UTF-8") from exc
    if json_depth_exceeds(text):
        raise BadBody(f"body nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise BadBody("body is not JSON") from exc
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise BadBody("body is not an event or an array of events")


def utc_day(epoch_ms: int) -> str | None:
    try:
        return datetime.fromtimestamp(epoch_ms / 1000, UTC).date().isoformat()
    except (OverflowError, ValueError, OSError):
        return None


def _valid_text(item: Any) -> bool:
    # JSON escapes can spell lone surrogates, which no UTF-8 store or log can hold.
    try:
        json.dumps(item, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_events(body: bytes, now_ms: int) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(accepted events by conversion id, rejected events by a key of their content) of one body.

    Raises `BadBody` (a ValueError) when the body as a whole cannot be read.
    """
    accepted: dict[str, dict[str, Any]] = {}
    rejected: dict[str, dict[str, Any]] = {}
    for item in load_events(body):
        digest = hashlib.sha256(json.dumps(item, sort_keys=True, default=str).encode()).hexdigest()[:32]
        if not isinstance(item, dict):
            rejected[digest] = {"reason": "event is not a JSON object", "event": item}
            continue
        if not _valid_text(item):
            rejected[digest] = {"reason": "event holds text that is not valid Unicode", "event": item}
            continue
        form_id = str(item.get("formId") or item.get("formGuid") or "").strip()
        if not form_id:
            rejected[digest] = {"reason": "no formId", "event": item}
            continue
        try:
            submission = FormSubmission.model_validate({"submittedAt": now_ms, **item})
        except ValidationError as exc:
            rejected[digest] = {
                "reason": f"not a form submission: {exc.error_count()} error(s)",
                "event": item,
            }
            continue
        if utc_day(submission.submitted_at) is None:
            rejected[digest] = {"reason": "submittedAt is not a date", "event": item}
            continue
        conversion_id = submission.conversion_id or f"webhook-{digest}"
        submission.conversion_id = conversion_id
        accepted[conversion_id] = {
            "form_id": form_id,
            "submission": submission.model_dump(mode="json", by_alias=True),
        }
    return accepted, rejected
