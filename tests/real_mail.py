"""The offline classifier scored on mail the product did not write: `../shared/data/real_mail.jsonl` (254
real bounces, policy blocks and auto-replies from other projects' test corpora) and the hand-written
replies of `tests/reply_corpus.py`. Used by `tests/test_real_mail.py` (the floors) and
`benchmarks/reply_classifier.py` (the report).

What belongs here: loading the corpus (`load_real_mail`, never copied into the project) with each message's
source named by its corpus, and `by_source`. The decision on one message and the scoring (`decide`,
`score`: exact label, per-label precision and recall, bounce recall, the dangerous confusions) are the
product's, `sales_assets/insights/reply_scores.py`, re-exported here.

Leaving one source out: the rules have no fitted parameters (the RFC 3463 table and the provider
wordings in `bounce_texts.tsv` were written from the RFCs and the providers' documentation), so "fit on the
others" changes nothing and the left-out figures are the per-source figures, reported as such.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sales_assets.insights.reply_scores import LABELS, Decision, Score, decide, load_labelled, score
from sales_assets.insights.reply_scores import LabelledMail as Mail

SHARED = Path(__file__).resolve().parents[2] / "shared"
REAL_MAIL = SHARED / "data" / "real_mail.jsonl"


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
    """The corpus, each message's source the corpus it comes from (sisimai, bounceparser, cwsmail,
    helpdesks)."""
    return [replace(mail, source=_source(mail.source)) for mail in load_labelled(path)]


def by_source(mails: list[Mail]) -> dict[str, tuple[list[Mail], Score]]:
    """Each source's messages and its score: the left-out figures (nothing is fitted, see the module
    docstring)."""
    out = {}
    for source in sorted({m.source for m in mails}):
        chosen = [m for m in mails if m.source == source]
        out[source] = (chosen, score(chosen, [decide(m.subject, m.text) for m in chosen]))
    return out


__all__ = ["LABELS", "Decision", "Mail", "Score", "by_source", "decide", "load_real_mail", "score"]
