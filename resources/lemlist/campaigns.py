"""lemlist campaigns: the team, listing, creating, starting and pausing campaigns, and their stats.

What belongs here: `/team`, `/campaigns...` and the `/v2/campaigns/.../stats` routes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from resources.lemlist.base_client import DateLike, LemlistBaseClient, iso_param, segment
from resources.lemlist.models import Campaign, CampaignState, CampaignStats, CampaignStatsBatch, Team

STATS_BATCH_MAX = 100
#: The versions of a step's A/B test lemlist's stats can be filtered to (`ABSelected`); it takes no other.
AbVersion = Literal["A", "B"]


class CampaignsAPI(LemlistBaseClient):
    """The team and its campaigns."""

    # --- team and campaigns -------------------------------------------------------------------

    def team(self) -> Team:
        """The team the key belongs to (also the cheapest auth check)."""
        return Team.model_validate(self._get("/team", endpoint="GET /team"))

    def list_campaigns(self, *, status: str | None = None) -> list[Campaign]:
        """Every campaign of the team, optionally of one status (running, draft, paused, ended, ...).

        `GET /campaigns?version=v2&page=N&limit=100`: lemlist's document defaults to `version=v2` and pages
        it by `page` (1-based); see `_walk_pages` for when the walk stops."""
        rows = self._walk_pages(
            "/campaigns",
            endpoint="GET /campaigns",
            params={"version": "v2", "status": status},
            list_key="campaigns",
        )
        return [Campaign.model_validate(r) for r in rows]

    def get_campaign(self, campaign_id: str) -> Campaign:
        """One campaign; `NotFoundError` when lemlist answers `Campaign not found`."""
        data = self._get(f"/campaigns/{segment(campaign_id)}", endpoint="GET /campaigns/{campaignId}")
        return Campaign.model_validate(data)

    def create_campaign(self, name: str, *, timezone: str | None = None) -> Campaign:
        """Create a campaign (`timezone` is IANA; lemlist defaults to Europe/Paris)."""
        body: dict[str, Any] = {"name": name}
        if timezone:
            body["timezone"] = timezone
        # No idempotency key: a create that got no answer is not sent again (callers find campaigns by name).
        data = self._send("POST", "/campaigns", endpoint="POST /campaigns", json=body, idempotent=False)
        return Campaign.model_validate(data)

    def start_campaign(self, campaign_id: str) -> CampaignState:
        """Start (or resume) sending a campaign."""
        data = self._send(
            "POST", f"/campaigns/{segment(campaign_id)}/start", endpoint="POST /campaigns/{campaignId}/start"
        )
        return CampaignState.model_validate(data)

    def pause_campaign(self, campaign_id: str) -> CampaignState:
        """Pause a campaign: nothing new is sent until it is started again."""
        data = self._send(
            "POST", f"/campaigns/{segment(campaign_id)}/pause", endpoint="POST /campaigns/{campaignId}/pause"
        )
        return CampaignState.model_validate(data)

    # --- stats ---------------------------------------------------------------------------------------

    def campaign_stats(
        self, campaign_id: str, *, start: DateLike, end: DateLike, ab_selected: AbVersion | None = None
    ) -> CampaignStats:
        """Counters of one campaign between `start` and `end` (both required by lemlist), of the leads sent
        version A or B of the campaign's A/B test when `ab_selected` is given (`ABSelected`)."""
        params = {"startDate": iso_param(start), "endDate": iso_param(end)}
        if ab_selected is not None:
            params["ABSelected"] = _ab_version(ab_selected)
        data = self._get(
            f"/v2/campaigns/{segment(campaign_id)}/stats",
            endpoint="GET /v2/campaigns/{campaignId}/stats",
            params=params,
        )
        stats = CampaignStats.model_validate(data)
        if stats.campaign_id is None:
            stats.campaign_id = campaign_id
        if ab_selected is not None:
            stats.ab_selected = ab_selected
        return stats

    def campaign_stats_batch(
        self,
        campaign_ids: Iterable[str],
        *,
        start: DateLike,
        end: DateLike,
        ab_selected: AbVersion | None = None,
    ) -> CampaignStatsBatch:
        """Counters of many campaigns, 100 ids per call; per-campaign failures land in `errors`. With
        `ab_selected`, of the leads sent that version of the A/B test only."""
        ids = list(dict.fromkeys(campaign_ids))
        merged = CampaignStatsBatch()
        for i in range(0, len(ids), STATS_BATCH_MAX):
            body: dict[str, Any] = {
                "campaignIds": ids[i : i + STATS_BATCH_MAX],
                "startDate": iso_param(start),
                "endDate": iso_param(end),
            }
            if ab_selected is not None:
                body["ABSelected"] = _ab_version(ab_selected)
            data = self._send(
                "POST", "/v2/campaigns/stats/batch", endpoint="POST /v2/campaigns/stats/batch", json=body
            )
            part = CampaignStatsBatch.model_validate(data)
            if ab_selected is not None:
                for stats in part.results:
                    stats.ab_selected = ab_selected
            merged.results.extend(part.results)
            merged.errors.extend(part.errors)
        return merged


def _ab_version(value: str) -> str:
    # lemlist answers anything but A or B with a 400; refused here, before a call is spent on it.
    if value not in ("A", "B"):
        raise ValueError(f"lemlist's ABSelected takes 'A' or 'B', not {value!r}")
    return value
