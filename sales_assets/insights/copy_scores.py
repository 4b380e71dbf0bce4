"""The day's outreach copy measured: how much of it passes the copy lint, how much was held back, and how
much states a fact that is not in the lead's facts.

What belongs here: `judge_copy` (one row per lead's copy: held back, lint problems, whether Claude's first
answer passed, and the claims the lead's facts do not support) and `copy_figures`, the rates over those
rows. Pure: the frames come from the `outreach_copy` and `qualified_leads` assets, the facts are built by
`sales_assets.common.lead_facts` exactly as the copy's prompt was, and nothing is paid for.

The rates, with what each is over (a rate over nothing is 0):
- `held_back_rate`: leads whose copy was held back (failed the lint, or was not valid JSON, twice), over
  all leads;
- `lint_pass_rate`: leads whose copy passes today's lint against the lead's facts, over the leads whose
  facts are known (a held-back lead has no copy that passed);
- `first_answer_pass_rate`: leads whose first answer from Claude was written as it came, over the leads
  Claude answered in the run (copy read from the cache was not asked for);
- `ungrounded_share`: copy with a number or a name the facts do not contain
  (`sales_assets.insights.grounding`), over the copy whose facts are known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd

from sales_assets.common.copy_lint import lint_copy
from sales_assets.common.copy_models import EmailCopy
from sales_assets.common.lead_facts import copy_support, lead_facts
from sales_assets.common.metadata import is_missing
from sales_assets.common.seller import SellerSettings
from sales_assets.insights.grounding import ungrounded_claims

COPY_PARTS = ("subject", "body", "follow_up_subject", "follow_up_body")
JUDGED_COLUMNS = (
    "icp",
    "prospect_id",
    "status",
    "held_back",
    "has_facts",
    "lint_passed",
    "lint_problems",
    "answered",
    "first_answer_passed",
    "ungrounded",
    "ungrounded_claims",
)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    # to_dict types record keys Hashable; these columns are str.
    return cast(list[dict[str, Any]], frame.to_dict(orient="records"))


def judge_copy(copy: pd.DataFrame, leads: pd.DataFrame, seller: SellerSettings) -> pd.DataFrame:
    """One row per row of `copy` (the `OutreachCopy` columns plus `icp`), judged against the facts of the
    same lead in `leads` (`qualified_leads` rows plus `icp`), matched on (icp, prospect_id)."""
    facts: dict[tuple[str, str], str] = {}
    for lead in _records(leads):
        found, untrusted = lead_facts(lead, seller)
        facts[(str(lead["icp"]), str(lead["prospect_id"]))] = copy_support(found, untrusted, seller)
    rows = []
    for row in _records(copy):
        if row["status"] == "over_budget":
            continue  # not written (the partition's Claude budget ran out): nothing to judge
        support = facts.get((str(row["icp"]), str(row["prospect_id"])))
        held = row["status"] == "held_back"
        texts = [] if held else [str(row[p]) for p in COPY_PARTS if not is_missing(row[p])]
        problems: list[str] = []
        claims: list[str] = []
        if support is not None and texts:
            # Copy in the frame passed EmailCopy's validation when it was written: constructed unvalidated
            # here, so a lint change is measured rather than raised.
            email = EmailCopy.model_construct(
                subject=str(row["subject"]),
                body=str(row["body"]),
                follow_up_subject=str(row["follow_up_subject"]),
                follow_up_body=str(row["follow_up_body"]),
            )
            problems = lint_copy(email, support)
            claims = list(dict.fromkeys(c for text in texts for c in ungrounded_claims(text, support)))
        attempts = int(row["attempts"])
        rows.append(
            {
                "icp": str(row["icp"]),
                "prospect_id": str(row["prospect_id"]),
                "status": str(row["status"]),
                "held_back": held,
                "has_facts": support is not None,
                "lint_passed": support is not None and bool(texts) and not problems,
                "lint_problems": "; ".join(problems) or None,
                "answered": attempts >= 1,
                "first_answer_passed": attempts == 1 and row["status"] == "written",
                "ungrounded": bool(claims),
                "ungrounded_claims": "; ".join(claims) or None,
            }
        )
    return pd.DataFrame(rows, columns=list(JUDGED_COLUMNS))


@dataclass(frozen=True)
class CopyFigures:
    rows: int
    held_back: int
    with_facts: int
    lint_passed: int
    answered: int
    first_answer_passed: int
    checked: int  # rows with copy and known facts: what `ungrounded_share` is over
    ungrounded: int

    @staticmethod
    def _rate(part: int, whole: int) -> float:
        return part / whole if whole else 0.0

    @property
    def without_facts(self) -> int:
        return self.rows - self.with_facts

    @property
    def held_back_rate(self) -> float:
        return self._rate(self.held_back, self.rows)

    @property
    def lint_pass_rate(self) -> float:
        return self._rate(self.lint_passed, self.with_facts)

    @property
    def first_answer_pass_rate(self) -> float:
        return self._rate(self.first_answer_passed, self.answered)

    @property
    def ungrounded_share(self) -> float:
        return self._rate(self.ungrounded, self.checked)

    def rates(self) -> Mapping[str, tuple[float, int]]:
        """Each rate with the count it is over."""
        return {
            "held_back_rate": (self.held_back_rate, self.rows),
            "lint_pass_rate": (self.lint_pass_rate, self.with_facts),
            "first_answer_pass_rate": (self.first_answer_pass_rate, self.answered),
            "ungrounded_share": (self.ungrounded_share, self.checked),
        }


def copy_figures(judged: pd.DataFrame) -> CopyFigures:
    """The figures over `judge_copy` rows (all of them: filter first for one ICP)."""
    with_facts = judged["has_facts"].astype(bool)
    return CopyFigures(
        rows=len(judged),
        held_back=int(judged["held_back"].astype(bool).sum()),
        with_facts=int(with_facts.sum()),
        lint_passed=int(judged["lint_passed"].astype(bool).sum()),
        answered=int(judged["answered"].astype(bool).sum()),
        first_answer_passed=int(judged["first_answer_passed"].astype(bool).sum()),
        checked=int((with_facts & ~judged["held_back"].astype(bool)).sum()),
        ungrounded=int(judged["ungrounded"].astype(bool).sum()),
    )
