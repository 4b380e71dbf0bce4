"""`sales_assets.common.text`: cells that could start a spreadsheet formula get a leading quote (OWASP's
CSV-injection guidance), nothing else changes, and the escape undoes exactly."""

from __future__ import annotations

import pytest

from sales_assets.common.text import FORMULA_TRIGGERS, spreadsheet_safe, spreadsheet_unescape


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+1-555-0100",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        # What a spreadsheet may trim or fold before it decides: leading spaces, invisible characters,
        # full-width signs.
        "  =1+1",
        "\u00a0=1+1",
        "\u200b=1+1",
        "\uff1d1+1",
        "\uff20SUM(A1)",
        # Already quoted once: quoted again, so the quote the value had survives the round trip.
        "'=1+1",
    ],
)
def test_cells_that_could_start_a_formula_get_a_leading_quote(value: str) -> None:
    assert spreadsheet_safe(value) == "'" + value
    assert spreadsheet_unescape(spreadsheet_safe(value)) == value


@pytest.mark.parametrize(
    "value", ["", " ", "jane@example.com", "Acme = good", "'Tis the season", "'", "2026-11-01T00:00:00+00:00"]
)
def test_other_text_is_left_exactly_as_it_is(value: str) -> None:
    assert spreadsheet_safe(value) == value
    assert spreadsheet_unescape(value) == value


def test_the_triggers_are_owasps() -> None:
    assert frozenset("=+-@\t\r") == FORMULA_TRIGGERS
