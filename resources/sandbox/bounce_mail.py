"""Bounces as the world's mail servers write them, for the sandbox's lemlist bounce activities.

What belongs here: `render_bounce`, which wraps one remote SMTP answer (`550 5.1.1 ... User unknown`) in
the report of one of several mail transfer agents, each written from that MTA's documented or stock
format, not copied from any corpus: the bare answer (what most sending tools keep), Postfix's
"This is the mail system" report with its RFC 3464 delivery-status fields, sendmail's "permanent fatal
errors" with a session transcript, Exim's "mail delivery software" report, qmail's "qmail-send program"
letter, Microsoft Exchange Online's NDR ("Diagnostic information for administrators") and Gmail's
"Address not found" card. Which answers a bounce carries is `sales_assets/common/mail/bounces.py`'s.
"""

from __future__ import annotations

import random
from collections.abc import Callable

FORMATS = ("smtp", "postfix", "sendmail", "exim", "qmail", "exchange", "gmail")
#: How often each format is used (lemlist keeps the bare answer for most bounces).
WEIGHTS = (40, 15, 10, 10, 5, 12, 8)


def _code(answer: str) -> tuple[str, str]:
    """The basic and enhanced codes at the start of an answer ("550", "5.1.1"; enhanced may be "")."""
    parts = answer.split()
    basic = parts[0] if parts and parts[0][:1] in "245" else "550"
    enhanced = parts[1] if len(parts) > 1 and parts[1].count(".") == 2 else ""
    return basic, enhanced


def _postfix(answer: str, email: str, domain: str, rng: random.Random) -> str:
    basic, enhanced = _code(answer)
    host = f"mx{rng.randint(1, 4)}.{domain}"
    status = enhanced or ("5.0.0" if basic.startswith("5") else "4.0.0")
    action = "failed" if basic.startswith("5") else "delayed"
    return (
        "This is the mail system at host mail.sender.example.\n\n"
        "I'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients. It's attached below.\n\n"
        "For further assistance, please send mail to postmaster.\n\n"
        "                   The mail system\n\n"
        f"<{email}>: host {host}[198.51.100.{rng.randint(2, 250)}] said: {answer} (in reply to RCPT TO "
        "command)\n\n"
        "Reporting-MTA: dns; mail.sender.example\n"
        f"X-Postfix-Queue-ID: {rng.randrange(16**10):010X}\n"
        "Arrival-Date: Tue, 1 Dec 2026 09:14:03 +0000 (UTC)\n\n"
        f"Final-Recipient: rfc822; {email}\n"
        f"Original-Recipient: rfc822;{email}\n"
        f"Action: {action}\n"
        f"Status: {status}\n"
        f"Remote-MTA: dns; {host}\n"
        f"Diagnostic-Code: smtp; {answer}\n"
    )


def _sendmail(answer: str, email: str, domain: str, rng: random.Random) -> str:
    basic, _ = _code(answer)
    heading = "permanent fatal errors" if basic.startswith("5") else "transient non-fatal errors"
    return (
        "The original message was received at Tue, 1 Dec 2026 09:14:03 GMT\n"
        "from localhost [127.0.0.1]\n\n"
        f"   ----- The following addresses had {heading} -----\n"
        f"<{email}>\n"
        f"    (reason: {answer})\n\n"
        "   ----- Transcript of session follows -----\n"
        f"... while talking to mx.{domain}.:\n"
        f">>> RCPT To:<{email}>\n"
        f"<<< {answer}\n"
        f"{basic} {email}... {'Service unavailable' if basic.startswith('5') else 'Deferred'}\n"
    )


def _exim(answer: str, email: str, domain: str, rng: random.Random) -> str:
    return (
        "This message was created automatically by mail delivery software.\n\n"
        "A message that you sent could not be delivered to one or more of its\n"
        "recipients. This is a permanent error. The following address(es) failed:\n\n"
        f"  {email}\n"
        f"    host mx.{domain} [203.0.113.{rng.randint(2, 250)}]\n"
        f"    SMTP error from remote mail server after RCPT TO:<{email}>:\n"
        f"    {answer}\n"
    )


def _qmail(answer: str, email: str, domain: str, rng: random.Random) -> str:
    return (
        "Hi. This is the qmail-send program at mail.sender.example.\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
        "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
        f"<{email}>:\n"
        f"203.0.113.{rng.randint(2, 250)} does not like recipient.\n"
        f"Remote host said: {answer}\n"
        "Giving up on 203.0.113.9.\n\n"
        "--- Below this line is a copy of the message.\n"
    )


def _exchange(answer: str, email: str, domain: str, rng: random.Random) -> str:
    return (
        "Delivery has failed to these recipients or groups:\n\n"
        f"{email} ({email})\n"
        "Your message couldn't be delivered. The recipient's email server refused it.\n\n"
        "Diagnostic information for administrators:\n\n"
        "Generating server: AM0PR01MB1234.eurprd01.prod.outlook.com\n\n"
        f"{email}\n"
        f"Remote Server returned '{answer}'\n"
    )


def _gmail(answer: str, email: str, domain: str, rng: random.Random) -> str:
    basic, _ = _code(answer)
    title = "** Message not delivered **" if basic.startswith("5") else "** Message delayed **"
    # Gmail words a connection failure as its own sentence before the remote answer.
    said = (
        f"The response was:\n\nThe recipient server did not accept our requests to connect. {answer}\n"
        if basic.startswith("4") and "4.4." in answer
        else f"The response from the remote server was:\n{answer}\n"
    )
    return (
        f"{title}\n\n"
        f"There was a problem delivering your message to {email}. See the technical details below.\n\n"
        f"{said}"
    )


_RENDERERS: dict[str, Callable[[str, str, str, random.Random], str]] = {
    "postfix": _postfix,
    "sendmail": _sendmail,
    "exim": _exim,
    "qmail": _qmail,
    "exchange": _exchange,
    "gmail": _gmail,
}


def render_bounce(answer: str, email: str, rng: random.Random, fmt: str | None = None) -> tuple[str, str]:
    """The bounce text for one remote answer, in a format drawn by `rng` (or the one given); and the
    format's name."""
    chosen = fmt or rng.choices(FORMATS, weights=WEIGHTS)[0]
    if chosen == "smtp":
        return answer, chosen
    domain = email.rsplit("@", 1)[-1]
    return _RENDERERS[chosen](answer, email, domain, rng), chosen
