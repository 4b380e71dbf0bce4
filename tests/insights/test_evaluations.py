"""`evaluations`: the reply classifier scored on the labelled sets (the real mail of `../shared`, read in
place, and the project's own hand-written replies), the grounding check of copy, the asset over the
sandbox's outbound copy of a day, that running it spends nothing, and its blocking schema check."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pandera.pandas as pa
import pytest

from sales_assets.common.copy_models import COLUMNS as COPY_COLUMNS
from sales_assets.common.mail.classify import LABELS
from sales_assets.common.partitions import daily_partitions, outbound_partitions
from sales_assets.common.seller import SellerSettings
from sales_assets.insights.copy_scores import copy_figures, judge_copy
from sales_assets.insights.evaluation_settings import (
    HAND_WRITTEN_SET,
    EvaluationSettings,
    evaluation_settings_from_env,
    settings,
)
from sales_assets.insights.evaluations import (
    Evaluations,
    evaluation_frame,
    evaluations,
    evaluations_checks,
    reply_rows,
    score_sets,
)
from sales_assets.insights.grounding import ungrounded_claims
from sales_assets.insights.reply_scores import (
    HAND_WRITTEN,
    Decision,
    LabelledMail,
    LabelledSetError,
    load_labelled,
    score,
    score_set,
    score_table,
)
from tests.real_mail import REAL_MAIL
from tests.reply_corpus import CASES

ICP = "revops_saas"
OTHER_ICP = "fintech_eu"
DAY = outbound_partitions.get_partition_keys()[-1].keys_by_dimension["day"]
EARLIER_DAY = daily_partitions.get_partition_keys()[-3]
SELLER = SellerSettings(
    sender_name="Alex Morgan",
    sender_email="alex@seller.example",
    company="Pipewise",
    domain="pipewise.example",
    value_proposition="We help sales teams keep their pipeline data accurate.",
)
needs_real_mail = pytest.mark.skipif(
    not REAL_MAIL.exists(), reason="../shared/data/real_mail.jsonl is missing"
)


# --- the labelled sets -----------------------------------------------------------------------------------


@needs_real_mail
def test_real_mail_scored_by_the_product() -> None:
    mails = load_labelled(REAL_MAIL)
    assert len(mails) == 254 and {m.label for m in mails} <= set(LABELS)
    result = score_set(mails)
    assert result.total == 254 and result.dangerous == 0
    assert result.bounce_recall >= 0.98 and result.exact >= 0.90
    precision, recall, actual = result.precision_recall("bounce_hard")
    assert actual == 89 and precision is not None and precision >= 0.9 and recall is not None
    table = score_table(result)
    assert "| bounce_hard | 89 |" in table and "| policy_block | 77 |" in table
    rows = {r["metric"]: r for r in reply_rows("real_mail", result)}
    assert rows["items"]["value"] == 254 and rows["exact"]["value"] == pytest.approx(result.exact)
    assert rows["bounce_recall"]["items"] == 89 + 77 + 72
    assert rows["recall/bounce_hard"]["items"] == 89


def test_the_shipped_hand_written_set_is_the_test_corpus() -> None:
    mails = load_labelled(HAND_WRITTEN)
    assert [m.id for m in mails] == [c.name for c in CASES]
    assert [(m.subject, m.text, m.label) for m in mails] == [(c.subject, c.text, c.label) for c in CASES]
    assert len({m.id for m in mails}) == len(mails) == 119
    result = score_set(mails)
    assert result.dangerous == 0
    # The same floors as tests/test_real_mail.py holds on the corpus.
    assert result.sure_precision >= 0.98 and result.sure_share >= 0.76


def test_the_score_counts_what_would_hurt_someone() -> None:
    mails = [
        LabelledMail("a", "x", "", "", "policy_block"),
        LabelledMail("b", "x", "", "", "out_of_office"),
        LabelledMail("c", "x", "", "", "bounce_soft"),
        LabelledMail("d", "x", "", "", "bounce_hard"),
        LabelledMail("e", "x", "", "", "interested"),
    ]
    decisions = [
        Decision("bounce_hard", True, True, "5.1.1"),  # a policy block that would suppress
        Decision("unsubscribe", True, True, "remove me"),  # an out-of-office that would suppress
        Decision("interested", False, False, "no known cue"),  # a bounce read as intent
        Decision("bounce_hard", True, True, "5.1.1"),
        Decision("question", True, False, "asks"),
    ]
    result = score(mails, decisions)
    assert [len(result.danger[k]) for k in result.danger] == [1, 1, 1]
    assert result.dangerous == 3 and result.right == 1 and result.sure == 4 and result.sure_right == 1
    assert result.bounce_recall == pytest.approx(2 / 3)
    assert result.precision_recall("bounce_hard") == (0.5, 1.0, 1)
    rows, scores, wrong = score_sets({"one": mails[:2], "two": mails[2:]})
    assert set(scores) == {"one", "two", "all"}
    assert scores["all"].total == 5
    assert {r["subject"] for r in rows} == {"one", "two", "all"}
    assert [w["id"] for w in wrong] == []  # score_sets decides by itself: these texts are empty


def test_a_labelled_set_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.jsonl"
    with pytest.raises(LabelledSetError, match=str(missing)):
        load_labelled(missing)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "1", "source": "s", "subject": "", "text": "t", "label": "interested"}\nnot json\n'
    )
    with pytest.raises(LabelledSetError, match=rf"{bad}:2: not JSON"):
        load_labelled(bad)
    bad.write_text(json.dumps({"id": "1", "source": "s", "subject": "", "text": "t", "label": "maybe"}))
    with pytest.raises(LabelledSetError, match="unknown label 'maybe'"):
        load_labelled(bad)
    bad.write_text(json.dumps({"id": "1", "subject": "", "text": "t", "label": "interested"}))
    with pytest.raises(LabelledSetError, match="needs the string fields"):
        load_labelled(bad)


def test_settings_read_the_sets_from_the_environment(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "real.jsonl", tmp_path / "b.jsonl"
    found = evaluation_settings_from_env({"SALES_LABELLED_SETS": f"{first}{os.pathsep} {second}{os.pathsep}"})
    assert found.labelled_sets == [str(first), str(second)]
    assert found.sets() == {HAND_WRITTEN_SET: HAND_WRITTEN, "real": first, "b": second}
    assert evaluation_settings_from_env({}).sets() == {HAND_WRITTEN_SET: HAND_WRITTEN}
    assert EvaluationSettings(hand_written=False).sets() == {}
    with pytest.raises(ValueError, match="same name 'real'"):
        EvaluationSettings(labelled_sets=[str(first), str(tmp_path / "real.jsonl")]).sets()
    with pytest.raises(ValueError, match="names the figures over every set"):
        EvaluationSettings(labelled_sets=[str(tmp_path / "all.jsonl")]).sets()
    assert set(settings({})) == {"evaluation_settings"}


# --- grounding -------------------------------------------------------------------------------------------

FACTS = (
    "Dana Wright VP Operations Northwind Robotics northwind.example Lyon FR Salesforce Snowflake "
    "Northwind Robotics raised $12M Series B on 2026-11-05. Alex Morgan Pipewise pipewise.example "
    "We help sales teams keep their pipeline data accurate."
)


def test_grounded_copy_has_no_claims() -> None:
    text = (
        "Hi Dana,\n\nCongrats on the $12M Series B at Northwind Robotics on 2026-11-05. Teams on "
        "Salesforce and Snowflake often ask how Pipewise keeps pipeline data accurate. I could show you on "
        "Tuesday in November.\n\nBest regards,\nAlex Morgan"
    )
    assert ungrounded_claims(text, FACTS) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # A lone name inside a sentence, which the lint lets through.
        ("Teams like yours moved from Hubspot to Pipewise last year.", ["name 'Hubspot'"]),
        # The name after a greeting: the wrong person.
        ("Hi Robert,\nthanks for the note.", ["name 'Robert'"]),
        # The lint's own rules, reused: numbers and multi-word names not in the facts.
        ("Teams cut reporting time by 40% with us.", ["number 40"]),
        ("Northwind Robotics made the Gartner Magic Quadrant.", ["name 'Gartner Magic Quadrant'"]),
    ],
)
def test_facts_not_in_the_leads_facts_are_found(text: str, found: list[str]) -> None:
    assert ungrounded_claims(text, FACTS) == found


def _copy_row(prospect_id: str, status: str, body: str | None, attempts: int = 1) -> dict[str, Any]:
    held = status == "held_back"
    return {
        "prospect_id": prospect_id,
        "email": f"{prospect_id}@x.example",
        "subject": None if held else "A thought on Northwind Robotics",
        "body": None if held else body,
        "follow_up_subject": None if held else "Following up on Northwind Robotics",
        "follow_up_body": None if held else body,
        "status": status,
        "hold_reason": "after 2 attempts: number 40" if held else None,
        "attempts": attempts,
        "model": "claude-sonnet-4-5",
        "via_batch": False,
        "input_tokens": 0,
        "output_tokens": 0,
        "cache_read_tokens": 0,
        "cache_write_tokens": 0,
        "cost_usd": 0.0,
    }


def _lead(prospect_id: str, icp: str = OTHER_ICP) -> dict[str, Any]:
    return {
        "prospect_id": prospect_id,
        "email": f"{prospect_id}@x.example",
        "first_name": "Dana",
        "last_name": "Wright",
        "job_title": "VP Operations",
        "company_name": "Northwind Robotics",
        "domain": "northwind.example",
        "industry": "software development",
        "city": "Lyon",
        "country_code": "FR",
        "tech_stack": ["Salesforce", "Snowflake"],
        "icp": icp,
    }


BODY = (
    "Hi Dana,\n\nI have been following Northwind Robotics for a while. We help sales teams keep their "
    "pipeline data accurate and their outreach consistent, without adding manual work for the people "
    "involved. Teams on Salesforce and Snowflake often tell us reporting takes too long. Would it be useful "
    "to compare notes in a short call next week? If the timing is not right, just let me know and I will "
    "not follow up at all.\n\nBest regards,\nAlex Morgan"
)
UNGROUNDED_BODY = BODY.replace("on Salesforce and Snowflake", "moving off Hubspot")


def _judged() -> pd.DataFrame:
    copy = pd.DataFrame(
        [
            _copy_row("p1", "written", BODY),
            _copy_row("p2", "written", UNGROUNDED_BODY, attempts=2),
            _copy_row("p3", "held_back", None, attempts=2),
            _copy_row("p4", "cached", BODY, attempts=0),
            _copy_row("p5", "written", BODY),  # no qualified lead: its facts are unknown
        ],
        columns=COPY_COLUMNS,
    ).assign(icp=OTHER_ICP)
    leads = pd.DataFrame([_lead("p1"), _lead("p2"), _lead("p3"), _lead("p4"), _lead("p5", icp=ICP)])
    return judge_copy(copy, leads, SELLER)


def test_copy_figures_from_judged_rows() -> None:
    judged = _judged().set_index("prospect_id")
    assert judged.loc["p2", "ungrounded_claims"] == "name 'Hubspot'"
    # The lint passes both bodies: a lone name is outside its rules, and this measures it.
    assert judged["lint_passed"].to_dict() == {"p1": True, "p2": True, "p3": False, "p4": True, "p5": False}
    assert not judged.loc["p5", "has_facts"]
    figures = copy_figures(judged)
    assert (figures.rows, figures.held_back, figures.with_facts, figures.checked) == (5, 1, 4, 3)
    assert figures.held_back_rate == pytest.approx(1 / 5)
    assert figures.lint_pass_rate == pytest.approx(3 / 4)
    # p1 and p5 of the answered p1, p2, p3 and p5 (p4 was read from the cache).
    assert figures.first_answer_pass_rate == pytest.approx(2 / 4)
    assert figures.ungrounded_share == pytest.approx(1 / 3)
    empty = copy_figures(judged.iloc[0:0])
    assert [v for v, _ in empty.rates().values()] == [0.0, 0.0, 0.0, 0.0]


# --- the schema check ------------------------------------------------------------------------------------


def _good_frame() -> pd.DataFrame:
    rows, _, _ = score_sets({"hand_written": load_labelled(HAND_WRITTEN)})
    return evaluation_frame(rows)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda f: f.assign(value=f["value"].where(f["metric"] != "exact", 1.5)), "rates are shares"),
        (lambda f: pd.concat([f, f.head(1)], ignore_index=True), "one row per area"),
        (lambda f: f.assign(area="elsewhere"), "isin"),
        (lambda f: f.assign(items=-1), "greater_than_or_equal_to"),
    ],
)
def test_the_model_refuses_a_bad_frame(change: Callable[[pd.DataFrame], pd.DataFrame], error: str) -> None:
    Evaluations.validate(_good_frame())
    with pytest.raises(pa.errors.SchemaError, match=error):
        Evaluations.validate(change(_good_frame()))


def test_the_blocking_schema_check_fails_a_bad_frame() -> None:
    def run(frame: pd.DataFrame) -> dict[str, bool]:
        @dg.asset(key="evaluations", partitions_def=daily_partitions)
        def crafted() -> pd.DataFrame:
            return frame

        result = dg.materialize([crafted, *evaluations_checks()], partition_key=DAY, raise_on_error=False)
        return {e.check_name: e.passed for e in result.get_asset_check_evaluations()}

    assert run(_good_frame()) == {"schema": True, "classifier_safe": True}
    bad = _good_frame()
    bad.loc[bad["metric"] == "dangerous", "value"] = 2.0
    bad.loc[0, "metric"] = "made_up"
    assert run(bad) == {"schema": False, "classifier_safe": False}
    specs = {spec.name: spec for check in evaluations_checks() for spec in check.check_specs}
    assert specs["schema"].blocking


# --- the asset over the sandbox ---------------------------------------------------------------------------


def _leads_asset(frame: pd.DataFrame) -> dg.AssetsDefinition:
    @dg.asset(key="qualified_leads", partitions_def=outbound_partitions)
    def crafted() -> pd.DataFrame:
        return frame

    return crafted


def _copy_asset(frame: pd.DataFrame) -> dg.AssetsDefinition:
    @dg.asset(key="outreach_copy", partitions_def=outbound_partitions)
    def crafted() -> pd.DataFrame:
        return frame

    return crafted


UPSTREAM = [
    dg.AssetSpec("qualified_leads", partitions_def=outbound_partitions),
    dg.AssetSpec("outreach_copy", partitions_def=outbound_partitions),
]


@dataclass
class Day:
    env: Any
    copy: pd.DataFrame
    leads: pd.DataFrame

    def evaluate(self, day: str = DAY, **settings: Any) -> dg.ExecuteInProcessResult:
        resources = {**self.env.resources, "evaluation_settings": EvaluationSettings(**settings)}
        return dg.materialize(
            [*UPSTREAM, evaluations, *evaluations_checks()],
            selection=[evaluations, *evaluations_checks()],
            partition_key=day,
            instance=self.env.instance,
            resources=resources,
            raise_on_error=False,
        )

    def spent(self) -> tuple[Any, ...]:
        store = self.env.sandbox.store
        vendors = ("explorium", "hubspot", "lemlist", "anthropic")
        totals = tuple((store.totals(v).calls, store.totals(v).credits) for v in vendors)
        tokens = store.totals("anthropic")
        return (*totals, tokens.input_tokens, tokens.output_tokens, len(self.env.store.ledger.entries()))


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory, make_env: Callable[..., Any]) -> Iterator[Day]:
    env = make_env(tmp_path_factory.mktemp("evaluations"))
    result = env.run(f"{DAY}|{ICP}", through="outreach_copy")
    assert result.success
    yield Day(env, result.asset_value("outreach_copy"), result.asset_value("qualified_leads"))
    env.instance.dispose()


def meta(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    (event,) = result.get_asset_materialization_events()
    return {k: v.value for k, v in event.materialization.metadata.items()}


@pytest.mark.slow
def test_the_copy_figures_come_from_the_days_copy(day: Day) -> None:
    kwargs = {"labelled_sets": [str(REAL_MAIL)]} if REAL_MAIL.exists() else {}
    result = day.evaluate(**kwargs)
    assert result.success
    found = meta(result)
    rows = len(day.copy)
    assert rows > 0
    assert found["copy/rows"] == found[f"copy/{ICP}/rows"] == rows
    held = int((day.copy["status"] == "held_back").sum())
    assert found["copy/held_back"] == held and found["copy/held_back_rate"] == pytest.approx(held / rows)
    expected = copy_figures(
        judge_copy(day.copy.assign(icp=ICP), day.leads.assign(icp=ICP), day.env.resources["seller"])
    )
    assert found["copy/lint_pass_rate"] == pytest.approx(expected.lint_pass_rate, abs=1e-4)
    assert found["copy/ungrounded_share"] == pytest.approx(expected.ungrounded_share, abs=1e-4)
    assert found["copy/without_facts"] == 0 and found["copy/lint_pass_rate"] == pytest.approx(1 - held / rows)
    assert found["replies/hand_written/items"] == 119 and found["replies/all/dangerous"] == 0
    if REAL_MAIL.exists():
        assert found["replies/real_mail/items"] == 254
        assert found["replies/all/items"] == 254 + 119
    assert "| bounce_hard |" in found["replies/all/labels"]
    assert "offline rules only" in found["decided_by"]
    # Numeric metadata, so the UI plots each figure over time.
    (event,) = result.get_asset_materialization_events()
    values = event.materialization.metadata
    assert isinstance(values["copy/lint_pass_rate"], dg.FloatMetadataValue)
    assert isinstance(values["replies/hand_written/exact"], dg.FloatMetadataValue)
    assert isinstance(values["copy/rows"], dg.IntMetadataValue)
    assert {e.check_name: e.passed for e in result.get_asset_check_evaluations()} == {
        "schema": True,
        "classifier_safe": True,
    }
    frame = result.asset_value("evaluations")
    Evaluations.validate(frame)


@pytest.mark.slow
def test_another_icps_copy_of_the_day_is_counted_too(day: Day) -> None:
    copy = pd.DataFrame(
        [_copy_row("q1", "written", UNGROUNDED_BODY), _copy_row("q2", "held_back", None, attempts=2)],
        columns=COPY_COLUMNS,
    )
    leads = pd.DataFrame([_lead("q1"), _lead("q2")]).drop(columns="icp")
    for asset in (_leads_asset(leads), _copy_asset(copy)):
        done = dg.materialize([asset], partition_key=f"{DAY}|{OTHER_ICP}", instance=day.env.instance)
        assert done.success
    found = meta(day.evaluate())
    assert found[f"copy/{OTHER_ICP}/rows"] == 2
    assert found[f"copy/{OTHER_ICP}/held_back_rate"] == 0.5
    assert found[f"copy/{OTHER_ICP}/ungrounded_share"] == 1.0
    assert found["copy/rows"] == len(day.copy) + 2
    assert found["copy/ungrounded"] == found[f"copy/{ICP}/ungrounded"] + 1
    assert "Hubspot" in found["copy/ungrounded_preview"]


@pytest.mark.slow
def test_a_day_without_copy_gives_zeros(day: Day) -> None:
    result = day.evaluate(EARLIER_DAY)
    assert result.success
    found = meta(result)
    assert found["copy/rows"] == 0
    for figure in ("held_back_rate", "lint_pass_rate", "first_answer_pass_rate", "ungrounded_share"):
        assert found[f"copy/{figure}"] == 0.0
    assert found["replies/hand_written/items"] == 119


@pytest.mark.slow
def test_a_rerun_spends_nothing(day: Day) -> None:
    before = day.spent()
    first = day.evaluate()
    again = day.evaluate()
    assert first.success and again.success
    assert day.spent() == before
    assert meta(again)["replies/all/exact"] == meta(first)["replies/all/exact"]


@pytest.mark.slow
def test_a_set_that_does_not_exist_fails_the_run_naming_it(day: Day, tmp_path: Path) -> None:
    missing = tmp_path / "labelled" / "gone.jsonl"
    result = day.evaluate(labelled_sets=[str(missing)])
    assert not result.success
    (failure,) = result.get_step_failure_events()
    assert str(missing) in str(failure.step_failure_data.error)


def test_the_asset_loads_with_the_code_locations_definitions(tmp_path: Path) -> None:
    """What the insights stage's defs.py does: the asset, its checks and `settings()` beside the others."""
    from sales_assets.definitions import build_definitions, default_resources

    resources = default_resources(
        sandbox_state=tmp_path / "state.sqlite", store_path=tmp_path / "store.sqlite", environ={}
    )
    base = build_definitions(resources={**resources, **settings({})})
    # Until the insights stage's defs.py lists the asset, it is added here as that defs.py will.
    listed = dg.AssetKey("evaluations") in base.resolve_asset_graph().get_all_asset_keys()
    defs = (
        base
        if listed
        else dg.Definitions.merge(
            base, dg.Definitions(assets=[evaluations], asset_checks=evaluations_checks())
        )
    )
    dg.Definitions.validate_loadable(defs)
    node = defs.resolve_asset_graph().get(dg.AssetKey("evaluations"))
    assert node.parent_keys == {dg.AssetKey("outreach_copy"), dg.AssetKey("qualified_leads")}
    assert node.group_name == "insights" and node.partitions_def == daily_partitions
