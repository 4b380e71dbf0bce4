"""Run tags the instance's run queue reads.

What belongs here: `vendor_tags`, the `sales/vendor/<vendor>` tags a job's runs carry for each vendor it
calls, which the production `dagster.yaml` limits (`tag_concurrency_limits`) so that parallel runs stay
inside each vendor's rate limit together with the per-vendor concurrency pools.
"""

from __future__ import annotations

VENDORS = ("explorium", "hubspot", "lemlist", "anthropic")


def vendor_tags(*vendors: str) -> dict[str, str]:
    """`{"sales/vendor/<vendor>": "true"}` for each vendor a job calls."""
    unknown = set(vendors) - set(VENDORS)
    if unknown:
        raise ValueError(f"unknown vendors {sorted(unknown)}; known: {', '.join(VENDORS)}")
    return {f"sales/vendor/{vendor}": "true" for vendor in vendors}
