"""The lead gates as pure functions: which gate each crafted row fails, in which order, and why."""

from __future__ import annotations

import dagster as dg
import pandas as pd
import pytest

from sales_assets.common.icp import Gates, IcpProfilesResource
from sales_assets.common.partitions import ICP_PROFILES, outbound_partitions
from sales_assets.outbound.checks import scored_companies_icp_gate
from sales_assets.outbound.gates import (
    failed_gates,
    first_failed_gate,
    gate_details,
    lead_gate_failures,
    normalize_emails,
    preference_order,
    valid_email_syntax,
)


def leads(*rows: dict) -> pd.DataFrame:
    base = {
        "email": "ada@acme.com",
        "email_status": "valid",
        "enrichment_status": "enriched",
        "icp_score": 0.9,
        "contact_score": 0.8,
        "data_quality": 0.9,
        "suppressed": False,
        "crm_in_sequence": False,
        "crm_owner_id": None,
    }
    return pd.DataFrame([{**base, **row} for row in rows])


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("ada@acme.com", True),
        ("ada.lovelace+news@mail.acme.co.uk", True),
        ("ada..lovelace@acme.com", False),
        (".ada@acme.com", False),
        ("ada@acme", False),
        ("ada@-acme.com", False),
        ("ada@@acme.com", False),
        ("a" * 65 + "@acme.com", False),
        ("a" * 64 + "@acme.com", True),
        ("ada lovelace@acme.com", False),
        (None, False),
    ],
)
def test_email_syntax(address: str | None, ok: bool) -> None:
    assert valid_email_syntax(pd.Series([address], dtype=object)).tolist() == [ok]


def test_normalize_emails_trims_and_lowercases() -> None:
    assert normalize_emails(pd.Series([" Ada@ACME.com ", None])).tolist() == ["ada@acme.com", None]


def test_each_gate_fails_its_own_crafted_row() -> None:
    frame = leads(
        {},
        {"enrichment_status": "over_budget", "email": None, "email_status": "missing"},
        {"email": "x..y@acme.com", "email_status": "invalid_syntax"},
        {"email": "c@acme.com", "email_status": "catch-all"},
        {"email": "s@acme.com", "suppressed": True},
        {"email": "q@acme.com", "crm_in_sequence": True},
        {"email": "o@acme.com", "crm_owner_id": "77"},
        {"email": "i@acme.com", "icp_score": 0.5},
        {"email": "k@acme.com", "contact_score": 0.2},
        {"email": "d@acme.com", "data_quality": 0.4},
        {"icp_score": 0.8},  # same address as row 0, worse score
    )
    failures = lead_gate_failures(frame, Gates())
    assert first_failed_gate(failures).tolist() == [
        None,
        "enrichment",
        "email_syntax",
        "deliverable_email",
        "not_suppressed",
        "crm_not_in_sequence",
        "crm_not_owned",
        "icp_threshold",
        "contact_threshold",
        "data_quality",
        "unique_email",
    ]
    assert failed_gates(failures)[1] == "enrichment,deliverable_email"
    details = gate_details(frame, failures, Gates())
    assert details[0] is None
    assert details[3] == "catch-all address held back"
    assert details[7] == "ICP 0.5 < 0.75"


def test_unique_email_keeps_the_preferred_row_wherever_it_sits() -> None:
    frame = leads({"icp_score": 0.8}, {"icp_score": 0.95}, {"icp_score": 0.95, "contact_score": 0.9})
    assert preference_order(frame).tolist() == [2, 1, 0]
    assert lead_gate_failures(frame, Gates())["unique_email"].tolist() == [True, True, False]


def test_verify_parses_addresses_the_entry_missed() -> None:
    frame = leads({"email": "Bad..Address@acme.com"})  # status says valid: the entry was bypassed
    assert not lead_gate_failures(frame, Gates())["email_syntax"].any()
    assert lead_gate_failures(frame, Gates(), verify=True)["email_syntax"].all()


# --- the company gate, as the blocking check runs it --------------------------------------------------


def _company(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "business_id": "b0",
        "company_name": "Acme",
        "icp_score": 0.9,
        "domain": "acme.com",
        "crm_lifecyclestage": None,
        "selected": True,
    }
    return {**row, **overrides}


def _company_gate(frame: pd.DataFrame, icp: str) -> list[dg.AssetCheckEvaluation]:
    """The blocking company gate run over `frame` as the ICP's `scored_companies` of the latest day."""

    @dg.asset(name="scored_companies", partitions_def=outbound_partitions)
    def crafted() -> pd.DataFrame:
        return frame

    day = outbound_partitions.get_partition_keys()[-1].keys_by_dimension["day"]
    result = dg.materialize(
        [crafted, scored_companies_icp_gate],
        partition_key=f"{day}|{icp}",
        resources={"icp_profiles": IcpProfilesResource()},
        raise_on_error=False,
    )
    return result.get_asset_check_evaluations()


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ({"icp_score": 0.74}, "under the ICP threshold"),
        ({"domain": None}, "no domain"),
        ({"crm_lifecyclestage": "customer"}, "already a customer"),
        ({"crm_lifecyclestage": "opportunity"}, "an open opportunity"),
    ],
)
def test_the_company_gate_blocks_a_selected_company_that_fails_it(bad: dict[str, object], why: str) -> None:
    icp = sorted(ICP_PROFILES)[0]
    threshold = ICP_PROFILES[icp].gates.min_icp_score
    frame = pd.DataFrame(
        [
            _company(),
            # The same failing company, not selected for contact search: not the gate's concern.
            _company(business_id="b1", selected=False, **bad),
            _company(business_id="b2", **bad),
        ]
    )
    if "icp_score" in bad:
        frame.loc[frame["business_id"] != "b0", "icp_score"] = threshold - 0.01

    (evaluation,) = _company_gate(frame, icp)
    assert not evaluation.passed, why
    assert evaluation.metadata["failing_rows"].value == 1, why
    assert "b2" in evaluation.metadata["failing_preview"].value


def test_the_company_gate_passes_companies_that_meet_it() -> None:
    icp = sorted(ICP_PROFILES)[0]
    frame = pd.DataFrame([_company(), _company(business_id="b1", crm_lifecyclestage="lead")])

    assert [e.passed for e in _company_gate(frame, icp)] == [True]


def test_catch_all_and_unknown_addresses_are_held_back_not_sent() -> None:
    """DESIGN section 4: catch-all and unknown are held back; only a deliverable address passes."""
    frame = leads(
        {"email": "v@acme.com", "email_status": "valid"},
        {"email": "c@acme.com", "email_status": "catch-all"},
        {"email": "u@acme.com", "email_status": "unknown"},
    )
    failures = lead_gate_failures(frame, Gates())
    assert failures["deliverable_email"].tolist() == [False, True, True]
    assert gate_details(frame, failures, Gates()).tolist()[1:] == [
        "catch-all address held back",
        "unverifiable address held back",
    ]
