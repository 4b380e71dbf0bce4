"""`EvaluationSettings`: what the `evaluations` asset scores the reply classifier on.

What belongs here: the settings resource, `evaluation_settings_from_env` (the labelled sets from
`SALES_LABELLED_SETS`, paths separated by `os.pathsep`) and `settings`, the resources the insights stage's
`defs.py` binds for it. A labelled set is a JSON-lines file in the format of `../shared/data/README.md`
(`id`, `source`, `subject`, `text`, `label`); the project's own hand-written replies ship with the package
and are scored unless switched off.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field

from sales_assets.insights.reply_scores import HAND_WRITTEN

LABELLED_SETS_VARIABLE = "SALES_LABELLED_SETS"
HAND_WRITTEN_SET = "hand_written"
#: The name of the figures over every set together.
ALL_SETS = "all"


class EvaluationSettings(dg.ConfigurableResource):
    """The labelled sets the reply classifier is scored on every day."""

    labelled_sets: list[str] = Field(
        default=[],
        description="Paths of labelled sets (JSON lines: id, source, subject, text, label), each scored "
        f"under its file name without the extension; from {LABELLED_SETS_VARIABLE}. A path that does not "
        "exist fails the run, naming it.",
    )
    hand_written: bool = Field(
        default=True,
        description=f"Score the project's own hand-written replies too (set `{HAND_WRITTEN_SET}`).",
    )
    examples: int = Field(
        default=10, ge=0, description="Wrong or ungrounded items shown in the metadata previews."
    )

    def sets(self) -> dict[str, Path]:
        """Each set's name and path, the hand-written set first. Two sets with one name, or a set named
        `all`, are an error: their figures would be reported under the same keys."""
        out: dict[str, Path] = {HAND_WRITTEN_SET: HAND_WRITTEN} if self.hand_written else {}
        for raw in self.labelled_sets:
            path = Path(raw).expanduser()
            name = path.name.removesuffix(".jsonl")
            if name == ALL_SETS:
                raise ValueError(f"labelled set {path}: {ALL_SETS!r} names the figures over every set")
            if name in out:
                raise ValueError(f"labelled sets {out[name]} and {path} have the same name {name!r}")
            out[name] = path
        return out


def evaluation_settings_from_env(environ: Mapping[str, str] | None = None) -> EvaluationSettings:
    """`EvaluationSettings` with the labelled sets of `SALES_LABELLED_SETS` (none when unset)."""
    env = os.environ if environ is None else environ
    paths = [p.strip() for p in env.get(LABELLED_SETS_VARIABLE, "").split(os.pathsep) if p.strip()]
    return EvaluationSettings(labelled_sets=paths)


def settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The resources the `evaluations` asset needs beyond the shared `seller`."""
    return {"evaluation_settings": evaluation_settings_from_env(environ)}
