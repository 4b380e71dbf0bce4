"""The offline classifier scored on mail the product did not write: `../shared/data/real_mail.jsonl` (254
real bounces, policy blocks and auto-replies from other projects' test corpora) and the hand-written
replies of `tests/reply_corpus.py`. Used by `tests/test_real_mail.py` (the floors) and
`benchmarks/reply_classifier.py` (the report).

What belongs here: loading the corpus (`load_real_mail`, never copied into the project), the product's
decision on one message (`decide`: the offline label, whether it is sure, and whether the product would
suppress the address on it), and `score`, the figures the issue asks for: exact label, per-label precision
and recall, bounce recall, and the dangerous confusions (a non-hard bounce that would suppress, an
out-of-office or auto-reply that would suppress, a bounce read as a person's intent).

Leaving one source out: the rules have no fitted parameters (the RFC 3463 table and the provider
wordings in `bounce_texts.tsv` were written from the RFCs and the providers' documentation), so "fit on the
others" changes nothing and the left-out figures are the per-source figures, reported as such.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sales_assets.engagement.classify import LABELS, classify_reply
from sales_assets.engagement.replies import BOUNCE_LABELS, obeyed
from sales_assets.engagement.settings import SUPPRESS_LABELS

SHARED = Path(__file__).resolve().parents[2] / "shared"
REAL_MAIL = SHARED / "data" / "real_mail.jsonl"
BOUNCES = tuple(sorted(BOUNCE_LABELS))
AUTOMATIC = ("out_of_office", "auto_reply")
HUMAN = (
    "interested",
    "meeting_request",
    "question",
    "not_interested",
    "unsubscribe",
    "referral",
    "wrong_person",
)


@dataclass(frozen=True, slots=True)
class Mail:
    id: str
    source: str  # the corpus it comes from (sisimai, bounceparser, cwsmail, helpdesks)
    subject: str
    text: str
    label: str


@dataclass(frozen=True, slots=True)
class Decision:
    label: str
    sure: bool
    suppress: bool
    reason: str


def _source(origin: str) -> str:
    repo = origin.split("@", 1)[0]
    if repo.startswith("sisimai/"):
        return "sisimai"
    if repo == "rjbs/Mail-DeliveryStatus-BounceParser":
        return "bounceparser"
    if repo == "crazy-max/CwsMailBounceHandler":
        return "cwsmail"
    return "helpdesks"


def load_real_mail(path: Path = REAL_MAIL) -> list[Mail]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(Mail(row["id"], _source(row["source"]), row["subject"], row["text"], row["label"]))
    return out


def decide(subject: str, text: str) -> Decision:
    """What the product does with a message in the inbox, offline: the rules' label, whether they are sure,
    and whether the address would be suppressed on it (a sure label that suppresses; an unsure bounce is
    acted on as a soft one, see `replies.obeyed`)."""
    found = classify_reply(text, subject)
    acted = obeyed(found) if found.label in BOUNCES else found
    return Decision(found.label, found.sure, acted.sure and acted.label in SUPPRESS_LABELS, found.reason)


@dataclass
class Score:
    total: int = 0
    right: int = 0
    bounces: int = 0
    bounces_as_bounce: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: (id, expected, got, reason) of each dangerous decision, by kind.
    danger: dict[str, list[tuple[str, str, str, str]]] = field(
        default_factory=lambda: {
            "non-hard suppressed": [],
            "automatic suppressed": [],
            "bounce as intent": [],
        }
    )

    @property
    def exact(self) -> float:
        return self.right / self.total if self.total else 0.0

    @property
    def bounce_recall(self) -> float:
        return self.bounces_as_bounce / self.bounces if self.bounces else 1.0

    def precision_recall(self, label: str) -> tuple[float | None, float | None, int]:
        given = sum(n for (_, got), n in self.confusion.items() if got == label)
        actual = sum(n for (exp, _), n in self.confusion.items() if exp == label)
        right = self.confusion[(label, label)]
        return (right / given if given else None, right / actual if actual else None, actual)


def score(mails: list[Mail], decisions: list[Decision]) -> Score:
    result = Score()
    for mail, got in zip(mails, decisions, strict=True):
        result.total += 1
        result.right += got.label == mail.label
        result.confusion[(mail.label, got.label)] += 1
        if mail.label in BOUNCES:
            result.bounces += 1
            result.bounces_as_bounce += got.label in BOUNCES
            if got.label in HUMAN:
                result.danger["bounce as intent"].append((mail.id, mail.label, got.label, got.reason))
        if got.suppress and mail.label in BOUNCES and mail.label != "bounce_hard":
            result.danger["non-hard suppressed"].append((mail.id, mail.label, got.label, got.reason))
        if got.suppress and mail.label in AUTOMATIC:
            result.danger["automatic suppressed"].append((mail.id, mail.label, got.label, got.reason))
    return result


def by_source(mails: list[Mail]) -> dict[str, tuple[list[Mail], Score]]:
    """Each source's messages and its score: the left-out figures (nothing is fitted, see the module
    docstring)."""
    out = {}
    for source in sorted({m.source for m in mails}):
        chosen = [m for m in mails if m.source == source]
        out[source] = (chosen, score(chosen, [decide(m.subject, m.text) for m in chosen]))
    return out


__all__ = ["LABELS", "Decision", "Mail", "Score", "by_source", "decide", "load_real_mail", "score"]
