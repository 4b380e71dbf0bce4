"""ICP profile loading (errors name file, line, profile, field; duplicate keys, non-finite numbers and
unknown keys refused) and the pure scoring functions."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from sales_assets.common.fit import fit_components
from sales_assets.common.icp import (
    ICP_FILE_VARIABLE,
    IcpConfigError,
    IcpProfilesResource,
    load_icp_profiles,
    parse_icp_profiles,
)
from sales_assets.outbound.scoring import (
    SENIORITY_SCORE,
    contact_components,
    data_quality,
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
    """DESIGN section 4's numbers, each one: a profile that sets none of them gets exactly these."""
    profile = parse_icp_profiles(GOOD)["demo"]
    assert (profile.gates.min_icp_score, profile.gates.min_data_quality) == (0.75, 0.70)
    assert profile.weights.model_dump() == {
        "fit": 0.35,
        "intent": 0.35,
        "reachability": 0.20,
        "freshness": 0.10,
    }
    assert profile.signal_weights.model_dump() == {
        "funding": 0.90,
        "expansion": 0.85,
        "new_product": 0.80,
        "hiring": 0.75,
        "regulatory": 0.70,
        "partnership": 0.65,
        "media": 0.60,
    }
    assert profile.contact_weights.model_dump() == {
        "title": 0.40,
        "seniority": 0.30,
        "verified_email": 0.20,
        "linkedin": 0.10,
    }
    assert profile.data_quality_weights.model_dump() == {
        "contact_fields": 0.40,
        "company_fields": 0.40,
        "provider_confidence": 0.20,
    }
    assert profile.reachability_weights.model_dump() == {"email": 0.70, "phone": 0.15, "linkedin": 0.15}
    # Seniority: C-level 1.0, VP 0.9, Director 0.8, Manager 0.6, IC 0.4 (Explorium's job levels).
    design = {"c-suite": 1.0, "vice president": 0.9, "director": 0.8, "manager": 0.6, "non-managerial": 0.4}
    assert {level: SENIORITY_SCORE[level] for level in design} == design


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
    with pytest.raises(IcpConfigError, match=r"field 'reachability_weights'.*add up to 0.9"):
        parse_icp_profiles(GOOD + "    reachability_weights: {email: 0.6}\n", "icp.yaml")
    with pytest.raises(IcpConfigError, match=r"icp.yaml, line 4: not valid YAML"):
        parse_icp_profiles("profiles:\n  demo:\n    industries: [a\n  x: }", "icp.yaml")
    with pytest.raises(IcpConfigError, match="cannot read"):
        load_icp_profiles("/nonexistent/icp.yaml")


DUPLICATE = "YAML would silently keep only the last one, so remove or merge one of them"


@pytest.mark.parametrize(
    ("addition", "expected"),
    [
        # The whole profile again: plain YAML would replace the first one without a word.
        (
            GOOD.removeprefix("profiles:\n"),
            f"icp.yaml, line 13: profile 'demo': duplicate profile name, first given on line 2; {DUPLICATE}",
        ),
        # A budget given twice: the second would win silently.
        (
            "    daily_budget_credits: 500\n    daily_budget_credits: 50000\n",
            "icp.yaml, line 14: profile 'demo', field 'daily_budget_credits': duplicate key, first given on "
            f"line 13; {DUPLICATE}",
        ),
        # At any depth, flow style included.
        (
            "    gates: {min_icp_score: 0.9, min_icp_score: 0.1}\n",
            "icp.yaml, line 13: profile 'demo', field 'gates.min_icp_score': duplicate key, first given "
            f"earlier on the same line; {DUPLICATE}",
        ),
        (
            "profiles: {}\n",
            f"icp.yaml, line 13: key 'profiles': duplicate key, first given on line 1; {DUPLICATE}",
        ),
    ],
)
def test_duplicate_keys_are_refused_with_both_lines(addition: str, expected: str) -> None:
    with pytest.raises(IcpConfigError) as info:
        parse_icp_profiles(GOOD + addition, "icp.yaml")
    assert str(info.value) == expected


def test_a_merge_key_may_be_overridden_it_is_not_a_duplicate() -> None:
    text = GOOD.replace("  demo:", "  demo: &demo") + "  other:\n    <<: *demo\n    countries: [de]\n"
    profiles = parse_icp_profiles(text, "icp.yaml")
    assert profiles["other"].countries == ["de"] and profiles["demo"].countries == ["us", "gb"]


@pytest.mark.parametrize(
    ("addition", "line", "field", "literal"),
    [
        ("    daily_budget_credits: .inf\n", 13, "daily_budget_credits", "'.inf'"),
        ("    daily_budget_credits: -.Inf\n", 13, "daily_budget_credits", "'-.Inf'"),
        ("    gates:\n      min_icp_score: .nan\n", 14, "gates.min_icp_score", "'.nan'"),
        # Too large for a float: YAML would read it as infinity.
        ("    daily_budget_credits: 1.0e+400\n", 13, "daily_budget_credits", "'1.0e+400'"),
    ],
)
def test_non_finite_numbers_are_refused(addition: str, line: int, field: str, literal: str) -> None:
    with pytest.raises(IcpConfigError) as info:
        parse_icp_profiles(GOOD + addition, "icp.yaml")
    assert str(info.value) == (
        f"icp.yaml, line {line}: profile 'demo', field '{field}': {literal} is not a finite number "
        "(infinity and NaN are not allowed; write the number itself, e.g. 2500)"
    )
    # Quoted, the text reaches pydantic, which refuses it too.
    with pytest.raises(
        IcpConfigError, match=r"line 13: profile 'demo', field 'daily_budget_credits': .*finite"
    ):
        parse_icp_profiles(GOOD + "    daily_budget_credits: 'inf'\n", "icp.yaml")


def test_unknown_keys_are_refused_naming_the_allowed_ones() -> None:
    text = "version: 2\n" + GOOD + "    budget: 100\n    gates: {min_icp: 0.5}\n    name: other\n"
    with pytest.raises(IcpConfigError) as info:
        parse_icp_profiles(text, "icp.yaml")
    lines = str(info.value).splitlines()
    assert lines[0] == "invalid ICP profiles:"
    assert lines[1] == "  icp.yaml, line 1: unknown top-level key 'version'; the allowed keys are: profiles"
    budget = next(x for x in lines if "field 'budget'" in x)
    assert budget.startswith(
        "  icp.yaml, line 14: profile 'demo', field 'budget': unknown key, not permitted here; the allowed "
        "keys are: description, industries, employee_ranges,"
    )
    assert "daily_budget_credits" in budget and "schedule" in budget and ", name" not in budget
    assert (
        "  icp.yaml, line 15: profile 'demo', field 'gates.min_icp': unknown key, not permitted here; the "
        "allowed keys are: min_icp_score, min_data_quality, min_contact_score"
    ) in lines
    # A `name:` inside a profile would rename it away from its key: refused, not taken.
    assert any(x.startswith("  icp.yaml, line 16: profile 'demo', field 'name': unknown key") for x in lines)
    # A misspelt `profiles:` says both what is missing and what was found.
    with pytest.raises(IcpConfigError) as info:
        parse_icp_profiles(GOOD.replace("profiles:", "profile:"), "icp.yaml")
    assert str(info.value) == (
        "icp.yaml, line 1: expected a top-level 'profiles:' mapping with at least one profile\n"
        "  icp.yaml, line 1: unknown top-level key 'profile'; the allowed keys are: profiles"
    )


def test_a_refused_file_stops_the_load_and_leaves_the_previous_state_alone(tmp_path: Path) -> None:
    file = tmp_path / "icp_profiles.yaml"
    file.write_text(GOOD, encoding="utf-8")
    resource = IcpProfilesResource(path=str(file))
    before = resource.profiles()
    edited = GOOD + "    daily_budget_credits: 500\n    daily_budget_credits: .inf\n"
    file.write_text(edited, encoding="utf-8")
    with pytest.raises(IcpConfigError, match=rf"{file.name}, line 14: .*duplicate key"):
        resource.profiles()
    # The loader only reads: the file is as the team left it, and what was loaded before is unchanged.
    assert file.read_text(encoding="utf-8") == edited
    assert before == parse_icp_profiles(GOOD) and before["demo"].daily_budget_credits == 2_000

    # The code location refuses to load on that file: no partitions or schedules from a half-read file.
    env = {**os.environ, ICP_FILE_VARIABLE: str(file), "DAGSTER_HOME": str(tmp_path / "home")}
    env.pop("SALES_MODE", None)
    result = subprocess.run(
        [sys.executable, "-c", "import sales_assets.common.partitions"],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert f"IcpConfigError: {file}, line 14: profile 'demo', field 'daily_budget_credits'" in result.stderr


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
    # The weights are the profile's: a profile that trusts the provider more scores the same row so.
    weights = "{contact_fields: 0.3, company_fields: 0.3, provider_confidence: 0.4}"
    weighted = parse_icp_profiles(GOOD + f"    data_quality_weights: {weights}\n")["demo"]
    quality = data_quality(contacts, weighted.data_quality_weights)
    assert quality[1] == pytest.approx(0.3 * 3 / 6 + 0.3 * 4 / 6 + 0.4 * 0.5, abs=1e-4)
