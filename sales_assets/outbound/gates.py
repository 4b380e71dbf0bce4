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

from sales_assets.outbound.icp import Gates
from sales_assets.outbound.schemas import LEAD_GATES

#: RFC 5322's practical subset (what mailbox providers accept): dotted local part, hostname labels, a TLD.
EMAIL_PATTERN = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
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
    return emails.astype("string").str.strip().str.lower().astype(object).where(emails.notna(), None)


def valid_email_syntax(emails: pd.Series) -> pd.Series:
    """True where the (normalised) address is syntactically deliverable; False for None."""
    text = emails.astype("string")
    ok = text.str.fullmatch(EMAIL_PATTERN.pattern)
    # Consecutive dots and an over-long local part pass the pattern's character classes but not SMTP.
    ok &= ~text.str.contains("..", regex=False) & (text.str.split("@").str[0].str.len() <= 64)
    return ok.fillna(False).astype(bool)


def lead_gate_failures(leads: pd.DataFrame, gates: Gates) -> pd.DataFrame:
    """One boolean column per gate (True = the row fails it), in `LEAD_GATES` order.

    `unique_email` keeps the first row of each address, so sort the frame by preference (best score first)
    before calling.
    """
    emails = normalize_emails(leads["email"])
    has_email = emails.notna()
    syntax_ok = valid_email_syntax(emails)
    status = leads["email_status"]
    out = pd.DataFrame(index=leads.index)
    out["enrichment"] = leads["enrichment_status"].isin(("no_data", "over_budget")).to_numpy()
    out["email_syntax"] = ((status == "invalid_syntax") | (has_email & ~syntax_ok)).to_numpy()
    out["deliverable_email"] = (status != "valid").to_numpy()
    out["unique_email"] = (has_email & emails.duplicated(keep="first")).to_numpy()
    out["not_suppressed"] = leads["suppressed"].fillna(False).astype(bool).to_numpy()
    out["crm_not_in_sequence"] = leads["crm_in_sequence"].fillna(False).astype(bool).to_numpy()
    out["crm_not_owned"] = leads["crm_owner_id"].notna().to_numpy()
    out["icp_threshold"] = (leads["icp_score"] < gates.min_icp_score).to_numpy()
    out["contact_threshold"] = (leads["contact_score"] < gates.min_contact_score).to_numpy()
    out["data_quality"] = (leads["data_quality"] < gates.min_data_quality).to_numpy()
    return out[list(LEAD_GATES)]


def first_failed_gate(failures: pd.DataFrame) -> pd.Series:
    """The first failing gate of each row (in `LEAD_GATES` order), None where every gate passes."""
    values = failures.to_numpy()
    first = np.array(failures.columns, dtype=object)[values.argmax(axis=1)]
    return pd.Series(np.where(values.any(axis=1), first, None), index=failures.index, dtype=object)


def failed_gates(failures: pd.DataFrame) -> pd.Series:
    """Every failing gate of each row, comma-separated ("" where every gate passes)."""
    out = pd.Series("", index=failures.index, dtype=object)
    for gate in failures.columns:
        mask = failures[gate].to_numpy()
        out[mask] = out[mask] + np.where(out[mask] == "", "", ",") + gate
    return out


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
    return out.where(out != "", None)
