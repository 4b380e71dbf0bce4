"""`email_reverification`: the last email check per contact read from the enrichment cache, who is due, what a
fresh check means, and the asset against the Explorium sandbox: enrolled contacts checked more than 90 days
ago are checked again (email only, cost in the spend ledger), an address that became invalid is suppressed
with its reason and source, a re-run spends nothing, and the budget bounds a run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pytest

from resources.mode import build_vendor_resources
from resources.pipeline_store import PipelineStoreResource, cache_key
from resources.sandbox import Sandbox
from resources.sandbox.world import Person
from sales_assets.outbound.reverification import (
    CACHE_NAMESPACE,
    SUPPRESSION_SOURCE,
    ReverificationSettings,
    ReverifiedContacts,
    due,
    email_reverification,
    last_checks,
    outcome_of,
    reverification_checks,
)

NOW = datetime.now(UTC)
TODAY = NOW.date().isoformat()
#: The namespace enriched_contacts caches email-and-phone answers under.
EMAIL_AND_PHONE = f"{CACHE_NAMESPACE}:" + cache_key({"contact_types": ["email", "phone"]})[:16]


def answer(email: str | None, status: str | None) -> dict[str, Any]:
    return {
        "professions_email": email,
        "professional_email_status": status,
        "emails": [],
        "phone_numbers": [],
    }


# --- pure parts -------------------------------------------------------------------------------------------


def test_last_check_is_the_newest_entry_of_any_variant() -> None:
    old, new = NOW - timedelta(days=120), NOW - timedelta(days=5)
    checks = last_checks(
        [
            ("p1", answer("Ada@Example.com", "valid"), old),
            ("p1", answer("ada@example.com", "catch-all"), new),
            ("p2", answer("bob@example.com", None), old),
            ("p3", None, new),
        ]
    ).set_index("prospect_id")
    assert checks.at["p1", "checked_at"] == pd.Timestamp(new) and checks.at["p1", "status"] == "catch-all"
    assert checks.at["p1", "email"] == "ada@example.com"
    # Explorium leaves the status out when it could not verify: unknown.
    assert checks.at["p2", "status"] == "unknown"
    assert checks.at["p3", "status"] == "missing" and pd.isna(checks.at["p3", "email"])

    frame = pd.DataFrame(
        {
            "prospect_id": ["a", "b", "c", "d", "e"],
            "email": ["a@x.com", "b@x.com", "c@x.com", "d@x.com", None],
            "status": ["valid"] * 5,
            "checked_at": pd.to_datetime([old, new, old, old, old], utc=True),
        }
    )
    picked = due(frame, {"a@x.com", "b@x.com", "c@x.com"}, {"c@x.com"}, now=NOW, max_age=timedelta(days=90))
    # b is fresh, c is suppressed already, d was never enrolled, e has no address.
    assert picked["prospect_id"].tolist() == ["a"]


@pytest.mark.parametrize(
    ("previous", "fresh", "skipped", "outcome"),
    [
        ("valid", "valid", False, "still_valid"),
        ("valid", "invalid", False, "became_invalid"),
        ("catch-all", "invalid", False, "became_invalid"),
        ("invalid", "invalid", False, "still_invalid"),
        ("valid", "catch-all", False, "risky"),
        ("valid", "unknown", False, "risky"),
        ("valid", "missing", False, "no_data"),
        ("valid", None, True, "over_budget"),
    ],
)
def test_what_a_fresh_check_means(previous: str, fresh: str | None, skipped: bool, outcome: str) -> None:
    assert outcome_of(previous, fresh, skipped) == outcome


# --- the asset against the sandbox ------------------------------------------------------------------------


def people(sandbox: Sandbox, status: str, count: int, *, skip: int = 0) -> list[Person]:
    found = [p for p in sandbox.world.people if p.email_status == status]
    return found[skip : skip + count]


class World:
    def __init__(self, root: Path) -> None:
        self.sandbox = Sandbox.at(root / "state.sqlite")
        self.store = PipelineStoreResource(path=str(root / "store.sqlite"))
        self.vendors = build_vendor_resources(environ={}, sandbox_state=root / "state.sqlite")

    def checked(self, person: Person, status: str, days_ago: int, *, enrolled: bool = True) -> None:
        """An enrichment `days_ago` that said `status` for the person's address, and their enrollment."""
        self.store.cache.put(
            EMAIL_AND_PHONE,
            person.prospect_id,
            answer(person.email, status),
            fetched_at=NOW - timedelta(days=days_ago),
        )
        if enrolled:
            self.store.enrollments.record_many(
                [{"campaign_id": "cam_x", "email": person.email, "status": "added"}]
            )

    def run(self, settings: ReverificationSettings | None = None) -> dg.ExecuteInProcessResult:
        return dg.materialize(
            [email_reverification, *reverification_checks()],
            partition_key=TODAY,
            resources={
                **self.vendors,
                "pipeline_store": self.store,
                "reverification_settings": settings or ReverificationSettings(),
            },
        )

    def credits(self) -> float:
        return self.sandbox.store.totals("explorium").credits


def metadata(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    [event] = result.get_asset_materialization_events()
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_stale_checks_of_enrolled_contacts_are_redone_and_dead_addresses_suppressed(tmp_path: Path) -> None:
    world = World(tmp_path)
    [dead] = people(world.sandbox, "invalid", 1)
    [alive] = people(world.sandbox, "valid", 1)
    [fresh] = people(world.sandbox, "valid", 1, skip=1)
    [stranger] = people(world.sandbox, "invalid", 1, skip=1)
    [risky] = people(world.sandbox, "catch-all", 1)
    world.checked(dead, "valid", 100)  # the mailbox died since
    world.checked(alive, "valid", 120)
    world.checked(fresh, "valid", 10)
    world.checked(stranger, "valid", 200, enrolled=False)
    world.checked(risky, "valid", 95)

    result = world.run()
    assert result.success
    [check] = result.get_asset_check_evaluations()
    assert check.passed
    frame = result.asset_value("email_reverification")
    ReverifiedContacts.validate(frame)
    rows = {r["email"]: r for r in frame.to_dict("records")}
    assert set(rows) == {dead.email, alive.email, risky.email}
    assert rows[dead.email]["outcome"] == "became_invalid" and rows[dead.email]["suppressed"]
    assert rows[dead.email]["previous_status"] == "valid" and rows[dead.email]["status"] == "invalid"
    assert rows[alive.email]["outcome"] == "still_valid" and not rows[alive.email]["suppressed"]
    assert rows[risky.email]["outcome"] == "risky" and not rows[risky.email]["suppressed"]

    hits = world.store.suppression.lookup([dead.email, alive.email, risky.email, stranger.email])
    assert set(hits) == {dead.email}
    assert hits[dead.email].source == SUPPRESSION_SOURCE
    assert "invalid" in hits[dead.email].reason and "was valid" in hits[dead.email].reason

    # Email only: 2 credits per contact, paid once, in the spend ledger under the run's partition.
    meta = metadata(result)
    assert meta["due"] == 3 and meta["credits_spent"] == 6 and meta["outcome_became_invalid"] == 1
    assert world.credits() == 6
    assert world.store.ledger.spent(partition=f"{TODAY}|reverification", vendor="explorium") == 6

    # The fresh checks are the new check times: a re-run finds no one due and spends nothing.
    again = world.run()
    assert metadata(again)["due"] == 0 and metadata(again)["credits_spent"] == 0
    assert world.credits() == 6 and again.asset_value("email_reverification").empty


def test_the_budget_bounds_a_run_and_the_rest_waits(tmp_path: Path) -> None:
    world = World(tmp_path)
    for person in people(world.sandbox, "valid", 3):
        world.checked(person, "valid", 100)
    result = world.run(ReverificationSettings(budget_credits=2))
    frame = result.asset_value("email_reverification")
    assert sorted(frame["outcome"]) == ["over_budget", "over_budget", "still_valid"]
    assert frame.loc[frame["outcome"] == "over_budget", "checked_at"].isna().all()
    assert world.credits() == 2
    # Next run, the two left are still due.
    assert metadata(world.run())["due"] == 2
