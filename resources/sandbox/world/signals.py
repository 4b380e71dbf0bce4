"""Business events of a company (funding, offices, products, hiring, partnerships, lawsuits, awards).

What belongs here: `_signals`, which draws the events of one company from its own stream, and the
tables it draws from (investors, partners, open roles, news sites).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from resources.sandbox.world.countries import _COUNTRY_TABLE, _Country
from resources.sandbox.world.draw import _hex, _rng, _Table
from resources.sandbox.world.industries import _Industry
from resources.sandbox.world.records import Signal
from resources.sandbox.world.text import _slug

_INVESTORS = (
    "Foundry Peak Ventures",
    "Northstar Capital",
    "Lakeside Partners",
    "Bluewater Ventures",
    "Granite Hill Capital",
    "Atlas Crest Ventures",
    "Harborview Growth",
    "Elm Street Ventures",
    "Signal Rock Capital",
    "Paragon Seed Fund",
    "Brightline Ventures",
    "Copper Canyon Partners",
    "Redpoint Hollow",
    "Tidal Wave Capital",
    "Keystone Growth Equity",
    "Meadowlark Ventures",
    "Axiom Venture Partners",
    "Quarry Lane Capital",
    "Cedar Grove Investments",
    "Polaris Bridge Ventures",
)
_PLATFORM_PARTNERS = (
    "Salesforce",
    "Microsoft",
    "Amazon Web Services",
    "Google Cloud",
    "SAP",
    "Snowflake",
    "Deloitte",
    "Accenture",
    "Shopify",
    "HubSpot",
    "Oracle",
    "ServiceNow",
)


_HIRING: dict[str, tuple[str, tuple[str, ...]]] = {
    "engineering": (
        "hiring_in_engineering_department",
        (
            "Senior Software Engineer",
            "Backend Engineer",
            "DevOps Engineer",
            "Frontend Engineer",
            "Site Reliability Engineer",
            "Engineering Manager",
            "Data Engineer",
        ),
    ),
    "sales": (
        "hiring_in_sales_department",
        (
            "Account Executive",
            "Sales Development Representative",
            "Enterprise Account Executive",
            "Sales Manager",
            "Solutions Consultant",
        ),
    ),
    "marketing": (
        "hiring_in_marketing_department",
        (
            "Product Marketing Manager",
            "Demand Generation Manager",
            "Content Marketing Manager",
            "Marketing Operations Specialist",
        ),
    ),
    "operations": (
        "hiring_in_operations_department",
        (
            "Operations Manager",
            "Dispatcher",
            "Supply Chain Analyst",
            "Warehouse Supervisor",
            "Class A CDL Driver",
        ),
    ),
    "support": (
        "hiring_in_support_department",
        ("Customer Support Specialist", "Technical Support Engineer", "Customer Success Manager"),
    ),
    "finance": ("hiring_in_finance_department", ("Financial Analyst", "Accountant", "Controller")),
    "human resources": (
        "hiring_in_human_resources_department",
        ("Recruiter", "Talent Acquisition Partner", "HR Business Partner"),
    ),
    "health": (
        "hiring_in_health_department",
        ("Registered Nurse", "Clinical Research Associate", "Lab Technician", "Medical Assistant"),
    ),
}
_SIGNAL_KIND_TABLE = _Table(
    [
        ("funding", 14),
        ("expansion", 12),
        ("new_product", 18),
        ("hiring", 30),
        ("regulatory", 5),
        ("partnership", 13),
        ("media", 8),
    ]
)


_FUNDING_STEPS = {"seed": (5, 40), "series_a": (50, 250), "series_b": (200, 800), "series_c": (500, 2500)}


def _news_link(rng: random.Random, title: str) -> str:
    slug = _slug(title, sep="-")
    style = rng.randrange(4)
    if style == 0:
        return f"https://www.prnewswire.com/news-releases/{slug}-{rng.randint(300000000, 302999999)}.html"
    if style == 1:
        return f"https://www.businesswire.com/news/home/{rng.randint(10**13, 10**14 - 1)}/en/"
    if style == 2:
        return f"https://techcrunch.com/{slug}/"
    return f"https://www.globenewswire.com/news-release/{slug}.html"


@dataclass(frozen=True, slots=True)
class _Subject:
    """What signal generation needs to know about a company that is still being built."""

    business_id: str
    name: str
    brand: str
    industry: _Industry
    country: _Country
    city: str
    employee_count: int
    is_public: bool


def _signals(seed: int, index: int, company: _Subject, earlier: Sequence[str]) -> tuple[Signal, ...]:
    """The signals of company `index`; partnerships name a platform or a company generated before it."""
    rng = _rng(seed, "signals", index)
    roll = rng.random()
    count = 0 if roll < 0.35 else 1 if roll < 0.61 else 2 if roll < 0.81 else 3 if roll < 0.93 else 4
    out: list[Signal] = []
    used: set[str] = set()
    name = company.name
    for k in range(count):
        kind = _SIGNAL_KIND_TABLE.pick(rng)
        if kind in used and kind in ("funding", "regulatory"):
            kind = "hiring"
        if kind == "funding" and (company.is_public or company.employee_count > 1000):
            kind = "partnership"
        used.add(kind)
        offset = rng.randint(0, 150) if rng.random() < 0.8 else rng.randint(-60, -1)
        data: dict[str, object]
        if kind == "funding":
            stage = rng.choice(
                ("seed", "series_a", "series_a", "series_b", "series_b", "series_c")
                if company.employee_count > 50
                else ("seed", "seed", "series_a")
            )
            lo, hi = _FUNDING_STEPS[stage]
            investors = rng.sample(_INVESTORS, rng.randint(1, 4))
            amount = rng.randint(lo, hi) * 100_000
            round_name = stage.replace("_", " ").title()
            title = f"{name} raises ${amount / 1e6:.1f}M {round_name} led by {investors[0]}"
            event = "new_funding_round"
            data = {
                "amount_raised": amount,
                "founding_stage": stage,
                "investors": investors,
                "lead_investor": investors[0],
                "link": _news_link(rng, title),
            }
        elif kind == "expansion":
            event = "new_office"
            # Most new offices are at home; the rest open the company's first office abroad.
            country = company.country if rng.random() < 0.6 else _COUNTRY_TABLE.pick(rng)
            _, city, _ = rng.choice(country.cities)
            location = f"{city}, {country.name}"
            data = {"location": location, "link": _news_link(rng, f"{name} opens new office in {city}")}
        elif kind == "new_product":
            event = "new_product"
            industry = company.industry
            product = f"{company.brand.split()[0]} {rng.choice(industry.products)}"
            offering = rng.choice(industry.offerings)
            title = f"{name} launches {product}"
            data = {
                "product_name": product,
                "product_description": f"{product} extends {name}'s {offering} with new automation features.",
                "title": title,
                "snippet": f"{name} today announced the general availability of {product}, "
                f"built for {rng.choice(industry.audiences)}.",
                "link": _news_link(rng, title),
            }
        elif kind == "hiring":
            options = [
                "engineering",
                "engineering",
                "sales",
                "sales",
                "marketing",
                "operations",
                "support",
                "finance",
                "human resources",
            ]
            if company.industry.name in ("hospitals and health care", "biotechnology research"):
                options += ["health", "health", "health"]
            department = rng.choice(options)
            event, titles = _HIRING[department]
            country = company.country
            city = company.city if rng.random() < 0.8 else rng.choice(country.cities)[1]
            job_titles = rng.sample(titles, rng.randint(1, min(4, len(titles))))
            data = {
                "location": f"{city}, {country.name}",
                "job_count": rng.randint(max(2, len(job_titles)), 12 if company.employee_count < 500 else 60),
                "job_titles": job_titles,
                "department": department,
            }
        elif kind == "partnership":
            event = "new_partnership"
            from_world = earlier and rng.random() < 0.6
            partner = rng.choice(earlier) if from_world else rng.choice(_PLATFORM_PARTNERS)
            data = {
                "partner_name": partner,
                "link": _news_link(rng, f"{name} announces strategic partnership with {partner}"),
            }
        elif kind == "regulatory":
            event = "lawsuits_and_legal_issues"
            title = rng.choice(
                (
                    f"{name} faces class action over data privacy practices",
                    f"{name} settles contract dispute with former distributor",
                    f"Regulator opens inquiry into {name} billing practices",
                    f"{name} sued over alleged patent infringement",
                    f"{name} named in wage-and-hour lawsuit",
                )
            )
            data = {"title": title, "link": _news_link(rng, title)}
        else:
            event = "company_award"
            title = rng.choice(
                (
                    f"{name} named one of the Best Places to Work",
                    f"{name} wins Customer Excellence Award",
                    f"{name} recognized as a leader in {company.industry.name}",
                    f"{name} receives Innovation Award at industry summit",
                    f"{name} makes the list of fastest-growing companies",
                )
            )
            data = {"title": title, "link": _news_link(rng, title)}
        event_id = _hex(f"{seed}:signal:{company.business_id}:{k}", 32)
        out.append(Signal(kind, event, offset, event_id, data))
    return tuple(sorted(out, key=lambda s: s.offset_days, reverse=True))
