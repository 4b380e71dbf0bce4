"""Delivery-status notifications read by their structure (RFC 3464 and RFC 3463) before their words.

What belongs here: `DeliveryStatus` (what a bounce says of its failed recipient: the `Action`, the
enhanced `Status`, the `Diagnostic-Code`, the remote MTA, and the message's automation headers),
`read_delivery_status` (a raw RFC 5322 message, parsed with the standard library's `email` package, or the
text a mail client or lemlist shows, where the delivery-status part appears as `Field: value` lines, or a
bare SMTP answer), `looks_like_dsn` (whether a text is a report from a mail system rather than a person's
words), and `status_meaning`, RFC 3463's reading of an enhanced status code as a bounce label. Provider
wordings are data in `bounce_texts.py`; turning all of it into a label is `classify.py`'s.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message

#: DSN fields read (RFC 3464 section 2.2 and 2.3), lower-cased.
_FIELDS = (
    "action",
    "status",
    "diagnostic-code",
    "final-recipient",
    "original-recipient",
    "remote-mta",
    "reporting-mta",
    "will-retry-until",
)
_FIELD_LINE = re.compile(
    r"^[ \t]*(" + "|".join(re.escape(f) for f in _FIELDS) + r")[ \t]*:[ \t]*(.*(?:\n[ \t]+\S.*)*)",
    re.I | re.M,
)
#: An enhanced status code (RFC 3463): class.subject.detail, each at most three digits.
ENHANCED = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
#: A three-digit SMTP reply code at the start of a line, after "said:" / "<<<" / "SMTP;", or in "#5.1.1".
BASIC = re.compile(
    r"(?:^|said:|<<<|smtp;|\(reason:|\bcode:?|\berror:?)[ \t]*([245][0-5]\d)(?=[ \t-]|$)", re.I | re.M
)
#: Headers that mark a message as written by a machine (RFC 3834, and the ones vendors add).
AUTOMATION_HEADERS = (
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "x-auto-response-suppress",
    "precedence",
    "x-ms-exchange-inbox-rules-loop",
    "x-ms-exchange-generated-message-source",
    "x-failed-recipients",
)

# Mail-system phrases: what MTAs (sendmail, Postfix, Exim, qmail, Exchange, Notes, Gmail, Yahoo and the like)
# put around a bounce. A person's reply never carries them, so they mark the text as a report.
_MTA_PHRASES = re.compile(
    r"delivery status notification|undeliverable|undelivered mail|mail delivery (?:failed|failure|subsystem"
    r"|system)|delivery (?:has )?failed|returned mail|failure notice|delivery failure|message not delivered"
    r"|could not be delivered|wasn'?t delivered|couldn'?t be delivered|not be delivered|permanent (?:fatal )?"
    r"error|fatal errors?|delivery to the following recipients? failed|this is the mail system at"
    r"|created automatically by mail delivery software"
    r"|the following (?:address(?:es)?|recipients?) (?:had|failed)"
    r"|transcript of (?:the )?session|unable to deliver|delivery (?:problem|report|notification)"
    r"|mail(?:er)?[- ]daemon|postmaster@|non[- ]?delivery|\bndr\b|retry time(?:out)? (?:not reached|exceeded)"
    r"|message (?:was |has been )?(?:rejected|returned|bounced)|remote (?:host|server) (?:said|returned)"
    r"|smtp (?:error|server)|\brcpt to\b|recipient address rejected|host unknown|user unknown"
    r"|unzustellbar|nicht zustellbar|zustellung fehlgeschlagen|non remis|non distribuable"
    r"|échec de (?:la )?remise|impossibile consegnare|non (?:è stato |e' stato )?recapitat"
    r"|nie (?:został|mogła zostać) dostarczon|не (?:может быть |был[оа]? )?доставлен|配信(?:できません|失敗)"  # noqa: RUF001
    r"|送信できませんでした|宛先不明|\bnot (?:a )?member of (?:this|the) (?:mailing )?list\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class DeliveryStatus:
    """What one bounce says of its (first failed) recipient. Fields are None when the message lacks them."""

    action: str | None = None  # failed | delayed | delivered | relayed | expanded
    status: str | None = None  # the enhanced code, e.g. "5.1.1"
    diagnostic: str | None = None  # the remote server's own words, e.g. "smtp; 550 5.1.1 User unknown"
    basic: str | None = None  # the three-digit SMTP reply, e.g. "550"
    recipient: str | None = None
    remote_mta: str | None = None
    structured: bool = False  # read from DSN fields (RFC 3464), not guessed from the text
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def code(self) -> str | None:
        return self.status or self.basic


def _unfold(value: str) -> str:
    return re.sub(r"\s*\n[ \t]+", " ", value).strip()


def _code_of(text: str) -> tuple[str | None, str | None]:
    """The most specific enhanced code of a text (an X.0.0 only when there is no other) and its first
    basic SMTP reply code."""
    codes = [".".join(m.groups()) for m in ENHANCED.finditer(text)]
    specific = [c for c in codes if not c.endswith(".0.0")]
    basic = BASIC.search(text)
    best = specific[0] if specific else codes[0] if codes else None
    return best, basic.group(1) if basic else None


def _blocks(text: str) -> list[dict[str, str]]:
    """The DSN field blocks of a text, one per recipient (a field seen twice starts a new block)."""
    blocks: list[dict[str, str]] = [{}]
    for match in _FIELD_LINE.finditer(text):
        name, value = match.group(1).lower(), _unfold(match.group(2))
        if name in blocks[-1] and name != "reporting-mta":
            blocks.append({})
        blocks[-1].setdefault(name, value)
    return [b for b in blocks if b]


#: Where MTAs that send no DSN part put the remote server's answer: sendmail's "(reason: 553 ...)", Postfix's
#: "host x said: 550 ...", Exim's "SMTP error from remote mail server after RCPT TO:<x>: 550 ...".
_REASON_LINE = re.compile(
    r"\(reason: ([^\n]+)\)[ \t]*$|\bsaid: ((?:[245]\d\d)[^\n]*(?:\n[ \t]+[^\n]+)*)"
    r"|smtp error from remote (?:mail )?server[^:\n]*:[ \t]*\n?[ \t]*(?:host [^:\n]+:[ \t]*)?"
    r"([245]\d\d[^\n]*)",
    re.I | re.M,
)


def _reason_line(text: str) -> str | None:
    match = _REASON_LINE.search(report_text(text))
    if match is None:
        return None
    return _unfold(next(g for g in match.groups() if g))


def _from_blocks(blocks: list[dict[str, str]], text: str, headers: Mapping[str, str]) -> DeliveryStatus:
    recipients = [b for b in blocks if {"action", "status", "diagnostic-code"} & set(b)]
    # The first recipient that failed is the one the bounce is about; a relayed or delivered one is not.
    chosen = next(
        (b for b in recipients if b.get("action", "").lower().startswith("failed")),
        recipients[0] if recipients else {},
    )
    status_field = chosen.get("status", "")
    diagnostic = chosen.get("diagnostic-code") or _reason_line(text)
    status = ENHANCED.search(status_field)
    diag_status, diag_basic = _code_of(diagnostic or "")
    text_status, text_basic = _code_of(report_text(text))
    enhanced = ".".join(status.groups()) if status else diag_status or text_status
    # A "5.0.0" Status over a diagnostic that says "5.1.1" carries less: the more specific code wins.
    if enhanced and diag_status and enhanced.endswith(".0.0") and diag_status[0] == enhanced[0]:
        enhanced = diag_status
    return DeliveryStatus(
        action=(chosen.get("action") or "").split()[0].lower() if chosen.get("action") else None,
        status=enhanced,
        diagnostic=diagnostic,
        basic=diag_basic or text_basic,
        recipient=chosen.get("final-recipient") or chosen.get("original-recipient"),
        remote_mta=chosen.get("remote-mta"),
        structured=bool(chosen),
        headers=headers,
    )


def _headers(message: Message) -> dict[str, str]:
    return {
        k.lower(): str(v) for k, v in message.items() if k.lower() in (*AUTOMATION_HEADERS, "subject", "from")
    }


def _parse_raw(raw: str | bytes) -> tuple[list[dict[str, str]], str, dict[str, str]] | None:
    """A raw message's delivery-status blocks, human-readable text and automation headers; None when the
    input is not a message with headers."""
    head = raw[:2000] if isinstance(raw, bytes) else raw[:2000].encode("utf-8", "replace")
    if not re.match(rb"(?:[!-9;-~]+:[^\n]*\r?\n(?:[ \t][^\n]*\r?\n)*)+\r?\n", head.lstrip()):
        return None
    message = (
        email.message_from_bytes(raw, policy=email.policy.compat32)
        if isinstance(raw, bytes)
        else email.message_from_string(raw, policy=email.policy.compat32)
    )
    blocks: list[dict[str, str]] = []
    texts: list[str] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind in ("message/delivery-status", "message/global-delivery-status"):
            # The email package parses the part into header blocks: the per-message one, then one per
            # recipient (RFC 3464 section 2.1).
            payload = part.get_payload()
            if isinstance(payload, list):
                blocks.extend(
                    {k.lower(): _unfold(str(v)) for k, v in block.items() if k.lower() in _FIELDS}
                    for block in payload
                    if isinstance(block, Message)
                )
            elif isinstance(payload, str):
                blocks.extend(_blocks(payload))
        elif kind == "text/plain" and not _inside_returned_message(message, part):
            body = part.get_payload(decode=True)
            if isinstance(body, bytes):
                texts.append(body.decode(part.get_content_charset() or "utf-8", "replace"))
    return [b for b in blocks if b], "\n".join(texts), _headers(message)


def _inside_returned_message(root: Message, target: Message) -> bool:
    """Whether `target` is part of the returned original (a message/rfc822 part), whose words are ours."""
    for part in root.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers") and part is not target:
            for inner in part.walk():
                if inner is target and inner is not part:
                    return True
    return False


def read_delivery_status(message: str | bytes, headers: Mapping[str, str] | None = None) -> DeliveryStatus:
    """What a bounce says, from a raw message (its `message/delivery-status` part), from the text a mail
    client shows (DSN fields as `Field: value` lines), or from a bare SMTP answer (codes in the words)."""
    extra = {k.lower(): v for k, v in (headers or {}).items()}
    parsed = _parse_raw(message)
    if parsed is not None:
        blocks, text, found = parsed
        found.update(extra)
        if blocks:
            return _from_blocks(blocks, text, found)
        return _from_blocks(_blocks(text), text, found)
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return _from_blocks(_blocks(text), text, extra)


#: Where a bounce's own words end and the returned original (headers, body) begins: what follows is ours,
#: and a DKIM-Signature header in it says nothing of why the message was refused.
_RETURNED = re.compile(
    r"^[ \t-]*(?:-+ ?)?(?:below this line is a copy|original message follows|(?:-{2,} ?)?original message"
    r"|unsent message follows|message headers follow|returned message|the original message headers"
    r"|a copy of the original message|below is a copy of the original message|copy of the message"
    r"|content-type: message/rfc822|content-type: text/rfc822-headers)"
    r"|^(?:received|return-path|dkim-signature|message-id|authentication-results):[ \t]",
    re.I | re.M,
)


def report_text(text: str) -> str:
    """A bounce's text without the returned original it carries (from the first marker or header on)."""
    match = _RETURNED.search(text)
    return text[: match.start()] if match else text


def looks_like_dsn(text: str, subject: str = "") -> bool:
    """Whether a text is a mail system's report (DSN fields, an SMTP transcript, an MTA's wording)."""
    if _MTA_PHRASES.search(subject) or _MTA_PHRASES.search(text[:1500]):
        return True
    blocks = _blocks(text)
    return any({"action", "status"} <= set(b) or "diagnostic-code" in b for b in blocks)


# --- RFC 3463 ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatusMeaning:
    label: str  # bounce_hard | bounce_soft | policy_block
    sure: bool  # the code alone settles it
    meaning: str


#: RFC 3463 section 3 (and RFC 7505's X.1.10), subject.detail -> (label under 5.x.x, whether the code alone
#: settles it, what it means). Class 4 is always a temporary failure: never a dead mailbox. Details not
#: listed fall back to their subject (X.n.0).
STATUS_TABLE: dict[str, tuple[str, bool, str]] = {
    "1.0": ("bounce_hard", False, "other address status"),
    "1.1": ("bounce_hard", True, "bad destination mailbox address"),
    "1.2": ("bounce_hard", True, "bad destination system address"),
    "1.3": ("bounce_hard", True, "bad destination mailbox address syntax"),
    "1.4": ("bounce_hard", False, "destination mailbox address ambiguous"),
    "1.5": ("bounce_soft", False, "destination address valid"),
    "1.6": ("bounce_hard", True, "destination mailbox has moved"),
    "1.7": ("policy_block", True, "bad sender's mailbox address syntax"),
    "1.8": ("policy_block", True, "bad sender's system address"),
    "1.10": ("bounce_hard", True, "recipient address has a null MX"),
    # Gmail and Microsoft send 5.2.1 for disabled accounts, Yahoo and others for rate limits and
    # suspensions: not sure alone (see `classify_bounce`).
    "2.0": ("bounce_soft", False, "other or undefined mailbox status"),
    "2.1": ("bounce_soft", False, "mailbox disabled, not accepting messages"),
    "2.2": ("bounce_soft", True, "mailbox full"),
    "2.3": ("bounce_soft", True, "message length exceeds administrative limit"),
    "2.4": ("bounce_soft", True, "mailing list expansion problem"),
    "3.0": ("bounce_soft", False, "other or undefined mail system status"),
    "3.1": ("bounce_soft", True, "mail system full"),
    "3.2": ("bounce_soft", True, "system not accepting network messages"),
    "3.3": ("bounce_soft", True, "system not capable of selected features"),
    "3.4": ("bounce_soft", True, "message too big for system"),
    "3.5": ("bounce_soft", True, "system incorrectly configured"),
    "4.0": ("bounce_soft", False, "other or undefined network or routing status"),
    # Microsoft answers 5.4.1 for a recipient its directory does not know: the words decide.
    "4.1": ("bounce_soft", False, "no answer from host"),
    "4.2": ("bounce_soft", True, "bad connection"),
    "4.3": ("bounce_soft", True, "directory server failure"),
    "4.4": ("bounce_hard", False, "unable to route"),
    "4.5": ("bounce_soft", True, "mail system congestion"),
    "4.6": ("bounce_soft", True, "routing loop detected"),
    "4.7": ("bounce_soft", True, "delivery time expired"),
    "5.0": ("bounce_soft", False, "other or undefined protocol status"),
    "5.1": ("bounce_soft", False, "invalid command"),
    "5.2": ("bounce_soft", False, "syntax error"),
    "5.3": ("bounce_soft", True, "too many recipients"),
    "5.4": ("bounce_soft", False, "invalid command arguments"),
    "5.5": ("bounce_soft", False, "wrong protocol version"),
    "6.0": ("policy_block", False, "other or undefined media error"),
    "7.0": ("policy_block", True, "other or undefined security status"),
    "7.1": ("policy_block", True, "delivery not authorized, message refused"),
}


def status_meaning(status: str) -> StatusMeaning | None:
    """RFC 3463's reading of an enhanced code: class 2 is no failure (None); class 4 is temporary (a soft
    bounce, a policy deferral under X.7); class 5 by subject and detail (see `STATUS_TABLE`)."""
    match = ENHANCED.fullmatch(status.strip())
    if match is None:
        return None
    klass, subject, detail = match.groups()
    if klass == "2":
        return None
    key = f"{int(subject)}.{int(detail)}"
    label, sure, meaning = STATUS_TABLE.get(key) or STATUS_TABLE.get(
        f"{int(subject)}.0", ("bounce_soft", False, "unknown")
    )
    if subject == "6":
        label, sure = "policy_block", True
    if subject == "7":
        label, sure = "policy_block", True
    if klass == "4":
        # A temporary failure never means a dead mailbox; a policy deferral is still a policy signal.
        return StatusMeaning("policy_block" if label == "policy_block" else "bounce_soft", True, meaning)
    return StatusMeaning(label, sure, meaning)
