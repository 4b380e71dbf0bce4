"""Look-alike targets on the sandbox world: the planted winning segment (an industry at one employee band) is
the top pattern, most of the top 20 targets belong to it, nothing in HubSpot, suppressed or already reached
is returned, a re-run pays nothing, the budget stops the paying, and the schema check blocks a bad frame.

The accounts the pipeline reached are built from the world: a sample of its companies, each reached through
its first two people, converted when either would book a meeting (`resources.sandbox.outcomes.conversions`,
the draws the planted lifts act on).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pytest

from resources.explorium.filters import IncludesFilter
from resources.sandbox.outcomes import conversions, planted_facts
from resources.sandbox.world import World
from sales_assets.common.partitions import daily_partitions
from sales_assets.insights.lookalike import Segment, learn_segments, lookalike_scores
from sales_assets.insights.lookalike_search import (
    candidate_rows,
    segment_filters,
    signal_events,
    signal_kinds,
    spellings,
    vendor_value,
)
from sales_assets.insights.lookalike_settings import LookalikeSettings, lookalike_settings_from_env
from sales_assets.insights.lookalike_targets import lookalike_checks, lookalike_targets

DAY = daily_partitions.get_partition_keys()[-1]
ICP = "revops_saas"
#: An ICP whose pipeline reached a few accounts and converted too few of them to learn from.
SMALL_ICP = "fintech_eu"


def _account(world: World, company: Any, icp: str, contacts: int = 2) -> dict[str, Any]:
    people = world.people_at(company.business_id)[:contacts]
    draws = [conversions(world, p) for p in people]
    meetings = sum(meeting for meeting, _ in draws)
    return {
        "icp": icp,
        "business_id": company.business_id,
        "domain": company.domain,
        "company_name": company.name,
        "industry": company.industry,
        "employees_range": company.employees_range,
        "revenue_range": company.revenue_range,
        "country_code": company.country_code,
        "technologies": list(company.tech_stack),
        "signals": sorted({s.kind for s in company.signals}),
        "leads": len(people),
        "meetings": meetings,
        "won": sum(meeting and won for meeting, won in draws),
        "converted": meetings > 0,
    }


def reached_accounts(world: World, *, n: int = 1000, seed: int = 0) -> pd.DataFrame:
    """`pipeline_accounts` as the pipeline would have left it: `n` companies of `ICP`, and a few of
    `SMALL_ICP` of which two converted."""
    companies = random.Random(seed).sample(world.companies, n)
    rows = [_account(world, c, ICP) for c in companies]
    taken = {c.business_id for c in companies}
    small = [c for c in world.companies if c.business_id not in taken][:25]
    rows += [{**_account(world, c, SMALL_ICP), "converted": i < 2} for i, c in enumerate(small)]
    return pd.DataFrame(rows)


def _source(frame: pd.DataFrame) -> dg.AssetsDefinition:
    @dg.asset(name="pipeline_accounts", partitions_def=daily_partitions, group_name="insights")
    def _accounts() -> pd.DataFrame:
        return frame

    return _accounts


def _run(
    env: Any, frame: pd.DataFrame, settings: LookalikeSettings | None = None
) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [_source(frame), lookalike_targets, *lookalike_checks()],
        partition_key=DAY,
        resources={**env.resources, "lookalike_settings": settings or LookalikeSettings()},
        instance=env.instance,
        raise_on_error=False,
    )


def _metadata(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    (event,) = [
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "lookalike_targets"
    ]
    materialization = event.materialization
    assert materialization is not None
    return {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}


def _in_segment(world: World, business_id: str) -> bool:
    company = world.company(business_id)
    return company is not None and (company.industry, company.employees_range) == planted_facts(world).segment


@pytest.fixture(scope="module")
def first(
    tmp_path_factory: pytest.TempPathFactory, make_env: Callable[..., Any]
) -> Iterator[tuple[Any, pd.DataFrame, dg.ExecuteInProcessResult, list[str]]]:
    env = make_env(tmp_path_factory.mktemp("lookalike"))
    world = env.sandbox.world
    accounts = reached_accounts(world)
    # Two segment companies nobody reached and HubSpot does not hold go on the suppression list.
    reached = set(accounts["business_id"])
    crm = {c.domain for c in world.crm_companies}
    free = [
        c.domain
        for c in world.companies
        if _in_segment(world, c.business_id) and c.business_id not in reached and c.domain not in crm
    ]
    suppressed = free[:2]
    for domain in suppressed:
        env.store.suppression.add("domain", domain, reason="manual", source="test")
    result = _run(env, accounts)
    yield env, accounts, result, suppressed
    env.instance.dispose()


def test_the_planted_segment_is_the_top_pattern_and_most_targets_belong_to_it(first) -> None:
    env, _, result, _ = first
    assert result.success
    world = env.sandbox.world
    facts = planted_facts(world)
    md = _metadata(result)
    assert md[f"top_pattern_{ICP}"] == (
        f"industry={facts.segment_industry} & employees_range={facts.segment_employees_range}"
    )
    targets = result.asset_value("lookalike_targets")
    mine = targets[targets["icp"] == ICP]
    assert len(mine) == 20 == md[f"targets_{ICP}"]
    assert list(mine["rank"]) == list(range(1, 21))
    assert mine["business_id"].map(lambda b: _in_segment(world, b)).mean() >= 0.8
    assert mine["similarity"].between(0, 1).all()
    assert mine["similarity"].is_monotonic_decreasing
    assert md[f"top_similarity_{ICP}"] == pytest.approx(mine["similarity"].max(), abs=1e-4)
    best = mine.iloc[0]
    assert f"industry={facts.segment_industry}" in best["matched_factors"]
    assert f"employees_range={facts.segment_employees_range}" in best["matched_factors"]
    assert "accounts converted" in best["evidence"]
    assert md[f"credits_spent_{ICP}"] > 0
    # The ICP with two converters gets nothing, and says why.
    assert md[f"targets_{SMALL_ICP}"] == 0
    assert "too few converted accounts" in md[f"status_{SMALL_ICP}"]
    assert (targets["icp"] == SMALL_ICP).sum() == 0
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {"schema": True}


def test_nothing_reached_in_hubspot_or_suppressed_is_a_target(first) -> None:
    env, accounts, result, suppressed = first
    targets = result.asset_value("lookalike_targets")
    md = _metadata(result)
    assert not set(targets["business_id"]) & set(accounts["business_id"])
    assert not set(targets["domain"]) & set(accounts["domain"])
    assert not set(targets["domain"]) & set(suppressed)
    found = env.resources["hubspot"].get_client().find_companies_by_domains(targets["domain"].tolist())
    assert not [d for d, companies in found.items() if companies]
    # Each exclusion had something to do.
    assert md[f"dropped_in_hubspot_{ICP}"] > 0
    assert md[f"dropped_suppressed_{ICP}"] == len(suppressed) == 2


def test_a_rerun_spends_nothing(first) -> None:
    env, accounts, result, _ = first
    calls, credits = env.calls("explorium"), env.credits()
    spent = env.store.ledger.spent(vendor="explorium")
    again = _run(env, accounts)
    assert again.success
    assert (env.calls("explorium"), env.credits()) == (calls, credits)
    assert env.store.ledger.spent(vendor="explorium") == spent
    md = _metadata(again)
    assert md["credits_spent"] == 0 and md["vendor_calls"] == 0 and md["cache_hits"] > 0
    pd.testing.assert_frame_equal(
        again.asset_value("lookalike_targets"), result.asset_value("lookalike_targets")
    )


def test_the_budget_stops_the_paying_and_says_so(tmp_path: Path, make_env: Callable[..., Any]) -> None:
    env = make_env(tmp_path / "env")
    result = _run(env, reached_accounts(env.sandbox.world), LookalikeSettings(max_credits=8))
    assert result.success
    md = _metadata(result)
    assert 0 < env.credits() <= 8
    assert env.store.ledger.spent(partition=f"{DAY}|{ICP}", vendor="explorium") <= 8
    assert md[f"budget_exhausted_{ICP}"] is True and md["skipped_over_budget"] > 0
    assert "budget ran out" in md[f"status_{ICP}"]
    assert 0 < md[f"targets_{ICP}"] <= 8
    env.instance.dispose()


def test_the_schema_check_blocks_a_bad_frame(first) -> None:
    env, _, result, _ = first
    bad = result.asset_value("lookalike_targets").copy()
    bad.loc[0, "similarity"] = 1.5
    bad.loc[1, "business_id"] = "not-an-id"

    @dg.asset(name="lookalike_targets", partitions_def=daily_partitions, group_name="insights")
    def crafted() -> pd.DataFrame:
        return bad

    out = dg.materialize(
        [crafted, *lookalike_checks()],
        partition_key=DAY,
        resources=env.resources,
        instance=env.instance,
        raise_on_error=False,
    )
    assert not out.success
    (evaluation,) = out.get_asset_check_evaluations()
    assert not evaluation.passed
    assert evaluation.metadata["failing_columns"].value == "business_id, similarity"


# --- the pure parts -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(first) -> World:
    return first[0].sandbox.world


def test_the_segment_is_found_for_most_samples_of_reached_accounts(world: World) -> None:
    facts = planted_facts(world)
    planted = {("industry", facts.segment_industry), ("employees_range", facts.segment_employees_range)}
    found = 0
    for seed in range(10):
        accounts = reached_accounts(world, seed=seed)
        accounts = accounts[accounts["icp"] == ICP].rename(columns={"country_code": "country"})
        segments = learn_segments(accounts, accounts["converted"])
        found += bool(segments) and set(segments[0].conditions) == planted
        # Whatever is found rests on real counts.
        for s in segments:
            assert s.converted >= 3 and s.lift >= 1.3 and s.lift_low > 1
    assert found >= 9


def test_random_outcomes_make_no_pattern(world: World) -> None:
    accounts = reached_accounts(world).rename(columns={"country_code": "country"})
    rng = random.Random(3)
    noise = pd.Series([rng.random() < 0.3 for _ in range(len(accounts))])
    assert learn_segments(accounts, noise) == ()


def test_scores_rank_the_strongest_segment_first_and_signals_add() -> None:
    base = 0.2
    strong = Segment((("industry", "retail"), ("employees_range", "11-50")), 20, 25, base, 3.0)
    weak = Segment((("country", "de"),), 30, 60, base, 1.2)
    signal = Segment((("signals", "funding"),), 40, 80, base, 2.0)
    candidates = pd.DataFrame(
        {
            "industry": ["Retail", "retail", "software", "retail", "software", "software"],
            "employees_range": ["11-50", "11-50", "11-50", "51-200", "51-200", None],
            "country": ["de", "us", "de", "fr", "de", "fr"],
            "signals": [["funding"], [], ["funding"], [], [], None],
        }
    )
    scores = lookalike_scores(candidates, [strong, weak], [signal])
    s3, s2, s12 = math.log(3.0), math.log(2.0), math.log(1.2)
    total = s3 + s2
    expected = [1.0, s3 / total, (s3 / 2 + s2) / total, s3 / 2 / total, s12 / total, 0.0]
    assert list(scores["similarity"]) == pytest.approx(expected, abs=1e-6)
    # Half the strong segment counts for more than all of the weak one.
    assert list(scores["segment"]) == [strong.label] * 4 + [weak.label, None]
    assert list(scores["matched_factors"]) == [
        ["industry=retail", "employees_range=11-50", "signals=funding"],
        ["industry=retail", "employees_range=11-50"],
        ["employees_range=11-50", "signals=funding"],
        ["industry=retail"],
        ["country=de"],
        [],
    ]


def test_segments_become_explorium_filters_in_its_own_spelling() -> None:
    accounts = pd.DataFrame(
        {"industry": ["Software Development", "software development"], "technologies": [["Salesforce"], []]}
    )
    spelt = spellings(accounts)
    segment = Segment(
        (("industry", "software development"), ("revenue_range", "10m-25m"), ("country", "gb")),
        5,
        6,
        0.3,
        1.5,
    )
    filters = segment_filters(segment.conditions, spelt)
    assert filters is not None
    assert filters.linkedin_category == IncludesFilter(values=["Software Development"])
    assert filters.company_revenue == IncludesFilter(values=["10M-25M"])
    assert filters.country_code == IncludesFilter(values=["gb"])
    assert filters.to_api()["has_website"] == {"value": True}
    assert vendor_value(("technologies", "salesforce"), spelt) == "Salesforce"
    assert vendor_value(("employees_range", "about fifty"), spelt) is None
    assert segment_filters((("signals", "funding"),), spelt) is None
    (row,) = candidate_rows(
        [
            {
                "business_id": "a" * 32,
                "name": "Acme",
                "website": "https://www.acme.io/about",
                "country_name": "germany",
                "number_of_employees_range": "11-50",
            }
        ],
        segment.conditions,
    )
    assert (row["domain"], row["industry"], row["country"], row["employees_range"]) == (
        "acme.io",
        "software development",
        "gb",
        "11-50",
    )


def test_events_read_as_signal_kinds() -> None:
    assert "new_funding_round" in signal_events(["funding"])
    kinds = signal_kinds(
        [
            {"business_id": "b1", "event_name": "new_office"},
            {"business_id": "b1", "event_name": "new_funding_round"},
            {"business_id": "b1", "event_name": "new_office"},
            {"business_id": "b2", "event_name": "closing_office"},
        ]
    )
    assert kinds == {"b1": ["expansion", "funding"]}


def test_settings_from_the_environment() -> None:
    assert lookalike_settings_from_env({}).top_n == 20
    found = lookalike_settings_from_env({"SALES_LOOKALIKE_TOP_N": "5", "SALES_LOOKALIKE_MAX_CREDITS": "40"})
    assert (found.top_n, found.max_credits) == (5, 40.0)
    with pytest.raises(Exception, match="SALES_LOOKALIKE_TOP_N"):
        lookalike_settings_from_env({"SALES_LOOKALIKE_TOP_N": "many"})
