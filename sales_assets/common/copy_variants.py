"""Copy experiments as enrollment sees them: which variant a lead gets, what that variant changes in the
lead's copy, and the records in the pipeline store that say which experiment runs and which copy is the
default of an ICP.

What belongs here: what both the outbound stage (enrollment assigns and sends a variant) and the insights
stage (`copy_experiments` writes experiments, decides and promotes) need: `assign_variant`, the record
shapes (`CopyVariant`, `Experiment`, `DefaultChange`) and how they are read from the action ledger, and
`apply_variant`. Writing variants, reading results and deciding are the insights stage's.

The records, in the action ledger (`resources.pipeline_store.actions`):

- `copy_experiment`, key `<icp>|<round>`: one per experiment round of an ICP, status `running`, then
  `promoted` or `no_difference` when the rule decided; its detail holds the variants' texts, the settings
  the rule was run with and, once decided, the verdicts.
- `copy_default`, key `<icp>|<sequence>`: the history of an ICP's default copy. A `promoted` row puts a
  winner in force; a `reverted` row takes the latest promotion still in force back out and restores the
  default before it. The default in force is what the history leaves on top (none: the copy writer's own
  subject and first line).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from resources.pipeline_store import ActionLedger

#: The lemlist custom variable naming the variant a lead was sent; the sandbox's planted outcomes read it.
VARIANT_VARIABLE = "subjectVariant"
#: The control's name: the default copy in force when the experiment started.
CONTROL = "A"
EXPERIMENT_KIND = "copy_experiment"
DEFAULT_KIND = "copy_default"
RUNNING = "running"
PROMOTED, REVERTED = "promoted", "reverted"

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def assign_variant(experiment: str, lead_key: str, variants: Sequence[str]) -> str:
    """The variant a lead gets, the same on every run and every machine: a hash of the experiment and the
    lead's key (its email), not a random draw, so a re-run or a retry never moves a lead between arms."""
    if not variants:
        raise ValueError("an experiment needs at least one variant")
    digest = hashlib.sha256(f"{experiment}\x1f{lead_key.strip().lower()}".encode()).digest()
    return variants[int.from_bytes(digest[:8], "big") % len(variants)]


@dataclass(frozen=True, slots=True)
class CopyVariant:
    """One arm: a subject line and a first line for every lead of the ICP. None keeps the lead's own (the
    copy writer's) subject or first line: the control of an ICP that never promoted anything."""

    name: str
    subject: str | None = None
    first_line: str | None = None

    def as_detail(self) -> dict[str, Any]:
        return {"name": self.name, "subject": self.subject, "first_line": self.first_line}

    @classmethod
    def from_detail(cls, detail: Mapping[str, Any]) -> CopyVariant:
        return cls(str(detail["name"]), detail.get("subject"), detail.get("first_line"))


@dataclass(frozen=True, slots=True)
class Experiment:
    """One experiment round of an ICP as recorded: its variants (the control first) and its state."""

    id: str
    icp: str
    status: str
    variants: tuple[CopyVariant, ...]
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variants]

    @property
    def round(self) -> int:
        return int(self.id.rsplit("|", 1)[-1])

    def variant(self, name: str) -> CopyVariant:
        return next(v for v in self.variants if v.name == name)

    def assign(self, email: str) -> CopyVariant:
        return self.variant(assign_variant(self.id, email, self.names))


@dataclass(frozen=True, slots=True)
class DefaultChange:
    """One row of an ICP's default-copy history."""

    key: str
    status: str
    detail: dict[str, Any]

    @property
    def sequence(self) -> int:
        return int(self.key.rsplit("|", 1)[-1])


def record_key(icp: str, sequence: int) -> str:
    return f"{icp}|{sequence:04d}"


def _of_icp(actions: ActionLedger, kind: str, icp: str) -> list[tuple[str, str, dict[str, Any]]]:
    frame = actions.entries(kind)
    rows = [
        (str(k), str(s), dict(d))
        for k, s, d in zip(frame["key"], frame["status"], frame["detail"], strict=True)
        if str(k).rsplit("|", 1)[0] == icp
    ]
    return sorted(rows, key=lambda r: int(r[0].rsplit("|", 1)[-1]))


def experiments(actions: ActionLedger, icp: str) -> list[Experiment]:
    """Every experiment round of `icp`, oldest first."""
    return [
        Experiment(
            key,
            icp,
            status,
            tuple(CopyVariant.from_detail(v) for v in detail.get("variants", [])),
            detail,
        )
        for key, status, detail in _of_icp(actions, EXPERIMENT_KIND, icp)
    ]


def running_experiment(actions: ActionLedger, icp: str) -> Experiment | None:
    """The experiment enrollment assigns `icp`'s leads to; None: every lead gets the default copy."""
    found = [e for e in experiments(actions, icp) if e.status == RUNNING and e.variants]
    return found[-1] if found else None


def default_history(actions: ActionLedger, icp: str) -> list[DefaultChange]:
    """`icp`'s promotions and reverts, oldest first."""
    return [DefaultChange(k, s, d) for k, s, d in _of_icp(actions, DEFAULT_KIND, icp)]


def promotions_in_force(history: Sequence[DefaultChange]) -> list[DefaultChange]:
    """The promotions a history leaves in force, oldest first: each revert takes out the latest one."""
    stack: list[DefaultChange] = []
    for change in history:
        if change.status == PROMOTED:
            stack.append(change)
        elif change.status == REVERTED and stack:
            stack.pop()
    return stack


def current_default(actions: ActionLedger, icp: str) -> CopyVariant | None:
    """The copy promoted for `icp` and in force; None: the copy writer's own subject and first line."""
    stack = promotions_in_force(default_history(actions, icp))
    if not stack:
        return None
    return CopyVariant.from_detail(stack[-1].detail["copy"])


def with_first_line(body: str, first_line: str) -> str:
    """`body` opening with `first_line`: the first sentence after the greeting (a first line ending in a
    comma, "Hi Anna,") is replaced, the rest of its paragraph and the email stay as written."""
    lines = body.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not filled:
        return first_line
    at = filled[0]
    if lines[at].rstrip().endswith(",") and len(filled) > 1:
        at = filled[1]
    parts = _SENTENCE_END.split(lines[at].strip(), maxsplit=1)
    rest = parts[1] if len(parts) > 1 else ""
    lines[at] = first_line.strip() + (f" {rest}" if rest else "")
    return "\n".join(lines)


def apply_variant(
    subject: str | None, body: str | None, variant: CopyVariant | None
) -> tuple[str | None, str | None]:
    """A lead's (subject, body) as `variant` sends them; None, or a variant's None, leaves them as written."""
    if variant is None:
        return subject, body
    if variant.subject:
        subject = variant.subject
    if variant.first_line and body:
        body = with_first_line(body, variant.first_line)
    return subject, body
