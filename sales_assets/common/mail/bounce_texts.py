"""What mail servers write when they refuse a message, as data: one row per wording, with the label it
means and whether it settles the matter alone.

What belongs here: `BOUNCE_TEXTS` (wording, label, strength, who writes it; the rows are the data file
`bounce_texts.tsv` next to this module), `text_labels`, which finds them in a bounce, and the few wordings
that are not a bounce at all (challenge-response requests, gateway disclaimers). The rows come from the
providers' own documentation of their bounce answers (Gmail's "SMTP error reference", Microsoft's "NDRs in
Exchange Online", Yahoo's "SMTP error codes", Proofpoint's and Mimecast's rejection codes) and from the
stock texts of the open MTAs (sendmail, Postfix, Exim, qmail, Courier, Lotus Notes); the enhanced status
codes themselves are `dsn.py`'s. Adding a provider is adding rows to the table, not code.

Strength: "sure" rows name one cause without doubt ("User unknown", "mailbox full", "blocked using
Spamhaus"); "lean" rows point one way but other causes share the wording ("mailbox unavailable", "access
denied"), so they decide only when nothing else speaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class BounceText:
    label: str  # bounce_hard | bounce_soft | policy_block
    strength: str  # sure | lean
    pattern: re.Pattern[str]
    source: str  # who writes it


HARD, SOFT, POLICY = "bounce_hard", "bounce_soft", "policy_block"
TABLE = Path(__file__).with_name("bounce_texts.tsv")


def load_table(path: Path = TABLE) -> tuple[BounceText, ...]:
    """The rows of a wording table (`bounce_texts.tsv`): tab-separated label, strength, source and
    pattern, `#` lines and the header skipped. A bad row is an error naming the file and line."""
    rows: list[BounceText] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("label\t"):
            continue
        cells = line.split("\t")
        if len(cells) != 4 or cells[0] not in (HARD, SOFT, POLICY) or cells[1] not in ("sure", "lean"):
            raise ValueError(f"{path.name} line {number}: expected label, strength, source, pattern")
        try:
            pattern = re.compile(cells[3], re.I)
        except re.error as exc:
            raise ValueError(f"{path.name} line {number}: {exc}") from exc
        rows.append(BounceText(cells[0], cells[1], pattern, cells[2]))
    return tuple(rows)


BOUNCE_TEXTS: tuple[BounceText, ...] = load_table()

#: Challenge-response services answer with a bounce's form (even a DSN) asking the sender to confirm: an
#: automatic reply about the sender, not a verdict on the mailbox.
CHALLENGE_RESPONSE = re.compile(
    r"\bboxbe\b|\bbluebottle\b|\bspam ?arrest\b|\bmailblocks\b|\bsender not pre-?approved\b"
    r"|\b(?:guest|approved senders?) list\b|\bhas been waitlisted\b|\bchallenge[- ]response\b"
    r"|\bclick (?:on )?the (?:following )?link\b[^.]{0,80}\b(?:allowed|approved|guest|white) ?list\b",
    re.I,
)
#: Disclaimers gateways append ("scanned for viruses by ..."): they name a filter but say nothing of why.
_DISCLAIMER = re.compile(r"[^.\n]*\bscanned\b[^.\n]{0,80}\b(?:virus|viruses|malware|spam)\b[^.\n]*", re.I)


def text_labels(text: str) -> dict[str, tuple[str, BounceText]]:
    """The labels a bounce's words point to, with the strongest row found for each: label -> (strength,
    row). A sure row beats a lean one for the same label."""
    found: dict[str, tuple[str, BounceText]] = {}
    text = _DISCLAIMER.sub(" ", text)
    for row in BOUNCE_TEXTS:
        if row.pattern.search(text):
            have = found.get(row.label)
            if have is None or (have[0] == "lean" and row.strength == "sure"):
                found[row.label] = (row.strength, row)
    return found
