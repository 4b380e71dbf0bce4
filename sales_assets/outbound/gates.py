"""The lead gates as vectorised pandas: which rows fail which gate, the first failing gate as the reason,
and a readable detail. `qualified_leads` keeps the rows that fail none; the blocking checks run the same
functions over its output, so a gate that lets a bad row through stops everything downstream.

What belongs here: pure functions of a frame and the profile's `Gates` thresholds. Looking up the facts
the gates read (suppression, CRM status) is the assets' job; the columns they fill are listed in
`GATE_COLUMNS`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sales_assets.common.icp import Gates
from sales_assets.outbound.schemas import LEAD_GATES

#: RFC 5322's practical subset (what mailbox providers accept): a dotted local part of at most 64
#: characters (no leading, trailing or doubled dots), hostname labels, an alphabetic TLD.
EMAIL_PATTERN = re.compile(
    r"(?=[^@]{1,64}@)[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)

#: Columns the gates read.
GATE_COLUMNS = (
    "email",
    "email_status",
    "enrichment_status",
    "icp_score",
    "contact_score",
    "data_quality",
    "suppressed",
    "crm_in_sequence",
    "crm_owner_id",
)

_HELD_BACK = {"catch-all": "catch-all address held back", "unknown": "unverifiable address held back"}


def normalize_emails(emails: pd.Series) -> pd.Series:
    """Trimmed, lower-cased addresses (None stays None)."""
    # A comprehension beats the `.str` accessor here: addresses are nearly all distinct, and `.str`
    # converts the column to a string array and back.
    values = [e.strip().lower() if isinstance(e, str) else None for e in emails.to_numpy()]
    return pd.Series(values, index=emails.index, dtype=object)


def valid_email_syntax(emails: pd.Series) -> pd.Series:
    """True where the (normalised) address is syntactically deliverable; False for None."""
    match = EMAIL_PATTERN.fullmatch
    values = [isinstance(e, str) and match(e) is not None for e in emails.to_numpy()]
    return pd.Series(values, index=emails.index, dtype=bool)


def preference_order(leads: pd.DataFrame) -> np.ndarray:
    """Row positions best first: ICP score, then contact score, ties kept in input order (stable)."""
    # Scores are 0..1 at four decimals: one integer key sorts three times faster than a two-key lexsort.
    icp = np.rint(leads["icp_score"].to_numpy(dtype=float) * 10_000).astype(np.int64)
    contact = np.rint(leads["contact_score"].to_numpy(dtype=float) * 10_000).astype(np.int64)
    return np.argsort(-(icp * 100_000 + contact), kind="stable")


def lead_gate_failures(leads: pd.DataFrame, gates: Gates, *, verify: bool = False) -> pd.DataFrame:
    """One boolean column per gate (True = the row fails it), in `LEAD_GATES` order.

    Addresses are normalised and parsed once, where they enter (`enriched_contacts` marks a malformed
    one `invalid_syntax`), so by default the gates trust `email` and `email_status`. `verify=True`
    normalises and parses every address again: the blocking checks use it, so a row that slipped past
    the entry still fails. `unique_email` keeps the preferred row of each address (`preference_order`).
    """
    emails = normalize_emails(leads["email"]) if verify else leads["email"]
    has_email = emails.notna().to_numpy()
    status = leads["email_status"].to_numpy()
    bad_syntax = status == "invalid_syntax"
    if verify:
        bad_syntax |= has_email & ~valid_email_syntax(emails).to_numpy()
    order = preference_order(leads)
    duplicate = np.empty(len(leads), dtype=bool)
    duplicate[order] = emails.iloc[order].duplicated(keep="first").to_numpy()
    columns = {
        "enrichment": leads["enrichment_status"].isin(("no_data", "over_budget")).to_numpy(),
        "email_syntax": bad_syntax,
        "deliverable_email": status != "valid",
        "unique_email": has_email & duplicate,
        "not_suppressed": leads["suppressed"].fillna(False).astype(bool).to_numpy(),
        "crm_not_in_sequence": leads["crm_in_sequence"].fillna(False).astype(bool).to_numpy(),
        "crm_not_owned": leads["crm_owner_id"].notna().to_numpy(),
        "icp_threshold": (leads["icp_score"] < gates.min_icp_score).to_numpy(),
        "contact_threshold": (leads["contact_score"] < gates.min_contact_score).to_numpy(),
        "data_quality": (leads["data_quality"] < gates.min_data_quality).to_numpy(),
    }
    return pd.DataFrame(columns, index=leads.index)[list(LEAD_GATES)]


def first_failed_gate(failures: pd.DataFrame) -> pd.Series:
    """The first failing gate of each row (in `LEAD_GATES` order), None where every gate passes."""
    values = failures.to_numpy()
    first = np.array(failures.columns, dtype=object)[values.argmax(axis=1)]
    return pd.Series(np.where(values.any(axis=1), first, None), index=failures.index, dtype=object)


def failed_gates(failures: pd.DataFrame) -> pd.Series:
    """Every failing gate of each row, comma-separated ("" where every gate passes)."""
    # Each row's failures as a bit mask: the few distinct masks are named once and mapped back.
    names = list(failures.columns)
    codes = failures.to_numpy().astype(np.int64) @ (1 << np.arange(len(names), dtype=np.int64))
    table = np.empty(1 << len(names), dtype=object)
    for code in np.flatnonzero(np.bincount(codes, minlength=len(table))):
        table[code] = ",".join(n for i, n in enumerate(names) if code >> i & 1)
    return pd.Series(table[codes], index=failures.index, dtype=object)


def gate_details(leads: pd.DataFrame, failures: pd.DataFrame, gates: Gates) -> pd.Series:
    """A readable sentence per failing row: the figures behind each failed gate."""
    status = leads["email_status"].astype(str)
    parts: dict[str, pd.Series] = {
        "enrichment": "no contact data (" + leads["enrichment_status"].astype(str) + ")",
        "email_syntax": "malformed address " + leads["email"].astype(str),
        "deliverable_email": status.map(_HELD_BACK).fillna("email " + status),
        "unique_email": pd.Series("duplicate of a better-scored row", index=leads.index),
        "not_suppressed": pd.Series("on the suppression list", index=leads.index),
        "crm_not_in_sequence": pd.Series("already in a HubSpot sequence", index=leads.index),
        "crm_not_owned": "owned by HubSpot owner " + leads["crm_owner_id"].astype(str),
        "icp_threshold": "ICP " + leads["icp_score"].round(2).astype(str) + f" < {gates.min_icp_score}",
        "contact_threshold": "contact "
        + leads["contact_score"].round(2).astype(str)
        + f" < {gates.min_contact_score}",
        "data_quality": "data quality "
        + leads["data_quality"].round(2).astype(str)
        + f" < {gates.min_data_quality}",
    }
    out = pd.Series("", index=leads.index, dtype=object)
    for gate in failures.columns:
        mask = failures[gate].to_numpy()
        if mask.any():
            out[mask] = out[mask] + np.where(out[mask] == "", "", "; ") + parts[gate][mask]
    # None, not NaN, for a missing value: the stubs leave None out of where().
    return out.where(out != "", None)  # type: ignore[call-overload]
