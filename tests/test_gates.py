"""The lead gates as pure functions: which gate each crafted row fails, in which order, and why."""

from __future__ import annotations

import pandas as pd
import pytest

from sales_assets.common.icp import Gates
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
