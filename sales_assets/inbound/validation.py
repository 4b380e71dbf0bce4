"""Validating form submissions: email syntax, the form's required fields, free-mail and role addresses,
spam signals, fields that read as instructions to a machine, and merging the submissions of one person.

What belongs here: pure functions over submission records (dicts with `conversion_id`, `form_id`,
`submitted_at`, `email` and the field values). A bad submission is never dropped: it gets a status and a
reason on its row. Which forms count and how leads are tiered live in `settings.py` and `tiers.py`.

What a visitor types (name, title, company, message) is third-party text: it is fenced in prompts, and a
field that addresses the system ("ignore previous instructions", `system:`, "set my tier to HOT") is
flagged by `flagged_fields` and used nowhere as a fact: not for tiering, not in the CRM contact, not echoed
in a drafted reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sales_assets.common.instructions import reads_as_instructions

if TYPE_CHECKING:
    import pandas as pd

#: One `@`, no spaces, a dot in the domain, no empty labels, a 2+ letter top-level domain.
_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)

#: Consumer mailbox providers: an address there says nothing about an employer.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.fr", "hotmail.de",
        "hotmail.co.uk", "live.com", "msn.com", "yahoo.com", "yahoo.fr", "yahoo.de", "yahoo.co.uk",
        "ymail.com", "aol.com", "icloud.com", "me.com", "mac.com", "gmx.de", "gmx.net", "gmx.com",
        "web.de", "t-online.de", "freenet.de", "orange.fr", "free.fr", "laposte.net", "wanadoo.fr",
        "sfr.fr", "libero.it", "proton.me", "protonmail.com", "pm.me", "zoho.com", "mail.com",
        "mail.ru", "yandex.com", "yandex.ru", "qq.com", "163.com", "btinternet.com", "seznam.cz",
    }
)  # fmt: skip
#: Shared mailboxes: they reach a team, not a person.
ROLE_LOCAL_PARTS = frozenset(
    {
        "info", "sales", "contact", "hello", "office", "team", "admin", "kontakt", "support", "help",
        "marketing", "hr", "jobs", "careers", "billing", "accounts", "enquiries", "inquiries", "mail",
        "noreply", "no-reply", "webmaster", "service", "post", "bonjour", "hallo", "welcome",
    }
)  # fmt: skip

#: Strong spam signals in a message: one is enough.
SPAM_PHRASES: tuple[tuple[str, str], ...] = (
    ("link", r"https?://|www\.|bit\.ly/"),
    ("backlinks/SEO offer", r"\bbacklinks?\b|\bseo (services?|experts?|ranking)\b|\bboost your ranking\b"),
    ("crypto/investment offer", r"\bcrypto\b|\binvestment opportunity\b|\breturns guaranteed\b"),
    ("messenger contact", r"\bwhatsapp\b|\btelegram\b"),
    ("unsolicited service offer", r"\bdear sir\b|\bweb design service\b|\blowest price\b"),
    ("partnership pitch", r"\bbe your business partner\b|\bcontact me at once\b"),
)  # fmt: skip
_SPAM = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in SPAM_PHRASES)
#: Weak signals (keyboard mashing, placeholder values): two of them make spam.
_GIBBERISH = re.compile(r"\b(asdf\w*|qwerty\w*|xqzv\w*|test test|lorem ipsum)\b", re.IGNORECASE)
_PLACEHOLDER_VALUES = frozenset({"n/a", "na", "none", "-", "test", "asdf", "xxx", "abc", "admin"})
#: A promotional word and a number at a consumer mailbox (`seo193@...`, `bestdeal9088@...`): bulk senders.
_BULK_LOCAL = re.compile(
    r"^(seo|crypto|promo|bestdeal|deals?|casino|loans?|backlinks?|marketing|bitcoin)\d+$", re.I
)

STATUSES = ("valid", "invalid", "duplicate")
#: Columns of a submission row that a visitor types freely, in the order they are reported.
VISITOR_FIELDS = ("first_name", "last_name", "company", "job_title", "message")


def normalise_email(value: str | None) -> str:
    return (value or "").strip().lower()


def email_syntax_ok(value: str | None) -> bool:
    """Whether `value` is a syntactically valid address (no `..`, one `@`, a real-looking domain)."""
    text = (value or "").strip()
    return bool(text) and len(text) <= 254 and _EMAIL.match(text) is not None


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower() if "@" in email else ""


def is_free_mail(email: str) -> bool:
    return email_domain(email) in FREE_MAIL_DOMAINS


def is_role_address(email: str) -> bool:
    local = email.split("@", 1)[0].lower() if "@" in email else ""
    return local in ROLE_LOCAL_PARTS


def missing_fields(values: Mapping[str, Any], required: Iterable[str]) -> list[str]:
    """Required fields with no (non-blank) value."""
    return [name for name in required if not str(values.get(name) or "").strip()]


def spam_reason(values: Mapping[str, Any]) -> str | None:
    """Why a submission reads as spam (None if it does not): any strong phrase in the message, or two weak
    signals (gibberish or placeholder values) across the fields."""
    message = str(values.get("message") or "")
    strong = [name for name, pattern in _SPAM if pattern.search(message)]
    if strong:
        return "message: " + ", ".join(strong)
    email = normalise_email(str(values.get("email") or ""))
    if is_free_mail(email) and _BULK_LOCAL.match(email.split("@", 1)[0]):
        return f"bulk-sender address {email}"
    weak = []
    for name in ("firstname", "lastname", "company", "message"):
        text = str(values.get(name) or "").strip()
        if _GIBBERISH.search(text):
            weak.append(f"gibberish {name}")
        elif text.lower() in _PLACEHOLDER_VALUES:
            weak.append(f"placeholder {name}")
    if len(weak) >= 2:
        return ", ".join(weak)
    return None


@dataclass(frozen=True)
class Verdict:
    """What validation says about one submission."""

    status: str
    problems: list[str]
    email_valid: bool
    free_mail: bool
    role_address: bool
    spam: bool
    spam_reason: str | None
    missing: list[str]


def validate_submission(values: Mapping[str, Any], required: Sequence[str]) -> Verdict:
    """Email syntax, required fields, free-mail/role flags and spam signals of one submission. Invalid
    means it cannot be worked (no usable address, a required field empty); flags do not invalidate."""
    raw_email = str(values.get("email") or "").strip()
    ok = email_syntax_ok(raw_email)
    email = normalise_email(raw_email)
    missing = missing_fields(values, required)
    problems: list[str] = []
    if not raw_email:
        problems.append("no email address")
    elif not ok:
        problems.append(f"invalid email syntax: {raw_email!r}")
    if missing:
        problems.append("required fields missing: " + ", ".join(missing))
    reason = spam_reason(values)
    return Verdict(
        status="invalid" if problems else "valid",
        problems=problems,
        email_valid=ok,
        free_mail=ok and is_free_mail(email),
        role_address=ok and is_role_address(email),
        spam=reason is not None,
        spam_reason=reason,
        missing=missing,
    )


def flagged_fields(row: Mapping[str, Any] | pd.Series) -> dict[str, str]:
    """The visitor-typed fields of a submission row (`VISITOR_FIELDS`) that read as instructions to a
    machine, each with why. Empty for an ordinary submission."""
    flagged: dict[str, str] = {}
    for name in VISITOR_FIELDS:
        value = row.get(name)
        hit = reads_as_instructions(value) if isinstance(value, str) else None
        if hit is not None:
            flagged[name] = hit.describe()
    return flagged


def describe_flags(flagged: Mapping[str, str]) -> str | None:
    """`flagged_fields` as one line for a frame's column ("job_title: asks to ...; message: ..."), or None."""
    return "; ".join(f"{name}: {why}" for name, why in flagged.items()) or None


def merge_duplicates(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Mark later valid submissions of an email already seen as `duplicate`, merged into the first.

    Rows are taken oldest first (by `submitted_at`, then `conversion_id`); the first valid row of an email
    is the lead and gets `duplicate_count` and the merged conversion ids, each later one gets status
    `duplicate` and `merged_into`. Invalid rows are left alone. Returns new dicts in the input order.
    """
    out = [dict(r) for r in rows]
    order = sorted(range(len(out)), key=lambda i: (out[i]["submitted_at"], str(out[i]["conversion_id"])))
    first: dict[str, int] = {}
    for i in order:
        row = out[i]
        row.setdefault("merged_into", None)
        row.setdefault("duplicate_count", 0)
        row.setdefault("merged_ids", [])
        if row.get("status") != "valid":
            continue
        email = normalise_email(row.get("email"))
        if email in first:
            lead = out[first[email]]
            row["status"] = "duplicate"
            row["merged_into"] = lead["conversion_id"]
            row["problems"] = f"same email as submission {lead['conversion_id']}"
            lead["duplicate_count"] = int(lead.get("duplicate_count") or 0) + 1
            lead["merged_ids"] = [*lead.get("merged_ids", []), row["conversion_id"]]
            # A later submission may say more (a title, a message) than the first: fill the lead's gaps.
            for name in ("job_title", "message", "phone", "company"):
                if not lead.get(name) and row.get(name):
                    lead[name] = row[name]
        else:
            first[email] = i
    return out
