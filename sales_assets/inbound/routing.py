"""Routing an inbound lead: which owner gets it, and what the HubSpot task says.

What belongs here: pure helpers of the `inbound_routing` asset: the owner choice (the CRM contact's owner,
else the seller's default owner when one is configured, else a deterministic round-robin over active owners
that continues where the action ledger left off),
the task's priority, subject and body. The HubSpot calls and the ledger writes are the asset's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sales_assets.common.text import spreadsheet_safe, spreadsheet_safe_lines

#: HubSpot task priority per tier.
PRIORITY = {"SCORCHING": "HIGH", "HOT": "HIGH", "WARM": "MEDIUM", "COOL": "LOW", "COLD": "LOW"}


def round_robin(owner_ids: Sequence[str], start: int, count: int) -> list[str]:
    """`count` owners in turn from position `start` of the owners sorted by id (stable across runs)."""
    ordered = sorted(owner_ids)
    if not ordered:
        return []
    return [ordered[(start + k) % len(ordered)] for k in range(count)]


def assign_owners(
    leads: Sequence[Mapping[str, Any]],
    owner_ids: Sequence[str],
    rotation_start: int,
    default_owner: str | None = None,
) -> list[tuple[str | None, str]]:
    """(owner id, source) per lead: the CRM contact's owner when it is an active owner, else
    `default_owner` when one is configured (the same rule as the reply tasks'), else the next owner of the
    round-robin (leads taken in submission order); `(None, "no_owner")` when there are none."""
    active = set(owner_ids)
    order = sorted(
        range(len(leads)), key=lambda i: (str(leads[i]["submitted_at"]), str(leads[i]["conversion_id"]))
    )
    needing = [i for i in order if str(leads[i].get("crm_owner_id") or "") not in active]
    if default_owner:
        needing = []  # nobody takes a turn: the round-robin position stays where it was
    turns = dict(zip(needing, round_robin(owner_ids, rotation_start, len(needing)), strict=False))
    out: list[tuple[str | None, str]] = []
    for i, lead in enumerate(leads):
        crm_owner = str(lead.get("crm_owner_id") or "")
        if crm_owner in active:
            out.append((crm_owner, "crm_contact"))
        elif default_owner:
            out.append((default_owner, "default_owner"))
        elif i in turns:
            out.append((turns[i], "round_robin"))
        else:
            out.append((None, "no_owner"))
    return out


def task_subject(lead: Mapping[str, Any]) -> str:
    name = " ".join(str(lead.get(k) or "").strip() for k in ("first_name", "last_name")).strip()
    company = lead.get("company_name") or lead.get("company")
    who = spreadsheet_safe(f"{name or lead.get('email')}") + (
        f" ({spreadsheet_safe(company)})" if company else ""
    )
    return f"[{lead['tier']}] Inbound {lead.get('form_name') or 'form'}: {who}"[:250]


def task_body(lead: Mapping[str, Any], reply_subject: str | None, reply_body: str | None, note: str) -> str:
    """The task body: why this tier, what they wrote, and the drafted reply for the owner to send."""
    lines = [
        f"Why {lead['tier']}: {lead['tier_reason']}",
        f"Email: {lead.get('email')}"
        + (f" | Title: {spreadsheet_safe(lead['job_title'])}" if lead.get("job_title") else ""),
        f"Their message: {spreadsheet_safe_lines(str(lead.get('message') or '(none)').strip())}",
        "",
    ]
    if reply_body:
        lines += [f"Drafted reply (not sent; review and send yourself): {reply_subject}", "", reply_body]
    else:
        lines.append(f"No drafted reply: {note}")
    return "\n".join(lines)
