"""The detector of text that addresses the system (`sales_assets.common.instructions`): how often it fires on
ordinary text (false positives) and how often it catches an attack (true positives).

    .venv/bin/python benchmarks/instruction_detector.py
    .venv/bin/python benchmarks/instruction_detector.py --replies 10000 --show 20

Ordinary text: the hand-written reply corpus (`tests/reply_corpus.py`), every reply template of the sandbox
(`resources/sandbox/engagement/`, plain and ambiguous, greetings and sign-offs filled in), replies the
sandbox writes for the people of its default world (plain and ambiguous wordings), the near misses of
`tests/injection_corpus.py` (business text with the same words), and the visitor-typed fields (name, title,
company, message) of the sandbox's form submissions over 60 days. Attacks: `tests/injection_corpus.py` and
the injected replies the sandbox writes. Not a pass/fail test; `tests/test_instructions.py` holds the floors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

# The corpora live with the tests; the repository root is not on the path of a script in benchmarks/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.reply_classifier import lemlist_html, sandbox_engagements
from resources.sandbox import engagement as templates
from resources.sandbox.world import generate_world
from sales_assets.common.instructions import find_instructions
from sales_assets.common.mail.classify import addresses_system
from tests.injection_corpus import ATTACKS, NEAR_MISSES
from tests.reply_corpus import CASES

FORM_FIELDS = ("firstname", "lastname", "company", "jobtitle", "message")


def template_texts() -> Iterator[tuple[str, str]]:
    """(name, text) of every human reply template of the sandbox, and the automated ones, filled in."""
    fields = {
        "me_slug": "ada-lovelace",
        "ref_name": "Jane Doe",
        "ref_email": "jane.doe@example.com",
        "me": "Ada",
        "domain": "example.com",
        "ticket": "12345",
        "company": "Example",
        "date_en": "3 March",
        "date_en_prev": "2 March",
        "weekday_en": "Monday",
        "date_de": "03.03.",
        "date_de_prev": "02.03.",
        "date_de_long": "03.03.2026",
        "weekday_de": "Montag",
        "date_fr": "3 mars",
        "date_fr_prev": "2 mars",
        "weekday_fr": "lundi",
    }
    tables = {"plain": templates._BODIES, **templates._WORDINGS}
    for wording, table in tables.items():
        if wording == "injected":
            continue
        for label, by_language in table.items():
            for language, bodies in by_language.items():
                for i, body in enumerate(bodies):
                    yield f"{wording}/{label}/{language}/{i}", body.format(**fields)
    for name, table in (
        ("ooo", templates._OOO_WITH_DATE),
        ("ooo_nodate", templates._OOO_WITHOUT_DATE),
        ("auto", templates._AUTO_REPLIES),
    ):
        for language, texts in table.items():
            for i, text in enumerate(texts):
                yield f"{name}/{language}/{i}", text.format(**fields)
    for language in ("en", "de", "fr"):
        for i, greeting in enumerate(templates._GREETINGS[language]):
            yield f"greeting/{language}/{i}", greeting.format(sender="Sam")
        for i, signoff in enumerate(templates._SIGNOFFS[language]):
            yield f"signoff/{language}/{i}", signoff.format(me="Ada")


def form_fields(days: int) -> Iterator[tuple[str, str]]:
    """(name, value) of every visitor-typed field of the default world's form submissions over `days`."""
    world = generate_world(7)
    epoch = datetime(2026, 1, 5, tzinfo=UTC)
    for form in world.forms:
        for submission in world.submissions(form.guid, epoch, epoch + timedelta(days=days)):
            for name, value in submission.values:
                if name in FORM_FIELDS and value:
                    yield f"{submission.kind}/{name}", value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replies", type=int, default=3000, help="sandbox replies to read")
    parser.add_argument("--form-days", type=int, default=60, help="days of sandbox form submissions")
    parser.add_argument("--show", type=int, default=10, help="print this many false positives and misses")
    args = parser.parse_args()

    def rate(hits: int, total: int) -> str:
        return f"{100.0 * hits / total:6.2f} %  ({hits}/{total})" if total else "      -"

    shown: list[str] = []

    def count(
        samples: Iterator[tuple[str, str]], *, expect_hit: bool, reply: bool = False
    ) -> tuple[int, int]:
        hits = total = 0
        for name, text in samples:
            total += 1
            # Replies are read as the classifier reads them: raw, as plain text (entities decoded), subject.
            hit = addresses_system(text) if reply else None
            found = [hit] if hit else ([] if reply else find_instructions(text))
            hits += bool(found)
            if bool(found) != expect_hit and len(shown) < args.show:
                what = found[0].describe() if found else "no cue"
                shown.append(f"{'MISS' if expect_hit else 'FALSE POSITIVE'} {name}: {what}\n  {text[:160]!r}")
        return hits, total

    plain_replies: list[tuple[str, str]] = []
    injected_replies: list[tuple[str, str]] = []
    for reply, _, _ in sandbox_engagements(args.replies):
        if reply is None:
            continue
        sample = (f"sandbox/{reply.wording}/{reply.label}/{reply.language}", lemlist_html(reply.text))
        (injected_replies if reply.wording == "injected" else plain_replies).append(sample)

    print("false positives (ordinary text the detector fires on)")
    rows = (
        ("reply corpus (tests/reply_corpus.py)", ((c.name, c.text + "\n" + c.subject) for c in CASES), True),
        ("sandbox reply templates", template_texts(), False),
        ("sandbox replies (plain and ambiguous)", iter(plain_replies), True),
        ("near misses (tests/injection_corpus.py)", ((s.name, s.text) for s in NEAR_MISSES), False),
        (f"sandbox form fields, {args.form_days} days", form_fields(args.form_days), False),
    )
    for title, samples, reply in rows:
        hits, total = count(samples, expect_hit=False, reply=reply)
        print(f"  {title:<44}{rate(hits, total)}")
    print("true positives (attacks the detector catches)")
    for title, samples, reply in (
        ("attacks (tests/injection_corpus.py)", ((s.name, s.text) for s in ATTACKS), False),
        ("sandbox injected replies", iter(injected_replies), True),
    ):
        hits, total = count(samples, expect_hit=True, reply=reply)
        print(f"  {title:<44}{rate(hits, total)}")
    for line in shown:
        print("\n" + line)


if __name__ == "__main__":
    main()
