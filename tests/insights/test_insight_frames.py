"""The insights assets' pure parts on small hand-made frames: the cohort from the other stages' values, the
outcome join, the accounts fold, the funnel report's dimensions, and the check on Claude's summary."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd

from resources.mode import build_vendor_resources
from resources.pipeline_store import PipelineStoreResource
from resources.sandbox import Sandbox
from sales_assets.common.partitions import daily_partitions
from sales_assets.insights.accounts import accounts_of
from sales_assets.insights.bottlenecks import Finding
from sales_assets.insights.cohort import inbound_cohort, outbound_cohort
from sales_assets.insights.outcomes import join_outcomes, when
from sales_assets.insights.pipeline_bottlenecks import pipeline_bottlenecks, unsupported_numbers
from sales_assets.insights.pipeline_funnel import funnel_report
from sales_assets.insights.schemas import PipelineAccounts, PipelineFunnel, PipelineLeads, PipelineOutcomes
from sales_assets.insights.settings import InsightsSettings

DAY = pd.Timestamp("2026-11-20", tz="UTC")
KEY = "2026-11-20|saas"


def _cohort() -> pd.DataFrame:
    enrollments = pd.DataFrame(
        {
            "prospect_id": ["p1", "p2", "p3"],
            "email": ["Ada@A.example", "bo@b.example", "cy@a.example"],
            "campaign_id": ["c1", "c1", "c1"],
            "outcome": ["added", "added", "already_enrolled"],
        }
    )
    qualified = pd.DataFrame(
        {
            "prospect_id": ["p1", "p2", "p3"],
            "business_id": ["b1", "b2", "b1"],
            "domain": ["a.example", "b.example", "a.example"],
            "company_name": ["A", "B", "A"],
            "industry": ["software", "retail", "software"],
            "employees_range": ["51-200", "11-50", "51-200"],
            "revenue_range": [None, None, None],
            "country_code": ["DE", "FR", "DE"],
            "tech_stack": [["HubSpot", "Slack"], [], ["HubSpot"]],
        }
    )
    scored = pd.DataFrame(
        {"business_id": ["b1", "b2"], "signals": [[{"kind": "hiring"}, {"kind": "funding"}], []]}
    )
    inbound = pd.DataFrame(
        {
            "conversion_id": ["f1"],
            "email": ["dee@d.example"],
            "submitted_at": [DAY + pd.Timedelta(hours=9)],
            "icp_profile": ["saas"],
            "tier": ["A"],
            "business_id": [None],
            "domain": ["d.example"],
            "company_name": ["D"],
            "industry": ["software"],
            "employees_range": ["51-200"],
            "country_code": ["DE"],
        }
    )
    return pd.concat(
        [
            outbound_cohort({KEY: enrollments}, {KEY: qualified}, {KEY: scored}, DAY),
            inbound_cohort(inbound),
        ],
        ignore_index=True,
    )


def test_the_cohort_holds_first_enrollments_and_inbound_leads_with_their_company() -> None:
    cohort = _cohort()
    PipelineLeads.validate(cohort)
    # The lead enrolled on an earlier day (already_enrolled) belongs to that day's cohort, not this one.
    assert list(cohort["lead_id"]) == [
        "outbound:saas:ada@a.example",
        "outbound:saas:bo@b.example",
        "inbound:f1",
    ]
    ada = cohort.iloc[0]
    assert ada["signals"] == ["funding", "hiring"] and ada["technologies"] == ["HubSpot", "Slack"]
    assert ada["icp"] == "saas" and ada["country"] == "DE"
    assert cohort.iloc[2]["tier"] == "A" and cohort.iloc[2]["source"] == "inbound"


def _outcomes() -> pd.DataFrame:
    cohort = _cohort()
    activities = pd.DataFrame(
        {
            "campaign_id": ["c1", "c1"],
            "email": ["ada@a.example", "bo@b.example"],
            "first_touch_at": [DAY + pd.Timedelta(hours=1), DAY + pd.Timedelta(hours=2)],
            "first_reply_at": [DAY + pd.Timedelta(hours=5), pd.NaT],
        }
    )
    contacts = pd.DataFrame(
        {
            "email": ["ada@a.example", "dee@d.example"],
            "contact_id": ["h1", "h4"],
            "lifecyclestage": ["opportunity", "lead"],
            "lead_status": ["CONNECTED", None],
            "meeting_at": [DAY + pd.Timedelta(days=2), None],
        }
    )
    deals = pd.DataFrame(
        {
            "contact_id": ["h1"],
            "deal_id": ["d1"],
            "deal_stage": ["closedwon"],
            "deal_created_at": [DAY + pd.Timedelta(days=3)],
            "is_won": [True],
            "closed_at": [DAY + pd.Timedelta(days=30)],
        }
    )
    responses = pd.DataFrame({"email": ["dee@d.example"], "responded_at": [DAY + pd.Timedelta(hours=11)]})
    variants = pd.DataFrame({"campaign_id": ["c1"], "email": ["bo@b.example"], "variant": ["B"]})
    return join_outcomes(cohort, activities, contacts, deals, responses, variants)


def test_outcomes_join_each_stage_to_its_lead() -> None:
    outcomes = _outcomes()
    PipelineOutcomes.validate(outcomes)
    ada, bo, dee = (outcomes.iloc[i] for i in range(3))
    assert ada["first_reply_at"] == DAY + pd.Timedelta(hours=5) and ada["deal_id"] == "d1" and ada["is_won"]
    assert pd.isna(bo["first_reply_at"]) and bo["variant"] == "B" and not bo["is_won"]
    # An inbound lead starts at its submission and was answered when its owner's task was created.
    assert dee["first_touch_at"] == DAY + pd.Timedelta(hours=9)
    assert dee["responded_at"] == DAY + pd.Timedelta(hours=11)
    assert pd.isna(ada["responded_at"])


def test_the_funnel_report_counts_each_dimension_by_hand() -> None:
    report = funnel_report(_outcomes())
    PipelineFunnel.validate(report)
    rows = {(r["dimension"], r["group"]): r for r in report.to_dict("records")}
    saas = rows[("icp", "saas")]
    assert (saas["leads"], saas["contacted"], saas["replied"], saas["meeting"], saas["won"]) == (
        3,
        3,
        1,
        1,
        1,
    )
    assert rows[("source", "inbound")]["leads"] == 1
    assert rows[("tier", "A")]["response_hours_median"] == 2.0
    # Ada has two signals: she counts once under each; Bo and Dee have none and are in no signal group.
    assert rows[("signal", "hiring")]["leads"] == rows[("signal", "funding")]["leads"] == 1
    assert rows[("variant", "B")]["contacted"] == 1 and rows[("variant", "B")]["reply_rate"] == 0.0
    assert saas["reply_hours_median"] == 4.0


def test_accounts_fold_leads_into_companies_and_mark_the_converted() -> None:
    accounts = accounts_of(_outcomes())
    PipelineAccounts.validate(accounts)
    by_key = accounts.set_index("company_key")
    assert list(by_key.index) == ["a.example", "b.example", "d.example"]
    assert bool(by_key.loc["a.example", "converted"]) and by_key.loc["a.example", "won"] == 1
    assert not bool(by_key.loc["b.example", "converted"])


def test_a_summary_may_state_only_the_findings_figures() -> None:
    findings = [
        Finding(
            "spend_without_meetings", "icp=saas", {"credits": 640.0, "usd": 3.5, "meetings": 0}, "Pause it."
        ),
        Finding(
            "weak_conversion", "icp=retail: replied -> meeting", {"rate": 0.04, "median_of_others": 0.2}, "x"
        ),
    ]
    assert (
        unsupported_numbers(
            "saas spent 640 credits and $3.50 for 0 meetings; retail books 4% vs 20%.", findings
        )
        == set()
    )
    assert unsupported_numbers("saas could book 12 meetings a month.", findings) == {12.0}


def test_times_read_as_hubspot_and_lemlist_write_them() -> None:
    assert when("1764547200000") == pd.Timestamp("2025-12-01", tz="UTC")
    assert when("2026-11-20T09:00:00Z") == pd.Timestamp("2026-11-20 09:00", tz="UTC")
    assert when("") is None and when(None) is None


def _bottleneck_funnel() -> pd.DataFrame:
    rows = []
    for icp, meeting in (("saas", 40), ("fintech", 38), ("retail", 4)):
        rows.append(
            {
                "dimension": "icp",
                "group": icp,
                "leads": 400,
                "contacted": 400,
                "replied": 100,
                "meeting": meeting,
                "deal": meeting // 2,
                "won": meeting // 4,
                "contacted_rate": 1.0,
                "replied_rate": 0.25,
                "meeting_rate": meeting / 100,
                "deal_rate": 0.5,
                "won_rate": 0.5,
            }
        )
    frame = pd.DataFrame(rows)
    for column in PipelineFunnel.to_schema().columns:
        if column not in frame:
            frame[column] = float("nan")
    return frame[list(PipelineFunnel.to_schema().columns)]


def test_the_bottleneck_summary_comes_from_claude_once_and_states_only_the_findings_figures(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.sqlite"
    resources = {
        **build_vendor_resources(sandbox_state=state, environ={}),
        "pipeline_store": PipelineStoreResource(path=str(tmp_path / "store.sqlite")),
        "insights_settings": InsightsSettings(summarize_with_claude=True),
    }

    @dg.asset(name="pipeline_funnel", partitions_def=daily_partitions)
    def stand_in() -> pd.DataFrame:
        return _bottleneck_funnel()

    day = daily_partitions.get_partition_keys()[-1]
    runs = [
        dg.materialize([stand_in, pipeline_bottlenecks], partition_key=day, resources=resources)
        for _ in range(2)
    ]
    frame = runs[0].output_for_node("pipeline_bottlenecks")
    assert list(frame["subject"]) == ["icp=retail: replied -> meeting"]
    findings = [Finding(**row) for row in frame.to_dict("records")]
    sources = []
    for run in runs:
        metadata = run.asset_materializations_for_node("pipeline_bottlenecks")[0].metadata
        sources.append(metadata["summary_source"].value)
        summary = metadata["summary"].value
        assert isinstance(summary, str) and summary
        if sources[-1] != "rules":
            assert unsupported_numbers(summary, findings) == set()
    # One paid call: the re-run reads Claude's answer from the cache (or refuses it again for free).
    assert Sandbox.at(state).store.totals("anthropic").calls == 1
    assert sources[0] in ("claude", "rules") and sources[1] in ("cached", "rules")
