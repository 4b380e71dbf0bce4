"""Reply text: one reply of a label in a language, with its subject, timing, quote and signature.

What belongs here: `_reply`, `_reworded` (the ambiguous and injected wordings, drawn from a stream
of their own) and the text helpers they use.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import replace
from datetime import date, timedelta

from resources.sandbox.engagement.automated_bodies import _AUTO_REPLIES, _OOO_WITH_DATE, _OOO_WITHOUT_DATE
from resources.sandbox.engagement.human_bodies import _BODIES, _WORDINGS
from resources.sandbox.engagement.phrases import (
    _ANONYMOUS_GREETINGS,
    _ASCII,
    _GREETINGS,
    _MONTHS,
    _MONTHS_SHORT,
    _QUOTED,
    _REFERRAL_NAMES,
    _SIGNOFFS,
    _SUBJECTS,
    _WEEKDAYS,
    _WEEKDAYS_SHORT,
)
from resources.sandbox.engagement.records import Reply

#: Share of the human replies reworded, drawn from a stream of its own so the rest of a lead's engagement
#: (opens, clicks, timing, complaints) is the same with or without it. Only labels that have such wordings
#: are reworded (72 % and 68 % of replies by `_LABEL_WEIGHTS`), so about 8 % of all replies are ambiguous
#: (in cold outreach a reply that says yes and not now, or no and tell me more, is common) and about 1 % are
#: injected: rare in real mail, frequent enough here that a sandbox day of a few hundred replies has some.
_WORDING_SHARES: tuple[tuple[str, float], ...] = (("ambiguous", 0.11), ("injected", 0.014))


def _hours(rng: random.Random, low: float, high: float, *, median: float) -> float:
    return round(min(high, max(low, rng.lognormvariate(0.0, 1.2) * median)), 3)


def _reworded(
    seed: int,
    address: str,
    reply: Reply,
    first_name: str | None,
    sender_name: str,
    original_subject: str,
    today: date,
) -> Reply:
    """`reply` in another wording (see `_WORDING_SHARES`), or as it is. Its subject and timing are kept."""
    digest = hashlib.sha256(f"{seed}:wording:{address}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:16], "big"))
    roll = rng.random()
    wording = None
    for name, share in _WORDING_SHARES:
        if roll < share:
            wording = name
            break
        roll -= share
    bodies = _WORDINGS[wording].get(reply.label) if wording else None
    if wording is None or bodies is None:
        return reply
    text = _reply(
        rng, reply.label, reply.language, address, first_name, sender_name, original_subject, today, bodies
    ).text
    return replace(reply, text=text, wording=wording)


def _reply(
    rng: random.Random,
    label: str,
    lang: str,
    address: str,
    first_name: str | None,
    sender_name: str,
    original_subject: str,
    today: date,
    bodies: dict[str, tuple[str, ...]] | None = None,
) -> Reply:
    """A reply of `label`; a human one's body is one of `bodies` (by language), else of `_BODIES[label]`."""
    local, _, domain = address.partition("@")
    # Without a first name, people sign with what their address suggests ("ada.lovelace@" -> "Ada").
    me = (first_name or "").strip() or (local.split(".")[0].title() if "." in local else "")
    sender_first = sender_name.split()[0] if sender_name.strip() else ""
    ticket = rng.randint(10000, 99999)
    company = domain.split(".")[0].title()
    subject_key = label if label in ("out_of_office", "auto_reply") else "reply"
    subject = rng.choice(_SUBJECTS[subject_key][lang]).format(s=original_subject, ticket=ticket)

    if label == "out_of_office":
        after = round(rng.uniform(0.001, 0.1), 4)
        return_date: date | None = None
        if rng.random() < 0.85:
            return_date = today + timedelta(days=rng.randint(3, 20))
            text = rng.choice(_OOO_WITH_DATE[lang]).format(me=me, domain=domain, **_date_words(return_date))
        else:
            text = rng.choice(_OOO_WITHOUT_DATE[lang]).format(me=me, domain=domain)
        return Reply(label, lang, subject, text.strip(), after, return_date=return_date)
    if label == "auto_reply":
        after = round(rng.uniform(0.001, 0.1), 4)
        text = rng.choice(_AUTO_REPLIES[lang]).format(ticket=ticket, company=company)
        return Reply(label, lang, subject, text, after)

    after = _hours(rng, 0.5, 96.0, median=7.0)
    ref_name = ref_email = None
    me_slug = _ascii_slug(local.replace(".", "-").replace("_", "-"))
    fields = {"me_slug": me_slug, "ref_name": "", "ref_email": ""}
    if label == "referral":
        candidates = [n for n in _REFERRAL_NAMES[lang] if n[0] != me]
        ref_first, ref_last = rng.choice(candidates)
        ref_name = f"{ref_first} {ref_last}"
        ref_email = f"{_ascii_slug(ref_first)}.{_ascii_slug(ref_last)}@{domain}"
        fields.update(ref_name=ref_name, ref_email=ref_email)
    body = rng.choice((bodies or _BODIES[label])[lang]).format(**fields)
    if sender_first:
        greeting = rng.choice(_GREETINGS[lang]).format(sender=sender_first)
    else:
        greeting = rng.choice(_ANONYMOUS_GREETINGS[lang])
    # German letters continue in lower case after "Hallo Sam,"; English and French start a new sentence.
    if not (lang == "de" and greeting.endswith(",")):
        body = body[0].upper() + body[1:]
    signoff = rng.choice(_SIGNOFFS[lang]).format(me=me).strip()
    if label in ("unsubscribe", "not_interested") and rng.random() < 0.3:
        # Curt replies skip the pleasantries.
        text = body[0].upper() + body[1:]
    else:
        text = f"{greeting}\n\n{body}\n\n{signoff}"
    if rng.random() < 0.35 and sender_name.strip():
        text += "\n\n" + _quote(lang, today, rng, sender_name, first_name)
    # An empty name leaves gaps in the signature; mail clients would not show three blank lines.
    text = re.sub(r"\n{3,}", "\n\n", text)
    return Reply(label, lang, subject, text, after, referral_name=ref_name, referral_email=ref_email)


def _quote(lang: str, sent: date, rng: random.Random, sender_name: str, first_name: str | None) -> str:
    hour, minute = rng.randint(7, 17), rng.randint(0, 59)
    wd_short, mon_short = _WEEKDAYS_SHORT[lang][sent.weekday()], _MONTHS_SHORT[lang][sent.month - 1]
    if lang == "de":
        header = (
            f"Am {wd_short}, {sent.day}. {mon_short} {sent.year} um {hour:02d}:{minute:02d} Uhr "
            f"schrieb {sender_name}:"
        )
        hello = f"Hallo {first_name}," if first_name else "Guten Tag,"
    elif lang == "fr":
        header = (
            f"Le {wd_short} {sent.day} {mon_short} {sent.year} à {hour:02d}:{minute:02d}, "
            f"{sender_name} a écrit :"
        )
        hello = f"Bonjour {first_name}," if first_name else "Bonjour,"
    else:
        clock = f"{(hour - 1) % 12 + 1}:{minute:02d} {'AM' if hour < 12 else 'PM'}"
        header = f"On {wd_short}, {mon_short} {sent.day}, {sent.year} at {clock} {sender_name} wrote:"
        hello = f"Hi {first_name}," if first_name else "Hi there,"
    lines = [hello, "", *_QUOTED[lang]]
    return header + "\n" + "\n".join(f"> {line}".rstrip() for line in lines)


def _date_words(day: date) -> dict[str, str]:
    previous = day - timedelta(days=1)
    return {
        "date_en": f"{day.day} {_MONTHS['en'][day.month - 1]}",
        "date_en_prev": f"{previous.day} {_MONTHS['en'][previous.month - 1]}",
        "weekday_en": _WEEKDAYS["en"][day.weekday()],
        "date_de": f"{day.day:02d}.{day.month:02d}.",
        "date_de_prev": f"{previous.day:02d}.{previous.month:02d}.",
        "date_de_long": f"{day.day:02d}.{day.month:02d}.{day.year}",
        "weekday_de": _WEEKDAYS["de"][day.weekday()],
        "date_fr": f"{'1er' if day.day == 1 else day.day} {_MONTHS['fr'][day.month - 1]}",
        "date_fr_prev": f"{'1er' if previous.day == 1 else previous.day} {_MONTHS['fr'][previous.month - 1]}",
        "weekday_fr": _WEEKDAYS["fr"][day.weekday()],
    }


def _ascii_slug(text: str) -> str:
    ascii_text = text.lower().translate(_ASCII)
    return "".join(ch for ch in ascii_text if ch.isascii() and (ch.isalnum() or ch == "-"))
