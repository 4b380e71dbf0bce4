"""Scoring and gates over synthetic contacts: the vectorised pandas path the assets use, against a plain
row-by-row Python loop computing the same figures, in one run.

    .venv/bin/python benchmarks/scoring_gates.py                 # 1,000,000 contacts, loop over all of them
    .venv/bin/python benchmarks/scoring_gates.py --loop-rows 100000   # loop over a slice, time scaled up

What is timed: contact score (title match, seniority, verified email, LinkedIn), reachability, ICP score,
data quality, and every lead gate with the first failing gate and the list of failed gates. Generating the
synthetic frame is not timed. Both paths are checked to agree on a sample before the figures are printed.
Not a pass/fail test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import pandas as pd

from sales_assets.common.icp import load_icp_profiles
from sales_assets.outbound.contacts import reachability
from sales_assets.outbound.gates import (
    failed_gates,
    first_failed_gate,
    lead_gate_failures,
    normalize_emails,
    preference_order,
    valid_email_syntax,
)
from sales_assets.outbound.schemas import LEAD_GATES
from sales_assets.outbound.scoring import (
    COMPANY_FIELDS,
    CONTACT_FIELDS,
    EMAIL_CONFIDENCE,
    SENIORITY_SCORE,
    contact_components,
    data_quality,
    icp_score,
    title_words,
)

ROLES = [
    "Sales",
    "Revenue Operations",
    "Marketing",
    "Finance",
    "Operations",
    "Data",
    "Engineering",
    "IT",
    "Customer Success",
    "Sales Operations",
    "Growth",
    "Partnerships",
    "Product",
    "People",
]
PREFIXES = [
    "VP of",
    "Head of",
    "Director of",
    "Senior Director of",
    "Manager,",
    "Chief",
    "SVP",
    "Lead,",
    "Senior Manager,",
    "",
    "Associate Director of",
    "EVP",
]
LEVELS = [
    "c-suite",
    "vice president",
    "director",
    "senior manager",
    "manager",
    "senior non-managerial",
    "non-managerial",
    "founder",
    "owner",
    None,
]
STATUSES = ["valid", "valid", "valid", "catch-all", "unknown", "invalid", "missing"]


def synthetic_contacts(n: int, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    titles = np.array([f"{p} {r}".strip() for p in PREFIXES for r in ROLES], dtype=object)
    domains = np.array([f"company{i}.com" for i in range(50_000)], dtype=object)
    idx = np.arange(n)
    status = rng.choice(STATUSES, n)
    email = np.char.add(np.char.add("person", idx.astype(str)), "@").astype(object) + domains[idx % 50_000]
    bad_syntax = rng.random(n) < 0.01
    email[bad_syntax] = "broken..address@" + domains[idx[bad_syntax] % 50_000]
    email[status == "missing"] = None
    duplicate = rng.random(n) < 0.02
    email[duplicate] = email[np.maximum(idx[duplicate] - 1, 0)]
    frame = pd.DataFrame(
        {
            "prospect_id": np.char.mod("%040x", idx).astype(object),
            "first_name": rng.choice(["Ada", "Lin", "Sam", None], n, p=[0.4, 0.3, 0.29, 0.01]),
            "last_name": rng.choice(["Ng", "Moreau", "Schmidt", "Okafor"], n),
            "job_title": rng.choice(titles, n),
            "job_level": rng.choice(np.array(LEVELS, dtype=object), n),
            "email": email,
            "email_status": status,
            "linkedin_url": np.where(rng.random(n) < 0.8, "https://linkedin.com/in/x", None),
            "phone": np.where(rng.random(n) < 0.6, "+1 555 0100", None),
            "company_name": "Acme",
            "domain": domains[idx % 50_000],
            "industry": rng.choice(
                ["software development", "financial services", None], n, p=[0.6, 0.38, 0.02]
            ),
            "employees_range": rng.choice(["51-200", "201-500", None], n, p=[0.5, 0.45, 0.05]),
            "revenue_range": rng.choice(["10M-25M", "25M-75M", None], n, p=[0.4, 0.4, 0.2]),
            "country_code": rng.choice(["us", "gb", "de"], n),
            "fit_score": rng.random(n).round(4),
            "intent_score": rng.random(n).round(4),
            "freshness_score": rng.random(n).round(4),
            "enrichment_status": rng.choice(["enriched", "cached", "over_budget"], n, p=[0.6, 0.39, 0.01]),
            "suppressed": rng.random(n) < 0.01,
            "crm_in_sequence": rng.random(n) < 0.01,
            "crm_owner_id": np.where(rng.random(n) < 0.02, "12345", None),
        }
    )
    frame.loc[frame["email"].isna(), "email_status"] = "missing"
    return frame


def vectorised(frame: pd.DataFrame, profile) -> pd.DataFrame:
    out = frame.copy(deep=False)
    for column, values in contact_components(frame, profile).items():
        out[column] = values
    out["reachability_score"] = reachability(out, profile.reachability_weights)
    out["icp_score"] = icp_score(out, profile)
    out["data_quality"] = data_quality(out, profile.data_quality_weights)
    failures = lead_gate_failures(out, profile.gates)
    out["drop_reason"] = first_failed_gate(failures)
    out["failed_gates"] = failed_gates(failures)
    return out


def entry(frame: pd.DataFrame) -> pd.DataFrame:
    """What `enriched_contacts` does once per address as it arrives: normalise it and parse its syntax.
    Both paths below start from this, so it is timed on its own."""
    out = frame.copy()
    out["email"] = normalize_emails(out["email"])
    out.loc[out["email"].notna() & ~valid_email_syntax(out["email"]), "email_status"] = "invalid_syntax"
    return out


def _r4(x: float) -> float:
    """Rounding to 4 places as numpy does it (scale, round half to even, unscale), so both paths agree."""
    return round(x * 10_000) / 10_000


def row_loop(frame: pd.DataFrame, profile) -> list[dict]:
    """The same figures, one row at a time, the way a script without a dataframe would write them."""
    gates, wc, w = profile.gates, profile.contact_weights, profile.weights
    wr, wq = profile.reachability_weights, profile.data_quality_weights
    targets = [title_words(t) for t in profile.titles]
    rows = []
    for record in frame.to_dict("records"):
        words = title_words(record["job_title"] or "")
        title = max((2 * len(words & t) / (len(words) + len(t)) for t in targets if words and t), default=0.0)
        seniority = SENIORITY_SCORE.get((record["job_level"] or "").lower(), 0.4)
        email_ok = 1.0 if record["email_status"] == "valid" else 0.0
        linkedin = 1.0 if record["linkedin_url"] else 0.0
        contact = _r4(
            wc.title * title
            + wc.seniority * seniority
            + wc.verified_email * email_ok
            + wc.linkedin * linkedin
        )
        confidence = EMAIL_CONFIDENCE.get(record["email_status"], 0.0)
        reach = _r4(
            wr.email * confidence
            + wr.phone * (record["phone"] is not None)
            + wr.linkedin * (record["linkedin_url"] is not None)
        )
        icp = _r4(
            w.fit * record["fit_score"]
            + w.intent * record["intent_score"]
            + w.reachability * reach
            + w.freshness * record["freshness_score"]
        )
        contact_filled = sum(
            1 for c in CONTACT_FIELDS if record.get(c) is not None and str(record[c]).strip()
        )
        company_filled = sum(
            1 for c in COMPANY_FIELDS if record.get(c) is not None and str(record[c]).strip()
        )
        quality = _r4(
            wq.contact_fields * contact_filled / len(CONTACT_FIELDS)
            + wq.company_fields * company_filled / len(COMPANY_FIELDS)
            + wq.provider_confidence * confidence
        )
        rows.append(
            {
                **record,
                "contact_score": contact,
                "reachability_score": reach,
                "icp_score": icp,
                "data_quality": quality,
            }
        )
    rows.sort(key=lambda r: (-r["icp_score"], -r["contact_score"]))  # stable: ties keep input order
    seen: set[str] = set()
    for r in rows:
        email = r["email"]
        failed = []
        if r["enrichment_status"] in ("no_data", "over_budget"):
            failed.append("enrichment")
        if r["email_status"] == "invalid_syntax":
            failed.append("email_syntax")
        if r["email_status"] != "valid":
            failed.append("deliverable_email")
        if email and email in seen:
            failed.append("unique_email")
        if email:
            seen.add(email)
        if r["suppressed"]:
            failed.append("not_suppressed")
        if r["crm_in_sequence"]:
            failed.append("crm_not_in_sequence")
        if r["crm_owner_id"] is not None:
            failed.append("crm_not_owned")
        if r["icp_score"] < gates.min_icp_score:
            failed.append("icp_threshold")
        if r["contact_score"] < gates.min_contact_score:
            failed.append("contact_threshold")
        if r["data_quality"] < gates.min_data_quality:
            failed.append("data_quality")
        r["drop_reason"] = failed[0] if failed else None
        r["failed_gates"] = ",".join(failed)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--loop-rows", type=int, default=None, help="rows for the loop (default: all)")
    args = parser.parse_args()
    profile = load_icp_profiles()["revops_saas"]
    raw = synthetic_contacts(args.rows)
    loop_rows = min(args.loop_rows or args.rows, args.rows)

    started = time.perf_counter()
    frame = entry(raw)
    entry_s = time.perf_counter() - started

    started = time.perf_counter()
    fast = vectorised(frame, profile)
    vector_s = time.perf_counter() - started

    started = time.perf_counter()
    slow = row_loop(frame.iloc[:loop_rows], profile)
    loop_s = (time.perf_counter() - started) * (args.rows / loop_rows)

    # Agreement on the slice the loop saw (same preference order, so unique_email keeps the same rows).
    check = vectorised(frame.iloc[:loop_rows], profile)
    check = check.iloc[preference_order(check)].reset_index(drop=True)
    slow_frame = pd.DataFrame(slow)
    assert (check["prospect_id"] == slow_frame["prospect_id"]).all(), "order differs"
    for column in ("contact_score", "reachability_score", "icp_score", "data_quality"):
        assert np.allclose(check[column], slow_frame[column], atol=1e-9), column
    assert (check["failed_gates"] == slow_frame["failed_gates"]).all(), "gates differ"

    kept = int(fast["drop_reason"].isna().sum())
    reasons = fast["drop_reason"].value_counts()
    print(
        f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}, "
        f"pandas {pd.__version__}"
    )
    print(
        f"contacts: {args.rows:,}; kept by every gate: {kept:,}; first reasons: "
        + ", ".join(f"{g} {int(reasons.get(g, 0)):,}" for g in LEAD_GATES if reasons.get(g, 0))
    )
    scaled = "" if loop_rows == args.rows else f" (measured on {loop_rows:,} rows, scaled)"
    print(f"address parsing at entry (both paths): {entry_s:.2f} s")
    print(f"vectorised scoring + gates:           {vector_s:.2f} s ({args.rows / vector_s:,.0f} rows/s)")
    print(f"row-by-row scoring + gates:           {loop_s:.2f} s{scaled}")
    print(f"ratio, scoring + gates:               {loop_s / vector_s:.1f}x (targets: <= 10 s and >= 20x)")
    print(f"ratio, with the entry parsing in both: {(loop_s + entry_s) / (vector_s + entry_s):.1f}x")


if __name__ == "__main__":
    main()
