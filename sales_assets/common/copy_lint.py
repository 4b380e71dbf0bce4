"""The linter every answer must pass before `outreach_copy` may send it (deterministic, no model involved).

What belongs here: the rules and the tables they read (spam phrasing, placeholder shapes, word ranges):
- subjects have 3-9 words, bodies 60-160 words (whitespace-separated words);
- no unresolved placeholders: `{{...}}`, `{name}`, `[Name]`, `<first name>`, TODO/TBD/XXX/INSERT;
- no spam phrasing: the phrases of `SPAM_PATTERNS`, `!!!`, `$$$`, and ALL-CAPS words of 4+ letters that
  are not spelled that way in the facts;
- no claim the facts do not support: every number (digits not glued to a letter: `$12M`, `40%`,
  `2026-11-05`, not `Q3` or `B2B`) must appear among the numbers of the facts, and every run of two or
  more capitalised words (a proper noun such as "Acme Data Systems") must appear in the facts, ignoring
  case. At the start of a sentence the first word may be capitalised only because it starts the sentence,
  so there the run also passes when the words after the first are supported (or fewer than two remain).
  "The facts" are the lead's facts, the event headlines given as untrusted text, the sender's name and
  company and the value proposition; never the company description, which the company writes itself.
The outbound stage gates its copy on it; the insights stage measures the day's copy against the same rules.
"""

import re

from sales_assets.common.copy_models import EmailCopy

SUBJECT_WORDS = (3, 9)
BODY_WORDS = (60, 160)

SPAM_PATTERNS: tuple[tuple[str, str], ...] = (
    ("act now", r"\bact now\b"),
    ("buy now", r"\bbuy now\b"),
    ("order now", r"\border now\b"),
    ("100% free", r"\b100\s*%\s*free\b"),
    ("free money", r"\bfree money\b"),
    ("guarantee", r"\bguarantee"),
    ("risk-free", r"\brisk[- ]free\b"),
    ("click here", r"\bclick here\b"),
    ("limited time", r"\blimited[- ]time\b"),
    ("no obligation", r"\bno obligation\b"),
    ("once in a lifetime", r"\bonce in a lifetime\b"),
    ("urgent", r"\burgent(?:ly)?\b"),
    ("winner", r"\bwinner\b"),
    ("cash bonus", r"\bcash bonus\b"),
    ("special promotion", r"\bspecial promotion\b"),
    ("!!!", r"!{3,}"),
    ("$$$", r"\${3,}"),
)
_SPAM = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in SPAM_PATTERNS)
_ALL_CAPS = re.compile(r"\b[A-Z]{4,}\b")
_PLACEHOLDERS = (
    re.compile(r"\{\{[^{}]*\}\}"),
    re.compile(r"(?<!\{)\{\s*[A-Za-z_][\w .-]{0,40}\}(?!\})"),
    re.compile(r"\[[^\[\]\n]{1,40}\]"),
    re.compile(r"<[^<>\n]{1,40}>"),
    re.compile(r"\b(?:TODO|TBD|XXX+|INSERT)\b"),
)
_NUMBER = re.compile(r"(?<![A-Za-z\d])\d+(?:[.,]\d+)*")
#: Curly quotes read as straight ones by the lint and the headline detection.
STRAIGHT_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_POSSESSIVE = re.compile(r"'s\b")
_TOKEN_EDGE = ".,;:!?()[]{}\"'*"


def word_count(text: str) -> int:
    return len(text.split())


def placeholders(text: str) -> list[str]:
    """Unresolved template slots left in `text`."""
    return [m.group(0) for pattern in _PLACEHOLDERS for m in pattern.finditer(text)]


def spam_phrases(text: str, support: str = "") -> list[str]:
    """Spam-trigger phrasing in `text`: listed phrases, and ALL-CAPS words the facts do not spell so."""
    found = [name for name, pattern in _SPAM if pattern.search(text)]
    allowed = set(_ALL_CAPS.findall(support))
    found += [f"ALL-CAPS {w}" for w in dict.fromkeys(_ALL_CAPS.findall(text)) if w not in allowed]
    return found


def _normalise(text: str) -> str:
    text = text.translate(STRAIGHT_QUOTES)
    return " ".join(_POSSESSIVE.sub("", text).lower().split())


def _numbers(text: str) -> set[str]:
    return {m.replace(",", "") for m in _NUMBER.findall(text)}


def capitalised_runs(text: str) -> list[tuple[tuple[str, ...], bool]]:
    """Runs of consecutive capitalised words, each with whether it starts a sentence. Punctuation
    inside a sentence (comma, colon, brackets, quotes) and line breaks end a run."""
    runs: list[tuple[tuple[str, ...], bool]] = []
    current: list[str] = []
    starts = False
    sentence_start = True
    position = 0

    def flush() -> None:
        nonlocal current
        if current:
            runs.append((tuple(current), starts))
        current = []

    text = text.translate(STRAIGHT_QUOTES)
    for match in re.finditer(r"\S+", text):
        raw = match.group(0)
        if "\n" in text[position : match.start()]:
            flush()
            sentence_start = True
        position = match.end()
        if raw[0] in "([{\"'":
            flush()
        word = _POSSESSIVE.sub("", raw.strip(_TOKEN_EDGE))
        if word[:1].isupper():
            if not current:
                starts = sentence_start
            current.append(word)
        else:
            flush()
        tail = raw.rstrip("\"')]}")
        if raw[-1] in ',;:)]}"' or tail.endswith((".", "!", "?")):
            flush()
        sentence_start = tail.endswith((".", "!", "?", ":"))
    flush()
    return runs


def unsupported_claims(text: str, support: str) -> list[str]:
    """Numbers and multi-word proper nouns in `text` that `support` (the facts) does not contain."""
    problems = [f"number {n}" for n in sorted(_numbers(text) - _numbers(support))]
    known = _normalise(support)
    for words, starts_sentence in capitalised_runs(text):
        if len(words) < 2 or _normalise(" ".join(words)) in known:
            continue
        rest = words[1:]
        if starts_sentence and (len(rest) < 2 or _normalise(" ".join(rest)) in known):
            continue
        problems.append(f"name '{' '.join(words)}'")
    return list(dict.fromkeys(problems))


def lint_copy(copy: EmailCopy, support: str) -> list[str]:
    """Every problem with `copy` (empty when it may be sent); `support` is the text of the facts."""
    problems: list[str] = []
    parts = {
        "subject": copy.subject,
        "body": copy.body,
        "follow_up_subject": copy.follow_up_subject,
        "follow_up_body": copy.follow_up_body,
    }
    for name, text in parts.items():
        low, high = SUBJECT_WORDS if name.endswith("subject") else BODY_WORDS
        words = word_count(text)
        if not low <= words <= high:
            problems.append(f"{name} has {words} words ({low}-{high} allowed)")
        problems += [f"placeholder in {name}: {p}" for p in placeholders(text)]
        problems += [f"spam phrasing in {name}: {p}" for p in spam_phrases(text, support)]
        problems += [f"not in the facts, in {name}: {c}" for c in unsupported_claims(text, support)]
    return problems
