"""The offline reply classifier on three sets, in one run:

1. **Real mail** (`../shared/data/real_mail.jsonl`, 254 bounces, policy blocks and auto-replies from other
   projects' test corpora, read in place): exact label, per-label precision and recall, bounce recall, the
   dangerous confusions (a non-hard bounce that would suppress an address, an out-of-office or auto-reply
   that would suppress one, a bounce read as a person's intent), and the same figures per source left out.
   The rules have no fitted parameters (RFC 3463 codes, and provider wordings in
   `sales_assets/common/mail/bounce_texts.tsv` written from the providers' documentation), so leaving a
   source out changes nothing: its figures are that source's, shown as such.
2. **Hand-written replies** (`sales_assets/common/mail/hand_written_replies.jsonl`, read by
   `tests/reply_corpus.py`): share decided offline and precision of the sure ones.
3. **The sandbox** (its ground truth): coverage (share of replies it is sure of), precision of its sure
   labels, the confusion per label, return dates and referrals, and the bounces it writes in several MTA
   formats, with the ambiguous ones (no rule may be sure of them) counted apart. The sandbox words a small
   share of replies so that no rule can be sure of them (`Reply.wording`).

    .venv/bin/python benchmarks/reply_classifier.py                 # all three, ~3,000 sandbox replies
    .venv/bin/python benchmarks/reply_classifier.py --only real --show-wrong 20

Sandbox replies come from `resources.sandbox.engagement.engagement_for` over the people of the default
sandbox world, with the HTML body lemlist serves (`<div dir="ltr">...<br>...</div>`), each sent on a
different day. Not a pass/fail test; `tests/test_real_mail.py` and `tests/test_classify_reply.py` hold the
floors.
"""

from __future__ import annotations

import argparse
import html
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from resources.sandbox.engagement import Bounce, Reply, engagement_for
from resources.sandbox.world import generate_world
from sales_assets.common.mail.classify import LABELS, classify_bounce, classify_reply

ROOT = Path(__file__).resolve().parents[1]
SENDERS = ("Alex Martin", "Sam Rivera", "Julia Brandt", "Claire Dubois", "")


@dataclass(frozen=True, slots=True)
class Sample:
    reply: Reply
    received: date


def lemlist_html(text: str) -> str:
    """The reply body as lemlist serves it (see `resources/sandbox/lemlist/engine.py`)."""
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


def pct(part: int | float, whole: int | float) -> str:
    return f"{100.0 * part / whole:5.1f} %" if whole else "    -"


def real_mail_report(show_wrong: int) -> None:
    sys.path.insert(0, str(ROOT))
    from sales_assets.insights.reply_scores import decide, score
    from tests.real_mail import REAL_MAIL, by_source, load_real_mail

    if not REAL_MAIL.exists():
        print(f"real mail: {REAL_MAIL} not found, skipped")
        return
    mails = load_real_mail()
    decisions = [decide(m.subject, m.text) for m in mails]
    result = score(mails, decisions)
    print(f"== real mail: {len(mails)} messages ({REAL_MAIL})")
    print(f"exact label:   {pct(result.right, result.total)}  ({result.right}/{result.total})")
    print(f"bounce recall: {pct(result.bounces_as_bounce, result.bounces)}  (any bounce label for a bounce)")
    sure = sum(d.sure for d in decisions)
    print(f"sure:          {pct(sure, len(decisions))}")
    print(f"{'label':<16}{'n':>5}{'precision':>11}{'recall':>9}")
    for label in LABELS:
        precision, recall, n = result.precision_recall(label)
        if n or precision is not None:
            p = f"{100 * precision:5.1f} %" if precision is not None else "    -"
            r = f"{100 * recall:5.1f} %" if recall is not None else "    -"
            print(f"{label:<16}{n:>5}{p:>11}{r:>9}")
    print("dangerous confusions:")
    for kind, found in result.danger.items():
        print(f"  {kind:<22}{len(found):>4}" + "".join(f"\n      {f}" for f in found[:5]))
    print("leaving one source out (nothing is fitted: the left-out source's own figures):")
    print(f"  {'source':<14}{'n':>5}{'exact':>9}{'bounce recall':>15}{'dangerous':>11}")
    right = 0
    for source, (chosen, scored) in by_source(mails).items():
        right += scored.right
        danger = sum(len(v) for v in scored.danger.values())
        print(
            f"  {source:<14}{len(chosen):>5}{pct(scored.right, scored.total):>9}"
            f"{pct(scored.bounces_as_bounce, scored.bounces):>15}{danger:>11}"
        )
    print(f"  {'all folds':<14}{len(mails):>5}{pct(right, len(mails)):>9}")
    wrong = [(m, d) for m, d in zip(mails, decisions, strict=True) if m.label != d.label]
    for mail, got in wrong[:show_wrong]:
        how = "sure" if got.sure else "unsure"
        print(f"  WRONG {mail.id}: {mail.label} -> {got.label} ({how}: {got.reason})")
    print()


def hand_written_report() -> None:
    sys.path.insert(0, str(ROOT))
    from tests.reply_corpus import CASES

    found = [(case, classify_reply(case.text, case.subject)) for case in CASES]
    sure = [(case, f) for case, f in found if f.sure]
    right = sum(1 for case, f in sure if f.label == case.label)
    meant_unsure = sum(1 for case in CASES if case.expect == "unsure")
    print(f"== hand-written replies: {len(found)} ({meant_unsure} written to be undecidable)")
    print(f"decided offline:          {pct(len(sure), len(found))}  ({len(sure)}/{len(found)})")
    decidable = len(found) - meant_unsure
    print(f"  of the decidable ones:  {pct(len(sure), decidable)}  ({len(sure)}/{decidable})")
    print(f"precision of sure labels: {pct(right, len(sure))}  ({right}/{len(sure)})")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replies", type=int, default=3000)
    parser.add_argument("--show-wrong", type=int, default=10, help="print this many wrong sure labels")
    parser.add_argument("--show-unsure", type=int, default=0, help="print this many unsure replies")
    parser.add_argument("--only", choices=("real", "hand", "sandbox"), action="append", default=[])
    args = parser.parse_args()
    only = set(args.only) or {"real", "hand", "sandbox"}
    if "real" in only:
        real_mail_report(args.show_wrong)
    if "hand" in only:
        hand_written_report()
    if "sandbox" in only:
        sandbox_report(args)


def sandbox_report(args: argparse.Namespace) -> None:
    print(f"== the sandbox: {args.replies} replies")

    confusion: Counter[tuple[str, str]] = Counter()
    sure_total = sure_right = total = 0
    per_label: Counter[str] = Counter()
    per_label_sure: Counter[str] = Counter()
    per_label_right: Counter[str] = Counter()
    dates_given = dates_right = 0
    refs_given = ref_names_right = ref_emails_right = 0
    bounces = bounce_sure = bounce_right = 0
    ambiguous = ambiguous_sure = 0
    formats: Counter[str] = Counter()
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
            if bounce.wording == "ambiguous":
                ambiguous += 1
                ambiguous_sure += got.sure
                continue
            bounces += 1
            formats[bounce.format] += 1
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
        f"   formats: {', '.join(f'{k} {n}' for k, n in formats.most_common())}"
    )
    print(f"ambiguous bounces: {ambiguous}   sure of {ambiguous_sure} (should be 0)")
    for (expected, got), n in sorted(bounce_confusion.items()):
        print(f"  {expected:<14} -> {got:<14} {n}")
    for line in wrong:
        print("\nWRONG", line)
    for line in unsure:
        print("\nUNSURE", line)


if __name__ == "__main__":
    main()
