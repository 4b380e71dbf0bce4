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
    #: Re-weigh a signal when at least this many accounts had it ...
    weight_min_accounts: int = Field(30, ge=1)
    #: ... and its weight times its lift (rounded to 0.05, kept in [0.05, 1]) moves it at least this much.
    weight_min_change: float = Field(0.1, gt=0, le=1)


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    action: str  # "add", "remove", or "set" (a weight: `value` is "name=weight")
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


def propose_weights(
    profile: IcpProfile, accounts: pd.DataFrame, converted: pd.Series, settings: SuggestionSettings
) -> list[Change]:
    """New intent weights for the signals whose conversion says their weight is off: the current weight
    times the signal's lift (converters' share over all accounts' share), rounded to 0.05 and kept in
    [0.05, 1], proposed when enough accounts had the signal and the weight moves by at least
    `weight_min_change`. Strongest move first."""
    if not converted.any() or "signals" not in accounts.columns:
        return []
    current = profile.signal_weights.model_dump()
    changes = []
    for evidence in value_evidence(accounts, converted, "signals"):
        weight = current.get(evidence.value)
        if weight is None or evidence.accounts < settings.weight_min_accounts:
            continue
        proposed = round(min(max(weight * evidence.lift, 0.05), 1.0) * 20) / 20
        if abs(proposed - weight) >= settings.weight_min_change - 1e-9:
            changes.append(Change("signal_weights", "set", f"{evidence.value}={proposed:g}", evidence))
    return sorted(changes, key=lambda c: (-abs(c.evidence.lift - 1), c.value))


def _last_line(lines: list[str], node: yaml.Node) -> int:
    """The 0-based line of a node's last character. A block mapping or list ends where the next key
    starts, so the blank lines (and the next key's line) before that are not the node's."""
    line, column = node.end_mark.line, node.end_mark.column
    if column == 0 or not lines[min(line, len(lines) - 1)][:column].strip():
        line -= 1
    while line > node.start_mark.line and not lines[line].strip():
        line -= 1
    return line


def _field_span(
    root: yaml.Node, lines: list[str], profile: str, field: str
) -> tuple[int, int] | tuple[int, None]:
    """(first line, last line) of `profiles.<profile>.<field>` in the file, 0-based; when the profile does
    not set the field, (the line after the profile's last line, None)."""
    assert isinstance(root, yaml.MappingNode)
    profiles = next(v for k, v in root.value if k.value == "profiles")
    node = next(v for k, v in profiles.value if k.value == profile)
    for key, value in node.value:
        if key.value == field:
            return key.start_mark.line, _last_line(lines, value)
    return max(_last_line(lines, v) for _, v in node.value) + 1, None


def _flow(values: list[str] | dict[str, float]) -> str:
    return yaml.safe_dump(values, default_flow_style=True, width=10_000, sort_keys=False).strip()


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
        values: list[str] | dict[str, float]
        if field == "signal_weights":
            values = {name: float(w) for name, w in profile.signal_weights.model_dump().items()}
            values.update({c.value.split("=")[0]: float(c.value.split("=")[1]) for c in mine})
        else:
            removed = {c.value.lower() for c in mine if c.action == "remove"}
            values = [str(v) for v in getattr(profile, field) if str(v).strip().lower() not in removed]
            values += [c.value for c in mine if c.action == "add"]
        first, last = _field_span(root, lines, profile.name, field)
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
