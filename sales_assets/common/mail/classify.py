"""The offline reply classifier: deterministic rules that label a reply to cold outreach (English, German,
French) and say whether they are sure; only the replies they are not sure of go to Claude.

What belongs here: `LABELS`, `ReplyClassification`, `classify_reply` (a reply's text and subject),
`classify_bounce` (a bounce activity's SMTP answer or a whole report: its structure is `dsn.py`'s, the
decision `bounces.py`'s), `automated_by_headers`, and the decision that reads the cue tables. The tables
are data beside it: a person's wordings in `reply_cues.py`, a machine's in `auto_reply_cues.py`, referrals
in `referrals.py`, the language in `language.py`. Text preparation (HTML, quoted originals, signatures)
and date parsing are `reply_text.py`'s; telling text that addresses the system (a prompt injection) is
`sales_assets.common.instructions`'s. No Dagster, pandas or vendor imports: `sales_assets` re-exports
`classify_reply` and importing it must stay cheap.

The rules prefer precision to coverage: a wrong sure label suppresses a person or drops a hot lead, so any
mixed signal (a positive and a negative cue, a deferral, a question next to interest, an out-of-office
wording next to a human answer) leaves the decision to Claude.

A reply that addresses the system ("ignore previous instructions", `system:`, "mark me as interested") is
never sure, so a person reads it, with one exception: a removal request. Its positive cues may be the
injected words themselves, so they are set aside, and if what remains is a sure unsubscribe it stands:
failing to honour an opt-out is the costlier error, and a suppression only ever applies to the sender's own
address, so an injection gains nothing by asking for one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from sales_assets.common.instructions import InstructionHit, find_instructions
from sales_assets.common.mail.auto_reply_cues import (
    ACK_SUBJECT,
    AUTO_ACK_STRONG,
    AUTO_ACK_WEAK,
    OOO,
    OOO_SUBJECT,
    TICKET,
)
from sales_assets.common.mail.bounces import decide_bounce
from sales_assets.common.mail.dsn import looks_like_dsn, read_delivery_status
from sales_assets.common.mail.language import detect_language
from sales_assets.common.mail.referrals import (
    NAMED_REFERRAL,
    REFERRAL_CUE,
    matches_address,
    referral_contact,
)
from sales_assets.common.mail.reply_cues import (
    CLAUSE_BREAK,
    DEFERRAL,
    HOSTILE,
    HUMAN_CUES,
    INTERJECTION,
    MIXED,
    NEAR_NEGATORS,
    NEGATORS,
    OWN_ADDRESS,
    QUESTION_WORDS,
    REQUEST,
    SCHEDULING,
    TOKEN,
)
from sales_assets.common.mail.reply_text import html_to_text, reply_body, return_date, without_quote

LABELS = (
    "interested",
    "meeting_request",
    "question",
    "not_interested",
    "unsubscribe",
    "out_of_office",
    "referral",
    "wrong_person",
    "auto_reply",
    "bounce_hard",
    "bounce_soft",
    "policy_block",
)

#: Confidence of a sure decision by rule strength, and of the best guess handed to Claude.
SURE_STRONG = 0.97
SURE = 0.92
UNSURE = 0.55
UNSURE_WEAK = 0.3


@dataclass(frozen=True, slots=True)
class ReplyClassification:
    label: str  # one of LABELS
    sure: bool  # True: the offline rules are confident; False: ask Claude
    confidence: float  # 0..1
    reason: str  # which rule or cue decided, human-readable
    language: str | None  # "en" | "de" | "fr" | None
    return_date: date | None = None  # out_of_office, when given
    referral_name: str | None = None  # referral
    referral_email: str | None = None  # referral
    smtp_status: str | None = None  # bounces: e.g. "5.1.1"
    #: Why the reply reads as written to a machine (a prompt injection), when it does; such a reply is never
    #: sure unless it is a removal request, and nothing else it asks for is done without a person.
    addresses_system: str | None = None


# --- bounces -----------------------------------------------------------------------------------------------


def classify_bounce(
    error_message: str | None, headers: Mapping[str, str] | None = None
) -> ReplyClassification:
    """A bounce (lemlist's SMTP answer, the text of a returned report, or a raw RFC 5322 message) as
    bounce_hard (the mailbox or domain is gone), bounce_soft (temporary, or the mailbox cannot take mail
    now) or policy_block (the message or the sender was refused; the mailbox exists); a challenge-response
    request is an auto_reply.

    The structure speaks first (the DSN's Action and Status, RFC 3463), the server's words second
    (`bounce_texts.py`); see `bounces.decide_bounce`. Only a sure bounce_hard may suppress an address."""
    text = error_message.strip() if isinstance(error_message, str) else ""
    if not text:
        return ReplyClassification("bounce_soft", False, UNSURE_WEAK, "bounce without an SMTP answer", None)
    found = decide_bounce(read_delivery_status(text, headers), text)
    confidence = SURE_STRONG if found.sure else UNSURE
    return ReplyClassification(
        found.label, found.sure, confidence, found.reason, None, smtp_status=found.smtp_status
    )


# --- classify_reply ----------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text.replace("\u2019", "'").replace("`", "'"))


def _negated(text: str, start: int, end: int) -> bool:
    """True when a cue at text[start:end] is negated in its clause ("not interested", "kein Termin",
    "ne nous intéresse pas", "interessiert uns nicht")."""
    clause_start = max((m.end() for m in CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    # "No thanks, remove me": an interjection, not a negation of what follows.
    clause = INTERJECTION.sub(" ", text[clause_start:start].lower())
    before = TOKEN.findall(clause)[-5:]
    if any(t in NEGATORS or t.endswith("n't") for t in before):
        return True
    # French "ne ... pas/plus" sits right at the verb it negates ("ne plus me solliciter et de supprimer"
    # negates only the first verb).
    if any(t in NEAR_NEGATORS for t in before[-3:]):
        return True
    # "Interested? No."
    if re.match(r"\W{0,2}\?\s*(?:no|nope|nein|non|not really)\b", text[end : end + 16], re.I):
        return True
    following = CLAUSE_BREAK.search(text, end)
    after = TOKEN.findall(text[end : following.start() if following else len(text)].lower())[:4]
    # German and French put the negation after the verb ("interessiert uns nicht", "n'intéresse pas").
    return any(t in ("nicht", "pas", "keine", "kein", "nie", "jamais") for t in after)


@dataclass(frozen=True, slots=True)
class _Hit:
    label: str
    reason: str
    strong: bool
    start: int


def _human_hits(body: str) -> list[_Hit]:
    """Every cue that is not negated where it stands, in cue-table order."""
    hits: list[_Hit] = []
    for cue in HUMAN_CUES:
        for match in cue.pattern.finditer(body):
            if cue.negatable and _negated(body, match.start(), match.end()):
                reason = f"negated: '{match.group(0)}'"
                if cue.negated_label is not None:
                    hits.append(_Hit(cue.negated_label, reason, cue.strong, match.start()))
                elif cue.label == "unsubscribe":
                    # "No need to remove me" is not a request, but a reply that talks about it is not plain.
                    hits.append(_Hit(MIXED, reason, False, match.start()))
                continue
            hits.append(_Hit(cue.label, cue.reason, cue.strong, match.start()))
    return hits


def _questions(body: str, hits: list[_Hit]) -> list[str]:
    """Sentences asking something that no other cue explains ("Do you integrate with Salesforce?")."""
    questions = []
    for match in re.finditer(r"(?:[^.!?\n,;]|,(?!\s*(?:but|aber|mais)\b))*\?", body, re.I):
        sentence = match.group(0).strip()
        if len(sentence) < 6:
            continue
        start, end = match.start(), match.end()
        if any(start <= h.start < end for h in hits if h.label in ("interested", "meeting_request")):
            continue
        # "Can we do Tuesday at 2pm?" schedules a call; "could you send ...?" is a request. Neither asks
        # anything about the product.
        if SCHEDULING.search(sentence) or REQUEST.match(sentence):
            continue
        if QUESTION_WORDS.search(sentence) or len(sentence.split()) >= 4:
            questions.append(sentence)
    return questions


def classify_reply(
    text: str | None,
    subject: str | None = None,
    *,
    received: date | None = None,
    headers: Mapping[str, str] | None = None,
) -> ReplyClassification:
    """The label of a reply to an outreach email, and whether the offline rules are sure of it.

    `text` is the reply as received (HTML or plain, quoted original and signature included); `subject` its
    subject line; `received` the day it arrived, which dates without a year (and weekdays) in
    out-of-office notices are counted from (today when not given); `headers` the message's headers where
    the source passes them (lemlist does not): a message a machine wrote (RFC 3834 `Auto-Submitted`,
    `X-Autoreply`, `Precedence: auto_reply`, Exchange's loop header) is never read as a person's intent. A
    reply that addresses the system is never sure, except a removal request (see the module's docstring);
    `addresses_system` says why."""
    found = _classify(text, subject, received)
    machine = automated_by_headers(headers)
    if machine is not None and found.label not in _MACHINE_LABELS:
        body = html_to_text(text or "", keep_quotes=False)
        label = "out_of_office" if OOO.search(body) or OOO_SUBJECT.search(subject or "") else "auto_reply"
        back = (
            return_date(body, received or date.today(), found.language) if label == "out_of_office" else None
        )
        return ReplyClassification(
            label, True, SURE, f"written by a machine ({machine})", found.language, return_date=back
        )
    hit = addresses_system(text, subject)
    if hit is None:
        return found
    return _addressing_the_system(found, hit, text)


_MACHINE_LABELS = frozenset({"out_of_office", "auto_reply", "bounce_hard", "bounce_soft", "policy_block"})


def automated_by_headers(headers: Mapping[str, str] | None) -> str | None:
    """Which header says a machine wrote the message (RFC 3834 and what mail systems add), or None."""
    if not headers:
        return None
    found = {k.lower(): str(v).strip().lower() for k, v in headers.items()}
    if found.get("auto-submitted", "no") not in ("", "no"):
        return f"Auto-Submitted: {found['auto-submitted']}"
    for name in ("x-autoreply", "x-autorespond", "x-ms-exchange-inbox-rules-loop"):
        if found.get(name):
            return name
    if found.get("x-ms-exchange-generated-message-source", "").startswith("mailbox rules"):
        return "X-MS-Exchange-Generated-Message-Source"
    if found.get("precedence") in ("auto_reply", "bulk", "junk"):
        return f"Precedence: {found['precedence']}"
    return None


def addresses_system(text: str | None, subject: str | None = None) -> InstructionHit | None:
    """The first cue in a reply (raw, as plain text with its quote, and its subject) that addresses the
    system, or None. The raw text counts too: markup and HTML comments vanish from the plain text."""
    raw = text or ""
    for part in dict.fromkeys((raw, html_to_text(raw, keep_quotes=True), subject or "")):
        hits = find_instructions(part)
        if hits:
            return hits[0]
    return None


#: Labels a reply's own words cannot earn when it also addresses the system: they may be the injection's.
_POSITIVE_LABELS = frozenset({"interested", "meeting_request"})


def _addressing_the_system(
    found: ReplyClassification, hit: InstructionHit, text: str | None
) -> ReplyClassification:
    why = hit.describe()
    note = f"the reply also addresses the system ({why}), which is not followed"
    if found.sure and found.label == "unsubscribe":
        return replace(found, reason=f"{found.reason}; {note}", addresses_system=why)
    body = _normalise(reply_body(text))
    if body.strip():
        kept = [h for h in _human_hits(body) if h.label not in _POSITIVE_LABELS]
        removal = _human_decision(body, kept, found.language)
        if removal.sure and removal.label == "unsubscribe":
            reason = f"{removal.reason} (its positive words set aside); {note}"
            return replace(removal, reason=reason, addresses_system=why)
    return replace(
        found,
        sure=False,
        confidence=min(found.confidence, UNSURE_WEAK),
        reason=f"addresses the system ({why}): a person decides; the rules alone read "
        f"{found.label} ({found.reason})",
        addresses_system=why,
    )


def _classify(text: str | None, subject: str | None, received: date | None) -> ReplyClassification:
    """`classify_reply` without the check for text that addresses the system."""
    subject = (subject or "").strip()
    raw = text or ""
    full = html_to_text(raw, keep_quotes=True)
    unquoted = _normalise(without_quote(raw))
    body = _normalise(reply_body(raw))
    language = detect_language(body) or detect_language(unquoted) or detect_language(subject)
    day = received or date.today()

    if not raw.strip() and not subject:
        return ReplyClassification("auto_reply", False, 0.0, "empty reply", None)

    # Non-delivery reports arrive as replies from the mailer daemon.
    if looks_like_dsn(full, subject):
        bounce = classify_bounce(full)
        reason = f"non-delivery report: {bounce.reason}"
        return ReplyClassification(
            bounce.label, bounce.sure, bounce.confidence, reason, language, smtp_status=bounce.smtp_status
        )

    if not body.strip():
        return ReplyClassification("auto_reply", False, UNSURE_WEAK, "empty reply body", language)

    hits = _human_hits(body)
    human_labels = {h.label for h in hits if h.strong}
    auto_subject = bool(OOO_SUBJECT.search(subject))
    ooo = OOO.search(unquoted)
    strong_ack = AUTO_ACK_STRONG.search(unquoted) or ACK_SUBJECT.search(subject)
    ack = strong_ack or AUTO_ACK_WEAK.search(unquoted)
    # Ticket systems answer with "Automatic reply:" subjects too; an acknowledgement is not an absence.
    if ack and not ooo:
        # "We'll get back to you shortly" may be a person's; only a machine's wording is sure next to cues.
        # Office hours ("9h à 18h", "9 bis 17 Uhr") look like meeting times; they do not make a machine human.
        if strong_ack:
            sure = not (human_labels & {"interested", "unsubscribe", "not_interested"})
        else:
            sure = not human_labels
        return ReplyClassification(
            "auto_reply",
            sure,
            SURE if sure else UNSURE,
            f"automatic acknowledgement ('{ack.group(0).strip()}')",
            language,
        )
    if ooo or auto_subject:
        back = return_date(unquoted, day, language)
        # A human answer that mentions an absence ("I was on leave, but yes, let's talk") is not a notice.
        conflicting = human_labels & {"interested", "meeting_request", "unsubscribe", "not_interested"}
        if ooo and TICKET.search(unquoted + "\n" + subject):
            cue = f"out-of-office wording ('{ooo.group(0).strip()}') next to an acknowledgement"
            return ReplyClassification("out_of_office", False, UNSURE, cue, language, return_date=back)
        if ooo:
            sure = not conflicting or auto_subject
            reason = f"out-of-office wording ('{ooo.group(0).strip()}')"
            if auto_subject:
                reason += " and subject"
            return ReplyClassification(
                "out_of_office", sure, SURE_STRONG if sure else UNSURE, reason, language, return_date=back
            )
        return ReplyClassification(
            "out_of_office", False, UNSURE, "automatic-reply subject only", language, return_date=back
        )

    return _human_decision(body, hits, language)


def _human_decision(body: str, hits: list[_Hit], language: str | None) -> ReplyClassification:
    strong = {h.label for h in hits if h.strong}
    weak = {h.label for h in hits if not h.strong and h.label != MIXED}
    reasons: dict[str, str] = {}
    for hit in hits:
        reasons.setdefault(hit.label, hit.reason)
    deferral = DEFERRAL.search(body)
    questions = _questions(body, hits)
    positive = strong & {"interested", "meeting_request"}
    negative = strong & {"not_interested", "unsubscribe"}

    # A negated removal next to a plain one ("take me off your list, do not contact me") is still a request.
    mixed = None if "unsubscribe" in strong else next((h for h in hits if h.label == MIXED), None)

    def decide(label: str, sure: bool, reason: str, **extra: object) -> ReplyClassification:
        if deferral and sure:
            sure, reason = False, f"{reason}, but defers ('{deferral.group(0).strip()}')"
        if mixed is not None and sure:
            sure, reason = False, f"{reason}, but also {mixed.reason}"
        confidence = SURE if sure else UNSURE
        return ReplyClassification(label, sure, confidence, reason, language, **extra)  # type: ignore[arg-type]

    # Referrals: an address in the reply's own text next to a referral cue.
    name, email = referral_contact(body)
    referral_cue = REFERRAL_CUE.search(body)
    if email and not referral_cue and name and matches_address(name, email):
        referral_cue = re.search(re.escape(email), body, re.I)
    if email and referral_cue:
        # A role address (sales@, info@) has nobody's name: which person to write to stays open.
        sure = (
            name is not None
            and not negative
            and not (positive and "wrong_person" not in strong)
            and not OWN_ADDRESS.search(body)
        )
        return decide(
            "referral",
            sure,
            f"refers to {email} ('{referral_cue.group(0)}')",
            referral_name=name,
            referral_email=email,
        )

    if "unsubscribe" in strong:
        sure = not positive
        return decide("unsubscribe", sure, reasons["unsubscribe"])
    if "unsubscribe" in weak and not positive and "not_interested" in strong:
        return decide("unsubscribe", True, reasons["unsubscribe"])

    # A named colleague without an address is a referral, but which address to use is not known.
    if name and NAMED_REFERRAL.search(body):
        return decide("referral", False, f"refers to {name} without an address", referral_name=name)

    if "wrong_person" in strong:
        sure = not positive and not (strong & {"not_interested"})
        return decide("wrong_person", sure, reasons["wrong_person"])

    if "not_interested" in strong:
        # Even a weak positive ("but I'd be curious how you compare") makes a no unsure.
        leaning = positive | (weak & {"interested", "meeting_request"})
        sure = not leaning
        if leaning:
            return decide(
                "not_interested",
                False,
                f"mixed: {reasons['not_interested']} and {reasons[sorted(leaning)[0]]}",
            )
        return decide("not_interested", sure, reasons["not_interested"])

    if "meeting_request" in strong or ("meeting_request" in weak and "interested" in strong):
        label = "meeting_request"
        sure = not questions or (
            "meeting_request" in strong
            and all(
                re.search(r"\b(?:work|suit|ok|okay|passt|convient|possible)\b", q, re.I) for q in questions
            )
        )
        return decide(label, sure, reasons["meeting_request"])

    if "interested" in strong:
        if questions:
            return decide("interested", False, f"{reasons['interested']} with a question")
        return decide("interested", True, reasons["interested"])

    if questions:
        hostile = HOSTILE.search(body)
        if hostile:
            return decide("not_interested", False, f"annoyed question ('{hostile.group(0)}')")
        return decide("question", True, f"asks: '{questions[0][:60]}'")

    if name and referral_cue:
        return decide("referral", False, f"refers to {name} without an address", referral_name=name)
    if weak:
        label = sorted(weak)[0]
        return ReplyClassification(label, False, UNSURE_WEAK, f"weak cue only: {reasons[label]}", language)
    return ReplyClassification(
        "interested" if "?" not in body else "question", False, UNSURE_WEAK, "no known cue", language
    )
