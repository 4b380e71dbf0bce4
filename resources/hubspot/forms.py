"""Marketing forms: their definitions, their submissions, and submitting one as a visitor would.

What belongs here: `/marketing/v3/forms`, the legacy `/form-integrations/v1` submissions (no dated or v3
route reads them) and the public hsforms submit endpoint, which lives on its own host. None of them has a
date-versioned path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from resources.hubspot.base_client import DEFAULT_BASE_URL, HubSpotBaseClient, json_or_none
from resources.hubspot.models import SUBMISSIONS_PAGE_SIZE, Form, FormSubmission
from resources.hubspot.values import property_value

#: The public form-submission endpoint lives on its own host.
FORMS_BASE_URL = "https://api.hsforms.com"


class FormsAPI(HubSpotBaseClient):
    """Form definitions and submissions."""

    def list_forms(self, *, form_types: Sequence[str] | None = None) -> list[Form]:
        """Every form definition (`GET /marketing/v3/forms`, paged), for finding form ids."""
        params: dict[str, Any] = {"limit": 50}
        if form_types:
            params["formTypes"] = list(form_types)
        return [Form.model_validate(f) for f in self._paged_get("/marketing/v3/forms", params)]

    def list_form_submissions(
        self, form_guid: str, *, after_ms: int | None = None, limit: int = SUBMISSIONS_PAGE_SIZE
    ) -> list[FormSubmission]:
        """Submissions of a form newer than `after_ms` (epoch ms), newest first.

        There is no dated or v3 endpoint for reading submissions; legacy v1 returns them newest first, so
        paging stops at the first submission at or before `after_ms` (with `after_ms=None`, all of them).
        """
        page_size = max(1, min(limit, SUBMISSIONS_PAGE_SIZE))
        path = f"/form-integrations/v1/submissions/forms/{quote(form_guid, safe='')}"
        out: list[FormSubmission] = []
        after: str | None = None
        while True:
            data = self.request(
                "GET",
                path,
                endpoint="GET /form-integrations/v1/submissions/forms/{formGuid}",
                params={"limit": page_size, "after": after},
            ).json()
            for raw in data.get("results") or []:
                submission = FormSubmission.model_validate(raw)
                if after_ms is not None and submission.submitted_at <= after_ms:
                    return out
                out.append(submission)
            after = ((data.get("paging") or {}).get("next") or {}).get("after")
            if not after or not data.get("results"):
                return out

    def submit_form(
        self,
        portal_id: int | str,
        form_guid: str,
        fields: Mapping[str, Any],
        context: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Submit a form as a website visitor would (`POST /submissions/v3/integration/submit/...`).

        This is the public forms endpoint on `api.hsforms.com` (a socket sandbox serves it under the same
        base URL as the rest); it needs no token. `fields` maps field names to values; `context` may hold
        `pageUri`, `pageName`, `hutk`. HubSpot answers 400 with `errors[]` (REQUIRED_FIELD, INVALID_EMAIL),
        which raises like any other refused request.
        """
        api_base = str(self._http.base_url).rstrip("/")
        base = FORMS_BASE_URL if api_base == DEFAULT_BASE_URL else api_base
        path = (
            f"/submissions/v3/integration/submit/{quote(str(portal_id), safe='')}/{quote(form_guid, safe='')}"
        )
        body: dict[str, Any] = {
            "fields": [
                {"objectTypeId": "0-1", "name": str(k), "value": property_value(v)} for k, v in fields.items()
            ]
        }
        if context:
            body["context"] = dict(context)
        response = self.request(
            "POST",
            base.rstrip("/") + path,
            endpoint="POST /submissions/v3/integration/submit/{portalId}/{formGuid}",
            json=body,
        )
        return dict(json_or_none(response) or {})
