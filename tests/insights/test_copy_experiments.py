"""`copy_experiments` against the sandbox: Claude writes the challengers once (a re-run pays nothing), the
leads of the experiment are counted per variant from lemlist, the planted winner "B" is promoted and the
variant with no real difference "C" is not, and a revert restores the default before the promotion.
Also: assignment is deterministic, and lemlist's stats filter by A/B version."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from resources.lemlist import LeadInput, LemlistClient, LemlistResource
from resources.mode import build_vendor_resources
from resources.pipeline_store import PipelineStoreResource
from resources.sandbox import Sandbox
from resources.sandbox.engagement import engagement_for
from resources.sandbox.outcomes import planted_facts, with_variant
from sales_assets.common.copy_variants import (
    EXPERIMENT_KIND,
    RUNNING,
    VARIANT_VARIABLE,
    CopyVariant,
    Experiment,
    assign_variant,
    current_default,
    default_history,
    experiments,
    running_experiment,
)
from sales_assets.common.icp import IcpProfilesResource
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.seller import sandbox_seller
from sales_assets.insights.copy_experiments import (
    CopyExperiments,
    CopyExperimentSettings,
    copy_experiments,
    copy_experiments_checks,
    rule_settings,
)
from sales_assets.insights.experiments import ArmCounts, decide

ICP = "revops_saas"
#: Enough leads that every arm passes the planned sends of `SETTINGS` once bounces are left out.
LEADS = 1800
SETTINGS = CopyExperimentSettings(baseline_rate=0.09, min_detectable_lift=1.0)


def lemlist_client(state: Path, key: str = "sandbox-key", per_2s: int = 20) -> LemlistClient:
    return LemlistResource(api_key=key, sandbox_state=str(state), requests_per_2s=per_2s).get_client()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, Any]:
    state = tmp_path / "state.sqlite"
    sandbox = Sandbox.at(state)
    store = PipelineStoreResource(path=str(tmp_path / "store.sqlite"))
    vendors = build_vendor_resources(environ={}, sandbox_state=state)
    resources = {
        **vendors,
        "pipeline_store": store,
        "icp_profiles": IcpProfilesResource(),
        "seller": sandbox_seller(),
        "copy_experiment_settings": SETTINGS,
    }
    return {"sandbox": sandbox, "store": store, "resources": resources, "state": state}


def materialize(env: dict[str, Any], *, revert: list[str] | None = None) -> dg.ExecuteInProcessResult:
    day = daily_partitions.get_partition_keys()[-1]
    config = {"ops": {"copy_experiments": {"config": {"revert": revert or []}}}}
    return dg.materialize(
        [copy_experiments, *copy_experiments_checks()],
        partition_key=day,
        resources=env["resources"],
        run_config=config,
    )


def metadata(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    [event] = result.get_asset_materialization_events()
    return {k: v.value for k, v in event.materialization.metadata.items()}


def paid_claude_calls(store: PipelineStoreResource) -> int:
    rows = store.database().query("SELECT COUNT(*) AS n FROM spend WHERE vendor = 'anthropic' AND cached = 0")
    return int(rows[0]["n"])


def enroll_experiment(env: dict[str, Any], experiment: Experiment, *, days_ago: int) -> None:
    """`LEADS` world people enrolled `days_ago` in a running campaign, each with its assigned variant, as
    enrollment would have done (through the lemlist client and the ledger), and the experiment's start
    moved back to just before."""
    sandbox: Sandbox = env["sandbox"]
    store: PipelineStoreResource = env["store"]
    people = [p for p in sandbox.world.people if p.email_status == "valid"][:LEADS]
    assert len(people) == LEADS
    started = sandbox.store.now() - timedelta(days=days_ago + 1)
    store.actions.record(
        EXPERIMENT_KIND, experiment.id, RUNNING, {**experiment.detail, "started_at": started.isoformat()}
    )
    client = lemlist_client(env["state"])
    sandbox.store.advance(days=-days_ago)
    try:
        campaign = client.create_campaign(f"sales-pipeline {ICP}")
        rows = []
        for i, person in enumerate(people):
            # lemlist limits each key to 20 requests per 2 s, and so does the sandbox: the test's
            # thousands of additions go through many sandbox keys of one team instead of waiting minutes.
            if i % 18 == 0:
                client = lemlist_client(env["state"], f"sandbox-key-{i // 18}", per_2s=100_000)
            variant = experiment.assign(person.email)
            lead = LeadInput(
                email=person.email, first_name=person.first_name, variables={VARIANT_VARIABLE: variant.name}
            )
            added = client.add_lead(campaign.id, lead)
            assert added.lead is not None
            rows.append(
                {
                    "campaign_id": campaign.id,
                    "email": person.email,
                    "lead_id": added.lead.id,
                    "status": "added",
                    "partition": f"{sandbox.store.now().date().isoformat()}|{ICP}",
                    "variant": variant.name,
                    "at": sandbox.store.now(),
                }
            )
        store.enrollments.record_many(rows)
        client.start_campaign(campaign.id)
    finally:
        sandbox.store.advance(days=days_ago)


def test_assignment_is_deterministic_stable_and_covers_every_variant() -> None:
    experiment = Experiment(
        f"{ICP}|0001",
        ICP,
        RUNNING,
        (CopyVariant("A"), CopyVariant("B", "s", "f"), CopyVariant("C", "t", "g")),
    )
    emails = [f"lead{i}@example.com" for i in range(3000)]
    first = [experiment.assign(e).name for e in emails]
    assert first == [experiment.assign(e.upper()).name for e in emails]
    assert first == [assign_variant(experiment.id, e, ["A", "B", "C"]) for e in emails]
    shares = Counter(first)
    assert set(shares) == {"A", "B", "C"} and all(0.3 < n / 3000 < 0.37 for n in shares.values())


def test_lemlist_stats_filter_by_ab_version(env: dict[str, Any]) -> None:
    sandbox: Sandbox = env["sandbox"]
    client = lemlist_client(env["state"])
    people = [p for p in sandbox.world.people if p.email_status == "valid"][:6]
    sandbox.store.advance(days=-10)
    try:
        campaign = client.create_campaign("ab")
        for person, version in zip(people, "AABBBB", strict=True):
            client.add_lead(campaign.id, LeadInput(email=person.email, variables={VARIANT_VARIABLE: version}))
        client.start_campaign(campaign.id)
    finally:
        sandbox.store.advance(days=10)
    now = sandbox.store.now()
    whole = client.campaign_stats(campaign.id, start=now - timedelta(days=12), end=now)
    a = client.campaign_stats(campaign.id, start=now - timedelta(days=12), end=now, ab_selected="A")
    [b] = client.campaign_stats_batch(
        [campaign.id], start=now - timedelta(days=12), end=now, ab_selected="B"
    ).results
    assert (whole.nb_leads, a.nb_leads, b.nb_leads) == (6, 2, 4)
    assert (a.ab_selected, b.ab_selected, whole.ab_selected) == ("A", "B", None)
    assert a.nb_leads_launched + b.nb_leads_launched == whole.nb_leads_launched
    assert all(step.ab_test == "B" for step in b.steps)
    with pytest.raises(ValueError, match="ABSelected"):
        client.campaign_stats(campaign.id, start=now, end=now, ab_selected="C")  # type: ignore[arg-type]


def test_the_planted_winner_is_promoted_the_null_variant_is_not_and_a_revert_restores(
    env: dict[str, Any],
) -> None:
    store: PipelineStoreResource = env["store"]
    facts = planted_facts(env["sandbox"].world)
    assert (facts.winning_variant, facts.null_variant) == ("B", "C")

    first = materialize(env)
    assert first.success
    frame = first.asset_value("copy_experiments")
    CopyExperiments.validate(frame)
    assert set(frame["action"]) == {"started"}
    experiment = running_experiment(store.actions, ICP)
    assert experiment is not None and experiment.names == ["A", "B", "C"]
    assert experiment.variants[0] == CopyVariant("A")  # nothing promoted yet: the writer's own copy
    assert all(v.subject and v.first_line for v in experiment.variants[1:])
    paid = paid_claude_calls(store)
    assert paid == metadata(first)["claude_calls"] > 0
    assert "one-sided pooled two-proportion z-test" in str(metadata(first)["decision_rule"])

    # A re-run finds every experiment started and asks Claude nothing.
    again = materialize(env)
    assert again.success and paid_claude_calls(store) == paid
    assert metadata(again)["claude_calls"] == 0 and set(again.asset_value("copy_experiments")["action"]) == {
        "collecting"
    }

    enroll_experiment(env, experiment, days_ago=16)
    decided = materialize(env)
    assert decided.success
    checks = decided.get_asset_check_evaluations()
    assert checks and all(c.passed for c in checks)
    rows = decided.asset_value("copy_experiments").set_index(["icp", "variant"]).loc[ICP]
    planned = int(rows.at["A", "planned_sends"])
    assert (rows["sent"] >= planned).all(), rows[["sent", "replied"]]
    assert rows.at["B", "decision"] == "promote", rows[["sent", "replied", "p_value"]]
    assert rows.at["C", "decision"] == "keep_default", rows[["sent", "replied", "p_value"]]
    assert rows.at["B", "reply_rate"] > rows.at["A", "reply_rate"]
    assert rows.at["B", "probability_better"] > 0.99
    assert bool(rows.at["B", "in_force"]) and not bool(rows.at["A", "in_force"])
    meta = metadata(decided)
    assert meta["promotions"] == 1 and meta[f"{ICP}/sent_B"] == int(rows.at["B", "sent"])
    assert meta[f"{ICP}/p_value_B"] < meta[f"{ICP}/alpha"] <= meta[f"{ICP}/p_value_C"]

    [concluded] = [e for e in experiments(store.actions, ICP) if e.id == experiment.id]
    assert concluded.status == "promoted" and concluded.detail["winner"] == "B"
    assert current_default(store.actions, ICP) == experiment.variant("B")
    [promotion] = default_history(store.actions, ICP)
    assert promotion.detail["experiment_id"] == experiment.id and promotion.detail["previous"] is None
    assert {v["challenger"]: v["decision"] for v in promotion.detail["verdicts"]} == {
        "B": "promote",
        "C": "keep_default",
    }
    assert paid_claude_calls(store) == paid

    # The same partition again: the decision is read back, nothing promoted twice, nothing paid.
    replay = materialize(env)
    assert len(default_history(store.actions, ICP)) == 1 and paid_claude_calls(store) == paid
    assert replay.asset_value("copy_experiments").set_index(["icp", "variant"]).at[(ICP, "B"), "action"] == (
        "promoted"
    )

    # Reverting restores the default before the promotion (the writer's own copy), recorded.
    reverted = materialize(env, revert=[ICP])
    assert reverted.success
    assert current_default(store.actions, ICP) is None
    history = default_history(store.actions, ICP)
    assert [h.status for h in history] == ["promoted", "reverted"]
    assert history[-1].detail["reverts"] == promotion.key and history[-1].detail["restored"] is None
    materialize(env, revert=[ICP])
    assert len(default_history(store.actions, ICP)) == 2  # a re-run reverts once


def test_over_20_sandbox_seeds_the_planted_winner_is_promoted_and_the_null_variant_at_most_once() -> None:
    """The rule with the default settings on the sandbox's planted outcomes (the engagement model and the
    variant's effect, as the lemlist simulator replays them), 20 seeds, enough leads for the planned sends,
    assigned as enrollment assigns them, counted as the asset counts them (delivered, replied within the
    window)."""
    figures = rule_settings(CopyExperimentSettings())
    window_hours = figures["reply_window_days"] * 24
    today = date(2026, 12, 1)
    promoted = false_promotions = 0
    rates: list[dict[str, float]] = []
    for seed in range(20):
        experiment = Experiment(
            f"{ICP}|{seed:04d}", ICP, RUNNING, (CopyVariant("A"), CopyVariant("B"), CopyVariant("C"))
        )
        sent: Counter[str] = Counter()
        replied: Counter[str] = Counter()
        for i in range(3 * 1000):
            email = f"lead{i}@company{i}.example"
            variant = experiment.assign(email).name
            words = {"language": "en", "first_name": "Ana", "sender_name": "Sam", "original_subject": "Hi"}
            engagement = engagement_for(seed, email, email_status="valid", today=today, **words)
            engagement = with_variant(seed, email, variant, engagement, today=today, **words)
            if engagement.bounce is not None:
                continue
            sent[variant] += 1
            reply = engagement.reply
            replied[variant] += reply is not None and reply.after_hours <= window_hours
        arms = {v: ArmCounts(v, sent[v], replied[v]) for v in "ABC"}
        assert min(sent.values()) >= figures["planned_sends"]
        rates.append({v: round(a.rate, 3) for v, a in arms.items()})
        verdicts = decide(
            arms["A"],
            [arms["B"], arms["C"]],
            baseline_rate=figures["baseline_rate"],
            min_detectable_lift=figures["min_detectable_lift"],
            alpha=figures["alpha"],
            power=figures["power"],
        )
        by_variant = {v.challenger: v.decision for v in verdicts}
        promoted += by_variant["B"] == "promote"
        false_promotions += by_variant["C"] == "promote"
    assert promoted == 20, rates
    assert false_promotions <= 1, rates
