"""What runs inside a chaos child process: one phase of one scenario, in a process of its own so that the
sandbox's `kill_after` can end it the way a crash ends a run.

What belongs here: `child_main`, the target the runner starts (build a family's base state, or run the
family's job once, optionally recording the exchanges for a census), and the small JSON record a finished
phase leaves behind. A killed phase leaves none: the runner reads its exit code instead. The child's
standard output and error go to the workdir's `logs/<phase>.log`.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from chaos.catalogue import Call
from chaos.families import FAMILIES, Workdir, tune_sandbox
from resources.sandbox import Sandbox
from resources.sandbox.sandbox import Exchange, recording


def _calls(sandbox: Sandbox, exchanges: list[Exchange]) -> list[Call]:
    calls = []
    for exchange in exchanges:
        matched = sandbox.simulator(exchange.vendor).match(exchange.method, exchange.path)
        endpoint = f"{exchange.method} {matched[0]}" if matched else "unmatched"
        concrete = f"{exchange.method} {exchange.path}"
        calls.append(Call(exchange.vendor, endpoint, concrete, exchange.status))
    return calls


def child_main(family: str, root: str, phase: str, build: bool = False, census: bool = False) -> None:
    """Run one phase in this (child) process and record how it went in `<root>/<phase>.json`."""
    work = Workdir(Path(root)).make()
    with open(work.logs / f"{phase}.log", "ab") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    tune_sandbox()
    spec = FAMILIES[family]
    record: dict[str, Any] = {"phase": phase}
    if build:
        record["meta"] = spec.build_base(work)
        work.meta_file.write_text(json.dumps(record["meta"], indent=2))
    elif census:
        with recording() as exchanges:
            outcomes = spec.run(work)
        record["calls"] = [asdict(c) for c in _calls(Sandbox.at(work.state), exchanges)]
        record["runs"] = [asdict(o) for o in outcomes]
    else:
        record["runs"] = [asdict(o) for o in spec.run(work)]
    (work.root / f"{phase}.json").write_text(json.dumps(record))
    sys.stdout.flush()
    sys.stderr.flush()
