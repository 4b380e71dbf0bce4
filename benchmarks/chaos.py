"""Chaos over every write boundary (issue 11): each of the product's jobs killed right after every kind of
vendor write it makes, and each kind of write with its answer lost, then re-run cleanly and measured.

    .venv/bin/python benchmarks/chaos.py [--only hubspot] [--quick] [--no-lost-answers] [--jobs 2]
                                         [--family outbound] [--reruns 2] [--keep] [--work DIR]

What it does, in one command (the harness is `tests/chaos/`): for each job family (the outbound partition,
the same with copy written per lead, the reply days, the inbound day, the safety pause) a starting state is
built once and one clean run is made from a copy of it; that run's census (every request the sandbox
answered) lists the kinds of vendor write and how many of each. Then, for every kind: a copy of the
starting state, the sandbox's `kill_after` fault on that kind's endpoint, the job in a child process that
the sandbox ends with exit code 75 right after the 1st write (and after a middle one where there are
several), a clean re-run (a second when the first fails, or always with `--reruns 2`), and the
measures; and the same with `lose_response_next` (the write is made and billed, the answer never arrives;
the job's own retries and then a clean re-run follow).

Prints every scenario as it finishes, a table per write kind, the measures that found something, then

    lost_responses: scenarios=N duplicates=D lost=L double_paid=P unrepaired=U
    billed_undelivered: answers=A
    chaos: kills=N duplicates=D lost=L double_paid=P unrepaired=U

`billed_undelivered` counts the answers Explorium or Anthropic billed that the fault kept from the product:
lost on the way, or handed to a thread of the killed process before it could keep them (the ledger row it
opened was never settled; the vendor's bill bounds the count). No vendor API returns them, so a correct
re-run buys them again; they are not in `double_paid`, and the spend ledger must hold them.

The last line's figures are summed over every scenario that ran (kills and lost answers); `kills` counts
the kills that fired. What each figure counts is in `tests/chaos/measure.py`. Exit code 0 only when every
figure is 0 and every fault fired. `--quick` makes only the first-write kills; `--only WORD` keeps the
write kinds whose key, vendor or family contains WORD (repeatable).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", action="append", default=[], help="write kind, vendor or family word")
    parser.add_argument("--family", action="append", default=[], help="only these job families")
    parser.add_argument("--quick", action="store_true", help="first-write kills only, no lost answers")
    parser.add_argument("--no-lost-answers", action="store_true", help="kills only")
    parser.add_argument("--jobs", type=int, default=2, help="scenarios at once (each runs its own children)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds one child may take")
    parser.add_argument(
        "--reruns", type=int, default=1, choices=(1, 2), help="clean re-runs always made after the fault"
    )
    parser.add_argument("--keep", action="store_true", help="keep every scenario's files")
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a temporary one)")
    args = parser.parse_args()

    sys.path.insert(0, str(TESTS))
    from chaos import report
    from chaos.families import FAMILIES
    from chaos.runner import ChaosRunner

    families = args.family or list(FAMILIES)
    unknown = sorted(set(families) - set(FAMILIES))
    if unknown:
        parser.error(f"unknown families {unknown}; known: {sorted(FAMILIES)}")
    work = args.work or Path(tempfile.mkdtemp(prefix="chaos_"))
    started = time.monotonic()
    print(f"chaos: working folder {work}, {args.jobs} scenario(s) at once", flush=True)
    runner = ChaosRunner(work, jobs=args.jobs, timeout=args.timeout, keep=args.keep, reruns=args.reruns)
    try:
        plan = []
        for name in families:
            reference = runner.reference(name)
            if not reference.succeeded:
                print(f"reference {name}: the clean run FAILED; see {reference.work.logs}", flush=True)
                return 2
            census = reference.census
            print(
                f"reference {name} ({FAMILIES[name].description}): {reference.seconds:.0f} s; writes "
                + ", ".join(f"{k} x{census.filter_for(k)[1]}" for k in census.kinds()),
                flush=True,
            )
            if census.unclassified:
                print(f"  writes the catalogue does not know: {dict(census.unclassified)}", flush=True)
            scenarios = runner.scenarios(
                reference, lose=not (args.no_lost_answers or args.quick), quick=args.quick, only=args.only
            )
            plan += [(s, reference) for s in scenarios]
        print(f"{len(plan)} scenarios", flush=True)
        results = runner.run_all(plan, on_result=lambda r: print(report.scenario_line(r), flush=True))
    finally:
        runner.close()
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print(report.table(results))
    print()
    print(report.findings(results))
    print()
    missed = [r for r in results if not r.fired or r.error]
    for result in missed:
        print(f"harness: {result.scenario.id}: {result.error or 'fault did not fire'}")
    print(f"duration: {time.monotonic() - started:.0f} s")
    print(report.lost_response_line(results))
    print(report.undelivered_line(results))
    print(report.kill_line(results))
    clean = all(v == 0 for v in report.total(results).totals.values())
    return 0 if clean and not missed else 1


if __name__ == "__main__":
    sys.exit(main())
