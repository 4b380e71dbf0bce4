"""The offline reply classifier scored on labelled sets of mail: how often its label is right, how precise
its sure labels are, and the confusions that would hurt someone.

What belongs here: reading a labelled set (`load_labelled`: JSON lines with `id`, `source`, `subject`,
`text` and `label`, the format of `../shared/data/README.md`; other keys are ignored), the product's
offline decision on one message (`decide`: the rules' label, whether they are sure, and whether the
address would be suppressed on it), `score` with its `Score` (exact label, per-label precision and recall,
bounce recall, sure share and precision, and the dangerous confusions: a non-hard bounce that would
suppress, an out-of-office or auto-reply that would suppress, a bounce read as a person's intent), and
`score_table`, the per-label figures as markdown. Pure and offline: nothing here calls Claude, so scoring a
set costs nothing however often it runs. The `evaluations` asset, `tests/real_mail.py` and
`benchmarks/reply_classifier.py` all score through here.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sales_assets.common.mail.classify import LABELS, classify_reply
from sales_assets.common.mail.suppressing import BOUNCE_LABELS, suppresses

#: The project's own hand-written replies (English, German, French), shipped with the package.
HAND_WRITTEN = Path(__file__).resolve().parents[1] / "common" / "mail" / "hand_written_replies.jsonl"
BOUNCES = tuple(sorted(BOUNCE_LABELS))
AUTOMATIC = ("out_of_office", "auto_reply")
HUMAN = (
    "interested",
    "meeting_request",
    "question",
    "not_interested",
    "unsubscribe",
    "referral",
    "wrong_person",
)
DANGERS = ("non-hard suppressed", "automatic suppressed", "bounce as intent")
_FIELDS = ("id", "source", "subject", "text", "label")


class LabelledSetError(ValueError):
    """A labelled set that cannot be read: missing, not JSON lines, or a line without a known label."""


@dataclass(frozen=True, slots=True)
class LabelledMail:
    id: str
    source: str  # where the message comes from (for real mail: repository@commit:path)
    subject: str
    text: str
    label: str  # one of LABELS


@dataclass(frozen=True, slots=True)
class Decision:
    label: str
    sure: bool
    suppress: bool
    reason: str


def load_labelled(path: Path) -> list[LabelledMail]:
    """Every message of a labelled set, in file order. A missing file, a line that is not a JSON object
    with the five fields, or a label the classifier does not know is an error naming the file (and line)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise LabelledSetError(f"labelled set {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelledSetError(f"labelled set {path} cannot be read: {exc}") from exc
    out = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelledSetError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or any(not isinstance(row.get(k), str) for k in _FIELDS):
            raise LabelledSetError(f"{path}:{number}: needs the string fields {', '.join(_FIELDS)}")
        if row["label"] not in LABELS:
            raise LabelledSetError(f"{path}:{number}: unknown label {row['label']!r}")
        out.append(LabelledMail(row["id"], row["source"], row["subject"], row["text"], row["label"]))
    return out


def decide(subject: str, text: str) -> Decision:
    """What the product does with a message in the inbox, offline: the rules' label, whether they are sure,
    and whether the address would be suppressed on it (a sure label that suppresses; an unsure bounce is
    acted on as a soft one, see `sales_assets.common.mail.suppressing.obeyed`)."""
    found = classify_reply(text, subject)
    return Decision(found.label, found.sure, suppresses(found), found.reason)


@dataclass
class Score:
    total: int = 0
    right: int = 0
    sure: int = 0
    sure_right: int = 0
    bounces: int = 0
    bounces_as_bounce: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: (id, expected, got, reason) of each dangerous decision, by kind.
    danger: dict[str, list[tuple[str, str, str, str]]] = field(
        default_factory=lambda: {kind: [] for kind in DANGERS}
    )

    @property
    def exact(self) -> float:
        return self.right / self.total if self.total else 0.0

    @property
    def bounce_recall(self) -> float:
        return self.bounces_as_bounce / self.bounces if self.bounces else 1.0

    @property
    def sure_share(self) -> float:
        """Share of the messages the rules decide alone (the others would go to Claude or a person)."""
        return self.sure / self.total if self.total else 0.0

    @property
    def sure_precision(self) -> float:
        return self.sure_right / self.sure if self.sure else 1.0

    @property
    def dangerous(self) -> int:
        return sum(len(found) for found in self.danger.values())

    def precision_recall(self, label: str) -> tuple[float | None, float | None, int]:
        given = sum(n for (_, got), n in self.confusion.items() if got == label)
        actual = sum(n for (exp, _), n in self.confusion.items() if exp == label)
        right = self.confusion[(label, label)]
        return (right / given if given else None, right / actual if actual else None, actual)


def score(mails: Iterable[LabelledMail], decisions: Iterable[Decision]) -> Score:
    result = Score()
    for mail, got in zip(mails, decisions, strict=True):
        result.total += 1
        result.right += got.label == mail.label
        result.sure += got.sure
        result.sure_right += got.sure and got.label == mail.label
        result.confusion[(mail.label, got.label)] += 1
        if mail.label in BOUNCES:
            result.bounces += 1
            result.bounces_as_bounce += got.label in BOUNCES
            if got.label in HUMAN:
                result.danger["bounce as intent"].append((mail.id, mail.label, got.label, got.reason))
        if got.suppress and mail.label in BOUNCES and mail.label != "bounce_hard":
            result.danger["non-hard suppressed"].append((mail.id, mail.label, got.label, got.reason))
        if got.suppress and mail.label in AUTOMATIC:
            result.danger["automatic suppressed"].append((mail.id, mail.label, got.label, got.reason))
    return result


def score_set(mails: list[LabelledMail]) -> Score:
    """`score` of the rules' decisions on `mails`."""
    return score(mails, [decide(m.subject, m.text) for m in mails])


def score_table(result: Score) -> str:
    """Per-label items, precision and recall as a markdown table (labels neither expected nor given are
    left out; `-` where a figure has no denominator)."""

    def pct(value: float | None) -> str:
        return "-" if value is None else f"{100 * value:.1f} %"

    lines = ["| label | items | precision | recall |", "| --- | ---: | ---: | ---: |"]
    for label in LABELS:
        precision, recall, n = result.precision_recall(label)
        if n or precision is not None:
            lines.append(f"| {label} | {n} | {pct(precision)} | {pct(recall)} |")
    return "\n".join(lines)


__all__ = [
    "HAND_WRITTEN",
    "LABELS",
    "Decision",
    "LabelledMail",
    "LabelledSetError",
    "Score",
    "decide",
    "load_labelled",
    "score",
    "score_set",
    "score_table",
]
