"""Which language a reply is written in (English, German, French), by stop-word counts.

What belongs here: `LANGUAGES`, the stop-word lists, `detect_language`, and `words` (a set of words from a
space-separated string, the form every word list of the reply classifier is written in).
"""

from __future__ import annotations

import re

LANGUAGES = ("en", "de", "fr")


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = {
    "en": words(
        "the and you your we our is are this that for not with please thanks thank me my will be have i to "
        "of it in on at would could can us any there what how hi hello best regards"
    ),
    "de": words(
        "und der die das ich sie wir nicht ist mit für bitte danke ihre ihnen uns auf eine ein zu bin den "
        "dem gerne hallo grüße kein keine wie was wo gibt es haben aber auch noch mir mich sind"
    ),
    "fr": words(
        "le la les et je vous nous pas est pour avec merci de des une un du votre vos ne bonjour "
        "cordialement à ce cela suis sont mes mon ma il elle en au aux qui que sur"
    ),
}
_WORD = re.compile(r"[a-zà-ÿß']+")


def detect_language(text: str) -> str | None:
    """ "en", "de" or "fr" by stop-word counts, None when the text holds too few of them to tell."""
    words = _WORD.findall(text.lower().replace("\u2019", "'"))
    tokens = [w for word in words for w in word.split("'") if w]
    scores = {lang: sum(1 for t in tokens if t in stop) for lang, stop in STOPWORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] == 0:
        return None
    # French and English share "on", "me", "en"...; a tie says nothing.
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] == ranked[1]:
        return None
    return best
