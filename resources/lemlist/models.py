"""Pydantic models of what the lemlist client sends and returns.

What belongs here: lemlist's payload shapes (team, campaigns, leads, activities, unsubscribes, stats, inbox
messages) and `LeadInput`, the one input model. lemlist's own field names are kept as aliases (`_id`,
`campaignId`, ...) and every vendor payload allows extra fields, so a new field on lemlist's side never
breaks a run. HTTP, retries and paths belong in `client.py`.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

_VENDOR = ConfigDict(extra="allow", populate_by_name=True)
_BREAK = re.compile(r"<br\s*/?>|</p>|</div>\s*<div[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def html_to_text(value: str | None) -> str | None:
    """The plain text of an HTML email body (lemlist serves reply bodies as HTML)."""
    if value is None:
        return None
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", value))).strip()


class Team(BaseModel):
    """`GET /team`."""

    model_config = _VENDOR

    id: str = Field(alias="_id")
    name: str | None = None
    user_ids: list[str] = Field(default_factory=list, alias="userIds")
    created_by: str | None = Field(default=None, alias="createdBy")
    created_at: datetime | None = Field(default=None, alias="createdAt")


class Campaign(BaseModel):
    """A campaign as `GET /campaigns`, `GET /campaigns/{id}` and `POST /campaigns` return it.

    The list and get endpoints say `status`; the create example says `state`. `status` is filled from
    whichever the payload carries.
    """

    model_config = _VENDOR

    id: str = Field(alias="_id")
    name: str
    status: str | None = None
    state: str | None = None
    timezone: str | None = None
    labels: list[str] = Field(default_factory=list)
    created_at: datetime | None = Field(default=None, alias="createdAt")
    created_by: str | None = Field(default=None, alias="createdBy")

    def model_post_init(self, __context: Any) -> None:
        if self.status is None and self.state is not None:
            self.status = self.state


class CampaignState(BaseModel):
    """`POST /campaigns/{id}/start|pause` -> `{_id, state}`."""

    model_config = _VENDOR

    id: str = Field(alias="_id")
    state: str


class LeadInput(BaseModel):
    """A lead to add to a campaign. `variables` become lemlist custom variables (extra string keys of the
    body), e.g. `{"subject": ..., "opener": ...}` for a sequence that uses `{{subject}}`."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    email: str
    first_name: str | None = Field(default=None, alias="firstName")
    last_name: str | None = Field(default=None, alias="lastName")
    company_name: str | None = Field(default=None, alias="companyName")
    job_title: str | None = Field(default=None, alias="jobTitle")
    linkedin_url: str | None = Field(default=None, alias="linkedinUrl")
    phone: str | None = None
    company_domain: str | None = Field(default=None, alias="companyDomain")
    icebreaker: str | None = None
    timezone: str | None = None
    variables: dict[str, str] = Field(default_factory=dict)

    def to_body(self) -> dict[str, str]:
        """The JSON body lemlist expects: standard fields plus custom variables, all flat."""
        body = self.model_dump(by_alias=True, exclude_none=True, exclude={"variables"})
        for name, value in self.variables.items():
            # A custom variable never overrides a standard field.
            body.setdefault(name, str(value))
        return body


class Lead(BaseModel):
    """A lead in one campaign, as add/update/unsubscribe/delete answer it."""

    model_config = _VENDOR

    id: str = Field(alias="_id")
    email: str | None = None
    campaign_id: str | None = Field(default=None, alias="campaignId")
    campaign_name: str | None = Field(default=None, alias="campaignName")
    first_name: str | None = Field(default=None, alias="firstName")
    last_name: str | None = Field(default=None, alias="lastName")
    company_name: str | None = Field(default=None, alias="companyName")
    job_title: str | None = Field(default=None, alias="jobTitle")
    company_domain: str | None = Field(default=None, alias="companyDomain")
    is_paused: bool = Field(default=False, alias="isPaused")
    contact_id: str | None = Field(default=None, alias="contactId")
    email_status: str | None = Field(default=None, alias="emailStatus")


LeadAddStatus = Literal["added", "skipped_duplicate", "skipped_unsubscribed"]


class LeadAddResult(BaseModel):
    """What `add_lead` did with one lead. lemlist answers a deduplicated or unsubscribed lead with an
    error status; the client turns those into a skipped result instead of raising."""

    email: str
    status: LeadAddStatus
    lead: Lead | None = None
    message: str | None = None

    @property
    def added(self) -> bool:
        return self.status == "added"


class CampaignLead(BaseModel):
    """`GET /campaigns/{id}/leads/` rows."""

    model_config = _VENDOR

    id: str = Field(alias="_id")
    contact_id: str | None = Field(default=None, alias="contactId")
    state: str | None = None


class LeadCampaignRef(BaseModel):
    model_config = _VENDOR

    id: str
    name: str | None = None
    status: str | None = None


class LeadInCampaign(BaseModel):
    """One element of `GET /leads/{email}` (one per campaign the email is in)."""

    model_config = _VENDOR

    id: str = Field(alias="_id")
    updated_at: datetime | None = Field(default=None, alias="updatedAt")
    is_paused: bool = Field(default=False, alias="isPaused")
    state: str | None = None
    status: str | None = None
    variables: dict[str, Any] = Field(default_factory=dict)
    contact_id: str | None = Field(default=None, alias="contactId")
    campaign: LeadCampaignRef | None = None


class Activity(BaseModel):
    """One activity (`GET /activities`). Reply activities carry `text`/`subject`; bounces carry the SMTP
    answer in `errorMessage`."""

    model_config = _VENDOR

    id: str = Field(alias="_id")
    type: str
    created_at: datetime = Field(alias="createdAt")
    lead_id: str | None = Field(default=None, alias="leadId")
    contact_id: str | None = Field(default=None, alias="contactId")
    campaign_id: str | None = Field(default=None, alias="campaignId")
    campaign_name: str | None = Field(default=None, alias="campaignName")
    lead_email: str | None = Field(default=None, alias="leadEmail")
    lead_first_name: str | None = Field(default=None, alias="leadFirstName")
    lead_last_name: str | None = Field(default=None, alias="leadLastName")
    sequence_step: int | None = Field(default=None, alias="sequenceStep")
    send_user_email: str | None = Field(default=None, alias="sendUserEmail")
    is_first: bool | None = Field(default=None, alias="isFirst")
    related_sent_at: datetime | None = Field(default=None, alias="relatedSentAt")
    text: str | None = None
    subject: str | None = None
    error_message: str | None = Field(default=None, alias="errorMessage")

    @property
    def plain_text(self) -> str | None:
        """The reply body without HTML (`text` is the email's HTML)."""
        return html_to_text(self.text)


class Unsubscribe(BaseModel):
    """An entry of the team's unsubscribe list: an email, a whole domain written `@example.com`, a LinkedIn
    URL or a phone number. Read from `GET /v2/unsubscribes/variables` (JSON), its CSV export
    `GET /v2/unsubscribes/exports/variables`, and the single-value
    `GET|POST /v2/unsubscribes/variables/{value}`.

    The single-value answers carry `variable` ("alias of value", says lemlist) and no `createdAt`.
    """

    model_config = _VENDOR

    id: str | None = Field(default=None, alias="_id")
    value: str | None = None
    variable: str | None = None
    #: lemlist's enum: api, bounced, lead, user, abuse (`abuse` is a spam complaint).
    source: str | None = None
    created_at: datetime | None = Field(default=None, alias="createdAt")

    def model_post_init(self, __context: Any) -> None:
        if self.value is None and self.variable is not None:
            self.value = self.variable


class ContactSubscription(BaseModel):
    """`GET /v2/unsubscribes/contacts/{contactId}`: whether a lemlist contact is marked do-not-contact."""

    model_config = _VENDOR

    id: str = Field(alias="_id")
    do_not_contact: bool = Field(default=False, alias="doNotContact")


class StepStats(BaseModel):
    model_config = _VENDOR

    index: int | None = None
    sequence_step: int | None = Field(default=None, alias="sequenceStep")
    sent: int = 0
    delivered: int = 0
    opened: int = 0
    clicked: int = 0
    replied: int = 0
    bounced: int = 0
    unsubscribed: int = 0
    #: The A/B version of the step these counters are of, when the stats were filtered by `ABSelected`.
    ab_test: str | None = Field(default=None, alias="abTest")


class CampaignStats(BaseModel):
    """`GET /v2/campaigns/{id}/stats` (and one `results` row of the batch, which adds `campaignId`)."""

    model_config = _VENDOR

    campaign_id: str | None = Field(default=None, alias="campaignId")
    nb_leads: int = Field(default=0, alias="nbLeads")
    nb_leads_launched: int = Field(default=0, alias="nbLeadsLaunched")
    nb_leads_reached: int = Field(default=0, alias="nbLeadsReached")
    nb_leads_opened: int = Field(default=0, alias="nbLeadsOpened")
    nb_leads_interacted: int = Field(default=0, alias="nbLeadsInteracted")
    nb_leads_answered: int = Field(default=0, alias="nbLeadsAnswered")
    nb_leads_interested: int = Field(default=0, alias="nbLeadsInterested")
    nb_leads_not_interested: int = Field(default=0, alias="nbLeadsNotInterested")
    nb_leads_unsubscribed: int = Field(default=0, alias="nbLeadsUnsubscribed")
    messages_sent: int = Field(default=0, alias="messagesSent")
    messages_bounced: int = Field(default=0, alias="messagesBounced")
    delivered: int = 0
    opened: int = 0
    clicked: int = 0
    replied: int = 0
    steps: list[StepStats] = Field(default_factory=list)
    #: The A/B version these counters were filtered to (`ABSelected`); None: every lead of the campaign.
    ab_selected: str | None = Field(default=None, exclude=True)


class CampaignStatsError(BaseModel):
    model_config = _VENDOR

    campaign_id: str = Field(alias="campaignId")
    error: str


class CampaignStatsBatch(BaseModel):
    """`POST /v2/campaigns/stats/batch`, merged over however many calls the ids needed."""

    model_config = _VENDOR

    results: list[CampaignStats] = Field(default_factory=list)
    errors: list[CampaignStatsError] = Field(default_factory=list)


class InboxMessage(BaseModel):
    """One message of a contact's conversation (`GET /inbox/{contactId}`): sent emails and replies.
    Replies are `type == "emailsReplied"`; `message` is the HTML body."""

    model_config = _VENDOR

    id: str = Field(alias="_id")
    type: str
    created_at: datetime = Field(alias="createdAt")
    lead_id: str | None = Field(default=None, alias="leadId")
    campaign_id: str | None = Field(default=None, alias="campaignId")
    contact_id: str | None = Field(default=None, alias="contactId")
    lead_email: str | None = Field(default=None, alias="leadEmail")
    send_user_email: str | None = Field(default=None, alias="sendUserEmail")
    from_email: str | None = Field(default=None, alias="fromEmail")
    subject: str | None = None
    message: str | None = None

    @property
    def is_reply(self) -> bool:
        return self.type.endswith("Replied")

    @property
    def plain_text(self) -> str | None:
        return html_to_text(self.message)
