"""`LookalikeSettings`: how much evidence a look-alike pattern needs, how many targets each ICP gets and what
the search may cost, and its reading from the environment.

What belongs here: the settings resource of `lookalike_targets` and `settings()`, which the insights
stage's `defs.py` merges into its own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from pydantic import Field

from resources.errors import ConfigurationError
from resources.explorium.models import DEFAULT_PAGE_SIZE

TOP_N_VARIABLE = "SALES_LOOKALIKE_TOP_N"
MAX_CREDITS_VARIABLE = "SALES_LOOKALIKE_MAX_CREDITS"


class LookalikeSettings(dg.ConfigurableResource):
    """How much evidence a pattern needs, how many targets each ICP gets, and what the search may cost."""

    top_n: int = Field(default=20, ge=1, le=1_000, description="Targets kept per ICP, most similar first.")
    min_converted: int = Field(
        default=10,
        ge=1,
        description="Converted accounts an ICP needs before a pattern is learnt from it; with fewer, the "
        "ICP gets no targets and the metadata says so.",
    )
    segment_min_converted: int = Field(
        default=3, ge=1, description="Converted accounts a segment (or a factor value) needs to count."
    )
    min_lift: float = Field(
        default=1.3, gt=1.0, description="How many times the ICP's conversion rate a segment must show."
    )
    alpha: float = Field(
        default=0.05,
        gt=0,
        lt=1,
        description="Error level of the lift's lower bound, before the correction for the segments tried.",
    )
    max_segments: int = Field(default=3, ge=1, le=10, description="Segments learnt (and searched) per ICP.")
    search_size: int = Field(
        default=100,
        ge=1,
        le=5_000,
        description="Companies bought per search at most (1 credit each). Segments are searched strongest "
        "first, each for twice the candidates still missing, until `top_n` are left after the exclusions.",
    )
    page_size: int = Field(
        default=DEFAULT_PAGE_SIZE, ge=1, le=500, description="Records per search step, each cached at once."
    )
    max_credits: float = Field(
        default=300.0,
        ge=0,
        description="Explorium credits the look-alike search may spend per ICP and day, inside the ICP's "
        "own daily budget (shared with discovery).",
    )
    signal_days: int = Field(
        default=90, ge=1, le=365, description="Days of business events read for the candidates' signals."
    )


def lookalike_settings_from_env(environ: Mapping[str, str] | None = None) -> LookalikeSettings:
    """`LookalikeSettings` with `SALES_LOOKALIKE_TOP_N` and `SALES_LOOKALIKE_MAX_CREDITS` when set."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for variable, name, kind in (
        (TOP_N_VARIABLE, "top_n", int),
        (MAX_CREDITS_VARIABLE, "max_credits", float),
    ):
        raw = (env.get(variable) or "").strip()
        if raw:
            try:
                values[name] = kind(raw)
            except ValueError as exc:
                raise ConfigurationError(f"{variable}={raw!r} is not a number") from exc
    return LookalikeSettings(**values)


def settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The look-alike's settings resource, as the stages' `settings()` return theirs."""
    return {"lookalike_settings": lookalike_settings_from_env(environ)}
