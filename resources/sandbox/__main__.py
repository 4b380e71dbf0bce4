"""Command line of the sandbox: `python -m resources.sandbox serve --port 8765`, and tools for its state.

serve     run the four simulators as a local HTTP server (`--workers 2`: in two processes)
usage     calls, credits and tokens per vendor endpoint, as JSON
faults    switch faults on, e.g. `faults hubspot server_error_next=3 latency_ms=200`; the chaos faults:
          `faults hubspot lose_response_next=1 'lose_response_endpoint=POST */tasks/batch/create'`
          (processed, answer lost) and `faults lemlist kill_after=2 'kill_after_endpoint=POST /api/campaigns'`
          (the serving process exits with code 75 right after the 2nd matching write)
clear     switch every fault off
advance   move the sandbox clock forward, e.g. `advance --hours 24`
demo      demo mode on or off: `demo on` (filled draft campaigns start by themselves and play at demo pace,
          see resources/sandbox/demo.py), `demo off`
reset     forget every simulated object and the usage ledger (seed, size and epoch stay)
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict

from resources.sandbox import demo
from resources.sandbox.sandbox import Sandbox
from resources.sandbox.server import SandboxServer, serve_workers
from resources.sandbox.store import default_state_path


def _value(raw: str) -> float | int | str:
    for cast in (int, float):
        try:
            return cast(raw)
        except ValueError:
            continue
    return raw


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m resources.sandbox",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--state", default=None, help=f"state file (default {default_state_path()})")
    parser.add_argument("--seed", type=int, default=None, help="world seed (only for a new state file)")
    parser.add_argument(
        "--size", type=int, default=None, help="number of companies (only for a new state file)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument(
        "--workers", type=int, default=1, help="server processes (default 1; see server.serve_workers)"
    )
    usage = sub.add_parser("usage", help="print the usage ledger")
    usage.add_argument("--vendor", default=None)
    faults = sub.add_parser("faults", help="switch faults on for a vendor")
    faults.add_argument("vendor", choices=["explorium", "hubspot", "lemlist", "anthropic"])
    faults.add_argument("switches", nargs="+", help="name=value pairs, see resources.sandbox.store.Faults")
    sub.add_parser("clear", help="switch all faults off")
    advance = sub.add_parser("advance", help="move the sandbox clock forward")
    advance.add_argument("--hours", type=float, default=0.0)
    advance.add_argument("--minutes", type=float, default=0.0)
    sub.add_parser("reset", help="forget all simulated objects and usage")
    demo_parser = sub.add_parser("demo", help="switch demo mode on or off")
    demo_parser.add_argument("switch", choices=["on", "off"])
    args = parser.parse_args(argv)

    sandbox = Sandbox.at(args.state, seed=args.seed, size=args.size)
    store = sandbox.store
    out = sys.stdout
    if args.command == "serve":
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        logging.getLogger(__name__).info(
            "sandbox (seed %s, %s companies, state %s) serving on http://%s:%s (%s process(es)): /hubspot "
            "/lemlist/api /explorium/v1 /anthropic",
            store.seed,
            store.size,
            store.path,
            args.host,
            args.port,
            args.workers,
        )
        if args.workers > 1:
            serve_workers(sandbox, args.host, args.port, args.workers)
            return 0
        server = SandboxServer(sandbox, args.host, args.port)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
    elif args.command == "usage":
        json.dump([asdict(u) for u in store.usage(args.vendor)], out, indent=2)
        out.write("\n")
    elif args.command == "faults":
        pairs = dict(s.split("=", 1) for s in args.switches)
        switched = store.set_faults(args.vendor, **{k: _value(v) for k, v in pairs.items()})
        out.write(switched.to_json() + "\n")
    elif args.command == "clear":
        store.clear_faults()
    elif args.command == "advance":
        out.write(store.advance(hours=args.hours, minutes=args.minutes).isoformat() + "\n")
    elif args.command == "reset":
        store.reset()
    elif args.command == "demo" and args.switch == "on":
        demo.enable(store)
    elif args.command == "demo":
        demo.disable(store)
    return 0


if __name__ == "__main__":
    sys.exit(main())
