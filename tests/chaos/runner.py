"""Runs chaos scenarios: a job killed after a vendor write (or one answer lost), re-run cleanly, measured.

What belongs here: `Scenario` (family, write kind, kill or lost answer, which matching write), the
`ChaosRunner` that builds each family's base state once, makes one clean reference run per family (its
census says which writes exist and how many), derives the scenarios from that census, and runs each one:

1. a copy of the family's base (sandbox state file + pipeline store file, nothing else);
2. the fault switched on in the copy's state file (`kill_after` or `lose_response_next`, with the write
   kind's endpoint filter);
3. the family's job in a child process (forked from a fork server that has imported everything), which the
   sandbox ends with exit code 75 right after the chosen write, or which meets the lost answer and carries
   on (its own retries);
4. a clean re-run in a fresh child, and a second one when the first did not succeed (or always, with
   `reruns=2`, for a repair that takes two runs);
5. the measures (`measure.py`) against the base and the reference.

Child processes are this runner's own: a child past its timeout is killed by its pid, nothing else is.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import forkserver
from pathlib import Path
from typing import Any

from chaos.catalogue import KINDS_BY_KEY, Call, Census, classify
from chaos.families import FAMILIES, RunOutcome, Workdir
from chaos.measure import Figures, MeasureContext, StateView, baseline, measure
from chaos.worker import child_main
from resources.sandbox.store import SandboxStore

KILL_EXIT_CODE = 75
TESTS_DIR = Path(__file__).resolve().parents[1]


class ChaosError(RuntimeError):
    """The harness could not do what a scenario needs (a base that does not build, a child that hangs)."""


@dataclass(frozen=True)
class Scenario:
    """One write boundary: kill the family's job right after the `nth` write of `kind` (mode `kill`), or
    lose the answer of that write (mode `lose`)."""

    family: str
    kind: str
    mode: str
    nth: int
    pattern: str
    total: int

    @property
    def vendor(self) -> str:
        return KINDS_BY_KEY[self.kind].vendor

    @property
    def id(self) -> str:
        return f"{self.family}.{self.kind}.{self.mode}{self.nth}"

    @property
    def label(self) -> str:
        return KINDS_BY_KEY[self.kind].label


@dataclass
class ScenarioResult:
    scenario: Scenario
    fired: bool
    figures: Figures
    seconds: float
    exit_code: int | None = None
    reruns: list[bool] = field(default_factory=list)
    error: str | None = None


@dataclass
class Reference:
    """A family's clean run from its base: the state every scenario of the family is measured against."""

    family: str
    base: Workdir
    work: Workdir
    census: Census
    succeeded: bool
    seconds: float
    baseline: Figures
    partitions: list[str]


def _forkserver_context() -> Any:
    """The fork-server context whose server has imported `chaos.preload`. The server is started by a fresh
    interpreter, which finds `chaos` only through PYTHONPATH; it is set for that start only."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["chaos.preload"])
    previous = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(TESTS_DIR), previous) if p)
    try:
        forkserver.ensure_running()
    finally:
        if previous is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = previous
    return ctx


def _runs(work: Workdir, phase: str) -> list[RunOutcome] | None:
    path = work.root / f"{phase}.json"
    if not path.exists():
        return None
    return [RunOutcome(**r) for r in json.loads(path.read_text()).get("runs", [])]


class ChaosRunner:
    """Scenarios of every family under one working folder. `jobs` scenarios run at once (each its own
    children); `keep` leaves every scenario's files for a person to open; `reruns=2` always makes the
    second clean re-run (by default it is made only when the first did not succeed)."""

    def __init__(
        self,
        root: Path,
        *,
        jobs: int = 1,
        timeout: float = 900.0,
        keep: bool = False,
        reruns: int = 1,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.root = root
        self.reruns = max(1, min(2, reruns))
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.keep = keep
        self.log = log or (lambda message: None)
        self.ctx = _forkserver_context()
        self._locks: dict[str, threading.Lock] = {name: threading.Lock() for name in FAMILIES}
        self._views: dict[str, StateView] = {}
        self._views_lock = threading.Lock()

    # --- children -----------------------------------------------------------------------------------

    def _child(
        self, family: str, work: Workdir, phase: str, *, build: bool = False, census: bool = False
    ) -> int:
        """Run one phase in a child process; its exit code (KILL_EXIT_CODE when the sandbox killed it)."""
        process = self.ctx.Process(
            target=child_main, args=(family, str(work.root), phase, build, census), name=f"chaos {phase}"
        )
        started = time.monotonic()
        process.start()
        process.join(self.timeout)
        self.log(f"  {work.root.name} {phase}: exit {process.exitcode} in {time.monotonic() - started:.1f} s")
        if process.is_alive():
            process.kill()  # our own child, by its handle
            process.join(30)
            raise ChaosError(f"{family} {phase} did not finish in {self.timeout:.0f} s; see {work.logs}")
        return int(process.exitcode if process.exitcode is not None else -1)

    # --- bases and references -------------------------------------------------------------------------

    def base(self, family: str) -> Workdir:
        """The family's starting state, built once under `<root>/bases/<name>`."""
        name = FAMILIES[family].base_of or family
        work = Workdir(self.root / "bases" / name)
        with self._locks[name]:
            if not (work.root / "build.json").exists():
                if work.root.exists():
                    shutil.rmtree(work.root)
                work.make()
                started = time.monotonic()
                code = self._child(name, work, "build", build=True)
                if code != 0:
                    raise ChaosError(f"building the {name} base failed (exit {code}); see {work.logs}")
                self.log(f"base {name}: built in {time.monotonic() - started:.0f} s ({work.meta()})")
        return work

    def view(self, work: Workdir) -> StateView:
        """A shared read-only view of a base or reference (opened once)."""
        key = str(work.root)
        with self._views_lock:
            if key not in self._views:
                self._views[key] = StateView(work)
            return self._views[key]

    def _forget_view(self, work: Workdir) -> None:
        with self._views_lock:
            view = self._views.pop(str(work.root), None)
        if view is not None:
            view.close()

    def reference(self, family: str) -> Reference:
        """One clean run of the family from a copy of its base, with the census of what it wrote."""
        base = self.base(family)
        target = Workdir(self.root / family / "reference")
        self._forget_view(target)  # a reference made again replaces the files under the old view
        work = base.copy_to(target.root)
        started = time.monotonic()
        code = self._child(family, work, "reference", census=True)
        seconds = time.monotonic() - started
        if code != 0:
            raise ChaosError(f"the clean {family} run failed (exit {code}); see {work.logs}")
        record = json.loads((work.root / "reference.json").read_text())
        calls = [Call(**c) for c in record["calls"]]
        base_view, ref_view = self.view(base), self.view(work)
        before = {key: used.credits for key, used in base_view.usage.items()}
        # Explorium's calls are writes where they were billed: the paid fetches and enrichments.
        paid = [
            endpoint
            for (vendor, endpoint), used in ref_view.usage.items()
            if vendor == "explorium" and used.credits > before.get((vendor, endpoint), 0.0)
        ]
        census = classify(calls, paid_endpoints=paid)
        runs = [RunOutcome(**r) for r in record["runs"]]
        partitions = base.meta().get("partitions") or base.meta().get("days") or []
        ctx = MeasureContext(ref_view, base_view, ref_view, partitions)
        reference = Reference(
            family,
            base,
            work,
            census,
            all(r.success for r in runs) and bool(runs),
            seconds,
            baseline(ctx),
            partitions,
        )
        self.log(
            f"reference {family}: {'ok' if reference.succeeded else 'FAILED'} in {seconds:.0f} s; writes "
            + ", ".join(f"{k}={census.filter_for(k)[1]}" for k in census.kinds())
            + (f"; UNCLASSIFIED {dict(census.unclassified)}" if census.unclassified else "")
        )
        return reference

    # --- scenarios ------------------------------------------------------------------------------------

    @staticmethod
    def scenarios(
        reference: Reference, *, lose: bool = True, quick: bool = False, only: Iterable[str] = ()
    ) -> list[Scenario]:
        """Kill after the first write of each kind the clean run made and, where it made several, after a
        middle one (`max(2, (n + 1) // 2)`); with `lose`, also lose the answer of each kind's first write.
        `quick` keeps the first-write kills only; `only` keeps kinds whose key, vendor or family contains
        one of the given words."""
        family = FAMILIES[reference.family]
        words = [w.lower() for w in only]
        out: list[Scenario] = []
        for key in reference.census.kinds():
            if family.kinds is not None and key not in family.kinds:
                continue
            kind = KINDS_BY_KEY[key]
            if words and not any(w in f"{key} {kind.vendor} {reference.family}" for w in words):
                continue
            pattern, total = reference.census.filter_for(key)
            nths = [1] if quick or total < 2 else [1, max(2, (total + 1) // 2)]
            out += [Scenario(reference.family, key, "kill", n, pattern, total) for n in nths]
            if lose and not quick:
                out.append(Scenario(reference.family, key, "lose", 1, pattern, total))
        return out

    def run(self, scenario: Scenario, reference: Reference) -> ScenarioResult:
        started = time.monotonic()
        work = reference.base.copy_to(self.root / scenario.family / scenario.id)
        try:
            result = self._run(scenario, reference, work)
        except ChaosError as exc:
            result = ScenarioResult(scenario, False, Figures(), 0.0, error=str(exc))
        result.seconds = time.monotonic() - started
        if not self.keep and result.error is None:
            shutil.rmtree(work.root, ignore_errors=True)
        return result

    def _run(self, scenario: Scenario, reference: Reference, work: Workdir) -> ScenarioResult:
        store = SandboxStore(work.state)
        if scenario.mode == "kill":
            store.set_faults(scenario.vendor, kill_after=scenario.nth, kill_after_endpoint=scenario.pattern)
        else:
            store.set_faults(
                scenario.vendor, lose_response_next=scenario.nth, lose_response_endpoint=scenario.pattern
            )
        chaos_code = code = self._child(scenario.family, work, "chaos")
        faults = store.faults(scenario.vendor)
        fired = code == KILL_EXIT_CODE if scenario.mode == "kill" else faults.lose_response_next == 0
        store.clear_faults()
        store.close()
        error = None
        if code not in (0, KILL_EXIT_CODE) or (scenario.mode == "lose" and code != 0):
            # The job's own failures are results (raise_on_error=False); this is the harness failing.
            error = f"the faulted run exited with {code}; see {work.logs}"
        elif not fired:
            error = f"the fault never fired (exit {code}): fewer than {scenario.nth} matching writes"
        reruns: list[bool] = []
        for n in (1, 2):
            code = self._child(scenario.family, work, f"rerun{n}")
            outcomes = _runs(work, f"rerun{n}") or []
            # No run at all is a success too: the safety sensor requests none for a paused campaign.
            reruns.append(code == 0 and all(o.success for o in outcomes))
            if reruns[-1] and n >= self.reruns:
                break
        view = StateView(work)
        try:
            ctx = MeasureContext(
                view, self.view(reference.base), self.view(reference.work), reference.partitions
            )
            figures = measure(ctx)
        finally:
            view.close()
        return ScenarioResult(scenario, fired, figures, 0.0, exit_code=chaos_code, reruns=reruns, error=error)

    def run_all(
        self,
        scenarios: list[tuple[Scenario, Reference]],
        on_result: Callable[[ScenarioResult], None] | None = None,
    ) -> list[ScenarioResult]:
        """Every scenario, `jobs` at a time; results in the order given."""

        def one(item: tuple[Scenario, Reference]) -> ScenarioResult:
            result = self.run(*item)
            if on_result is not None:
                on_result(result)
            return result

        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            return list(pool.map(one, scenarios))

    def close(self) -> None:
        for view in self._views.values():
            view.close()
        self._views.clear()
