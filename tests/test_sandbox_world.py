"""The sandbox's synthetic world (`resources/sandbox/world/`) and lead engagement (`engagement/`)."""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from resources.sandbox.engagement import LABELS, engagement_for
from resources.sandbox.world import (
    DEFAULT_SEED,
    DEFAULT_SIZE,
    EMPLOYEE_RANGES,
    FREE_MAIL_DOMAINS,
    REVENUE_RANGES,
    SIGNAL_KINDS,
    SUBMISSION_KINDS,
    TECHNOLOGIES,
    World,
    generate_world,
    normalize_domain,
    normalize_email,
)

REPO = Path(__file__).resolve().parents[1]
EPOCH = datetime(2026, 3, 2, tzinfo=UTC)
INDUSTRIES = {
    "software development",
    "it services and it consulting",
    "financial services",
    "hospitals and health care",
    "manufacturing",
    "marketing services",
    "retail",
    "truck transportation",
    "insurance",
    "biotechnology research",
}
AGE_BOUNDS = ((3, "0-3"), (6, "3-6"), (10, "6-10"), (20, "10-20"))
ROLE_LOCALS = {"info", "sales", "contact", "hello", "office", "team", "admin", "kontakt"}
COUNTRIES = {"us", "gb", "de", "fr", "nl", "ca", "es", "se", "au"}
HEX32 = re.compile(r"^[0-9a-f]{32}$")
HEX40 = re.compile(r"^[0-9a-f]{40}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
E164 = re.compile(r"^\+[1-9]\d{9,12}$")


def digest(world: World) -> str:
    h = hashlib.sha256()
    for c in world.companies:
        h.update(f"{c.business_id}|{c.name}|{c.domain}|{c.employee_count}|{c.description}|".encode())
        for s in c.signals:
            h.update(f"{s.event_id}|{s.offset_days}|{sorted(s.data.items())!r}|".encode())
    for p in world.people:
        h.update(f"{p.prospect_id}|{p.email}|{p.email_status}|{p.job_title}|{p.phone}|".encode())
    for cc in world.crm_contacts:
        h.update(f"{cc.email}|{cc.owner_id}|{cc.lifecyclestage}|".encode())
    for co in world.crm_companies:
        h.update(f"{co.domain}|{co.business_id}|".encode())
    for f in world.forms:
        h.update(f"{f.guid}|{f.name}|".encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world()


@pytest.fixture(scope="module")
def sales_submissions(world: World) -> list:
    form = next(f for f in world.forms if f.name == "Contact sales")
    return world.submissions(form.guid, EPOCH, EPOCH + timedelta(days=30))


# --- determinism -----------------------------------------------------------------------------------------


def test_same_seed_and_size_give_the_identical_world(world: World) -> None:
    rebuilt = generate_world.__wrapped__(DEFAULT_SEED, DEFAULT_SIZE)
    assert rebuilt is not world
    assert digest(rebuilt) == digest(world)
    assert generate_world() is world  # cached


def test_different_seed_or_size_gives_a_different_world() -> None:
    base = digest(generate_world(7, 300))
    assert digest(generate_world(8, 300)) != base
    assert digest(generate_world(7, 301)) != base
    assert len(generate_world(7, 301).companies) == 301


def test_world_does_not_depend_on_the_process_hash_seed() -> None:
    code = (
        "from tests.test_sandbox_world import digest;"
        "from resources.sandbox.world import generate_world;"
        "print(digest(generate_world(11, 150)))"
    )
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(REPO)}
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
        )
        outputs.add(result.stdout.strip())
    assert outputs == {digest(generate_world(11, 150))}


def test_generation_of_the_default_world_is_fast() -> None:
    # CPU time, not wall time: other test processes may share the machine; the best of two, since the
    # process's other threads (left by earlier tests) count too.
    times = []
    for _ in range(2):
        started = time.process_time()
        generate_world.__wrapped__(DEFAULT_SEED, DEFAULT_SIZE)
        times.append(time.process_time() - started)
    assert min(times) < 1.5, f"{min(times):.2f}s"


# --- companies -------------------------------------------------------------------------------------------


def test_companies_are_unique_and_well_formed(world: World) -> None:
    companies = world.companies
    assert 1800 <= len(companies) <= 2200
    assert len({c.business_id for c in companies}) == len(companies)
    assert len({c.domain for c in companies}) == len(companies)
    assert len({c.name.lower() for c in companies}) == len(companies)
    for c in companies:
        assert HEX32.match(c.business_id)
        assert c.domain == c.domain.lower() == normalize_domain(c.domain)
        assert c.website == f"https://www.{c.domain}"
        assert c.linkedin_url.startswith("https://www.linkedin.com/company/")
        assert c.employees_range in EMPLOYEE_RANGES
        low, _, high = c.employees_range.rstrip("+").partition("-")
        assert int(low) <= c.employee_count <= (int(high) if high else 10**6)
        assert c.revenue_range in REVENUE_RANGES
        assert re.fullmatch(r"\d{6}", c.naics) and c.naics_description
        assert 3 <= len(c.tech_stack) <= 12 and set(c.tech_stack) <= set(TECHNOLOGIES)
        assert c.is_public == (c.ticker is not None)
        assert c.region == c.region.lower() and c.country_name == c.country_name.lower()
        age = 2026 - c.founded_year
        expected = next((label for bound, label in AGE_BOUNDS if age < bound), "20+")
        assert c.age_range == expected


def test_tld_fits_the_country(world: World) -> None:
    local = {
        "de": ".de",
        "fr": ".fr",
        "gb": ".co.uk",
        "nl": ".nl",
        "ca": ".ca",
        "es": ".es",
        "se": ".se",
        "au": ".com.au",
    }
    for code, tld in local.items():
        at_home = [c for c in world.companies if c.country_code == code]
        share = sum(c.domain.endswith(tld) for c in at_home) / len(at_home)
        assert share > 0.4, (code, share)
    us = [c for c in world.companies if c.country_code == "us"]
    assert not any(c.domain.endswith((".de", ".fr", ".co.uk")) for c in us)


def test_every_industry_and_country_appears(world: World) -> None:
    industries = Counter(c.industry for c in world.companies)
    countries = Counter(c.country_code for c in world.companies)
    assert set(industries) == INDUSTRIES
    assert set(countries) == COUNTRIES
    assert industries.most_common(1)[0][0] == "software development"
    assert countries.most_common(1)[0][0] == "us"


def test_size_and_revenue_go_together(world: World) -> None:
    small = [REVENUE_RANGES.index(c.revenue_range) for c in world.companies if c.employees_range == "11-50"]
    large = [REVENUE_RANGES.index(c.revenue_range) for c in world.companies if c.employees_range == "10001+"]
    assert max(small) < min(large)


def test_signals(world: World) -> None:
    signals = [s for c in world.companies for s in c.signals]
    kinds = Counter(s.kind for s in signals)
    assert len(kinds) >= 3 and set(kinds) <= set(SIGNAL_KINDS)
    assert all(-60 <= s.offset_days <= 150 for s in signals)
    assert any(s.offset_days < 0 for s in signals)  # some arrive after the epoch
    assert all(len(c.signals) <= 4 for c in world.companies)
    without = sum(not c.signals for c in world.companies) / len(world.companies)
    assert 0.28 <= without <= 0.42
    assert len({s.event_id for s in signals}) == len(signals)
    assert all(HEX32.match(s.event_id) for s in signals)
    for s in signals:
        if s.kind == "funding":
            assert s.event_name == "new_funding_round"
            assert isinstance(s.data["amount_raised"], int)
            assert s.data["founding_stage"] in ("seed", "series_a", "series_b", "series_c")
            assert s.data["lead_investor"] == s.data["investors"][0]  # type: ignore[index]
            assert "founding_date" not in s.data
        elif s.kind == "hiring":
            assert s.event_name.startswith("hiring_in_") and s.event_name.endswith("_department")
            assert s.data["job_count"] >= len(s.data["job_titles"])  # type: ignore[operator, arg-type]
        elif s.kind == "new_product":
            assert {"product_name", "product_description", "title", "snippet", "link"} <= set(s.data)
        elif s.kind == "partnership":
            assert s.event_name == "new_partnership" and s.data["partner_name"]


def test_prompt_injections_are_planted_and_exposed(world: World) -> None:
    ids = world.injection_company_ids
    assert 0.01 <= len(ids) / len(world.companies) <= 0.03
    pattern = re.compile(r"ignore|disregard|forget|instructions", re.IGNORECASE)
    for business_id in ids:
        company = world.company(business_id)
        assert company is not None and pattern.search(company.description)
    clean = [c for c in world.companies if c.business_id not in ids]
    assert not any(pattern.search(c.description) for c in clean)


# --- people ----------------------------------------------------------------------------------------------


def test_people_are_unique_and_attached_to_their_company(world: World) -> None:
    people = world.people
    assert len({p.prospect_id for p in people}) == len(people)
    assert len({p.email for p in people}) == len(people)
    personal = [p.personal_email for p in people if p.personal_email]
    assert len(set(personal)) == len(personal)
    rank = {
        "founder": 0,
        "owner": 0,
        "partner": 1,
        "c-suite": 1,
        "vice president": 2,
        "director": 3,
        "manager": 4,
        "senior non-managerial": 5,
        "non-managerial": 6,
    }
    seen_companies: list[str] = []
    for c in world.companies:
        staff = world.people_at(c.business_id)
        assert 3 <= len(staff) <= 8
        assert [rank[p.job_level] for p in staff] == sorted(rank[p.job_level] for p in staff)
        seen_companies.append(c.business_id)
    assert [p.business_id for p in people] == [b for b in seen_companies for _ in world.people_at(b)]
    for p in people:
        company = world.company(p.business_id)
        assert company is not None
        assert HEX40.match(p.prospect_id)
        assert p.email == p.email.lower() and p.email.endswith("@" + company.domain)
        assert re.fullmatch(r"[a-z0-9._-]+@[a-z0-9.-]+", p.email)
        assert p.full_name == f"{p.first_name} {p.last_name}"
        assert p.country_code == company.country_code
        assert p.language == {"de": "de", "fr": "fr"}.get(p.country_code, "en")
        assert p.phone is None or E164.match(p.phone)
        assert p.mobile_phone is None or E164.match(p.mobile_phone)
        assert p.current_role_months <= p.total_experience_months
        assert p.linkedin_url is None or p.linkedin_url.startswith("https://www.linkedin.com/in/")


def test_email_status_mix_and_catch_all(world: World) -> None:
    for p in world.people:
        company = world.company(p.business_id)
        assert company is not None
        assert (p.email_status == "catch-all") == company.catch_all_domain
    catch_all = sum(c.catch_all_domain for c in world.companies) / len(world.companies)
    assert 0.09 <= catch_all <= 0.15
    statuses = Counter(p.email_status for p in world.people if p.email_status != "catch-all")
    total = sum(statuses.values())
    assert set(statuses) == {"valid", "invalid", "unknown"}
    assert 0.74 <= statuses["valid"] / total <= 0.82
    assert 0.07 <= statuses["invalid"] / total <= 0.13
    assert 0.09 <= statuses["unknown"] / total <= 0.15
    assert 0.5 <= sum(p.phone is not None for p in world.people) / len(world.people) <= 0.7
    assert 0.8 <= sum(p.linkedin_url is not None for p in world.people) / len(world.people) <= 0.9


def test_lookups(world: World) -> None:
    person = world.people[123]
    assert world.person(person.prospect_id) is person
    assert world.person_by_email(f"  {person.email.upper()} ") is person
    assert world.person_by_email("nobody@nowhere.example") is None
    company = world.company(person.business_id)
    assert company is not None
    assert world.company_by_domain(f"https://WWW.{company.domain.upper()}/about?x=1") is company
    assert world.company_by_domain("unknown-domain.example") is None
    assert person in world.people_at(company.business_id)
    assert world.people_at("0" * 32) == ()
    with_personal = next(p for p in world.people if p.personal_email)
    assert world.person_by_email(with_personal.personal_email or "") is with_personal


def test_normalizers() -> None:
    assert normalize_domain("https://WWW.Acme.com/about") == "acme.com"
    assert normalize_domain("  www.acme.co.uk. ") == "acme.co.uk"
    assert normalize_domain("http://acme.de:8080/path#frag") == "acme.de"
    assert normalize_domain("Acme.COM/") == "acme.com"
    assert normalize_email("  Ada.Lovelace+news@Example.COM ") == "ada.lovelace+news@example.com"


# --- CRM -------------------------------------------------------------------------------------------------


def test_crm_contacts_overlap_the_world(world: World) -> None:
    mirrored = [c for c in world.crm_contacts if c.prospect_id]
    crm_only = [c for c in world.crm_contacts if not c.prospect_id]
    assert 0.07 <= len(mirrored) / len(world.people) <= 0.13
    assert 120 <= len(crm_only) <= 180
    for contact in mirrored:
        person = world.person(contact.prospect_id or "")
        assert person is not None and person.email == contact.email
    for contact in crm_only:
        assert world.person_by_email(contact.email) is None
    emails = [normalize_email(c.email) for c in world.crm_contacts]
    assert len(set(emails)) == len(emails)
    owner_ids = {o.id for o in world.owners}
    assert len(world.owners) == 6
    assert all(c.owner_id is None or c.owner_id in owner_ids for c in world.crm_contacts)
    owned = sum(c.owner_id is not None for c in world.crm_contacts) / len(world.crm_contacts)
    assert 0.3 <= owned <= 0.7
    assert 0.02 <= sum(c.email_optout for c in world.crm_contacts) / len(world.crm_contacts) <= 0.09
    assert 0.04 <= sum(c.in_sequence for c in world.crm_contacts) / len(world.crm_contacts) <= 0.13


def test_crm_company_domains_need_normalizing(world: World) -> None:
    stored = [c for c in world.crm_companies if c.business_id]
    assert 0.1 <= len(stored) / len(world.companies) <= 0.2
    assert 40 <= len(world.crm_companies) - len(stored) <= 60
    www = [c for c in stored if c.domain.lower().startswith("www.")]
    upper = [c for c in stored if c.domain != c.domain.lower()]
    assert www and upper
    for crm_company in stored:
        company = world.company_by_domain(crm_company.domain)
        assert company is not None and company.business_id == crm_company.business_id
    for crm_company in world.crm_companies:
        if crm_company.business_id is None:
            assert world.company_by_domain(crm_company.domain) is None


# --- forms -----------------------------------------------------------------------------------------------


def test_forms(world: World) -> None:
    names = {f.name for f in world.forms}
    assert {"Contact sales", "Request a demo", "Newsletter signup"} <= names
    for form in world.forms:
        assert UUID.match(form.guid)
        assert world.form(form.guid) is form
        assert form.fields[0].name == "email" and form.fields[0].required
    sales = next(f for f in world.forms if f.name == "Contact sales")
    expected = {"email", "firstname", "lastname", "company", "jobtitle", "phone", "message", "numemployees"}
    assert {f.name for f in sales.fields} >= expected
    assert world.form("no-such-form") is None


def test_submissions_are_deterministic_and_ordered(world: World, sales_submissions: list) -> None:
    form = next(f for f in world.forms if f.name == "Contact sales")
    again = world.submissions(form.guid, EPOCH, EPOCH + timedelta(days=30))
    assert again == sales_submissions
    fresh = generate_world.__wrapped__(DEFAULT_SEED, DEFAULT_SIZE)
    assert fresh.submissions(form.guid, EPOCH, EPOCH + timedelta(days=30)) == sales_submissions
    times = [s.submitted_at for s in sales_submissions]
    assert times == sorted(times)
    assert times[0] == EPOCH - timedelta(days=2)
    assert [s.index for s in sales_submissions] == list(range(len(sales_submissions)))
    assert len({s.conversion_id for s in sales_submissions}) == len(sales_submissions)
    assert all(UUID.match(s.conversion_id) and s.submitted_at.tzinfo is not None for s in sales_submissions)
    gaps = [(b - a).total_seconds() / 60 for a, b in itertools.pairwise(times)]
    assert 16 <= sum(gaps) / len(gaps) <= 24
    assert min(gaps) >= 1 and max(gaps) <= 4 * form.interval_minutes


def test_submissions_respect_until(world: World, sales_submissions: list) -> None:
    form = next(f for f in world.forms if f.name == "Contact sales")
    until = EPOCH + timedelta(hours=5)
    early = world.submissions(form.guid, EPOCH, until)
    assert early and all(s.submitted_at <= until for s in early)
    assert early == sales_submissions[: len(early)]
    assert sales_submissions[len(early)].submitted_at > until
    assert world.submissions(form.guid, EPOCH, EPOCH - timedelta(days=3)) == []
    # The schedule is relative to the epoch: another epoch shifts every submission alike.
    shifted = world.submissions(form.guid, EPOCH + timedelta(days=1), until + timedelta(days=1))
    assert [s.submitted_at - timedelta(days=1) for s in shifted] == [s.submitted_at for s in early]
    assert [s.values for s in shifted] == [s.values for s in early]


def test_submission_kinds(world: World, sales_submissions: list) -> None:
    kinds = Counter(s.kind for s in sales_submissions)
    assert set(kinds) == set(SUBMISSION_KINDS)
    assert kinds["world_new"] + kinds["world_existing"] > len(sales_submissions) / 2
    form = next(f for f in world.forms if f.name == "Contact sales")
    required = {f.name for f in form.fields if f.required}
    for index, s in enumerate(sales_submissions):
        values = dict(s.values)
        email = values.get("email", "")
        if s.kind == "world_new":
            assert world.person_by_email(email) is not None and not world.in_crm(email)
        elif s.kind == "world_existing":
            assert world.person_by_email(email) is not None and world.in_crm(email)
        elif s.kind == "missing_required":
            assert not required <= set(values)
        elif s.kind == "invalid_email":
            assert not re.fullmatch(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+", email)
        elif s.kind == "role_address":
            assert email.split("@")[0] in ROLE_LOCALS
        elif s.kind == "free_mail":
            assert email.split("@")[1] in FREE_MAIL_DOMAINS
        elif s.kind == "duplicate":
            earlier = {normalize_email(dict(e.values).get("email", "")) for e in sales_submissions[:index]}
            assert normalize_email(email) in earlier
        if s.kind != "missing_required":
            assert required <= set(values)


# --- engagement ------------------------------------------------------------------------------------------


def _engage(email: str, status: str | None, language: str = "en", first_name: str | None = "Ada"):
    return engagement_for(
        7,
        email,
        email_status=status,
        language=language,
        first_name=first_name,
        sender_name="Sam Carter",
        original_subject="Quick idea for your team",
        today=date(2026, 3, 2),
    )


def test_engagement_is_deterministic() -> None:
    for i in range(200):
        assert _engage(f"lead{i}@example.com", "valid") == _engage(f"lead{i}@example.com", "valid")
    assert _engage("Lead1@Example.com ", "valid") == _engage("lead1@example.com", "valid")
    outcomes = {
        repr(
            engagement_for(
                seed,
                "lead1@example.com",
                email_status="catch-all",
                language="en",
                first_name="Ada",
                sender_name="Sam",
                original_subject="Hi",
                today=date(2026, 3, 2),
            )
        )
        for seed in range(40)
    }
    assert len(outcomes) > 1


def test_invalid_emails_hard_bounce_and_valid_ones_rarely_bounce() -> None:
    invalid = [_engage(f"gone{i}@example.com", "invalid") for i in range(400)]
    hard = [e for e in invalid if e.bounce and e.bounce.hard and e.bounce.smtp_status.startswith("5.1.")]
    assert len(hard) / len(invalid) >= 0.75
    # About one in twelve dead mailboxes answers without saying why (no reader may be sure of those).
    ambiguous = [e for e in invalid if e.bounce and e.bounce.wording == "ambiguous"]
    assert 0.03 <= len(ambiguous) / len(invalid) <= 0.15
    assert all(e.bounce and e.bounce.kind != "soft" for e in ambiguous)
    for e in hard:
        assert e.bounce is not None and e.bounce.kind == "hard" and "5.1." in e.bounce.smtp_text
        assert not e.opens_after_hours and e.reply is None
    # The answer comes in the reports of several mail systems, the bare SMTP line most often.
    formats = {e.bounce.format for e in invalid if e.bounce}
    assert {"smtp", "postfix", "sendmail", "exim", "exchange", "gmail"} <= formats
    valid = [_engage(f"ok{i}@example.com", "valid") for i in range(3000)]
    bounced = [e for e in valid if e.bounce]
    assert len(bounced) / len(valid) < 0.035
    for e in bounced:
        assert e.bounce is not None
        if e.bounce.kind != "hard":
            # A disabled account (5.2.1) is gone in the world but reads as soft (it may come back).
            assert not e.bounce.hard or e.bounce.smtp_status == "5.2.1"
    catch_all = [_engage(f"ca{i}@example.com", "catch-all") for i in range(1500)]
    assert 0.14 <= sum(e.bounce is not None for e in catch_all) / len(catch_all) <= 0.26
    assert {e.bounce.kind for e in catch_all if e.bounce} == {"hard", "soft", "policy"}


def test_engagement_rates_and_timing() -> None:
    outcomes = [_engage(f"rate{i}@example.com", "valid") for i in range(4000)]
    delivered = [e for e in outcomes if e.bounce is None]
    opened = sum(bool(e.opens_after_hours) for e in delivered) / len(delivered)
    replied = [e.reply for e in delivered if e.reply]
    assert 0.45 <= opened <= 0.7
    assert 0.065 <= len(replied) / len(delivered) <= 0.115
    assert {r.label for r in replied} <= set(LABELS)
    for e in delivered:
        assert len(e.opens_after_hours) <= 5 and len(e.clicks_after_hours) <= 2
        assert list(e.opens_after_hours) == sorted(e.opens_after_hours)
        if e.clicks_after_hours:
            assert e.opens_after_hours and min(e.clicks_after_hours) >= e.opens_after_hours[0]
        if e.reply:
            if e.reply.label in ("out_of_office", "auto_reply"):
                assert e.reply.after_hours <= 0.1
            else:
                assert 0.5 <= e.reply.after_hours <= 96
            assert e.unsubscribe_after_hours is None
    unsubscribed = sum(e.unsubscribe_after_hours is not None for e in delivered) / len(delivered)
    assert 0.005 <= unsubscribed <= 0.03


def _replies(language: str, label: str, count: int) -> list:
    found = []
    for i in range(20000):
        e = _engage(f"r{i}@beispiel.de", "valid", language, "Jonas")
        if e.reply and e.reply.label == label:
            found.append(e.reply)
            if len(found) == count:
                break
    return found


def test_german_out_of_office_replies_state_a_return_date() -> None:
    replies = _replies("de", "out_of_office", 25)
    assert len(replies) == 25
    with_date = [r for r in replies if r.return_date]
    assert len(with_date) >= len(replies) * 0.6
    for r in with_date:
        assert r.language == "de"
        assert date(2026, 3, 5) <= r.return_date <= date(2026, 3, 22)
        assert f"{r.return_date.day:02d}.{r.return_date.month:02d}." in r.text
        assert re.search(r"\b\d{2}\.\d{2}\.", r.text)


def test_referral_replies_carry_an_email() -> None:
    for language in ("en", "de", "fr"):
        replies = _replies(language, "referral", 8)
        assert replies
        for r in replies:
            assert r.referral_email and r.referral_name
            assert r.referral_email in r.text and r.referral_name in r.text
            assert r.referral_email.endswith("@beispiel.de")
            assert re.fullmatch(r"[a-z]+\.[a-z]+@beispiel\.de", r.referral_email)


def test_replies_are_varied_and_personal() -> None:
    texts: dict[tuple[str, str], set[str]] = {}
    for language in ("en", "de", "fr"):
        for i in range(6000):
            e = _engage(f"v{i}@example.com", "valid", language, "Ada")
            if e.reply:
                texts.setdefault((e.reply.label, e.reply.language), set()).add(e.reply.text.split("\n\n>")[0])
    for label in LABELS:
        for language in ("en", "de", "fr"):
            assert len(texts.get((label, language), ())) >= 4, (label, language)
    automated = ("out_of_office", "auto_reply")
    human = [t for (label, _), ts in texts.items() if label not in automated for t in ts]
    assert sum("Sam" in t for t in human) > len(human) / 2
    assert sum("Ada" in t for t in human) > len(human) / 2
