"""The seller's inbound forms and the tables their submissions are drawn from.

What belongs here: `_forms`, the submission kinds, pages and messages, and `_Schedule`, the memo of
one form's arrival times; drawing the traffic itself is `World.submissions`'s (`model.py`).
"""

from __future__ import annotations

import random

from resources.sandbox.world.draw import _Table, _uuid
from resources.sandbox.world.records import Form, FormField


def _numemployees(count: int) -> str:
    for bound, label in (
        (5, "1-5"),
        (25, "5-25"),
        (50, "25-50"),
        (100, "50-100"),
        (500, "100-500"),
        (1000, "500-1000"),
    ):
        if count <= bound:
            return label
    return "1000+"


def _forms(seed: int) -> tuple[Form, ...]:
    def sales_fields(*, numemployees_required: bool) -> tuple[FormField, ...]:
        return (
            FormField("email", "Work email", True, "email"),
            FormField("firstname", "First name", True, "text"),
            FormField("lastname", "Last name", True, "text"),
            FormField("company", "Company", True, "text"),
            FormField("jobtitle", "Job title", False, "text"),
            FormField("phone", "Phone number", False, "phone"),
            FormField("numemployees", "Company size", numemployees_required, "select"),
            FormField("message", "How can we help?", False, "textarea"),
        )

    return (
        Form(
            _uuid(f"{seed}:form:contact-sales"),
            "Contact sales",
            "hubspot",
            sales_fields(numemployees_required=False),
            20.0,
        ),
        Form(
            _uuid(f"{seed}:form:request-demo"),
            "Request a demo",
            "hubspot",
            sales_fields(numemployees_required=True),
            45.0,
        ),
        Form(
            _uuid(f"{seed}:form:newsletter"),
            "Newsletter signup",
            "hubspot",
            (FormField("email", "Email", True, "email"), FormField("firstname", "First name", False, "text")),
            10.0,
        ),
    )


_PAGES = {
    "Contact sales": ("/contact-sales", "/pricing", "/contact"),
    "Request a demo": ("/demo", "/product/tour", "/request-demo"),
    "Newsletter signup": ("/blog", "/blog/b2b-data-quality", "/blog/outbound-playbook", "/resources"),
}
_SUBMISSION_KIND_TABLE = _Table(
    [
        ("world_new", 55),
        ("world_existing", 15),
        ("free_mail", 8),
        ("role_address", 5),
        ("invalid_email", 4),
        ("duplicate", 6),
        ("missing_required", 4),
        ("spam", 3),
    ]
)
_INBOUND_MESSAGES = (
    "We're evaluating tools for our sales team and would like pricing for about {seats} seats.",
    "Could someone walk us through the product? We're currently using spreadsheets and it doesn't scale.",
    "Interested in a demo for our {department} team. Our contract with our current vendor ends next quarter.",
    "Hi, we saw your talk at the conference. Does your platform integrate with HubSpot and Salesforce?",
    "Looking for a solution to clean up our CRM data and enrich leads automatically. What does onboarding "
    "look like?",
    "Please send me more information about enterprise plans and security (SOC 2, GDPR).",
    "We have {seats} reps in {country}; can you support multi-language outreach?",
    "Can you share case studies from the {industry} space?",
    "",
)
_SPAM_MESSAGES = (
    "Get 10,000 high quality backlinks now!!! Visit http://cheap-seo-backlinks.biz and boost your ranking "
    "today",
    "asdf asdf qwerty test test 123",
    "Dear Sir/Madam, we offer best web design service at lowest price. Reply for portfolio. "
    "http://bit.ly/3xYzQ",
    "CRYPTO INVESTMENT OPPORTUNITY 500% returns guaranteed whatsapp +1 555 0100",
    "hello i want to be your business partner plz contact me at once",
)
_ROLE_LOCALS = ("info", "sales", "contact", "hello", "office", "team", "admin")
_SPAM_PROVIDERS = ("mail.ru", "outlook.com", "gmail.com", "yandex.com")


#: (conversion id, kind, values, page url) of one submission; its time comes from the schedule.
_Content = tuple[str, str, tuple[tuple[str, str], ...], str]


class _Schedule:
    """The memoized arrival offsets (seconds after the schedule start) of one form's submissions."""

    __slots__ = ("offsets", "rng")

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.offsets: list[int] = [0]
