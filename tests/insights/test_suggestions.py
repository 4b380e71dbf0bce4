"""ICP suggestions: the evidence decides each line, vocabularies are respected, and the diff applies with
`git apply` to the real profile file, leaving a file that still loads."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

from sales_assets.common.icp import DEFAULT_ICP_FILE, parse_icp_profiles
from sales_assets.insights.suggestions import SuggestionSettings, propose, propose_weights, yaml_diff


def _accounts(seed: int = 5, n: int = 2000) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    accounts = pd.DataFrame(
        {
            "industry": rng.choice(
                ["software development", "it services and it consulting", "financial services"], n
            ),
            "employees_range": rng.choice(["51-200", "201-500", "1001-5000"], n),
            "country": rng.choice(["us", "gb", "ca"], n),
            "signals": [list(rng.choice(["funding", "hiring", "regulatory"], 1)) for _ in range(n)],
        }
    )
    # Planted: financial services and 1001-5000 convert; it services and consulting never does.
    rate = np.where(accounts["industry"] == "financial services", 0.25, 0.05)
    rate = np.where(accounts["employees_range"] == "1001-5000", rate * 2, rate)
    rate = np.where(accounts["industry"] == "it services and it consulting", 0.0, rate)
    return accounts, pd.Series(rng.random(n) < rate)


def test_the_evidence_proposes_additions_and_removals_with_counts() -> None:
    profile = parse_icp_profiles(DEFAULT_ICP_FILE.read_text())["revops_saas"]
    accounts, converted = _accounts()
    changes = propose(profile, accounts, converted, SuggestionSettings())
    summary = {(c.field, c.action, c.value) for c in changes}
    assert ("industries", "add", "financial services") in summary
    assert ("employee_ranges", "add", "1001-5000") in summary
    assert ("industries", "remove", "it services and it consulting") in summary
    # Neutral values (countries, signals) are left alone.
    assert not any(c.field in ("countries", "intent_signals") for c in changes)
    adds = [c for c in changes if c.action == "add"]
    assert all(c.evidence.converted >= 3 and c.evidence.lift >= 1.5 for c in adds)
    assert "of the converters" in adds[0].reason


def test_the_diff_applies_to_the_real_file_and_the_result_loads(tmp_path: Path) -> None:
    text = DEFAULT_ICP_FILE.read_text()
    profile = parse_icp_profiles(text)["revops_saas"]
    accounts, converted = _accounts()
    changes = propose(profile, accounts, converted, SuggestionSettings())
    diff = yaml_diff(text, profile, changes)
    assert diff.startswith("--- a/icp_profiles.yaml")
    assert "# insights: add financial services" in diff
    (tmp_path / "icp_profiles.yaml").write_text(text)
    (tmp_path / "change.diff").write_text(diff)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply", "change.diff"], cwd=tmp_path, check=True)
    after = parse_icp_profiles((tmp_path / "icp_profiles.yaml").read_text())
    changed = after["revops_saas"]
    assert "financial services" in changed.industries
    assert "it services and it consulting" not in changed.industries
    assert "1001-5000" in changed.employee_ranges
    # Every other profile is untouched.
    before = parse_icp_profiles(text)
    assert {k: v for k, v in after.items() if k != "revops_saas"} == {
        k: v for k, v in before.items() if k != "revops_saas"
    }


def test_a_field_the_profile_does_not_set_is_added_inside_the_profile(tmp_path: Path) -> None:
    text = DEFAULT_ICP_FILE.read_text()
    profiles = parse_icp_profiles(text)
    name = next(n for n, p in profiles.items() if not p.revenue_ranges)
    accounts, converted = _accounts()
    accounts["revenue_range"] = np.where(converted, "25M-75M", "1m-5m")
    changes = [
        c
        for c in propose(profiles[name], accounts, converted, SuggestionSettings())
        if c.field == "revenue_ranges"
    ]
    assert [c.value for c in changes] == ["25M-75M"]  # spelt as the vocabulary spells it
    (tmp_path / "icp_profiles.yaml").write_text(text)
    (tmp_path / "change.diff").write_text(yaml_diff(text, profiles[name], changes))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply", "change.diff"], cwd=tmp_path, check=True)
    assert parse_icp_profiles((tmp_path / "icp_profiles.yaml").read_text())[name].revenue_ranges == [
        "25M-75M"
    ]


def test_no_converters_no_changes_no_diff() -> None:
    text = DEFAULT_ICP_FILE.read_text()
    profile = parse_icp_profiles(text)["revops_saas"]
    accounts, _ = _accounts()
    assert propose(profile, accounts, pd.Series(False, index=accounts.index), SuggestionSettings()) == []
    assert yaml_diff(text, profile, []) == ""


def test_signal_weights_move_with_their_lift_and_the_diff_sets_them(tmp_path: Path) -> None:
    text = DEFAULT_ICP_FILE.read_text()
    profile = parse_icp_profiles(text)["revops_saas"]
    rng = np.random.default_rng(11)
    n = 3000
    accounts = pd.DataFrame(
        {"signals": [list(rng.choice(["funding", "hiring", "media"], 1)) for _ in range(n)]}
    )
    # Planted: hiring converts three times as often as the others.
    rate = np.where(accounts["signals"].map(lambda s: s == ["hiring"]), 0.15, 0.05)
    converted = pd.Series(rng.random(n) < rate)
    changes = propose_weights(profile, accounts, converted, SuggestionSettings())
    moved = {c.value.split("=")[0]: float(c.value.split("=")[1]) for c in changes}
    current = profile.signal_weights.model_dump()
    assert moved["hiring"] > current["hiring"] and moved["hiring"] <= 1.0
    assert moved["funding"] < current["funding"]
    assert all(c.action == "set" and c.evidence.accounts >= 30 for c in changes)
    (tmp_path / "icp_profiles.yaml").write_text(text)
    (tmp_path / "change.diff").write_text(yaml_diff(text, profile, changes))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply", "change.diff"], cwd=tmp_path, check=True)
    after = parse_icp_profiles((tmp_path / "icp_profiles.yaml").read_text())["revops_saas"].signal_weights
    assert after.hiring == moved["hiring"] and after.funding == moved["funding"]
    # A signal nobody had stays as it was.
    assert after.regulatory == current["regulatory"]
    # Too few accounts: no weight moves.
    few = SuggestionSettings(weight_min_accounts=5000)
    assert propose_weights(profile, accounts, converted, few) == []
