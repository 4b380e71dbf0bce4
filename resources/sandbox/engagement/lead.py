"""`engagement_for`: how one lead reacts to a sequence (bounce, opens, clicks, reply, unsubscribe,
spam complaint), a pure function of its arguments; `reply_for`, one reply worded the same way, and the
shares `resources.sandbox.outcomes` plants its reply lifts on.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date

from resources.sandbox.engagement.bounces import _bounce
from resources.sandbox.engagement.records import LABELS, LANGUAGES, Engagement, Reply
from resources.sandbox.engagement.replies import _hours, _reply, _reworded

_LABEL_WEIGHTS = (18, 8, 12, 22, 8, 20, 5, 4, 3)  # same order as LABELS
#: Label -> weight among replies, and the shares of delivered leads that reply or unsubscribe without a
#: reply (`engagement_for`): what `resources.sandbox.outcomes` plants its reply lifts on.
LABEL_WEIGHTS = dict(zip(LABELS, _LABEL_WEIGHTS, strict=True))
REPLY_SHARE = 0.09
UNSUBSCRIBE_SHARE = 0.015


def engagement_for(
    seed: int,
    email: str,
    *,
    email_status: str | None,
    language: str,
    first_name: str | None,
    sender_name: str,
    original_subject: str,
    today: date,
) -> Engagement:
    """How a lead reacts to a sequence; a pure function of its arguments, so a lead always reacts alike."""
    address = email.strip().lower()
    digest = hashlib.sha256(f"{seed}:engagement:{address}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:16], "big"))
    lang = language if language in LANGUAGES else "en"

    bounce = _bounce(rng, address, email_status)
    if bounce is not None:
        return Engagement((), (), bounce, None, None, False)

    opens: list[float] = []
    if rng.random() < 0.55:
        first = _hours(rng, 0.05, 72.0, median=3.0)
        opens.append(first)
        for _ in range(rng.choices((0, 1, 2, 3), weights=(50, 25, 15, 10))[0]):
            opens.append(round(opens[-1] + _hours(rng, 0.1, 120.0, median=10.0), 3))
    clicks: list[float] = []
    if opens and rng.random() < 0.12:
        for _ in range(rng.choice((1, 1, 1, 2))):
            after = rng.choice(opens)
            clicks.append(round(after + rng.uniform(0.002, 0.2), 3))
        clicks.sort()

    reply: Reply | None = None
    unsubscribe: float | None = None
    roll = rng.random()
    if roll < REPLY_SHARE:
        label = rng.choices(LABELS, weights=_LABEL_WEIGHTS)[0]
        reply = _reply(rng, label, lang, address, first_name, sender_name, original_subject, today)
        human = label not in ("out_of_office", "auto_reply")
        # People read before they answer; the tracking pixel fires then, unless images are blocked.
        if human and (not opens or opens[0] > reply.after_hours) and rng.random() < 0.85:
            opens.insert(0, round(max(0.01, reply.after_hours - rng.uniform(0.01, 0.4)), 3))
            opens.sort()
        reply = _reworded(seed, address, reply, first_name, sender_name, original_subject, today)
    elif roll < REPLY_SHARE + UNSUBSCRIBE_SHARE:
        if not opens:
            opens.append(_hours(rng, 0.05, 48.0, median=4.0))
        unsubscribe = round(opens[0] + rng.uniform(0.005, 0.1), 3)
    spam = rng.random() < 0.002
    return Engagement(tuple(opens), tuple(clicks), None, reply, unsubscribe, spam)


def reply_for(
    rng: random.Random,
    label: str,
    *,
    email: str,
    language: str,
    first_name: str | None,
    sender_name: str,
    original_subject: str,
    today: date,
) -> Reply:
    """A reply of `label` drawn from `rng`, worded as `engagement_for` words its own (for replies planted
    on top of the engagement model, see `resources.sandbox.outcomes`)."""
    lang = language if language in LANGUAGES else "en"
    address = email.strip().lower()
    return _reply(rng, label, lang, address, first_name, sender_name, original_subject, today)
