"""Issue 11, measured: each job killed right after the first write of every kind of vendor write it makes,
then re-run cleanly, leaves no duplicate, loses nothing, pays nothing twice and is left fully repaired.

One test per job family; each builds the family's base state, makes one clean reference run (whose census
lists the kinds of write), then kills a copy of the base after the first write of each kind (the sandbox's
`kill_after` fault, in a child process) and re-runs it. `benchmarks/chaos.py` runs the full set (a middle
write too, and every kind with its answer lost) and prints the figures per write kind.

What these tests hold: no duplicate, nothing lost, nothing left unrepaired and nothing paid twice after any
kill, at writes and paid reads alike. A kill right after a paid read (an Explorium fetch or enrichment, a
Claude completion) loses an answer the vendor billed: buying it again is the crash's price, counted apart
(`billed_undelivered`), and the spend ledger must still equal the vendor's bill (`spend_ledger_mismatch`,
reconciled from Explorium's credit aggregation and Anthropic's usage report).
"""

from __future__ import annotations

import pytest

from chaos import report
from chaos.runner import ChaosRunner, ScenarioResult

pytestmark = [pytest.mark.chaos, pytest.mark.slow]


def _kill_every_kind(runner: ChaosRunner, family: str) -> list[ScenarioResult]:
    reference = runner.reference(family)
    assert reference.succeeded, f"the clean {family} run failed; see {reference.work.logs}"
    assert not reference.census.unclassified, (
        f"writes the catalogue does not know: {reference.census.unclassified}"
    )
    assert reference.baseline.totals == {"duplicates": 0, "lost": 0, "double_paid": 0, "unrepaired": 0}
    scenarios = runner.scenarios(reference, lose=False, quick=True)
    assert scenarios, f"the clean {family} run made no vendor write"
    return runner.run_all([(s, reference) for s in scenarios])


def _assert_clean(results: list[ScenarioResult]) -> None:
    unfired = [r.scenario.id for r in results if not r.fired or r.error]
    summary = "\n".join(
        [
            "",
            report.table(results),
            "",
            *(report.scenario_line(r) for r in results),
            report.kill_line(results),
        ]
    )
    assert not unfired, f"faults that did not fire: {unfired}{summary}"
    totals = report.total(results).totals
    assert totals == {"duplicates": 0, "lost": 0, "double_paid": 0, "unrepaired": 0}, summary


def test_outbound_job_survives_a_kill_after_every_kind_of_write(chaos_runner: ChaosRunner) -> None:
    _assert_clean(_kill_every_kind(chaos_runner, "outbound"))


def test_outbound_copy_written_per_lead_survives_a_kill(chaos_runner: ChaosRunner) -> None:
    _assert_clean(_kill_every_kind(chaos_runner, "outbound_messages"))


def test_reply_job_survives_a_kill_after_every_kind_of_write(chaos_runner: ChaosRunner) -> None:
    _assert_clean(_kill_every_kind(chaos_runner, "replies"))


def test_inbound_job_survives_a_kill_after_every_kind_of_write(chaos_runner: ChaosRunner) -> None:
    _assert_clean(_kill_every_kind(chaos_runner, "inbound"))


def test_safety_pause_survives_a_kill(chaos_runner: ChaosRunner) -> None:
    _assert_clean(_kill_every_kind(chaos_runner, "safety"))
