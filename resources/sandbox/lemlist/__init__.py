"""The lemlist API simulator (paths under `/api`, as on https://api.lemlist.com/api).

What belongs here: the composed `LemlistSimulator` and the names other code imports from it. Each API area
is a mixin in its own module (`team`, `campaigns`, `leads`, `activities`, `unsubscribes`, `stats`,
`inbox`) over the campaign engine (`engine`, `schedule`), the shared records (`records`) and lemlist's
auth, limits and error bodies (`base`, `common`). Facts: /work/shared/reference/lemlist.md.

Routes: GET /api/team; GET|POST /api/campaigns; GET /api/campaigns/{id}; POST /api/campaigns/{id}/start|pause;
GET|POST /api/campaigns/{id}/leads/; POST|PATCH|DELETE /api/campaigns/{id}/leads/{leadIdOrEmail};
POST /api/campaigns/{id}/leads/{leadIdOrEmail}/interested|notinterested; GET /api/leads/{email};
GET /api/leads?email=|id=; POST /api/leads/pause|start|interested|notinterested/{leadIdOrEmail};
GET /api/activities; GET|POST /api/v2/unsubscribes/variables;
GET|POST|DELETE /api/v2/unsubscribes/variables/{value};
GET|POST|DELETE /api/v2/unsubscribes/contacts/{contactId};
GET /api/v2/unsubscribes/exports/variables|contacts (CSV). The legacy unsubscribe routes are retired (404).
GET /api/v2/campaigns/{id}/stats; POST /api/v2/campaigns/stats/batch; GET /api/inbox/{contactId}.

How time works: nothing is "sent" when a lead is added. Each lead has a plan computed from the campaign's
running intervals, the lead's pauses and the engagement outcome of its email; events of the plan become
activities once the sandbox clock passes them (`_sync`, run before every read). A campaign that is not
running at a planned send time defers the send to its next running interval; if it never runs again, the
send never happens. Replies and opens of an email already sent still arrive while a campaign is paused.
"""

from __future__ import annotations

from resources.sandbox.lemlist.activities import ActivityRoutes
from resources.sandbox.lemlist.campaigns import CampaignRoutes
from resources.sandbox.lemlist.common import (
    ACTIVITIES,
    CAMPAIGN_LEADS_MAX,
    CAMPAIGNS,
    CONTACTS,
    FOLLOW_UP_DAYS,
    LEADS,
    LIMIT,
    NEXT_DUE,
    PAGE_MAX,
    PROTECTED_SOURCES,
    SEQUENCE_STEPS,
    STATS_BATCH_MAX,
    UNSUB_BULK_MAX,
    UNSUBSCRIBES,
    WINDOW_SECONDS,
    js_date,
)
from resources.sandbox.lemlist.engine import Event, LemlistEngine
from resources.sandbox.lemlist.inbox import InboxRoutes
from resources.sandbox.lemlist.leads import LeadRoutes
from resources.sandbox.lemlist.stats import StatsRoutes
from resources.sandbox.lemlist.team import TeamRoutes
from resources.sandbox.lemlist.unsubscribes import UnsubscribeRoutes

__all__ = [
    "ACTIVITIES",
    "CAMPAIGNS",
    "CAMPAIGN_LEADS_MAX",
    "CONTACTS",
    "FOLLOW_UP_DAYS",
    "LEADS",
    "LIMIT",
    "NEXT_DUE",
    "PAGE_MAX",
    "PROTECTED_SOURCES",
    "SEQUENCE_STEPS",
    "STATS_BATCH_MAX",
    "UNSUBSCRIBES",
    "UNSUB_BULK_MAX",
    "WINDOW_SECONDS",
    "Event",
    "LemlistEngine",
    "LemlistSimulator",
    "js_date",
]


class LemlistSimulator(
    TeamRoutes,
    CampaignRoutes,
    LeadRoutes,
    ActivityRoutes,
    UnsubscribeRoutes,
    StatsRoutes,
    InboxRoutes,
):
    """lemlist, as the pipeline uses it: one team, campaigns, leads, activities over time, unsubscribes."""
