"""Whether outreach copy states a fact that is not in the lead's facts.

What belongs here: `ungrounded_claims`, pure and offline. It starts from the copy lint's own claim rule
(`sales_assets.common.copy_lint.unsupported_claims`: numbers, and runs of two or more capitalised words,
that the facts do not contain) and adds what the lint lets through because a lone capitalised word is
often just a word: a single proper noun inside a sentence ("we work with Salesforce"), and the name after
a sentence's first word ("Hi Robert," to a lead called Dana). Those are measured here, not gated: the
`evaluations` asset reports the share of the day's copy with any of them, so a drift shows in the UI
before anyone reads a wrong name in a sent email.

"The facts" are what the lint accepts (`sales_assets.common.lead_facts.copy_support`): the lead's facts,
the event headlines given as fenced text, and what the seller says about itself.
"""

from __future__ import annotations

import re

from sales_assets.common.copy_lint import STRAIGHT_QUOTES, capitalised_runs, unsupported_claims

#: Capitalised for grammar, not because they name something: the first person, days and months.
_FIRST_PERSON = ("i", "i'm", "i'd", "i've", "i'll")
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september")
_COMMON = frozenset((*_FIRST_PERSON, *_DAYS, *_MONTHS, "october", "november", "december"))
_WORD = re.compile(r"[\w'&-]+")


def _tokens(text: str) -> set[str]:
    text = text.translate(STRAIGHT_QUOTES).lower()
    return {w.strip("'-&") for w in _WORD.findall(text)} | {
        re.sub(r"'s$", "", w) for w in _WORD.findall(text)
    }


def _bare(word: str) -> str:
    return re.sub(r"'s$", "", word.translate(STRAIGHT_QUOTES).lower()).strip("'-&")


def ungrounded_claims(text: str, support: str) -> list[str]:
    """Numbers and names in `text` that `support` (the facts) does not contain: the lint's
    `unsupported_claims`, then every single capitalised word past a sentence's first word that is neither
    in the facts nor capitalised for grammar alone (`I`, days, months)."""
    problems = unsupported_claims(text, support)
    known = _tokens(support)
    for words, starts_sentence in capitalised_runs(text):
        rest = words[1:] if starts_sentence else words
        # Longer runs are the lint's (a multi-word name is checked as a whole above).
        if len(rest) != 1:
            continue
        word = _bare(rest[0])
        if not word or word in _COMMON or word in known or not any(c.isalpha() for c in word):
            continue
        problems.append(f"name '{rest[0]}'")
    return list(dict.fromkeys(problems))
