"""The facts the simulated model reads from a prompt: JSON objects anywhere in the user's text (flattened)
and `key: value` lines, under normalised names with their synonyms. Part of the simulated writer, not
an API area.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

_KV_LINE = re.compile(r"^\s*(?:[-*\u2022]\s*)?([A-Za-z][A-Za-z0-9 _\-/]{0,40}?)\s*[:=]\s*(\S.*?)\s*$")


#: Field names that mean the same fact.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("first_name", "firstname", "given_name", "contact_first_name", "prospect_first_name", "lead_first_name"),
    ("last_name", "lastname", "family_name", "surname"),
    ("company", "company_name", "organization", "organisation", "account", "account_name", "business_name"),
    ("signal", "signals", "trigger", "intent_signal", "recent_signal", "event", "news", "signal_description"),
    ("pain_points", "pain_point", "pains", "challenges", "problems"),
    ("job_title", "title", "role", "position"),
    ("website", "domain", "company_domain", "url"),
    ("sender_name", "sender", "from_name", "signature"),
)


def norm_key(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")


def extract_facts(texts: Iterable[str]) -> dict[str, Any]:
    """Facts from the user's text: JSON objects anywhere in it (flattened) and `key: value` lines.
    Later messages win over earlier ones."""
    facts: dict[str, Any] = {}
    decoder = json.JSONDecoder()
    for text in texts:
        found: dict[str, Any] = {}
        i = 0
        while (start := text.find("{", i)) != -1:
            try:
                obj, end = decoder.raw_decode(text, start)
            except ValueError:
                i = start + 1
                continue
            if isinstance(obj, dict):
                _flatten(obj, found)
            i = end
        for line in text.splitlines():
            match = _KV_LINE.match(line)
            if match and not line.lstrip().startswith(("{", '"')):
                value = match.group(2).strip().strip("\"',")
                if value:
                    found.setdefault(norm_key(match.group(1)), value)
        facts.update(found)
    if "first_name" not in facts:
        for key in ("name", "full_name", "contact_name", "prospect_name"):
            if isinstance(facts.get(key), str) and facts[key].strip():
                facts["first_name"] = facts[key].split()[0]
                break
    return facts


def _flatten(obj: dict[str, Any], into: dict[str, Any], prefix: str = "") -> None:
    for raw_key, value in obj.items():
        key = norm_key(str(raw_key))
        if value is None or value == "" or not key:
            continue
        if isinstance(value, dict):
            _flatten(value, into, f"{key}_")
            _flatten(value, into)
        elif isinstance(value, list):
            scalars = [_scalar(v) for v in value if not isinstance(v, dict | list) and v is not None]
            if scalars:
                into.setdefault(prefix + key, scalars)
                into.setdefault(key, scalars)
            for item in value:
                if isinstance(item, dict):
                    _flatten(item, into, f"{key}_")
                    _flatten(item, into)
        else:
            into.setdefault(prefix + key, _scalar(value))
            into.setdefault(key, _scalar(value))


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def as_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def humanize(key: str) -> str:
    return key.replace("_", " ")
