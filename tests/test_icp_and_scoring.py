"""ICP profile loading (errors name file, line, profile, field) and the pure scoring functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from sales_assets.outbound.icp import IcpConfigError, load_icp_profiles, parse_icp_profiles
from sales_assets.outbound.scoring import (
    contact_components,
    data_quality,
    fit_components,
    intent_components,
    title_match,
)

GOOD = """\
profiles:
  demo:
    industries: [software development]
    employee_ranges: ["51-200"]
    revenue_ranges: ["10M-25M"]
    countries: [us, gb]
    technologies: [Salesforce, HubSpot, Gong]
    intent_signals: [funding]
    titles: [VP of Sales, Chief Revenue Officer]
    seniorities: [c-suite, vice president]
    top_companies: 10
    max_companies: 50
"""


def test_the_shipped_profiles_load() -> None:
    profiles = load_icp_profiles()
    assert len(profiles) >= 3
    for name, profile in profiles.items():
        assert profile.name == name
        assert (
            profile.weights.fit
            + profile.weights.intent
            + profile.weights.reachability
            + profile.weights.freshness
            == pytest.approx(1)
        )


def test_defaults_follow_the_design() -> None:
    profile = parse_icp_profiles(GOOD)["demo"]
    assert (profile.gates.min_icp_score, profile.gates.min_data_quality) == (0.75, 0.70)
    assert profile.signal_weights.funding == 0.90 and profile.signal_weights.media == 0.60


@pytest.mark.parametrize(
    ("change", "line", "field", "words"),
    [
        (("max_companies: 50", "max_companies: lots"), 12, "max_companies", "integer"),
        (("countries: [us, gb]", "countries: [usa, gb]"), 6, "countries", "alpha-2"),
        (('employee_ranges: ["51-200"]', 'employee_ranges: ["50-200"]'), 4, "employee_ranges.0", "51-200"),
        (
            ("    top_companies: 10\n", "    top_companies: 10\n    colour: blue\n"),
            12,
            "colour",
            "not permitted",
        ),
        (("  demo:", "  Demo:"), 2, "name", "lowercase"),
    ],
)
def test_bad_files_name_the_line_profile_and_field(change, line, field, words) -> None:
    text = GOOD.replace(*change)
    with pytest.raises(IcpConfigError) as info:
        parse_icp_profiles(text, "icp.yaml")
    message = str(info.value)
    assert f"icp.yaml, line {line}:" in message
    assert f"field '{field}'" in message
    assert words in message


def test_weights_must_add_up_and_yaml_errors_carry_a_line() -> None:
    with pytest.raises(IcpConfigError, match=r"line 13: profile 'demo', field 'weights'.*add up to 1.1"):
        parse_icp_profiles(GOOD + "    weights: {fit: 0.45}\n", "icp.yaml")
    with pytest.raises(IcpConfigError, match=r"icp.yaml, line 4: not valid YAML"):
        parse_icp_profiles("profiles:\n  demo:\n    industries: [a\n  x: }", "icp.yaml")
    with pytest.raises(IcpConfigError, match="cannot read"):
        load_icp_profiles("/nonexistent/icp.yaml")


def companies() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "business_id": ["a", "b", "c"],
            "industry": ["software development", "retail", "Software Development"],
            "employees_range": ["51-200", "201-500", "10001+"],
            "revenue_range": ["10M-25M", "25M-75M", None],
            "country_code": ["us", "de", "GB"],
            "tech_stack": [["Salesforce", "Gong", "Slack"], ["HubSpot"], []],
        }
    ).set_index("business_id", drop=False)


def test_fit_components_explain_the_fit() -> None:
    profile = parse_icp_profiles(GOOD)["demo"]
    fit = fit_components(companies(), profile)
    assert list(fit["fit_industry"]) == [1.0, 0.0, 1.0]
    assert list(fit["fit_employees"]) == [1.0, 0.5, 0.0]
    assert list(fit["fit_revenue"]) == [1.0, 0.5, 0.0]
    assert list(fit["fit_geography"]) == [1.0, 0.0, 1.0]
    assert fit["fit_technology"].round(3).tolist() == [0.667, 0.333, 0.0]
    assert fit.loc["a", "fit_score"] == pytest.approx(0.30 + 0.20 + 0.15 + 0.20 * 2 / 3 + 0.15)


def test_intent_is_a_noisy_or_inside_the_window_and_freshness_decays() -> None:
    profile = parse_icp_profiles(GOOD)["demo"]
    now = datetime(2026, 11, 23, tzinfo=UTC)
    signals = pd.DataFrame(
        {
            "business_id": ["a", "a", "b", "c"],
            "kind": ["funding", "hiring", "funding", "funding"],
            "occurred_at": [
                now - timedelta(days=9),
                now - timedelta(days=30),
                now - timedelta(days=45),
                now - timedelta(days=200),
            ],
        }
    )
    intent = intent_components(signals, companies().index, profile, now)
    # a: funding 0.90 (emphasised) and hiring at half weight 0.375: 1 - 0.1 * 0.625
    assert intent.loc["a", "intent_score"] == pytest.approx(1 - 0.1 * 0.625)
    assert intent.loc["a", "freshness_score"] == pytest.approx(1 - 9 / 90)
    assert intent.loc["a", "top_signal"] == "funding" and intent.loc["a", "signal_count"] == 2
    assert intent.loc["b", "freshness_score"] == pytest.approx(0.5)
    # c's only signal is older than the window: no intent, no freshness.
    assert intent.loc["c", "intent_score"] == 0 and intent.loc["c", "freshness_score"] == 0


def test_titles_match_with_abbreviations() -> None:
    scores = title_match(
        pd.Series(["VP Sales", "Chief Revenue Officer", "Data Engineer", None]),
        ["VP of Sales", "Chief Revenue Officer"],
    )
    assert scores[0] == pytest.approx(1.0) and scores[1] == 1.0 and scores[2] == 0.0 and scores[3] == 0.0


def test_contact_score_and_data_quality() -> None:
    profile = parse_icp_profiles(GOOD)["demo"]
    contacts = pd.DataFrame(
        {
            "email": ["ada@a.com", "bob@b.com"],
            "first_name": ["Ada", "Bob"],
            "last_name": ["L", ""],
            "job_title": ["VP of Sales", "Intern"],
            "job_level": ["vice president", "junior"],
            "email_status": ["valid", "catch-all"],
            "linkedin_url": ["https://www.linkedin.com/in/ada", None],
            "phone": ["+1555", None],
            "company_name": ["A", "B"],
            "domain": ["a.com", "b.com"],
            "industry": ["software development", None],
            "employees_range": ["51-200", "11-50"],
            "revenue_range": ["10M-25M", None],
            "country_code": ["us", "us"],
        }
    )
    parts = contact_components(contacts, profile)
    assert parts.loc[0, "contact_score"] == pytest.approx(0.4 + 0.27 + 0.2 + 0.1)
    assert parts.loc[1, "email_score"] == 0 and parts.loc[1, "linkedin_score"] == 0
    quality = data_quality(contacts)
    assert quality[0] == pytest.approx(1.0)
    assert quality[1] == pytest.approx(0.4 * 3 / 6 + 0.4 * 4 / 6 + 0.2 * 0.5, abs=1e-4)
