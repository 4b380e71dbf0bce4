"""The sandbox world's seller: who the pipeline writes as, and sends from, when it runs on the sandbox.

What belongs here: the fictional seller's name, company, domain, value proposition and sender address,
which `sales_assets.common.seller` binds in sandbox mode. Live mode never reads them: there the seller
comes from the environment, and a missing variable stops the start.
"""

from __future__ import annotations

# `_owners` is the world's own generator of its sales team; only the owners are needed here, and the
# whole world (`generate_world`) takes seconds to build, too slow for loading the definitions.
from resources.sandbox.world import DEFAULT_SEED, SELLER_DOMAIN, _owners

NAME = "Alex Morgan"
COMPANY = "Relaypoint"
#: The seller's web domain: the world's owners and form pages live on it; no world company uses it.
DOMAIN = SELLER_DOMAIN
VALUE_PROPOSITION = (
    "Relaypoint keeps CRM and pipeline data accurate without manual updates, and runs personal, "
    "consistent outbound sequences from it, so revenue teams spend their time selling instead of "
    "maintaining records."
)


def sender_email(seed: int = DEFAULT_SEED) -> str:
    """The address the fictional seller sends from: lemlist's sending user in the sandbox is the world's
    first HubSpot owner (`resources/sandbox/lemlist/base.py`)."""
    return _owners(seed)[0].email
