"""ICP suggestions: a proposed change to a profile's targeting, each line with the counts behind it,
written as a unified diff of the profile's YAML that a person reads and applies by hand. The pipeline never
applies it.

What belongs here: turning the look-alike evidence (`lookalike.value_evidence`) into additions (values
converters have clearly more often that the profile lacks) and removals (values the profile targets that
reached many accounts and converted clearly less), and rendering both as a diff with the evidence as YAML
comments. The `icp_suggestions` asset decides which accounts count as converted.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import get_args

import pandas as pd
import yaml
from pydantic import BaseModel, Field

from sales_assets.common.icp import EmployeeRange, IcpProfile, RevenueRange, SignalKind
from sales_assets.insights.lookalike import ValueEvidence, value_evidence

#: Look-alike factor -> the profile field that targets it.
PROFILE_FIELDS: Mapping[str, str] = {
    "industry": "industries",
    "employees_range": "employee_ranges",
    "revenue_range": "revenue_ranges",
    "country": "countries",
    "technologies": "technologies",
    "signals": "intent_signals",
}


#: Fields whose values are a closed vocabulary: a proposed value is spelt as the vocabulary spells it.
VOCABULARIES: Mapping[str, tuple[str, ...]] = {
    "employee_ranges": get_args(EmployeeRange),
    "revenue_ranges": get_args(RevenueRange),
    "intent_signals": get_args(SignalKind),
}


def _spelling(field: str, value: str) -> str | None:
    """`value` as the profile file must spell it, or None when the field's vocabulary has no such value."""
    vocabulary = VOCABULARIES.get(field)
    if vocabulary is None:
        return value
    return next((word for word in vocabulary if word.lower() == value.lower()), None)


class SuggestionSettings(BaseModel):
    """How strong the evidence must be before a line is proposed."""

    model_config = {"extra": "forbid"}

    #: Add a value when at least this many converters have it ...
    add_min_converted: int = Field(3, ge=1)
    #: ... and converters have it at least this many times as often as accounts in general.
    add_min_lift: float = Field(1.5, gt=1)
    #: Remove a targeted value when at least this many accounts had it ...
    remove_min_accounts: int = Field(30, ge=1)
    #: ... and converters have it at most this share as often as accounts in general (0 converters included).
    remove_max_lift: float = Field(0.34, ge=0, lt=1)


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    action: str  # "add" or "remove"
    value: str
    evidence: ValueEvidence

    @property
    def reason(self) -> str:
        e = self.evidence
        return (
            f"{e.converted} of the converters ({e.converted_share:.0%}) vs {e.account_share:.0%} of "
            f"{e.accounts} accounts reached had it; lift {e.lift:.2f}"
        )


def propose(
    profile: IcpProfile, accounts: pd.DataFrame, converted: pd.Series, settings: SuggestionSettings
) -> list[Change]:
    """The changes to `profile` the evidence supports, additions first, strongest first."""
    if not converted.any():
        return []
    changes: list[Change] = []
    for factor, field in PROFILE_FIELDS.items():
        if factor not in accounts.columns:
            continue
        targeted = {str(v).strip().lower() for v in getattr(profile, field)}
        for evidence in value_evidence(accounts, converted, factor):
            spelt = _spelling(field, evidence.value)
            if (
                spelt is not None
                and evidence.value not in targeted
                and evidence.converted >= settings.add_min_converted
                and evidence.lift >= settings.add_min_lift
            ):
                changes.append(Change(field, "add", spelt, evidence))
            elif (
                evidence.value in targeted
                and evidence.accounts >= settings.remove_min_accounts
                and evidence.lift <= settings.remove_max_lift
            ):
                changes.append(Change(field, "remove", evidence.value, evidence))
    return sorted(changes, key=lambda c: (c.action != "add", -c.evidence.lift, c.field, c.value))


def _field_span(root: yaml.Node, profile: str, field: str) -> tuple[int, int] | tuple[int, None]:
    """(first line, last line) of `profiles.<profile>.<field>` in the file, 0-based; when the profile does
    not set the field, (the line after the profile's last line, None)."""
    assert isinstance(root, yaml.MappingNode)
    profiles = next(v for k, v in root.value if k.value == "profiles")
    node = next(v for k, v in profiles.value if k.value == profile)
    for key, value in node.value:
        if key.value == field:
            end = value.end_mark.line - (1 if value.end_mark.column == 0 else 0)
            return key.start_mark.line, end
    last = max(v.end_mark.line - (1 if v.end_mark.column == 0 else 0) for _, v in node.value)
    return last + 1, None


def _flow(values: list[str]) -> str:
    return yaml.safe_dump(values, default_flow_style=True, width=10_000).strip()


def patched(text: str, profile: IcpProfile, changes: list[Change]) -> str:
    """The profile file's text with `changes` made to `profile`: each changed field rewritten as one flow
    list, with a comment line per change giving its evidence; everything else byte for byte."""
    lines = text.splitlines(keepends=True)
    root = yaml.compose(text)
    if root is None:
        raise ValueError("the profile file is empty")
    edits = []
    for field in dict.fromkeys(c.field for c in changes):
        mine = [c for c in changes if c.field == field]
        removed = {c.value.lower() for c in mine if c.action == "remove"}
        values = [str(v) for v in getattr(profile, field) if str(v).strip().lower() not in removed]
        values += [c.value for c in mine if c.action == "add"]
        first, last = _field_span(root, profile.name, field)
        indent = " " * 4
        if last is not None:
            indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
        comments = [f"{indent}# insights: {c.action} {c.value}: {c.reason}\n" for c in mine]
        edits.append((first, last, [*comments, f"{indent}{field}: {_flow(values)}\n"]))
    # From the bottom up, so earlier line numbers stay valid.
    for first, last, new in sorted(edits, key=lambda e: -e[0]):
        lines[first : (last + 1 if last is not None else first)] = new
    return "".join(lines)


def yaml_diff(text: str, profile: IcpProfile, changes: list[Change], path: str = "icp_profiles.yaml") -> str:
    """A unified diff from the profile file as it is to `patched` (`git apply` takes it). Empty when
    nothing changes."""
    if not changes:
        return ""
    after = patched(text, profile, changes)
    diff = difflib.unified_diff(
        text.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    return "".join(diff)
