"""What a qualified lead's copy may say: its facts (trusted, built by our rules from vendor fields), the
third-party texts fenced beside them, and the text the copy lint accepts as facts.

What belongs here: `lead_facts` (a qualified lead's row -> facts and fenced texts) and `copy_support` (the
text the lint checks claims against). The outbound stage builds its prompts from them
(`sales_assets/outbound/copy_prompt.py`); the insights stage checks the day's copy against the same facts,
so "a fact not in the lead's facts" means one thing in both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sales_assets.common.copy_lint import STRAIGHT_QUOTES
from sales_assets.common.fencing import fence
from sales_assets.common.seller import SellerSettings

#: Items of each intelligence list given to Claude, most confident first.
MAX_ITEMS = 3


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        cleaned = " ".join(value.split())
        return cleaned or None
    return None


def _strings(value: Any) -> list[str]:
    if value is None or isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return []
    return [t for t in (_text(v) for v in value) if t]


def _item_texts(items: Any) -> list[str]:
    """The texts of intelligence items ({text, confidence, source}), most confident first."""
    if items is None or isinstance(items, str | bytes) or not isinstance(items, Iterable):
        return []
    found = sorted(
        (i for i in items if isinstance(i, Mapping)), key=lambda i: -float(i.get("confidence") or 0.0)
    )
    return [text for i in found if (text := _text(i.get("text")))]


def lead_facts(row: Mapping[str, Any], seller: SellerSettings) -> tuple[dict[str, Any], dict[str, str]]:
    """(trusted facts, fenced third-party texts) of one qualified lead.

    Texts built by our rules from vendor fields are facts; texts that quote an event headline (a
    `"..."` inside) are third-party words, so they go to `untrusted_event_text` instead; the company
    description always does.
    """
    pains = _item_texts(row.get("pain_hypotheses"))
    hooks = _item_texts(row.get("personalization_hooks"))
    signal = _text(row.get("why_now"))
    quoting = [t for t in ([signal] if signal else []) + hooks + pains if '"' in t.translate(STRAIGHT_QUOTES)]
    facts: dict[str, Any] = {
        "first_name": _text(row.get("first_name")),
        "last_name": _text(row.get("last_name")),
        "job_title": _text(row.get("job_title")),
        "company": _text(row.get("company_name")),
        "domain": _text(row.get("domain")),
        "industry": _text(row.get("industry")),
        "city": _text(row.get("city")),
        "country_code": _text(row.get("country_code")),
        "tech_stack": _strings(row.get("tech_stack"))[:12],
        "recent_signal": signal if signal not in quoting else None,
        "pain_points": [p for p in pains if p not in quoting][:MAX_ITEMS],
        "hooks": [h for h in hooks if h not in quoting][:MAX_ITEMS],
        "sender_name": seller.sender_name,
        "sender_company": seller.company,
    }
    facts = {k: v for k, v in facts.items() if v not in (None, [], "")}
    untrusted: dict[str, str] = {}
    if description := _text(row.get("description")):
        untrusted["untrusted_company_description"] = fence(description)
    if quoting:
        untrusted["untrusted_event_text"] = fence(" | ".join(dict.fromkeys(quoting)))
    return facts, untrusted


def _flatten_values(value: Any) -> Iterable[str]:
    if isinstance(value, Mapping):
        for v in value.values():
            yield from _flatten_values(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _flatten_values(v)
    elif value is not None:
        yield str(value)


def copy_support(facts: Mapping[str, Any], untrusted: Mapping[str, str], seller: SellerSettings) -> str:
    """What the lint accepts as facts for one lead: its facts, the fenced event headlines (never the
    company description, which the company writes itself) and what the seller says about itself."""
    return " ".join(
        [
            *_flatten_values(facts),
            untrusted.get("untrusted_event_text", ""),
            seller.facts(),
        ]
    )
