"""Helpers that turn frames and counts into Dagster metadata a person can read and the UI can plot.

What belongs here: formatting every stage's assets and checks share (a frame's rows as a markdown table,
telling a missing pandas value from a present one). What an asset reports stays with the asset.
"""

from __future__ import annotations

import pandas as pd


def is_missing(value: object) -> bool:
    """None, NaN or NaT: what a pandas record holds where a value is absent."""
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value).replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= 80 else text[:77] + "..."


def markdown_table(frame: pd.DataFrame, *, limit: int = 20, columns: list[str] | None = None) -> str:
    """The first `limit` rows of `frame` as a markdown table (cells escaped and shortened)."""
    cols = columns or list(frame.columns)
    if frame.empty:
        return "_no rows_"
    head = "| " + " | ".join(cols) + " |"
    rule = "| " + " | ".join("---" for _ in cols) + " |"
    body = ["| " + " | ".join(_cell(row[c]) for c in cols) + " |" for _, row in frame.head(limit).iterrows()]
    more = [f"\n_{len(frame) - limit} more rows_"] if len(frame) > limit else []
    return "\n".join([head, rule, *body, *more])
