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


def test_task_bodies_neutralise_formulas_of_third_party_text() -> None:
    from sales_assets.engagement.reply_plans import plan_action, task_input
    from sales_assets.engagement.settings import ReplySettings
    from sales_assets.inbound.routing import task_body, task_subject

    row = {
        "activity_id": "act_1",
        "email": "x@y.example",
        "first_name": '=HYPERLINK("http://evil.example","Ada")',
        "label": "interested",
        "decided_by": "rules",
        "reason": "asks for a call",
        "subject": "+1 call",
        "body": 'Sounds good.\n=HYPERLINK("http://evil.example","click")\n@SUM(A1)',
        "created_at": "2026-12-01T10:00:00Z",
    }
    task = task_input(row, plan_action("interested", "emailsReplied", False), ReplySettings(), None, None)
    assert "'=HYPERLINK" in task.subject and "\n'=HYPERLINK" in (task.body or "")
    assert "\n'@SUM(A1)" in (task.body or "") and "Subject: '+1 call" in (task.body or "")
    lead = {
        "tier": "HOT",
        "tier_reason": "fit",
        "email": "x@y.example",
        "first_name": "-2+3",
        "company_name": "=cmd|' /C calc'!A0",
        "job_title": "@CEO",
        "message": "hi\n=1+1",
    }
    assert "'-2+3" in task_subject(lead) and "('=cmd" in task_subject(lead)
    body = task_body(lead, None, None, "no draft")
    assert "Title: '@CEO" in body and "\n'=1+1" in body
