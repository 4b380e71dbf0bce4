"""What a label costs the person it is given to: which labels put an address on the suppression list, and
how a bounce the rules are not sure of is acted on (`obeyed`).

What belongs here: `SUPPRESS_LABELS`, `BOUNCE_LABELS`, `obeyed` and `suppresses`. The engagement stage acts
on them (`sales_assets/engagement/reply_plans.py`, `replies.py`); the insights stage counts the dangerous
confusions with them (a policy block or an out-of-office that would suppress), so both read one rule.
"""

from __future__ import annotations

from dataclasses import replace

from sales_assets.common.mail.classify import ReplyClassification

#: Labels that put the address on the suppression list.
SUPPRESS_LABELS = ("unsubscribe", "not_interested", "wrong_person", "bounce_hard")
BOUNCE_LABELS = frozenset({"bounce_hard", "bounce_soft", "policy_block"})


def obeyed(found: ReplyClassification) -> ReplyClassification:
    """A bounce the rules are not sure of is a soft bounce until the address bounces again (two soft
    bounces within `SOFT_BOUNCE_WINDOW` suppress it, see `reply_actions`): an unsure guess never suppresses
    an address. A policy block stays one either way: it suppresses nobody and feeds the deliverability
    alert."""
    if found.sure or found.label not in BOUNCE_LABELS or found.label == "policy_block":
        return found
    return replace(
        found,
        label="bounce_soft",
        reason=f"unsure {found.label} ({found.reason}): a soft bounce until the address bounces again",
    )


def suppresses(found: ReplyClassification) -> bool:
    """Whether the offline rules alone would suppress the address on this label: a sure label that
    suppresses (an unsure bounce is acted on as a soft one, see `obeyed`)."""
    acted = obeyed(found) if found.label in BOUNCE_LABELS else found
    return acted.sure and acted.label in SUPPRESS_LABELS
