"""Small value helpers of the HubSpot simulator: timestamps as HubSpot writes them, comparable forms of
property values (search filters and sorts), search tokens and deterministic fault selection.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from resources.sandbox.hubspot.schema import _ISO


def _iso(moment: datetime) -> str:
    # isoformat truncates to milliseconds, as the strftime("%f")[:-3] it replaces did, and costs less.
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _fraction(text: str) -> float:
    """A stable number in [0, 1) for `text` (deterministic fault selection)."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16) / float(1 << 48)


@functools.lru_cache(maxsize=64)
def _comparable_set(values: tuple[Any, ...]) -> frozenset[tuple[int, Any] | None]:
    """The comparable forms of an IN filter's values, built once per search rather than once per record."""
    return frozenset(_comparable(v) for v in values)


def _comparable(value: Any) -> tuple[int, Any] | None:
    """Numbers, epoch-ms and ISO dates compare as numbers; anything else as lower-case text."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        return (0, float(text))
    except ValueError:
        pass
    if _ISO.match(text):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return (1, text.lower())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return (0, float(_ms(moment)))
    return (1, text.lower())


def _types(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A stored association's types as the documents type them: `label` is a string, so an unlabelled
    type leaves it out (rather than null)."""
    return [{k: v for k, v in t.items() if v is not None} for t in row["types"]]


def _tokens(value: str) -> set[str]:
    text = value.lower()
    out = {text}
    out.update(t for t in re.split(r"[\s,;]+", text) if t)
    out.update(t for t in re.split(r"[^a-z0-9]+", text) if t)
    return out
