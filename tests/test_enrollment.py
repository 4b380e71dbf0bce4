"""`campaign_enrollments` materialized against the in-process lemlist sandbox, with its three inputs crafted
as test assets of the same keys: leads land in a draft campaign with their copy as variables and nothing is
sent; with sending enabled the campaign runs and sends arrive; re-runs add nobody twice; suppressed,
unsubscribed, held-back and CRM-failed leads are never enrolled; the daily cap holds across partitions;
one lead's vendor error stays on its row and a refused key fails the asset."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pytest

from resources.errors import ConfigurationError, ServerError
from resources.lemlist import LemlistClient, LemlistResource
from resources.mode import build_vendor_resources
from resources.pipeline_store import PipelineStoreResource
from resources.sandbox import Sandbox
from resources.sandbox.world import Person
from sales_assets.common.campaigns import EnrollmentSettings, enrollment_settings_from_env
from sales_assets.common.partitions import outbound_partitions
from sales_assets.engagement.suppression import import_entries, read_suppression_csv
from sales_assets.outbound.enrollment import (
    ENROLLMENT_OUTCOMES,
    CampaignEnrollments,
    EnrollmentRun,
    campaign_enrollments,
    enrollment_candidates,
    enrollment_checks,
    lead_input,
    on_unsubscribe_list,
)

ICP = "revops_saas"
OTHER_ICP = "fintech_eu"
DAY = outbound_partitions.get_partition_keys()[-1].keys_by_dimension["day"]
PARTITION = f"{DAY}|{ICP}"
CAMPAIGN_NAME = f"sales-pipeline {ICP}"
ADD_LEAD = "POST /api/campaigns/{campaignId}/leads"
UNSUBSCRIBES = "GET /api/v2/unsubscribes/exports/variables"


@dataclass
class Env:
    root: Path
    sandbox: Sandbox
    store: PipelineStoreResource
    vendors: dict[str, Any]

    @property
    def client(self) -> LemlistClient:
        return LemlistResource(
            api_key="sandbox-key", sandbox_state=str(self.root / "state.sqlite")
        ).get_client()

    def calls(self, endpoint: str) -> int:
        return sum(u.calls for u in self.sandbox.store.usage("lemlist") if u.endpoint == endpoint)

    def run(
        self,
        frames: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
        *,
        settings: EnrollmentSettings | None = None,
        partition: str = PARTITION,
        vendors: dict[str, Any] | None = None,
        raise_on_error: bool = True,
    ) -> dg.ExecuteInProcessResult:
        qualified, copy, crm = frames
        return dg.materialize(
            [
                crafted("qualified_leads", qualified),
                crafted("outreach_copy", copy),
                crafted("crm_sync_results", crm),
                campaign_enrollments,
                *enrollment_checks(),
            ],
            partition_key=partition,
            resources={
                **(vendors or self.vendors),
                "pipeline_store": self.store,
                "enrollment_settings": settings or EnrollmentSettings(),
            },
            raise_on_error=raise_on_error,
        )


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    state = tmp_path / "state.sqlite"
    yield Env(
        tmp_path,
        Sandbox.at(state),
        PipelineStoreResource(path=str(tmp_path / "store.sqlite")),
        build_vendor_resources(environ={}, sandbox_state=state),
    )


def crafted(name: str, frame: pd.DataFrame) -> dg.AssetsDefinition:
    """A stand-in for an upstream asset of the same key and partitions, returning `frame`."""

    @dg.asset(name=name, partitions_def=outbound_partitions, group_name="outbound")
    def _crafted() -> pd.DataFrame:
        return frame

    return _crafted


def people(sandbox: Sandbox, count: int, *, skip: int = 0) -> list[Person]:
    """World people with a valid work address, one per company, so lemlist takes them."""
    out: list[Person] = []
    companies: set[str] = set()
    for person in sandbox.world.people:
        if person.email_status != "valid" or person.business_id in companies:
            continue
        companies.add(person.business_id)
        if skip:
            skip -= 1
            continue
        out.append(person)
        if len(out) == count:
            return out
    raise AssertionError("the sandbox world has too few people with valid addresses")


def copy_for(person: Person) -> dict[str, Any]:
    return {
        "prospect_id": person.prospect_id,
        "email": person.email,
        "subject": f"{person.first_name}, a question about your pipeline",
        "body": f"Hi {person.first_name},\n\nSaw the news at your company.\n\nWorth a chat?",
        "follow_up_subject": "Re: your pipeline",
        "follow_up_body": f"Hi {person.first_name}, bumping this up.",
        "status": "written",
        "hold_reason": None,
        # Columns the asset does not use are allowed.
        "model": "claude-sandbox",
    }


def frames(
    sandbox: Sandbox,
    leads: Sequence[Person],
    *,
    held: Sequence[Person] = (),
    crm_failed: Sequence[Person] = (),
    without_crm: Sequence[Person] = (),
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """`qualified_leads`, `outreach_copy` and `crm_sync_results` for these leads."""
    qualified, copy, crm = [], [], []
    for person in leads:
        company = sandbox.world.company(person.business_id)
        assert company is not None
        qualified.append(
            {
                "prospect_id": person.prospect_id,
                "email": person.email,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "full_name": person.full_name,
                "company_name": company.name,
                "domain": company.domain,
                "job_title": person.job_title,
                "linkedin_url": person.linkedin_url,
                "phone": person.phone,
                "why_now": f"{company.name} is hiring in sales",
                "suppressed": False,
            }
        )
        row = copy_for(person)
        if person in held:
            row.update(status="held_back", hold_reason="catch-all address", follow_up_body=None)
        copy.append(row)
        if person not in without_crm:
            failed = person in crm_failed
            crm.append(
                {
                    "record_type": "contact",
                    "key": person.email,
                    "prospect_id": person.prospect_id,
                    "outcome": "failed" if failed else "created",
                    "hubspot_id": None if failed else f"10{len(crm)}",
                    "reason": "VALIDATION_ERROR: Property values were not valid" if failed else None,
                    "correlation_id": "corr-1" if failed else None,
                }
            )
            crm.append(
                {
                    "record_type": "company",
                    "key": company.domain,
                    "prospect_id": None,
                    "outcome": "failed",
                    "hubspot_id": None,
                    "reason": "a failed company does not stop its contact",
                    "correlation_id": None,
                }
            )
    return pd.DataFrame(qualified), pd.DataFrame(copy), pd.DataFrame(crm)


def output(result: dg.ExecuteInProcessResult) -> pd.DataFrame:
    frame = result.asset_value("campaign_enrollments")
    CampaignEnrollments.validate(frame)
    return frame


def outcomes(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    frame = output(result)
    return dict(zip(frame["email"], frame["outcome"], strict=True))


def metadata(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    events = [
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "campaign_enrollments"
    ]
    return {k: v.value for k, v in events[-1].materialization.metadata.items()}


def campaigns_named(client: LemlistClient, name: str) -> list[Any]:
    return [c for c in client.list_campaigns() if c.name == name]


def sent_to(client: LemlistClient, campaign_id: str) -> set[str]:
    return {a.lead_email for a in client.activities(type="emailsSent", campaign_id=campaign_id)}


# --- settings ---------------------------------------------------------------------------------------------


def test_settings_from_the_environment_are_safe_by_default() -> None:
    default = enrollment_settings_from_env({})
    assert default.sending_enabled is False and default.daily_cap == 200 and default.campaigns == {}
    for word in ("1", "true", "TRUE", "yes", " Yes "):
        assert enrollment_settings_from_env({"SALES_SENDING_ENABLED": word}).sending_enabled
    for word in ("", "0", "false", "no"):
        assert not enrollment_settings_from_env({"SALES_SENDING_ENABLED": word}).sending_enabled
    assert enrollment_settings_from_env({"SALES_DAILY_SEND_CAP": "25"}).daily_cap == 25
    with pytest.raises(ConfigurationError, match="SALES_SENDING_ENABLED"):
        enrollment_settings_from_env({"SALES_SENDING_ENABLED": "ture"})
    with pytest.raises(ConfigurationError, match="SALES_DAILY_SEND_CAP"):
        enrollment_settings_from_env({"SALES_DAILY_SEND_CAP": "lots"})


def test_lead_input_and_unsubscribe_matching() -> None:
    row = {
        "email": "ada@example.com",
        "first_name": "Ada",
        "company_name": "Example",
        "domain": "example.com",
        "subject": "Hello",
        "body": "Body",
        "follow_up_subject": None,
        "follow_up_body": float("nan"),
        "why_now": "Hiring",
    }
    body = lead_input(row).to_body()
    assert body["emailSubject"] == "Hello" and body["emailBody"] == "Body" and body["whyNow"] == "Hiring"
    assert body["companyName"] == "Example" and body["companyDomain"] == "example.com"
    assert "followUpSubject" not in body and "followUpBody" not in body
    values = frozenset({"bob@example.com", "@blocked.io"})
    assert on_unsubscribe_list("bob@example.com", values)
    assert on_unsubscribe_list("anyone@blocked.io", values)
    assert not on_unsubscribe_list("ada@example.com", values)


# --- enrollment against the sandbox -----------------------------------------------------------------------


def test_leads_land_in_a_draft_campaign_with_their_copy_and_nothing_is_sent(env: Env) -> None:
    leads = people(env.sandbox, 4)
    data = frames(env.sandbox, leads)
    result = env.run(data)
    assert result.success
    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    assert set(checks) == {"schema", "nothing_left_behind"} and all(c.passed for c in checks.values())
    assert outcomes(result) == {p.email: "added" for p in leads}

    client = env.client
    [campaign] = campaigns_named(client, CAMPAIGN_NAME)
    assert campaign.status == "draft"
    frame = output(result)
    assert set(frame["campaign_id"]) == {campaign.id}
    assert frame["lemlist_lead_id"].str.startswith("lea_").all()

    qualified, copy, _ = data
    for person, written in zip(leads, copy.to_dict("records"), strict=True):
        [stored] = client.get_lead(person.email)
        assert stored.campaign.id == campaign.id
        variables = stored.variables
        assert variables["emailSubject"] == written["subject"]
        assert variables["emailBody"] == written["body"]
        assert variables["followUpSubject"] == written["follow_up_subject"]
        assert variables["followUpBody"] == written["follow_up_body"]
        assert variables["whyNow"] == qualified.set_index("prospect_id").at[person.prospect_id, "why_now"]
        assert variables["firstName"] == person.first_name
        assert variables["companyName"] == env.sandbox.world.company(person.business_id).name

    meta = metadata(result)
    assert meta["campaign_id"] == campaign.id and meta["campaign_created"] is True
    assert meta["campaign_state"] == "draft" and meta["sending_enabled"] is False
    assert meta["campaign_started"] is False
    assert meta["leads_added"] == 4 and meta["added_today_total"] == 4 and meta["daily_cap"] == 200
    assert meta["dagster/row_count"] == 4
    assert all(isinstance(meta[f"leads_{o}"], int) for o in ENROLLMENT_OUTCOMES)
    # list, create, get, the unsubscribe list once, one add per lead.
    assert meta["lemlist_calls"] == 4 + 4 and meta["unsubscribe_list_reads"] == 1
    ledger = env.store.enrollments.entries(campaign.id)
    assert set(ledger["email"]) == {p.email for p in leads} and set(ledger["status"]) == {"added"}
    assert set(ledger["partition"]) == {PARTITION}

    # A draft sends nothing, however long we wait.
    env.sandbox.store.advance(days=8)
    assert sent_to(client, campaign.id) == set()
    assert client.get_campaign(campaign.id).status == "draft"


def test_a_rerun_adds_no_duplicate_and_creates_no_second_campaign(env: Env) -> None:
    leads = people(env.sandbox, 3)
    data = frames(env.sandbox, leads)
    first = env.run(data)
    client = env.client
    [campaign] = campaigns_named(client, CAMPAIGN_NAME)
    in_lemlist = client.list_campaign_leads(campaign.id)
    adds = env.calls(ADD_LEAD)

    again = env.run(data)
    assert outcomes(again) == {p.email: "already_enrolled" for p in leads}
    assert output(again)["lemlist_lead_id"].tolist() == output(first)["lemlist_lead_id"].tolist()
    assert env.calls(ADD_LEAD) == adds
    assert [c.id for c in campaigns_named(client, CAMPAIGN_NAME)] == [campaign.id]
    assert client.list_campaign_leads(campaign.id) == in_lemlist
    assert client.get_campaign(campaign.id).status == "draft"
    meta = metadata(again)
    assert meta["campaign_created"] is False and meta["leads_already_enrolled"] == 3
    # Only the campaign lookup: nobody left to check against lemlist's unsubscribe list or to add.
    assert meta["lemlist_calls"] == 1 and meta["unsubscribe_list_reads"] == 0
    assert meta["added_today_total"] == 3


def test_with_sending_enabled_the_campaign_runs_and_sends_arrive(env: Env) -> None:
    leads = people(env.sandbox, 3)
    result = env.run(frames(env.sandbox, leads), settings=EnrollmentSettings(sending_enabled=True))
    assert outcomes(result) == {p.email: "added" for p in leads}
    meta = metadata(result)
    assert meta["sending_enabled"] is True and meta["campaign_started"] is True
    assert meta["campaign_state"] == "running"
    client = env.client
    [campaign] = campaigns_named(client, CAMPAIGN_NAME)
    assert campaign.status == "running"
    env.sandbox.store.advance(days=8)
    assert sent_to(client, campaign.id) == {p.email for p in leads}


def test_a_running_campaign_gets_no_leads_while_sending_is_disabled(env: Env) -> None:
    client = env.client
    campaign = client.create_campaign("Started by hand in lemlist")
    client.start_campaign(campaign.id)
    leads = people(env.sandbox, 2)
    result = env.run(frames(env.sandbox, leads), settings=EnrollmentSettings(campaigns={ICP: campaign.id}))
    assert result.success
    assert outcomes(result) == {p.email: "held_back" for p in leads}
    meta = metadata(result)
    assert meta["campaign_state"] == "running" and meta["sending_enabled"] is False
    assert meta["campaign_started"] is False
    assert client.list_campaign_leads(campaign.id) == []
    assert client.get_campaign(campaign.id).status == "running"
    # Held, not recorded: they can be enrolled once the campaign is a draft again or sending is enabled.
    assert env.store.enrollments.entries(campaign.id).empty


def test_a_paused_campaign_is_not_resumed(env: Env) -> None:
    client = env.client
    campaign = client.create_campaign("Paused by the safety sensor")
    client.start_campaign(campaign.id)
    client.pause_campaign(campaign.id)
    leads = people(env.sandbox, 2)
    settings = EnrollmentSettings(campaigns={ICP: campaign.id}, sending_enabled=True)
    result = env.run(frames(env.sandbox, leads), settings=settings)
    assert outcomes(result) == {p.email: "added" for p in leads}
    assert metadata(result)["campaign_state"] == "paused"
    assert client.get_campaign(campaign.id).status == "paused"


def test_an_address_suppressed_after_its_copy_was_written_is_never_enrolled(env: Env) -> None:
    leads = people(env.sandbox, 4)
    data = frames(env.sandbox, leads)
    # The copy was written while these two were clean; the list changed since.
    env.store.suppression.add("email", leads[0].email.upper(), reason="unsubscribed", source="lemlist")
    env.store.suppression.add("domain", leads[1].email.split("@")[1], reason="complaint", source="manual")
    result = env.run(data)
    got = outcomes(result)
    assert got[leads[0].email] == "suppressed" and got[leads[1].email] == "suppressed"
    assert got[leads[2].email] == "added" and got[leads[3].email] == "added"
    reasons = output(result).set_index("email")["reason"]
    assert "unsubscribed" in reasons[leads[0].email] and "complaint" in reasons[leads[1].email]
    client = env.client
    assert client.get_lead(leads[0].email) == [] and client.get_lead(leads[1].email) == []
    assert env.calls(ADD_LEAD) == 2
    campaign_id = output(result)["campaign_id"][0]
    recorded = env.store.enrollments.get_many(campaign_id, [leads[0].email])
    assert recorded[leads[0].email].status == "suppressed"
    # Still not on a later run.
    assert outcomes(env.run(data))[leads[0].email] == "suppressed"
    assert client.get_lead(leads[0].email) == []


def test_an_entry_imported_in_one_form_blocks_the_other_at_enrollment(env: Env) -> None:
    leads = people(env.sandbox, 3)
    # The CSV gave the Unicode form of one address and the punycode form of a domain; the leads carry the
    # other forms (and a zero-width space a copy-paste brought along).
    entries, rejected = read_suppression_csv(
        "value,reason\nAda@Bücher.example,unsubscribed by phone\n@xn--mller-kva.example,competitor\n",
        source="csv_import",
        default_reason="imported",
    )
    assert rejected == []
    import_entries(env.store.suppression, entries)
    leads[0] = dataclasses.replace(leads[0], email="ada@xn--bcher-kva.example\u200b")
    leads[1] = dataclasses.replace(leads[1], email="bob@MÜLLER.example")
    result = env.run(frames(env.sandbox, leads))
    got = outcomes(result)
    assert [got[e] for e in ("ada@xn--bcher-kva.example", "bob@müller.example")] == ["suppressed"] * 2
    assert got[leads[2].email] == "added" and env.calls(ADD_LEAD) == 1
    reasons = output(result).set_index("email")["reason"]
    assert "unsubscribed by phone" in reasons["ada@xn--bcher-kva.example"]
    assert "domain on the suppression list: competitor" in reasons["bob@müller.example"]


def test_an_address_on_lemlists_unsubscribe_list_is_not_enrolled(env: Env) -> None:
    leads = people(env.sandbox, 5)
    client = env.client
    client.add_unsubscribe(leads[0].email)
    client.add_unsubscribe("@" + leads[1].email.split("@")[1])
    result = env.run(frames(env.sandbox, leads))
    got = outcomes(result)
    assert got[leads[0].email] == "skipped_unsubscribed"
    assert got[leads[1].email] == "skipped_unsubscribed"
    assert [got[p.email] for p in leads[2:]] == ["added"] * 3
    assert client.get_lead(leads[0].email) == [] and client.get_lead(leads[1].email) == []
    # The list is read once per run, not once per lead; the unsubscribed are never sent to lemlist.
    assert env.calls(UNSUBSCRIBES) == 1
    assert env.calls(ADD_LEAD) == 3
    assert metadata(result)["leads_skipped_unsubscribed"] == 2


def test_the_daily_cap_holds_across_two_partitions_of_the_same_day(env: Env) -> None:
    client = env.client
    campaign = client.create_campaign("Shared by two ICPs")
    settings = EnrollmentSettings(campaigns={ICP: campaign.id, OTHER_ICP: campaign.id}, daily_cap=3)
    # Yesterday's additions do not count against today's cap.
    yesterday = datetime.now(UTC) - timedelta(days=1)
    env.store.enrollments.record_many(
        {"campaign_id": campaign.id, "email": f"old{i}@example.com", "status": "added", "at": yesterday}
        for i in range(5)
    )
    first_leads = people(env.sandbox, 2)
    second_leads = people(env.sandbox, 3, skip=2)

    first = env.run(frames(env.sandbox, first_leads), settings=settings)
    assert outcomes(first) == {p.email: "added" for p in first_leads}
    second = env.run(frames(env.sandbox, second_leads), settings=settings, partition=f"{DAY}|{OTHER_ICP}")
    got = outcomes(second)
    assert [got[p.email] for p in second_leads] == ["added", "over_daily_cap", "over_daily_cap"]
    meta = metadata(second)
    assert meta["added_today_total"] == 3 and meta["leads_over_daily_cap"] == 2
    assert meta["cap_remaining_today"] == 0
    assert len(client.list_campaign_leads(campaign.id)) == 3
    assert env.store.enrollments.count(campaign.id, datetime.now(UTC).date()) == 3
    # Over-cap leads are not in the ledger, so a later day can still enroll them.
    ledger = env.store.enrollments.get_many(campaign.id, [p.email for p in second_leads])
    assert set(ledger) == {second_leads[0].email}

    # The same partition again the same day: still capped, nobody added twice.
    again = outcomes(
        env.run(frames(env.sandbox, second_leads), settings=settings, partition=f"{DAY}|{OTHER_ICP}")
    )
    assert [again[p.email] for p in second_leads] == ["already_enrolled", "over_daily_cap", "over_daily_cap"]
    assert len(client.list_campaign_leads(campaign.id)) == 3


def test_held_back_copy_and_crm_failed_leads_are_not_enrolled(env: Env) -> None:
    leads = people(env.sandbox, 4)
    held, failed, clean, no_crm = leads
    data = frames(env.sandbox, leads, held=[held], crm_failed=[failed], without_crm=[no_crm])
    result = env.run(data)
    got = outcomes(result)
    assert got == {
        held.email: "held_back",
        failed.email: "crm_failed",
        clean.email: "added",
        no_crm.email: "added",
    }
    reasons = output(result).set_index("email")["reason"]
    assert reasons[held.email] == "catch-all address"
    assert "VALIDATION_ERROR" in reasons[failed.email]
    client = env.client
    assert client.get_lead(held.email) == [] and client.get_lead(failed.email) == []
    campaign_id = output(result)["campaign_id"][0]
    assert set(env.store.enrollments.get_many(campaign_id, [p.email for p in leads])) == {
        clean.email,
        no_crm.email,
    }
    meta = metadata(result)
    assert meta["leads_held_back"] == 1 and meta["leads_crm_failed"] == 1 and meta["leads_added"] == 2


def test_a_vendor_error_on_one_lead_stays_on_its_row(env: Env) -> None:
    leads = people(env.sandbox, 3)
    qualified, copy, crm = frames(env.sandbox, leads)
    # lemlist refuses an address with a space in it (400 Bad params), which the product cannot foresee.
    copy.loc[1, "email"] = "not valid@example.com"
    result = env.run((qualified, copy, crm), raise_on_error=False)
    frame = output(result).set_index("prospect_id")
    assert frame.at[leads[1].prospect_id, "outcome"] == "failed"
    assert "valid email" in frame.at[leads[1].prospect_id, "reason"]
    assert frame.at[leads[0].prospect_id, "outcome"] == "added"
    assert frame.at[leads[2].prospect_id, "outcome"] == "added"
    assert metadata(result)["leads_failed"] == 1
    # Not a green run: the check lists the lead left behind, and 1 in 3 is over the 5 % default, so it fails
    # with ERROR and stops what follows.
    left = {c.check_name: c for c in result.get_asset_check_evaluations()}["nothing_left_behind"]
    assert not left.passed and left.severity == dg.AssetCheckSeverity.ERROR
    assert left.metadata["left_behind"].value == 1
    assert "not valid@example.com" in left.metadata["left_behind_preview"].value


def test_under_the_policys_share_a_lead_left_behind_is_a_warning(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALES_MAX_LEFT_BEHIND_SHARE", "0.5")
    leads = people(env.sandbox, 3)
    qualified, copy, crm = frames(env.sandbox, leads)
    copy.loc[1, "email"] = "not valid@example.com"
    result = env.run((qualified, copy, crm))
    assert result.success
    left = {c.check_name: c for c in result.get_asset_check_evaluations()}["nothing_left_behind"]
    assert not left.passed and left.severity == dg.AssetCheckSeverity.WARN


def test_a_refused_key_fails_the_asset_at_once(env: Env) -> None:
    bad = {
        **env.vendors,
        "lemlist": LemlistResource(api_key="wrong-key", sandbox_state=env.vendors["lemlist"].sandbox_state),
    }
    leads = people(env.sandbox, 2)
    result = env.run(frames(env.sandbox, leads), vendors=bad, raise_on_error=False)
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    assert "LEMLIST_API_KEY" in str(failure.step_failure_data.error)
    assert not [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert env.client.get_lead(leads[0].email) == []


class FailingAdds:
    """A lemlist client whose lead additions all fail on lemlist's side (503 after every retry)."""

    def __init__(self, client: LemlistClient) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def add_lead(self, *args: Any, **kwargs: Any) -> Any:
        raise ServerError("Service Unavailable", vendor="lemlist", endpoint=ADD_LEAD, status_code=503)


def test_every_addition_failing_on_lemlists_side_fails_the_run(env: Env) -> None:
    leads = people(env.sandbox, 2)
    qualified, copy, crm = frames(env.sandbox, leads)
    client = env.client
    campaign = client.get_campaign(client.create_campaign("Outage").id)
    run = EnrollmentRun(FailingAdds(client), env.store, EnrollmentSettings(), campaign, PARTITION)  # type: ignore[arg-type]
    with pytest.raises(dg.Failure, match="every one of 2 lemlist lead additions failed"):
        run.enroll(enrollment_candidates(copy, qualified, crm), datetime.now(UTC))
    # Each failure is still on record, and a failed lead is tried again by the next run.
    assert set(env.store.enrollments.entries(campaign.id)["status"]) == {"failed"}
    assert outcomes(
        env.run((qualified, copy, crm), settings=EnrollmentSettings(campaigns={ICP: campaign.id}))
    ) == {p.email: "added" for p in leads}


def test_an_erased_person_is_never_enrolled_again(env: Env) -> None:
    from resources.pipeline_store.erasure import erase_person

    leads = people(env.sandbox, 2)
    data = frames(env.sandbox, leads)
    assert outcomes(env.run(data))[leads[0].email] == "added"
    report = erase_person(env.store.database(), leads[0].email.upper())
    assert report.enrollments == 1 and report.tombstone
    entries = env.store.suppression.entries()
    assert leads[0].email not in set(entries["value"].dropna())  # no clear text left behind
    assert list(entries["reason"]) == ["erased"]
    # Their enrollment record is gone, yet the hashed tombstone blocks them on every later run.
    assert outcomes(env.run(data))[leads[0].email] == "suppressed"
