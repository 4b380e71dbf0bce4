"""lemlist's team: GET /api/team."""

from __future__ import annotations

from typing import Any

from resources.sandbox.app import SimRequest, SimResponse, json_response, route
from resources.sandbox.lemlist.engine import LemlistEngine


class TeamRoutes(LemlistEngine):
    """The team the API key belongs to."""

    @route("GET", "/api/team")
    def get_team(self, req: SimRequest) -> SimResponse:
        team: dict[str, Any] = {
            "_id": self.team_id,
            "name": "Relaypoint (sandbox)",
            "userIds": [self.user_id],
            "createdBy": self.user_id,
            "createdAt": self.store.epoch.replace(year=self.store.epoch.year - 1).isoformat(),
            "hooks": [],
            "beta": [],
            "invitedUsers": [],
            # No custom tracking domain: left out, since the document types customDomain as a plain string.
        }
        if req.arg("version") == "v2":
            team["users"] = [
                {
                    "userId": self.user_id,
                    "name": self.sender_name,
                    "email": self.sender_email,
                    "role": "admin",
                }
            ]
        return json_response(team)
