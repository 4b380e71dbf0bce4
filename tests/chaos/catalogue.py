"""Every kind of vendor write the product makes, as the sandbox sees it, and the census of a clean run.

What belongs here: `WriteKind` (a named write with the endpoint globs that select it, the same globs the
sandbox's `kill_after` / `lose_response_next` filters take), the catalogue `WRITE_KINDS`, the POSTs that are
reads (`READS`), and `census` / `classify`, which turn the exchanges a clean run made (recorded with
`resources.sandbox.sandbox.recording`) into counts per write kind. A write the catalogue does not know is
reported as unclassified, so a new kind of side effect cannot slip past the harness unmeasured.

Explorium's paid calls are "writes" here: paying twice is the side effect that must happen once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from resources.sandbox.app import endpoint_matches


@dataclass(frozen=True, slots=True)
class WriteKind:
    """One kind of vendor write. `patterns` are globs on the ledger endpoint name or on `METHOD /path`
    (see `resources.sandbox.app.endpoint_matches`); the first that a clean run matched becomes the fault's
    endpoint filter."""

    key: str
    vendor: str
    label: str
    patterns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Call:
    """One request a simulator answered: its vendor, ledger endpoint name, `METHOD /path` and status."""

    vendor: str
    endpoint: str
    concrete: str
    status: int

    @property
    def succeeded(self) -> bool:
        # The chaos faults act only on requests answered below 400 (a write made); so does the census.
        return self.status < 400


WRITE_KINDS: tuple[WriteKind, ...] = (
    # HubSpot
    WriteKind(
        "hubspot.property_group",
        "hubspot",
        "HubSpot property group create",
        ("POST /crm/properties/*/groups",),
    ),
    WriteKind(
        "hubspot.properties", "hubspot", "HubSpot properties create", ("POST /crm/properties/*/batch/create",)
    ),
    WriteKind(
        "hubspot.companies_create",
        "hubspot",
        "HubSpot companies create",
        ("POST /crm/objects/*/companies/batch/create",),
    ),
    WriteKind(
        "hubspot.companies_update",
        "hubspot",
        "HubSpot companies update",
        ("POST /crm/objects/*/companies/batch/update",),
    ),
    WriteKind(
        "hubspot.contacts_upsert",
        "hubspot",
        "HubSpot contacts upsert",
        ("POST /crm/objects/*/contacts/batch/upsert",),
    ),
    WriteKind(
        "hubspot.contacts_update",
        "hubspot",
        "HubSpot contacts update",
        ("POST /crm/objects/*/contacts/batch/update",),
    ),
    WriteKind(
        "hubspot.associations",
        "hubspot",
        "HubSpot associations",
        ("POST /crm/associations/*/batch/associate/default", "POST /crm/associations/*/batch/create"),
    ),
    WriteKind(
        "hubspot.notes", "hubspot", "HubSpot notes create", ("POST /crm/objects/*/notes/batch/create",)
    ),
    WriteKind(
        "hubspot.tasks", "hubspot", "HubSpot tasks create", ("POST /crm/objects/*/tasks/batch/create",)
    ),
    # lemlist
    WriteKind("lemlist.campaign_create", "lemlist", "lemlist campaign create", ("POST /api/campaigns",)),
    WriteKind(
        "lemlist.lead_add",
        "lemlist",
        "lemlist lead add",
        ("POST /api/campaigns/{campaignId}/leads", "POST /api/campaigns/{campaignId}/leads/{email}"),
    ),
    WriteKind(
        "lemlist.campaign_start",
        "lemlist",
        "lemlist campaign start",
        ("POST /api/campaigns/{campaignId}/start",),
    ),
    WriteKind(
        "lemlist.campaign_pause",
        "lemlist",
        "lemlist campaign pause",
        ("POST /api/campaigns/{campaignId}/pause",),
    ),
    WriteKind(
        "lemlist.interested",
        "lemlist",
        "lemlist interested mark",
        ("POST /api/leads/interested/{lead}", "POST /api/campaigns/{campaignId}/leads/{lead}/interested"),
    ),
    WriteKind(
        "lemlist.not_interested",
        "lemlist",
        "lemlist not-interested mark",
        (
            "POST /api/leads/notinterested/{lead}",
            "POST /api/campaigns/{campaignId}/leads/{lead}/notinterested",
        ),
    ),
    WriteKind(
        "lemlist.unsubscribes_bulk",
        "lemlist",
        "lemlist unsubscribes add (bulk)",
        ("POST /api/v2/unsubscribes/variables",),
    ),
    WriteKind(
        "lemlist.unsubscribe_one",
        "lemlist",
        "lemlist unsubscribe add (one)",
        ("POST /api/v2/unsubscribes/variables/{value}",),
    ),
    WriteKind(
        "lemlist.lead_pause",
        "lemlist",
        "lemlist lead pause/resume",
        ("POST /api/leads/pause/{lead}", "POST /api/leads/start/{lead}"),
    ),
    # Anthropic
    WriteKind("anthropic.message", "anthropic", "Anthropic message create", ("POST /v1/messages",)),
    WriteKind("anthropic.batch", "anthropic", "Anthropic batch create", ("POST /v1/messages/batches",)),
    WriteKind(
        "anthropic.batch_cancel",
        "anthropic",
        "Anthropic batch cancel",
        ("POST /v1/messages/batches/{batch_id}/cancel",),
    ),
    # Explorium's paid calls
    WriteKind(
        "explorium.businesses", "explorium", "Explorium businesses fetch (paid)", ("POST /v1/businesses",)
    ),
    WriteKind(
        "explorium.prospects", "explorium", "Explorium prospects fetch (paid)", ("POST /v1/prospects",)
    ),
    WriteKind(
        "explorium.business_enrich",
        "explorium",
        "Explorium business bulk enrich (paid)",
        ("POST /v1/businesses/{kind}/bulk_enrich", "POST /v1/businesses/{kind}/enrich"),
    ),
    WriteKind(
        "explorium.contacts_enrich",
        "explorium",
        "Explorium contacts enrich (paid)",
        (
            "POST /v1/prospects/contacts_information/bulk_enrich",
            "POST /v1/prospects/contacts_information/enrich",
        ),
    ),
    WriteKind(
        "explorium.profiles_enrich",
        "explorium",
        "Explorium profiles enrich (paid)",
        ("POST /v1/prospects/profiles/bulk_enrich", "POST /v1/prospects/profiles/enrich"),
    ),
    WriteKind(
        "explorium.match",
        "explorium",
        "Explorium match (paid when billed)",
        ("POST /v1/businesses/match", "POST /v1/prospects/match"),
    ),
)

KINDS_BY_KEY: dict[str, WriteKind] = {k.key: k for k in WRITE_KINDS}

#: Requests that change nothing at the vendor and cost nothing, though some are POSTs.
READS: tuple[str, ...] = (
    "GET *",
    "POST /crm/objects/*/search",
    "POST /crm/objects/*/batch/read",
    "POST /crm/associations/*/batch/read",
    "POST /v1/businesses/events",
    "POST /v1/businesses/stats",
    "POST /v1/prospects/stats",
    "POST /v1/messages/count_tokens",
    "POST /api/v2/campaigns/stats/batch",
    # HubSpot's public form endpoint: the harness's own setup, never the product.
    "POST /submissions/v3/integration/submit/*",
)


def kind_of(call: Call) -> WriteKind | None:
    """The write kind a call belongs to (None for a read or an unknown write)."""
    for kind in WRITE_KINDS:
        if kind.vendor == call.vendor and any(
            endpoint_matches(p, call.endpoint, call.concrete) for p in kind.patterns
        ):
            return kind
    return None


def is_read(call: Call) -> bool:
    return any(endpoint_matches(p, call.endpoint, call.concrete) for p in READS)


@dataclass(frozen=True, slots=True)
class Census:
    """What a clean run wrote: successful calls per (write kind, pattern), and writes nobody catalogued."""

    counts: Mapping[tuple[str, str], int]
    unclassified: Mapping[str, int]

    def kinds(self) -> list[str]:
        """Write kinds the run made at least once, in catalogue order."""
        seen = {k for (k, _), n in self.counts.items() if n}
        return [k.key for k in WRITE_KINDS if k.key in seen]

    def filter_for(self, key: str) -> tuple[str, int]:
        """(the endpoint glob a fault on this kind should use, how many calls matched it)."""
        kind = KINDS_BY_KEY[key]
        for pattern in kind.patterns:
            n = self.counts.get((key, pattern), 0)
            if n:
                return pattern, n
        return kind.patterns[0], 0


def classify(calls: Iterable[Call], *, paid_endpoints: Iterable[str] = ()) -> Census:
    """Count a run's successful calls per write kind and pattern. Explorium calls count as writes only on
    `paid_endpoints` (ledger endpoint names that were billed credits in the run)."""
    paid = set(paid_endpoints)
    counts: Counter[tuple[str, str]] = Counter()
    unclassified: Counter[str] = Counter()
    for call in calls:
        if not call.succeeded:
            continue
        kind = kind_of(call)
        if kind is not None and (kind.vendor != "explorium" or call.endpoint in paid):
            pattern = next(p for p in kind.patterns if endpoint_matches(p, call.endpoint, call.concrete))
            counts[(kind.key, pattern)] += 1
        elif kind is None and not is_read(call):
            unclassified[f"{call.vendor} {call.concrete}"] += 1
    return Census(dict(counts), dict(unclassified))
