"""Explorium prospects: fetching people, matching them, and enriching their contacts and profiles.

What belongs here: the `/prospects...` routes and their batch limits (match and enrich 50). Prospect
records carry no contact details; `enrich_contacts` is where they are bought.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from resources.explorium.base_client import ExploriumBaseClient, as_input, in_chunks, one_record, unique
from resources.explorium.filters import ProspectFilters
from resources.explorium.models import (
    DEFAULT_PAGE_SIZE,
    ENRICH_BATCH,
    MATCH_BATCH,
    CallSpend,
    ContactsEnrichmentResult,
    ContactType,
    EnrichedContacts,
    EnrichedProfile,
    FetchPage,
    FetchResult,
    ProfilesEnrichmentResult,
    Prospect,
    ProspectMatch,
    ProspectMatchResult,
    ProspectProfile,
    ProspectToMatch,
)


class ProspectsAPI(ExploriumBaseClient):
    """People: search, match, contact details and profiles."""

    def iter_prospect_pages(
        self,
        filters: ProspectFilters | Mapping[str, Any] | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_results: int | None = None,
        exclude: Sequence[str] = (),
    ) -> Iterator[FetchPage[Prospect]]:
        """Each page of `POST /prospects` (page mode)."""
        yield from self._pages("/prospects", Prospect, filters, page_size, max_results, exclude)

    def fetch_prospects(
        self,
        filters: ProspectFilters | Mapping[str, Any] | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_results: int | None = None,
        exclude: Sequence[str] = (),
    ) -> FetchResult[Prospect]:
        """Every prospect matching `filters` (business_id, job_level, job_department, job_title,
        has_email, ...), over all pages. Records carry no contact details: see `enrich_contacts`."""
        return self._collect(
            self.iter_prospect_pages(filters, page_size=page_size, max_results=max_results, exclude=exclude),
            key=lambda p: p.prospect_id,
            max_results=max_results,
        )

    def match_prospects(
        self, prospects: Sequence[ProspectToMatch | Mapping[str, Any]]
    ) -> ProspectMatchResult:
        """`POST /prospects/match` in chunks of 50; matches come back in input order."""
        inputs = [as_input(ProspectToMatch, p) for p in prospects]
        spend = CallSpend()
        matches: list[ProspectMatch] = []
        for chunk in in_chunks(inputs, MATCH_BATCH):
            raw, usage = self._post("/prospects/match", {"prospects_to_match": chunk})
            spend.add(usage)
            matches.extend(ProspectMatch.model_validate(m) for m in raw.get("matched_prospects") or [])
        return ProspectMatchResult(matches=matches, spend=spend)

    def enrich_contacts(
        self,
        prospect_ids: Sequence[str],
        *,
        contact_types: Sequence[ContactType] = ("email",),
    ) -> ContactsEnrichmentResult:
        """`POST /prospects/contacts_information/bulk_enrich` in chunks of 50.

        Email only costs 2 credits per prospect, phone (with or without email) 5: ask only for what you use.
        """
        spend = CallSpend()
        rows: list[EnrichedContacts] = []
        for chunk in in_chunks(_ids(prospect_ids), ENRICH_BATCH):
            body = {"prospect_ids": chunk, "parameters": {"contact_types": list(contact_types)}}
            raw, usage = self._post("/prospects/contacts_information/bulk_enrich", body)
            spend.add(usage)
            rows.extend(EnrichedContacts.model_validate(r) for r in raw.get("data") or [])
        return ContactsEnrichmentResult(rows=rows, spend=spend)

    def enrich_prospect_profiles(self, prospect_ids: Sequence[str]) -> ProfilesEnrichmentResult:
        """`POST /prospects/profiles/bulk_enrich` in chunks of 50: education, experience, seniority."""
        spend = CallSpend()
        rows: list[EnrichedProfile] = []
        for chunk in in_chunks(_ids(prospect_ids), ENRICH_BATCH):
            raw, usage = self._post("/prospects/profiles/bulk_enrich", {"prospect_ids": chunk})
            spend.add(usage)
            rows.extend(
                EnrichedProfile(
                    prospect_id=row["prospect_id"], data=one_record(row.get("data"), ProspectProfile)
                )
                for row in raw.get("data") or []
            )
        return ProfilesEnrichmentResult(rows=rows, spend=spend)


def _ids(ids: Sequence[str]) -> list[str]:
    # A single null id makes Explorium reject the whole batch with a 422, so refuse it here.
    if any(not isinstance(i, str) or not i for i in ids):
        raise ValueError("prospect ids must be non-empty strings (Explorium rejects a batch with a null id)")
    return unique(ids)
