"""The insights funnel over synthetic pipeline records: 1,000,000 leads and 100,000 deals by default, grouped
per ICP, per source and inbound tier, and the rates per signal and per copy variant, timed in one run; then
`funnel_report`, what the `pipeline_funnel` asset runs, over the same leads as `pipeline_outcomes` rows
(signals as lists, the deal on the lead's row).

    .venv/bin/python benchmarks/insights_funnel.py [--leads 1000000] [--deals 100000]

Generating the frames is not timed. The issue's budget is 10 s for the default size on this machine. Not a
pass/fail test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import pandas as pd

from sales_assets.insights.funnel import funnel, lead_stages, rates_by
from sales_assets.insights.pipeline_funnel import funnel_report


def synthetic(leads: int, deals: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-01-01", tz="UTC")
    touch = start + pd.to_timedelta(rng.integers(0, 300 * 24, leads), unit="h")
    touched = rng.random(leads) < 0.9
    replied = touched & (rng.random(leads) < 0.08)
    met = replied & (rng.random(leads) < 0.3)
    reply_at = touch + pd.to_timedelta(rng.exponential(40, leads), unit="h")
    meeting_at = reply_at + pd.to_timedelta(rng.exponential(90, leads), unit="h")
    frame = pd.DataFrame(
        {
            "lead_id": np.arange(leads).astype(str),
            "icp": rng.choice(["revops_saas", "fintech_mid", "logistics_eu", "health_it"], leads),
            "source": rng.choice(["outbound", "inbound"], leads, p=[0.85, 0.15]),
            "tier": rng.choice(["A", "B", "C", None], leads),
            "signal": rng.choice(["funding", "hiring", "expansion", "new_product", None], leads),
            "variant": rng.choice(["subject-a", "subject-b"], leads),
            "first_touch_at": pd.Series(touch).where(touched),
            "first_reply_at": pd.Series(reply_at).where(replied),
            "meeting_at": pd.Series(meeting_at).where(met),
        }
    )
    deal_leads = rng.choice(leads, deals, replace=False).astype(str)
    deal_frame = pd.DataFrame(
        {
            "deal_id": np.arange(deals).astype(str),
            "lead_id": deal_leads,
            "is_won": rng.random(deals) < 0.25,
            "created_at": start,
            "closed_at": start,
        }
    )
    return frame, deal_frame


def as_outcomes(leads: pd.DataFrame, deals: pd.DataFrame) -> pd.DataFrame:
    """The same leads as `pipeline_outcomes` rows: signals as lists, the deal's columns on its lead's row,
    the first response of inbound leads a few hours after their first touch."""
    deal = deals.set_index("lead_id")
    frame = leads.assign(
        signals=[[s] if s is not None else [] for s in leads["signal"]],
        deal_id=leads["lead_id"].map(deal["deal_id"]),
        is_won=leads["lead_id"].map(deal["is_won"]).astype("boolean").fillna(False).astype(bool),
        deal_created_at=leads["lead_id"].map(deal["created_at"]),
        closed_at=leads["lead_id"].map(deal["closed_at"]),
    )
    inbound = frame["source"] == "inbound"
    frame["responded_at"] = (frame["first_touch_at"] + pd.Timedelta(hours=3)).where(inbound)
    frame.loc[~inbound, "tier"] = None
    return frame.drop(columns=["signal"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--deals", type=int, default=100_000)
    args = parser.parse_args()
    leads, deals = synthetic(args.leads, args.deals)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    stages = lead_stages(leads, deals)
    timings["stages of every lead"] = time.perf_counter() - started
    t = time.perf_counter()
    per_icp = funnel(leads, stages, ["icp"])
    timings["per ICP"] = time.perf_counter() - t
    t = time.perf_counter()
    per_tier = funnel(leads, stages, ["source", "tier"])
    timings["per source and tier"] = time.perf_counter() - t
    t = time.perf_counter()
    rates_by(leads, stages, "signal")
    rates_by(leads, stages, "variant")
    timings["rates per signal and variant"] = time.perf_counter() - t
    total = time.perf_counter() - started
    outcomes = as_outcomes(leads, deals)
    t = time.perf_counter()
    report = funnel_report(outcomes)
    report_seconds = time.perf_counter() - t
    print(f"{platform.python_implementation()} {platform.python_version()}, pandas {pd.__version__}")
    print(f"leads {args.leads:,}, deals {args.deals:,}")
    for name, seconds in timings.items():
        print(f"  {name:<32} {seconds:6.2f} s")
    print(f"  {'all of it':<32} {total:6.2f} s (budget 10 s)")
    print(f"  {'funnel_report (the asset)':<32} {report_seconds:6.2f} s (budget 10 s)")
    print(f"groups: {len(per_icp)} ICPs, {len(per_tier)} source x tier; the report has {len(report)} rows")


if __name__ == "__main__":
    main()
