"""The Explorium AgentSource v1 simulator: businesses, prospects, events, enrichments, credits.

What belongs here: Explorium's paths (exactly as the real API, under `/v1`), its request validation and
FastAPI-style 422 bodies, page and cursor pagination, the `api_key` header, the 200/min sliding window with
`X-RateLimit-*` headers, its error bodies, and the credit pool (tracked in the store, 403 when it runs out).
Companies, people and signals come from `world/`; nothing here invents an entity, only its wire format.

One module per API area, each a mixin over `core.ExploriumCore`: `fetch`, `stats`, `autocomplete`, `match`,
`events`, `business_enrichments`, `prospect_enrichments`, `account` (credits and health); `simulator`
composes them. `vocabulary` and `places` hold the data tables, `validation` and `filters` the request
checks they share.

Facts ran out in places (see /work/shared/reference/explorium.md); each such place says which reading it took.
"""

from resources.sandbox.explorium.simulator import ExploriumSimulator

__all__ = ["ExploriumSimulator"]
