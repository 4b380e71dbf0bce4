"""Who a referral points to: the name and address of the colleague a reply sends the seller to.

What belongs here: `referral_contact` (the referred person's name and email in a reply's own text), the
cues that make an address a referral (`REFERRAL_CUE`, `NAMED_REFERRAL`), `matches_address` (whether a
name fits an address) and the name patterns they use. Whether a reply is a referral at all is
`classify.py`'s decision.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sales_assets.common.mail.language import words

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.I)
REFERRAL_CUE = re.compile(
    r"\breach out to\b|\bget in touch with\b|\bcontact\b|\bspeak (?:to|with)\b|\btalk (?:to|with)\b"
    r"|\bcolleague\b|\bhandles?\b|\bhandling\b|\bowns?\b|\bresponsible for\b|\bin charge of\b|\blooping in\b"
    r"|\bloop(?:ed)? in\b|\bcc['\u2019]?(?:e?d|ing)?\b|\bcopied\b|\bcopying\b|\bforward(?:ed|ing)?\b"
    r"|\bbetter fit for\b"
    r"|\bright person\b|\bbest person\b|\bpoint of contact\b|\b(?:ask|email|write to|try)\b"
    r"|\bwenden sie sich\b|\bkontaktieren sie\b|\bansprechpartner(?:in)?\b|\bzuständig (?:ist|wäre|sind)\b"
    r"|\bkolleg(?:e|in|en)\b|\bverantwortet\b|\bkümmert sich\b|\bin kopie\b|\bin cc\b|\bweitergeleitet\b"
    r"|\berreichen sie\b|\bmelden sie sich\b|\bcontacter\b|\bs['\u2019]occupe\b|\binterlocut|\bcollègue\b"
    r"|\ben copie\b|\ben relation\b|\bjoignable\b|\bgère\b|\bresponsable\b|\btransféré\b|\badressez-vous\b"
    r"|\bvoir avec\b|\bdirekt an\b|\bmacht (?:das )?bei uns\b|\bübernimmt\b|\bschreiben sie (?:an|\w+ an)\b",
    re.I,
)
NAMED_REFERRAL = re.compile(
    r"\b(?:colleague|loop(?:ing|ed)? in|cc['\u2019]?(?:e?d|ing)|reach out to|talk to|speak (?:to|with)"
    r"|get in touch"
    r"|contact|kolleg(?:e|in|en)|wenden sie sich|ansprechpartner|collègue|contacter|voir avec"
    r"|adressez-vous)\b",
    re.I,
)
_NAME_WORD = r"[A-ZÀ-Ý][a-zà-ÿß]*(?:['\u2019-][A-ZÀ-Ý]?[a-zà-ÿß]+)*"
_NAME = re.compile(rf"\b{_NAME_WORD}(?:\s+(?:(?:van|von|de|du|der|le|la|di|da)\s+)?{_NAME_WORD}){{0,2}}")
_NOT_NAMES = words(
    "i hi hello hey dear thanks thank please the this that looping you your we our my he she they them "
    "it sorry best regards cheers yes no sure team sales marketing ceo cto cfo coo vp head director manager "
    "adding add looping including introducing copying meet welcome ask contact try reach email cc also and "
    "or with via from our revenue operations ops procurement purchasing finance it hr legal support "
    "hallo guten tag bitte danke sie ihnen ihr wir uns team kollege kollegin ansprechpartner kopie thema "
    "bereich unternehmen das der die dafür bei vielen gruß grüße frau herr "
    "bonjour merci je vous nous le la les cordialement équipe collègue madame monsieur mme m "
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if ch.isalnum()).replace("ß", "ss")


def _name_candidates(text: str) -> Iterable[tuple[int, int, str]]:
    for match in _NAME.finditer(text):
        words = match.group(0).split()
        while words and words[0].lower().strip("'\u2019") in _NOT_NAMES:
            words = words[1:]
        while words and words[-1].lower().strip("'\u2019") in _NOT_NAMES:
            words = words[:-1]
        if words:
            yield match.start(), match.end(), " ".join(words)


def matches_address(name: str, email: str) -> bool:
    local = _fold(email.split("@", 1)[0])
    parts = [_fold(p) for p in name.split()]
    # German umlauts become "ue", "oe", "ae" in addresses; NFKD leaves "u"; compare both ways.
    ascii_local = local.replace("ue", "u").replace("oe", "o").replace("ae", "a")
    return any(len(p) >= 2 and (p in local or p in ascii_local) for p in parts)


def referral_contact(body: str) -> tuple[str | None, str | None]:
    """(name, email) of the person a reply refers the sender to, from the reply's own text (quote and
    signature already removed). The name is the written one next to the address, else the address's
    "first.last" part; without an address, the name after a referral cue."""
    emails = [m for m in EMAIL.finditer(body)]
    if emails:
        match = emails[0]
        email = match.group(0).rstrip(".").lower()
        window_start = max(0, match.start() - 200)
        before = [c for c in _name_candidates(body[window_start : match.start()])]
        after = list(_name_candidates(body[match.end() : match.end() + 60]))
        for _, _, name in [*reversed(before), *after]:
            if matches_address(name, email):
                return name, email
        local = email.split("@", 1)[0]
        if re.fullmatch(r"[a-z]+[._-][a-z]+", local):
            return " ".join(p.title() for p in re.split(r"[._-]", local)), email
        near = [name for start, _, name in before if match.start() - window_start - start <= 60]
        return (near[-1] if near else None), email
    for cue in REFERRAL_CUE.finditer(body):
        for _, _, name in _name_candidates(body[cue.end() : cue.end() + 60]):
            # Without an address only a full name is trusted: German capitalises every noun.
            if len(name.split()) >= 2:
                return name, None
    return None, None
