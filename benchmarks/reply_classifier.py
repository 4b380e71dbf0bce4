"""The offline reply classifier against the sandbox's ground truth: coverage (share of replies it is sure
of), precision of its sure labels, the confusion per label, and how often it gets the out-of-office return
date and the referral's name and address right. Bounces are scored through `classify_bounce` on the SMTP
answers of the same leads. The sandbox words a small share of replies so that no rule can be sure of them
(`Reply.wording`); coverage is reported for the plain ones, and how many of the others the rules were
(wrongly) sure of.

    .venv/bin/python benchmarks/reply_classifier.py                 # ~3,000 replies
    .venv/bin/python benchmarks/reply_classifier.py --replies 10000 --show-wrong 20

Replies come from `resources.sandbox.engagement.engagement_for` over the people of the default sandbox world,
with the HTML body lemlist serves (`<div dir="ltr">...<br>...</div>`), each sent on a different day. Not a
pass/fail test; `tests/test_classify_reply.py` holds the floors.
"""

from __future__ import annotations

import argparse
import html
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from resources.sandbox.engagement import Bounce, Reply, engagement_for
from resources.sandbox.world import generate_world
from sales_assets.engagement.classify import LABELS, classify_bounce, classify_reply

SENDERS = ("Alex Martin", "Sam Rivera", "Julia Brandt", "Claire Dubois", "")


@dataclass(frozen=True, slots=True)
class Sample:
    reply: Reply
    received: date


def lemlist_html(text: str) -> str:
    """The reply body as lemlist serves it (see `resources/sandbox/lemlist.py`)."""
    return '<div dir="ltr">' + html.escape(text, quote=False).replace("\n", "<br>") + "</div>"


def sandbox_engagements(
    replies: int, *, seed: int = 7, start: date = date(2026, 1, 5)
) -> Iterator[tuple[Reply | None, Bounce | None, date]]:
    """Engagements of the world's people, one sending day each, until `replies` replies were seen."""
    world = generate_world(seed)
    seen = 0
    round_ = 0
    while seen < replies:
        for index, person in enumerate(world.people):
            sent = start + timedelta(days=(index * 7 + round_ * 3) % 400)
            engagement = engagement_for(
                seed + round_ * 1000,
                person.email,
                email_status=person.email_status,
                language=person.language,
                first_name=person.first_name if index % 11 else None,
                sender_name=SENDERS[index % len(SENDERS)],
                original_subject=f"Quick question, {person.first_name}",
                today=sent,
            )
            if engagement.reply is not None:
                seen += 1
                received = sent + timedelta(hours=engagement.reply.after_hours)
                yield engagement.reply, None, received
                if seen >= replies:
                    return
            elif engagement.bounce is not None:
                yield None, engagement.bounce, sent
        round_ += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replies", type=int, default=3000)
    parser.add_argument("--show-wrong", type=int, default=10, help="print this many wrong sure labels")
    parser.add_argument("--show-unsure", type=int, default=0, help="print this many unsure replies")
    args = parser.parse_args()

    confusion: Counter[tuple[str, str]] = Counter()
    sure_total = sure_right = total = 0
    per_label: Counter[str] = Counter()
    per_label_sure: Counter[str] = Counter()
    per_label_right: Counter[str] = Counter()
    dates_given = dates_right = 0
    refs_given = ref_names_right = ref_emails_right = 0
    bounces = bounce_sure = bounce_right = 0
    bounce_confusion: Counter[tuple[str, str]] = Counter()
    wordings: Counter[str] = Counter()
    wordings_sure: Counter[str] = Counter()
    wrong: list[str] = []
    unsure: list[str] = []
    elapsed = 0.0
    for reply, bounce, received in sandbox_engagements(args.replies):
        if bounce is not None:
            expected = {"hard": "bounce_hard", "soft": "bounce_soft", "policy": "policy_block"}[bounce.kind]
            got = classify_bounce(bounce.smtp_text)
            bounces += 1
            bounce_confusion[(expected, got.label)] += 1
            if got.sure:
                bounce_sure += 1
                bounce_right += got.label == expected
            continue
        assert reply is not None
        started = time.perf_counter()
        got = classify_reply(lemlist_html(reply.text), reply.subject, received=received)
        elapsed += time.perf_counter() - started
        total += 1
        wordings[reply.wording] += 1
        wordings_sure[reply.wording] += got.sure
        per_label[reply.label] += 1
        confusion[(reply.label, got.label if got.sure else "(unsure)")] += 1
        if got.sure:
            sure_total += 1
            per_label_sure[reply.label] += 1
            if got.label == reply.label:
                sure_right += 1
                per_label_right[reply.label] += 1
            elif len(wrong) < args.show_wrong:
                wrong.append(f"expected {reply.label}, got {got.label} ({got.reason})\n  {reply.text!r}")
        elif len(unsure) < args.show_unsure:
            unsure.append(f"{reply.label}: guessed {got.label} ({got.reason})\n  {reply.text!r}")
        if reply.label == "out_of_office" and reply.return_date is not None:
            dates_given += 1
            dates_right += got.return_date == reply.return_date
        if reply.label == "referral":
            refs_given += 1
            ref_names_right += got.referral_name == reply.referral_name
            ref_emails_right += got.referral_email == reply.referral_email

    def pct(part: int, whole: int) -> str:
        return f"{100.0 * part / whole:5.1f} %" if whole else "    -"

    print(f"replies: {total}   classified in {elapsed * 1000 / max(total, 1):.2f} ms per reply")
    print(f"coverage (sure):            {pct(sure_total, total)}  ({sure_total}/{total})")
    for wording in sorted(wordings):
        print(
            f"  {wording + ' replies:':<24}{pct(wordings[wording], total)} of replies, "
            f"sure of {pct(wordings_sure[wording], wordings[wording])}"
            f"  ({wordings_sure[wording]}/{wordings[wording]})"
        )
    print(f"precision of sure labels:   {pct(sure_right, sure_total)}  ({sure_right}/{sure_total})")
    print(f"return date right:          {pct(dates_right, dates_given)}  ({dates_right}/{dates_given})")
    print(f"referral name right:        {pct(ref_names_right, refs_given)}  ({ref_names_right}/{refs_given})")
    print(
        f"referral email right:       {pct(ref_emails_right, refs_given)}  ({ref_emails_right}/{refs_given})"
    )
    print()
    print(f"{'label':<16}{'n':>6}{'sure':>9}{'precision':>11}   sure labels given (or unsure)")
    for label in LABELS:
        if not per_label[label]:
            continue
        given = {got: n for (exp, got), n in confusion.items() if exp == label}
        spread = ", ".join(f"{got} {n}" for got, n in sorted(given.items(), key=lambda kv: -kv[1]))
        print(
            f"{label:<16}{per_label[label]:>6}{pct(per_label_sure[label], per_label[label]):>9}"
            f"{pct(per_label_right[label], per_label_sure[label]):>11}   {spread}"
        )
    print()
    print(
        f"bounces: {bounces}   sure {pct(bounce_sure, bounces)}   precision {pct(bounce_right, bounce_sure)}"
    )
    for (expected, got), n in sorted(bounce_confusion.items()):
        print(f"  {expected:<14} -> {got:<14} {n}")
    for line in wrong:
        print("\nWRONG", line)
    for line in unsure:
        print("\nUNSURE", line)


if __name__ == "__main__":
    main()
