"""What the CRM sync writes of a lead: its contact's properties (standard ones and the product's custom
properties in their own group), its company's, and the timeline note on a new contact.

What belongs here: the custom property definitions and the pure mapping from lead rows to HubSpot
properties, built column by column (ten thousand leads are mapped before the first contact batch leaves).
The writes themselves are `crm_sync.py`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from resources.hubspot.models import PropertyDefinition

PROPERTY_GROUP = "sales_pipeline"
PROPERTY_GROUP_LABEL = "Sales pipeline"
LEAD_SOURCE = "sales-pipeline (Explorium)"
#: The custom contact properties the product writes, created (in their own group) when missing.
CONTACT_PROPERTIES: tuple[PropertyDefinition, ...] = tuple(
    PropertyDefinition.model_validate({"groupName": PROPERTY_GROUP, **spec})
    for spec in (
        {"name": "sp_pain_points", "label": "Pain hypotheses", "fieldType": "textarea"},
        {"name": "sp_personalization_hooks", "label": "Personalization hooks", "fieldType": "textarea"},
        {"name": "sp_why_now", "label": "Why now", "fieldType": "textarea"},
        {"name": "sp_icp_score", "label": "ICP score", "type": "number", "fieldType": "number"},
        {"name": "sp_data_quality", "label": "Data quality", "type": "number", "fieldType": "number"},
        {"name": "sp_lead_source", "label": "Lead source", "fieldType": "text"},
        {"name": "sp_icp_profile", "label": "ICP profile", "fieldType": "text"},
        {"name": "sp_enriched_at", "label": "Enriched at", "type": "datetime", "fieldType": "date"},
        {"name": "sp_linkedin_url", "label": "LinkedIn", "fieldType": "text"},
        {"name": "sp_prospect_id", "label": "Explorium prospect id", "fieldType": "text"},
    )
)


def _text_items(items: Any) -> str:
    """Intelligence items as lines: "text (confidence, source)"."""
    if not isinstance(items, list | tuple):
        return ""
    return "\n".join(
        f"{i['text']} ({i['confidence']:.2f}, {i['source']})" for i in items if isinstance(i, dict)
    )


def _clean_value(value: Any) -> str | None:
    """HubSpot takes strings; a missing value is None, so it is left out rather than blanking what a rep
    typed."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return None
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def _clean(properties: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in properties.items():
        text = _clean_value(value)
        if text is not None:
            out[key] = text
    return out


def lead_columns(leads: pd.DataFrame) -> dict[str, list[Any]]:
    """Each column as a list of Python values: what `to_dict("records")` gives row by row, column by column
    (one pass per column instead of one dict per row)."""
    return {str(name): leads.iloc[:, i].tolist() for i, name in enumerate(leads.columns)}


def lead_records(columns: Mapping[str, list[Any]]) -> list[dict[str, Any]]:
    """The rows of `lead_columns` as dicts."""
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _epoch_ms(value: Any) -> int | None:
    # HubSpot datetime properties take epoch milliseconds (or ISO 8601); milliseconds are unambiguous.
    return int(pd.Timestamp(value).timestamp() * 1000) if pd.notna(value) else None


def contact_properties(columns: Mapping[str, list[Any]], icp: str) -> list[dict[str, str]]:
    """What the product writes on each lead's contact (identity, company and the intelligence fields), for
    leads given as `_columns`: built column by column, each value cleaned once."""
    rows = len(next(iter(columns.values()), []))
    if not rows:
        return []

    def optional(name: str) -> list[Any]:
        return columns.get(name) or [None] * rows

    def cleaned(values: Iterable[Any]) -> list[str | None]:
        return [_clean_value(v) for v in values]

    # In the order HubSpot is sent them; `columns[...]` for what every lead must have.
    spec: list[tuple[str, list[str | None]]] = [
        ("email", cleaned(columns["email"])),
        ("firstname", cleaned(optional("first_name"))),
        ("lastname", cleaned(optional("last_name"))),
        ("jobtitle", cleaned(optional("job_title"))),
        ("company", cleaned(optional("company_name"))),
        ("website", cleaned(optional("website"))),
        ("phone", cleaned(optional("phone"))),
        ("sp_pain_points", cleaned(map(_text_items, optional("pain_hypotheses")))),
        ("sp_personalization_hooks", cleaned(map(_text_items, optional("personalization_hooks")))),
        ("sp_why_now", cleaned(optional("why_now"))),
        ("sp_icp_score", cleaned(map(float, columns["icp_score"]))),
        ("sp_data_quality", cleaned(map(float, columns["data_quality"]))),
        ("sp_lead_source", [_clean_value(LEAD_SOURCE)] * rows),
        ("sp_icp_profile", [_clean_value(icp)] * rows),
        ("sp_enriched_at", cleaned(map(_epoch_ms, optional("enriched_at")))),
        ("sp_linkedin_url", cleaned(optional("linkedin_url"))),
        ("sp_prospect_id", cleaned(columns["prospect_id"])),
    ]
    names = [name for name, _ in spec]
    return [
        {name: value for name, value in zip(names, row, strict=True) if value is not None}
        for row in zip(*(values for _, values in spec), strict=True)
    ]


def company_properties(lead: Mapping[str, Any]) -> dict[str, str]:
    # HubSpot's `industry` is an enumeration of its own labels: LinkedIn categories would be refused.
    return _clean(
        {
            "name": lead.get("company_name"),
            "domain": lead.get("domain"),
            "website": lead.get("website"),
            "city": lead.get("city"),
            "country": (lead.get("country_code") or "").upper() or None,
        }
    )


def note_body(lead: Mapping[str, Any], icp: str) -> str:
    """The timeline note on a new contact: why the pipeline picked them, with sources."""
    lines = [
        f"Added by the sales pipeline (ICP profile {icp}).",
        f"ICP score {float(lead['icp_score']):.2f}, contact score {float(lead['contact_score']):.2f}, "
        f"data quality {float(lead['data_quality']):.2f}.",
    ]
    if lead.get("why_now"):
        lines.append(f"Why now: {lead['why_now']}")
    pains = _text_items(lead.get("pain_hypotheses"))
    if pains:
        lines.append("Pain hypotheses:\n" + pains)
    return "\n".join(lines)
