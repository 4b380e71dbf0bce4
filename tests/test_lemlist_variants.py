"""The copy variant a lead was sent, through the lemlist simulator: variant B's planted extra replies arrive
as replies, a lead with no variant replays the engagement model unchanged, and campaign stats filter by
`ABSelected` (A or B, anything else a 400 with lemlist's documented text)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from resources.errors import VendorError
from resources.lemlist import LeadInput, LemlistClient, LemlistResource
from resources.sandbox import Sandbox
from resources.sandbox.meetings import VARIANT_FIELD
from resources.sandbox.outcomes import outcome_for
from resources.sandbox.world import Person


def _client(path: Path) -> LemlistClient:
    return LemlistResource(api_key="sandbox-key", sandbox_state=str(path)).get_client()


def _silent_unless_b(sandbox: Sandbox, count: int) -> list[Person]:
    """People who reply only when sent variant B (the planted extra replies)."""
    found = []
    for person in sandbox.world.people:
        if outcome_for(sandbox.world, person, "A").reply_after_hours is None and (
            outcome_for(sandbox.world, person, "B").reply_after_hours is not None
        ):
            found.append(person)
            if len(found) == count:
                return found
    raise AssertionError("the world has too few people variant B wins over")


def _stats(client: LemlistClient, campaign_id: str, ab: str | None) -> dict[str, Any]:
    start = datetime.now(UTC) - timedelta(days=30)
    params = {"startDate": start.isoformat(), "endDate": (start + timedelta(days=400)).isoformat()}
    if ab is not None:
        params["ABSelected"] = ab
    found: dict[str, Any] = client.request("GET", f"/v2/campaigns/{campaign_id}/stats", params=params).json()
    return found


def test_variant_b_replies_and_stats_split_by_version(sandbox: Sandbox, sandbox_path: Path) -> None:
    people = _silent_unless_b(sandbox, 4)
    client = _client(sandbox_path)
    campaign = client.create_campaign("variants")
    variants = {p.email: v for p, v in zip(people, ["A", "B", "A", "B"], strict=True)}
    for person in people:
        lead = LeadInput(email=person.email, variables={VARIANT_FIELD: variants[person.email]})
        assert client.add_lead(campaign.id, lead).added
    client.start_campaign(campaign.id)
    sandbox.store.advance(days=12)

    replied = {a.lead_email for a in client.activities(type="emailsReplied", campaign_id=campaign.id)}
    assert replied == {email for email, v in variants.items() if v == "B"}

    both, a_only, b_only = (_stats(client, campaign.id, ab) for ab in (None, "A", "B"))
    assert (both["nbLeads"], a_only["nbLeads"], b_only["nbLeads"]) == (4, 2, 2)
    assert (both["nbLeadsAnswered"], a_only["nbLeadsAnswered"], b_only["nbLeadsAnswered"]) == (2, 0, 2)
    assert all(step["abTest"] == "B" for step in b_only["steps"])
    assert all("abTest" not in step for step in both["steps"])

    with pytest.raises(VendorError, match="Bad params: ABSelected must be A or B") as refused:
        _stats(client, campaign.id, "C")
    assert refused.value.status_code == 400
