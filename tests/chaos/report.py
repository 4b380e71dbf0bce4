"""The chaos report: scenario results summed per write kind and measure, as text a person reads.

What belongs here: `table` (one row per family and write kind), `findings` (every measure that found
something, with examples), `kill_line` (the benchmark's last line, whose format is fixed by issue 11:
`chaos: kills=N duplicates=D lost=L double_paid=P unrepaired=U`), `lost_response_line` and
`undelivered_line` (answers billed and never delivered, apart from double_paid). The figures of
the last line are summed over every scenario that ran, kills and lost answers alike; `kills` counts the
kills that fired.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from chaos.measure import FIGURES, Figures
from chaos.runner import ScenarioResult


def total(results: Iterable[ScenarioResult]) -> Figures:
    out = Figures()
    for result in results:
        out = out + result.figures
    return out


def table(results: list[ScenarioResult]) -> str:
    """One row per (family, write kind): kills that fired, lost answers, and the four figures."""
    rows: dict[tuple[str, str], list[ScenarioResult]] = defaultdict(list)
    for result in results:
        rows[(result.scenario.family, result.scenario.label)].append(result)
    header = (
        f"{'family':<18} {'write kind':<40} {'kills':>5} {'lost answers':>12} "
        f"{'duplicates':>10} {'lost':>5} {'double_paid':>11} {'unrepaired':>10}"
    )
    lines = [header, "-" * len(header)]
    for (family, label), group in rows.items():
        kills = sum(1 for r in group if r.scenario.mode == "kill" and r.fired)
        answers = sum(1 for r in group if r.scenario.mode == "lose" and r.fired)
        t = total(group).totals
        lines.append(
            f"{family:<18} {label:<40} {kills:>5} {answers:>12} {t['duplicates']:>10} {t['lost']:>5} "
            f"{t['double_paid']:>11} {t['unrepaired']:>10}"
        )
    return "\n".join(lines)


def scenario_line(result: ScenarioResult) -> str:
    t = result.figures.totals
    state = "fired" if result.fired else "NOT FIRED"
    reruns = "/".join("ok" if ok else "failed" for ok in result.reruns) or "-"
    line = (
        f"{result.scenario.id:<62} {state:<9} re-runs {reruns:<9} "
        + " ".join(f"{k}={t[k]}" for k in FIGURES)
        + f"  ({result.seconds:.0f} s)"
    )
    if result.error:
        line += f"\n    harness: {result.error}"
    for name, finding in result.figures.nonzero():
        line += f"\n    {name}: {finding.count}; e.g. {'; '.join(finding.examples[:2])}"
    return line


def findings(results: list[ScenarioResult]) -> str:
    """Per measure: the total and the scenarios it came from."""
    by_measure: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for result in results:
        for name, finding in result.figures.nonzero():
            by_measure[name].append((result.scenario.id, finding.count))
    lines = []
    for name, hits in by_measure.items():
        lines.append(
            f"{name}: {sum(n for _, n in hits)} in {len(hits)} scenario(s): "
            + ", ".join(f"{sid} ({n})" for sid, n in hits)
        )
    return "\n".join(lines) or "no measure found anything"


def lost_response_line(results: list[ScenarioResult]) -> str:
    answers = [r for r in results if r.scenario.mode == "lose"]
    t = total(answers).totals
    fired = sum(1 for r in answers if r.fired)
    return f"lost_responses: scenarios={fired} " + " ".join(f"{k}={t[k]}" for k in FIGURES)


def undelivered_line(results: list[ScenarioResult]) -> str:
    """Answers billed and never delivered (reported apart from double_paid; see `measure.py`)."""
    return f"billed_undelivered: answers={total(results).figure('undelivered')}"


def kill_line(results: list[ScenarioResult]) -> str:
    kills = sum(1 for r in results if r.scenario.mode == "kill" and r.fired)
    t = total(results).totals
    return (
        f"chaos: kills={kills} duplicates={t['duplicates']} lost={t['lost']} "
        f"double_paid={t['double_paid']} unrepaired={t['unrepaired']}"
    )
