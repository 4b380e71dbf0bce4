"""Lead intelligence, rule-based: pain hypotheses, personalization hooks and a why-now per lead, each with a
confidence (0..1) and the source it came from.

What belongs here: pure functions from the facts the vendor (Explorium) returned, meaning leads, companies
(firmographics and technographics) and business events, to those three things. No LLM, no I/O, no Dagster.
Nothing is invented: every text is built only from the fields given, and every item names its source
(`<event_name>:<YYYY-MM-DD>:<event_id>`, `technographics:<Technology>` or `firmographics:<field>`). Company
descriptions are never quoted: they are free text a company controls, and can carry prompt injections.

The work is done once per company and once per (company, department) pair, then mapped to leads, so a few
thousand leads at a few hundred companies cost little. The rules and templates are data
(`intelligence_rules.py`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import pandas as pd

from sales_assets.outbound.intelligence_rules import (
    DATA_FACTS,
    DEPARTMENT_ALIASES,
    DEPARTMENT_TECH,
    HOOKS,
    OTHER_WHY_NOW,
    PAIN_RULES,
    REGULATED_INDUSTRIES,
    STACK_CONDITIONS,
    TECH_CONFIDENCE,
    TITLE_DEPARTMENTS,
    WHY_NOW,
)

#: Items kept per lead, for pains and for hooks.
MAX_ITEMS = 3
#: Freshness at `max_age_days`; a signal from today counts 1.0, falling linearly in between.
OLDEST_FRESHNESS = 0.3
#: Leads whose department is unknown get the company-level (c-suite) pains, with less confidence.
UNKNOWN_DEPARTMENT_FACTOR = 0.8
#: A hiring hook about another department than the lead's own is a weaker opener.
OTHER_DEPARTMENT_HIRING_FACTOR = 0.85

#: The columns `derive_intelligence` adds, in order.
OUTPUT_COLUMNS = [
    "pain_hypotheses",
    "personalization_hooks",
    "why_now",
    "why_now_confidence",
    "why_now_source",
]

_WORD = re.compile(r"[a-z0-9&]+")
_HIRING_EVENT = re.compile(r"^hiring_in_(.+)_department$")


@dataclass(frozen=True, slots=True)
class _Event:
    kind: str
    hiring: str  # normalised department hired into, "" for other kinds
    source: str
    freshness: float
    facts: dict[str, str]


def normalize_department(department: Any, job_title: Any = None) -> str:
    """An Explorium department in lowercase with aliases folded ("Support" -> "customer success"); when
    it is missing, read from the job title ("Head of RevOps" -> "sales"); "" when neither says."""
    if isinstance(department, str) and department.strip():
        text = department.strip().lower()
        return DEPARTMENT_ALIASES.get(text, text)
    if isinstance(job_title, str):
        words = " ".join(_WORD.findall(job_title.lower()))
        padded = f" {words} "
        for keyword, found in TITLE_DEPARTMENTS:
            if f" {keyword}" in padded and (len(keyword) > 3 or f" {keyword} " in padded):
                return found
    return ""


def freshness(age_days: float, max_age_days: float) -> float:
    """1.0 for a signal from today, falling linearly to `OLDEST_FRESHNESS` at `max_age_days`."""
    if max_age_days <= 0:
        return 1.0
    return 1.0 - (1.0 - OLDEST_FRESHNESS) * min(max(age_days / max_age_days, 0.0), 1.0)


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if math.isfinite(number) and number > 0 else None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        return []
    return [t for t in (_text(v) for v in value) if t]


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _money(amount: int) -> str:
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if amount >= size:
            return f"${amount / size:.1f}".removesuffix(".0") + unit
    return f"${amount:,}"


def _round_name(stage: str) -> str:
    """Explorium's `founding_stage` for prose: "series_b" -> "Series B", "seed" -> "seed round"."""
    words = stage.replace("_", " ").split()
    if words[0].lower() == "series":
        return " ".join(["Series", *(w.upper() if len(w) == 1 else w for w in words[1:])])
    return " ".join(words) + ("" if words[-1].lower() == "round" else " round")


def _signal_facts(kind: str, event_name: str, data: Mapping[str, Any]) -> tuple[dict[str, str], str]:
    """The facts a signal's data holds, as text for the templates, and the department it hires into."""
    facts: dict[str, str] = {}
    for key, fact in DATA_FACTS.items():
        if value := _text(data.get(key)):
            facts[fact] = value
    if "location" in facts:
        facts["city"] = facts["location"].split(",")[0].strip()
    if kind == "funding":
        stage, amount = _text(data.get("founding_stage")), _count(data.get("amount_raised"))
        if stage:
            facts["round"] = _round_name(stage)
        raised = " ".join(p for p in (amount and _money(amount), facts.get("round")) if p)
        raised = raised if amount else f"a {raised}" if raised else "a new funding round"
        if lead := _text(data.get("lead_investor")):
            raised += f" led by {lead}"
        elif investors := _strings(data.get("investors")):
            more = len(investors) - 2
            raised += f" from {_join(investors[:2] + ([f'{more} more'] if more > 0 else []))}"
        facts["funding"] = raised
    hiring = ""
    if kind == "hiring" or event_name.startswith("hiring_in_"):
        match = _HIRING_EVENT.match(event_name)
        shown = _text(data.get("department")) or (match.group(1) if match else "")
        shown = shown.replace("_", " ").lower()
        hiring = normalize_department(shown)
        count = _count(data.get("job_count"))
        noun = f"{shown} role" if shown else "role"
        facts["roles"] = f"{count} open {noun}{'' if count == 1 else 's'}" if count else f"open {noun}s"
        if titles := _strings(data.get("job_titles")):
            facts["job_titles"] = _join(titles[:2])
    return facts, hiring


def _fill(texts: Sequence[str], facts: Mapping[str, str]) -> str | None:
    """The first template whose facts are all known, filled in; None if none is."""
    for template in texts:
        try:
            text = template.format_map(facts)
        except KeyError:
            continue
        return text[:1].upper() + text[1:]
    return None


def _utc(moment: datetime | pd.Timestamp) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _fresh_events(
    signals: pd.DataFrame | None, as_of: datetime, max_age_days: float = 90
) -> dict[str, list[_Event]]:
    """Signals from the last `max_age_days` up to `as_of`, per business id, newest first."""
    if signals is None or signals.empty or not {"business_id", "kind", "occurred_at"} <= set(signals.columns):
        return {}
    occurred = pd.to_datetime(signals["occurred_at"], utc=True, errors="coerce")
    age_days = (_utc(as_of) - occurred).dt.total_seconds() / 86_400
    keep = (age_days >= 0) & (age_days <= max_age_days)
    if not keep.any():
        return {}
    frame = pd.DataFrame(
        {
            "business_id": signals["business_id"],
            "kind": signals["kind"].fillna("").astype(str),
            "event_name": signals.get("event_name", signals["kind"]).fillna("").astype(str),
            "event_id": signals.get("event_id", pd.Series("", index=signals.index)).fillna("").astype(str),
            "data": signals.get("data", pd.Series(None, index=signals.index, dtype=object)),
            "occurred_at": occurred,
            "age_days": age_days,
        }
    )[keep.to_numpy()]
    # Newest first, ties by event id, so equal inputs give equal outputs whatever their row order.
    frame = frame.sort_values(["occurred_at", "event_id"], ascending=[False, True], kind="mergesort")
    out: dict[str, list[_Event]] = {}
    for bid, kind, event_name, event_id, data, occurred_at, age in frame.itertuples(index=False):
        data = data if isinstance(data, Mapping) else {}
        day = occurred_at.strftime("%Y-%m-%d")
        facts, hiring = _signal_facts(kind, event_name, data)
        facts |= {"date": day, "event": event_name.replace("_", " ")}
        source = f"{event_name or kind}:{day}:{event_id}"
        out.setdefault(bid, []).append(_Event(kind, hiring, source, freshness(age, max_age_days), facts))
    return out


@dataclass(frozen=True, slots=True)
class _Company:
    name: str
    stack: dict[str, str]  # lowercase -> as the vendor spells it
    triggers: dict[str, tuple[dict[str, str], str]]  # stack/industry trigger -> (facts, source)


def _company(row: Mapping[str, Any] | None) -> _Company:
    row = row or {}
    stack: dict[str, str] = {}
    for tech in _strings(row.get("tech_stack")):
        stack.setdefault(tech.lower(), tech)
    triggers: dict[str, tuple[dict[str, str], str]] = {}
    for name, (wanted, at_least, excluded) in STACK_CONDITIONS.items():
        found = [stack[t.lower()] for t in wanted if t.lower() in stack]
        if len(found) >= at_least and not any(t.lower() in stack for t in excluded):
            facts = {"tech": found[0]} | ({"tech2": found[1]} if len(found) > 1 else {})
            triggers[f"stack:{name}"] = (facts, f"technographics:{found[0]}")
    industry = _text(row.get("industry"))
    if industry and industry.lower() in REGULATED_INDUSTRIES:
        triggers["industry:regulated"] = ({"industry": industry}, "firmographics:industry")
    return _Company(_text(row.get("company_name")) or "The company", stack, triggers)


def _why_now(company: _Company, events: Sequence[_Event]) -> tuple[str | None, float, str | None]:
    best: tuple[float, str, str] | None = None
    for event in events:  # newest first, so a tie keeps the fresher signal
        strength, texts = WHY_NOW.get(event.kind, OTHER_WHY_NOW)
        text = _fill(texts, event.facts | {"company": company.name})
        confidence = round(strength * event.freshness, 2)
        if text and (best is None or confidence > best[0]):
            best = (confidence, text, event.source)
    return (best[1], best[0], best[2]) if best else (None, 0.0, None)


def _item(text: str, confidence: float, source: str) -> dict[str, Any]:
    return {"text": text, "confidence": round(confidence, 2), "source": source}


def _top(items: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Highest confidence first (ties by rule order, then source), one item per text, at most MAX_ITEMS."""
    items.sort(key=lambda pair: (-pair[1]["confidence"], pair[0], pair[1]["source"]))
    out: list[dict[str, Any]] = []
    for _, item in items:
        if item["text"] not in {o["text"] for o in out}:
            out.append(item)
    return out[:MAX_ITEMS]


def _pains(company: _Company, events: Sequence[_Event], department: str) -> list[dict[str, Any]]:
    rule_department, factor = (department, 1.0) if department else ("c-suite", UNKNOWN_DEPARTMENT_FACTOR)
    best: dict[int, dict[str, Any]] = {}
    for order, rule in enumerate(PAIN_RULES):
        if rule_department not in rule.departments:
            continue
        if rule.trigger.startswith(("stack:", "industry:")):
            found = company.triggers.get(rule.trigger)
            candidates = [(found[0], found[1], 1.0)] if found else []
        else:
            kind, _, hired = rule.trigger.partition(":")
            candidates = [
                (e.facts, e.source, e.freshness)
                for e in events
                if e.kind == kind and (not hired or hired == "*" or hired == e.hiring)
            ]
        for facts, source, fresh in candidates:
            text = _fill(rule.texts, facts)
            confidence = round(rule.strength * fresh * factor, 2)
            if text and (order not in best or confidence > best[order]["confidence"]):
                best[order] = _item(text, confidence, source)
    return _top(list(best.items()))


def _hooks(company: _Company, events: Sequence[_Event], department: str) -> list[dict[str, Any]]:
    items: list[tuple[int, dict[str, Any]]] = []
    for order, event in enumerate(events):
        if event.kind not in HOOKS:
            continue
        strength, texts = HOOKS[event.kind]
        if event.kind == "hiring" and event.hiring != department:
            strength *= OTHER_DEPARTMENT_HIRING_FACTOR
        if text := _fill(texts, event.facts):
            items.append((order, _item(text, strength * event.freshness, event.source)))
    wanted = DEPARTMENT_TECH.get(department or "c-suite", ())
    present = [company.stack[t.lower()] for t in wanted if t.lower() in company.stack]
    items += [
        (len(events) + i, _item(f"Uses {tech}", TECH_CONFIDENCE, f"technographics:{tech}"))
        for i, tech in enumerate(present[:2])
    ]
    return _top(items)


def derive_intelligence(
    leads: pd.DataFrame,
    companies: pd.DataFrame,
    signals: pd.DataFrame,
    *,
    as_of: datetime,
    max_age_days: float = 90,
) -> pd.DataFrame:
    """Pain hypotheses, personalization hooks and a why-now per lead, indexed like `leads`.

    `leads` has `business_id`, `department`, `job_title`; `companies` has `business_id`, `company_name`,
    `industry`, `tech_stack` (a list per row); `signals` has `business_id`, `kind`, `event_name`,
    `occurred_at` (UTC), `event_id`, `data` (a dict). Signals after `as_of` or older than `max_age_days` are
    ignored. Pains and hooks are lists of `{"text", "confidence", "source"}` dicts, at most three, highest
    confidence first; `why_now` is one sentence from the strongest fresh signal, or None.
    """
    out = pd.DataFrame(index=leads.index)
    if leads.empty:
        for column in OUTPUT_COLUMNS:
            out[column] = pd.Series(dtype=float if column == "why_now_confidence" else object)
        return out
    # Keyed by business id, and looked up with None for a lead without one (which finds nothing).
    events: dict[Any, list[_Event]] = _fresh_events(signals, as_of, max_age_days)
    rows: dict[Any, Mapping[str, Any]] = {}
    if companies is not None and not companies.empty and "business_id" in companies:
        firsts = companies.drop_duplicates("business_id")
        # to_dict types record keys Hashable; these columns are str.
        for record in cast(list[dict[str, Any]], firsts.to_dict("records")):
            rows[record["business_id"]] = record
    none = pd.Series(None, index=leads.index, dtype=object)
    business_ids = leads.get("business_id", none)
    pairs = list(zip(leads.get("department", none), leads.get("job_title", none), strict=True))
    department_of = {pair: normalize_department(*pair) for pair in set(pairs)}
    per_company: dict[Any, tuple[_Company, tuple[str | None, float, str | None]]] = {}
    per_pair: dict[tuple[Any, str], tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
    pains, hooks, why, why_confidence, why_source = [], [], [], [], []
    for bid, pair in zip(business_ids, pairs, strict=True):
        key = None if bid is None or (isinstance(bid, float) and math.isnan(bid)) else bid
        department = department_of[pair]
        if key not in per_company:
            company = _company(rows.get(key))
            per_company[key] = (company, _why_now(company, events.get(key, [])))
        company, (sentence, confidence, source) = per_company[key]
        if (key, department) not in per_pair:
            company_events = events.get(key, [])
            per_pair[key, department] = (
                _pains(company, company_events, department),
                _hooks(company, company_events, department),
            )
        lead_pains, lead_hooks = per_pair[key, department]
        # Fresh dicts per lead: a caller editing one lead's list must not change its colleagues'.
        pains.append([dict(item) for item in lead_pains])
        hooks.append([dict(item) for item in lead_hooks])
        why.append(sentence)
        why_confidence.append(confidence)
        why_source.append(source)
    out["pain_hypotheses"] = pd.Series(pains, index=leads.index, dtype=object)
    out["personalization_hooks"] = pd.Series(hooks, index=leads.index, dtype=object)
    out["why_now"] = pd.Series(why, index=leads.index, dtype=object)
    out["why_now_confidence"] = pd.Series(why_confidence, index=leads.index, dtype=float)
    out["why_now_source"] = pd.Series(why_source, index=leads.index, dtype=object)
    return out


def intelligence_summary(row: Mapping[str, Any] | pd.Series) -> str:
    """One lead's intelligence as short plain text, one line per item, for a markdown preview."""
    lines = []
    why = row.get("why_now")
    if isinstance(why, str) and why:
        confidence = row.get("why_now_confidence") or 0.0
        lines.append(f"Why now: {why} ({confidence:.2f}, {row.get('why_now_source')})")
    for label, column in (("Pain", "pain_hypotheses"), ("Hook", "personalization_hooks")):
        items = row.get(column)
        lines += [
            f"- {label}: {item['text']} ({item['confidence']:.2f}, {item['source']})"
            for item in (items if isinstance(items, list) else [])
        ]
    return "\n".join(lines) if lines else "No intelligence: no fresh signals or known technologies."
