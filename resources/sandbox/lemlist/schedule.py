"""When a campaign may send: its timezone, the Mon-Fri 09:00-18:00 sending window, and arithmetic on
the [start, end) intervals in which a campaign runs or a lead is paused.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_of(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Europe/Paris")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Paris")


def sending_window(ts: float, tz: ZoneInfo, jitter: float) -> float:
    """`ts` if it falls on a weekday between 09:00 and 18:00 local time, else the next opening + jitter."""
    local = datetime.fromtimestamp(ts, tz)
    for _ in range(8):
        opening = local.replace(hour=9, minute=0, second=0, microsecond=0)
        closing = local.replace(hour=18, minute=0, second=0, microsecond=0)
        if local.isoweekday() <= 5:
            if opening <= local < closing:
                return local.timestamp()
            if local < opening:
                return opening.timestamp() + jitter
        local = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return local.timestamp()


def next_start(intervals: list[list[float | None]], t: float) -> float | None:
    """`t` if it lies in one of the [start, end) intervals, else the next start after it, else None."""
    best: float | None = None
    for start, end in intervals:
        assert start is not None
        if start <= t and (end is None or t < end):
            return t
        if start > t and (best is None or start < best):
            best = start
    return best


def complement(pauses: list[list[float | None]]) -> list[list[float | None]]:
    """The complement of pause intervals: the intervals in which a lead may be sent to."""
    out: list[list[float | None]] = []
    cursor: float | None = -math.inf
    for start, end in sorted(pauses, key=lambda p: p[0] or 0):
        if cursor is None:
            break
        out.append([cursor, start])
        cursor = end
    if cursor is not None:
        out.append([cursor, None])
    return out
