"""A held-out corpus of replies to cold outreach, written by hand in English, German and French with
phrasing unlike the sandbox's templates: negations, mixed signals, quoted originals that say "interested",
signatures with phones and addresses, HTML bodies and non-delivery reports. Used by
`tests/test_classify_reply.py`, `tests/test_real_mail.py`, `tests/test_instructions.py` and the benchmarks.

The cases are the product's own labelled set, `sales_assets/common/mail/hand_written_replies.jsonl` (the
`evaluations` asset scores the classifier on it daily); this module reads them as `Case`s.

Each case: (name, subject, text, expected label, expectation), where the expectation is
"sure" (the rules must be sure and right), "unsure" (a mixed or vague reply: the rules must not be sure;
the label is what a person would pick) or "any" (either is acceptable, but a sure label must be right).
"""

from __future__ import annotations

import json
from typing import NamedTuple

from sales_assets.insights.reply_scores import HAND_WRITTEN


class Case(NamedTuple):
    name: str
    subject: str
    text: str
    label: str
    expect: str  # "sure" | "unsure" | "any"


def load_cases() -> tuple[Case, ...]:
    rows = [json.loads(line) for line in HAND_WRITTEN.read_text(encoding="utf-8").splitlines() if line]
    return tuple(Case(r["id"], r["subject"], r["text"], r["label"], r["expect"]) for r in rows)


CASES: tuple[Case, ...] = load_cases()
