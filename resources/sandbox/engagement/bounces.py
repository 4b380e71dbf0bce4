"""Bounces: which addresses bounce, how (hard, soft, policy) and the remote answer they carry.

What belongs here: `_bounce`, the SMTP answers per kind and the bounce profile per verification
status. The report wrapped around an answer is `bounce_mail.py`'s.
"""

from __future__ import annotations

import random

from resources.sandbox.bounce_mail import render_bounce
from resources.sandbox.engagement.records import Bounce

# fmt: off
# (status, response line); {email} and {domain} are the recipient's.
_HARD_BOUNCES = (
    ("5.1.1", "550 5.1.1 The email account that you tried to reach does not exist. Please try "
              "double-checking the recipient's email address for typos or unnecessary spaces. For more "
              "information, go to https://support.google.com/mail/?p=NoSuchUser"),
    ("5.1.1", "550 5.1.1 <{email}>: Recipient address rejected: User unknown in virtual mailbox table"),
    ("5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient {email} not found by SMTP address "
               "lookup"),
    ("5.1.1", "550 5.1.1 <{email}>... User unknown"),
    ("5.1.1", "550 5.1.1 Recipient address rejected: {email}: mailbox unavailable"),
)
# A disabled account may be enabled again (RFC 3463 X.2.1): the product counts it as soft, and a second
# soft bounce of the same address within 30 days suppresses it.
_DISABLED_BOUNCE = ("5.2.1", "550 5.2.1 The email account that you tried to reach is disabled.")
_SOFT_BOUNCES = (
    ("4.2.2", "452 4.2.2 The email account that you tried to reach is over quota. Please direct the "
              "recipient to https://support.google.com/mail/?p=OverQuotaTemp"),
    # A full mailbox is temporary even when the server answers with a 5.x.x code.
    ("5.2.2", "552 5.2.2 Mailbox full"),
    ("4.7.0", "421 4.7.0 Try again later, closing connection."),
    ("4.4.1", "450 4.4.1 Connection timed out"),
    ("4.3.0", "451 4.3.0 Temporary server error. Please try again later."),
    ("4.2.1", "450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents "
              "additional messages from being delivered."),
)
# The recipient exists; the message (or the sending host) was refused. Not a dead mailbox.
_POLICY_BOUNCES = (
    ("5.7.1", "550 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using Spamhaus. To request "
              "removal from this list see https://www.spamhaus.org/query/ip/203.0.113.7"),
    ("5.7.1", "554 5.7.1 Message rejected due to content restrictions"),
    ("5.7.26", "550 5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires "
               "all senders to authenticate with either SPF or DKIM."),
    ("5.7.606", "550 5.7.606 Access denied, banned sending IP [203.0.113.7]. To request removal from this "
                "list please visit https://sender.office.com/"),
    ("5.7.1", "550 5.7.1 <{email}>: Recipient address rejected: Access denied by recipient's mail policy"),
)

# Answers that do not say why: servers send these for dead mailboxes and for blocks alike.
_AMBIGUOUS_BOUNCES = (
    ("", "550 Requested action not taken: mailbox unavailable"),
    ("5.0.0", "554 5.0.0 Service unavailable"),
    ("5.5.0", "550 5.5.0 Requested action not taken"),
    ("", "550 Message was not accepted"),
)
#: Share of bounces whose answer is ambiguous.
AMBIGUOUS_BOUNCE_SHARE = 0.08

#: email_status -> (bounce probability, (hard, soft, policy) weights)
_BOUNCE_PROFILE: dict[str | None, tuple[float, tuple[float, float, float]]] = {
    "invalid": (0.97, (0.98, 0.01, 0.01)),
    "catch-all": (0.20, (0.45, 0.35, 0.20)),
    "unknown": (0.15, (0.55, 0.30, 0.15)),
    "valid": (0.015, (0.15, 0.50, 0.35)),
    None: (0.06, (0.45, 0.35, 0.20)),
}
# fmt: on


def _bounce(rng: random.Random, address: str, email_status: str | None) -> Bounce | None:
    rate, (hard_w, soft_w, policy_w) = _BOUNCE_PROFILE.get(email_status, _BOUNCE_PROFILE[None])
    if rng.random() >= rate:
        return None
    domain = address.rsplit("@", 1)[-1]
    kind = rng.choices(("hard", "soft", "policy"), weights=(hard_w, soft_w, policy_w))[0]
    disabled = False
    if kind == "hard":
        disabled = rng.random() < 0.05
        status, text = _DISABLED_BOUNCE if disabled else rng.choice(_HARD_BOUNCES)
        after = rng.randint(0, 5)
    elif kind == "soft":
        status, text = rng.choice(_SOFT_BOUNCES)
        # Soft bounces surface after the sending server gave up retrying.
        after = rng.randint(30, 72 * 60)
    else:
        status, text = rng.choice(_POLICY_BOUNCES)
        after = rng.randint(0, 3)
    # The wording and the report format come from a generator of their own, so the rest of the world
    # (which addresses bounce, reply, when) stays what it was.
    mail = random.Random(f"bounce-mail:{address}")
    wording = "plain"
    if kind != "soft" and not disabled and mail.random() < AMBIGUOUS_BOUNCE_SHARE:
        status, text = mail.choice(_AMBIGUOUS_BOUNCES)
        wording = "ambiguous"
    answer = text.format(email=address, domain=domain)
    rendered, fmt = render_bounce(answer, address, mail)
    return Bounce(
        kind == "hard",
        status or answer.split()[0],
        rendered,
        "soft" if disabled else kind,
        after,
        wording=wording,
        format=fmt,
    )
