"""Marketing forms, their submissions (the world's schedule plus those posted) and the public
submit endpoint, which takes no token.
"""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta
from typing import Any

from resources.sandbox.app import (
    SimRequest,
    SimResponse,
    json_response,
    new_uuid,
    route,
)
from resources.sandbox.hubspot.errors import _Failure
from resources.sandbox.hubspot.limits import (
    SUBMISSIONS_DEFAULT,
    SUBMISSIONS_MAX,
)
from resources.sandbox.hubspot.records import HubSpotRecords
from resources.sandbox.hubspot.schema import (
    _EMAIL,
)
from resources.sandbox.hubspot.values import (
    _iso,
    _ms,
)
from resources.sandbox.world import NUMEMPLOYEES_CHOICES


class FormsApi(HubSpotRecords):
    """The forms, form-submissions and public submit routes."""

    # --- forms and submissions ------------------------------------------------------------------------------

    _FIELD_TYPES = {
        "email": "email",
        "text": "single_line_text",
        "phone": "phone",
        "select": "dropdown",
        "textarea": "multi_line_text",
    }

    def _field(self, f: Any) -> dict[str, Any]:
        """One form field with every member the v3 forms document requires of its field type."""
        field_type = self._FIELD_TYPES.get(f.field_type, "single_line_text")
        out: dict[str, Any] = {
            "objectTypeId": "0-1",
            "name": f.name,
            "label": f.label,
            "required": f.required,
            "hidden": False,
            "fieldType": field_type,
            "dependentFields": [],
        }
        if field_type == "email":
            out["validation"] = {"blockedEmailDomains": [], "useDefaultBlockList": False}
        elif field_type == "phone":
            out["useCountryCodeSelect"] = True
            out["validation"] = {"minAllowedDigits": 7, "maxAllowedDigits": 20}
        elif field_type == "dropdown":
            choices = NUMEMPLOYEES_CHOICES if f.name == "numemployees" else ()
            out["defaultValues"] = []
            out["options"] = [
                {"label": value, "value": value, "displayOrder": i} for i, value in enumerate(choices)
            ]
        return out

    def _form(self, index: int, form: Any) -> dict[str, Any]:
        """A form as `GET /marketing/v3/forms` describes it: the fields the world gives it, and the portal
        defaults of a new form for everything the document requires besides."""
        created = _iso(self.store.epoch - timedelta(days=400 - 30 * index))
        return {
            "id": form.guid,
            "name": form.name,
            "formType": form.form_type,
            "createdAt": created,
            "updatedAt": created,
            "archived": False,
            "fieldGroups": [
                {"groupType": "default_group", "richTextType": "text", "fields": [self._field(f)]}
                for f in form.fields
            ],
            "configuration": {
                "language": "en",
                "createNewContactForNewEmail": True,
                "allowLinkToResetKnownValues": False,
                "archivable": True,
                "cloneable": True,
                "editable": True,
                "lifecycleStages": [{"objectTypeId": "0-1", "value": "lead"}],
                "notifyContactOwner": False,
                "notifyRecipients": [],
                "postSubmitAction": {"type": "thank_you", "value": "Thanks for submitting the form."},
                "prePopulateKnownValues": True,
                "recaptchaEnabled": False,
            },
            "displayOptions": {
                "renderRawHtml": False,
                "theme": "default_style",
                "submitButtonText": "Submit",
                "style": {
                    "backgroundWidth": "100%",
                    "fontFamily": "arial, helvetica, sans-serif",
                    "helpTextColor": "#7C98B6",
                    "helpTextSize": "11px",
                    "labelTextColor": "#33475b",
                    "labelTextSize": "13px",
                    "legalConsentTextColor": "#33475b",
                    "legalConsentTextSize": "14px",
                    "submitAlignment": "left",
                    "submitColor": "#ff7a59",
                    "submitFontColor": "#ffffff",
                    "submitSize": "12px",
                },
            },
            "legalConsentOptions": {"type": "none"},
        }

    @route("GET", "/marketing/v3/forms")
    def list_forms(self, req: SimRequest) -> SimResponse:
        def run() -> SimResponse:
            limit = int(req.arg("limit") or 20)
            if not 0 < limit <= 100:
                raise _Failure(400, "VALIDATION_ERROR", "limit must be between 1 and 100")
            types = set(req.query.get("formTypes") or ["hubspot"])
            forms = [self._form(i, f) for i, f in enumerate(self.world.forms)]
            if "all" not in types:
                forms = [f for f in forms if f["formType"] in types]
            if req.arg("archived", "false") == "true":
                forms = []
            start = int(req.arg("after") or 0)
            out: dict[str, Any] = {"results": forms[start : start + limit]}
            if start + limit < len(forms):
                out["paging"] = {"next": {"after": str(start + limit), "link": f"?after={start + limit}"}}
            return json_response(out)

        return self._guarded(run)

    @route("GET", "/marketing/v3/forms/{formId}")
    def get_form(self, req: SimRequest, formId: str) -> SimResponse:
        for i, form in enumerate(self.world.forms):
            if form.guid == formId:
                return json_response(self._form(i, form))
        return self._error(404, "OBJECT_NOT_FOUND", f"Form {formId} not found")

    def _submissions(self, form_guid: str) -> list[dict[str, Any]]:
        """Every submission up to now, newest first: the world's schedule plus those posted to the sandbox."""
        now = self.store.now()
        out = [
            {
                "conversionId": s.conversion_id,
                "submittedAt": _ms(s.submitted_at),
                "values": [{"name": k, "value": v} for k, v in s.values],
                "pageUrl": s.page_url,
            }
            for s in self.world.submissions(form_guid, self.store.epoch, now)
        ]
        out.extend(
            s for s in self.store.find("hubspot.submissions", form_guid) if s["submittedAt"] <= _ms(now)
        )
        out.sort(key=lambda s: (s["submittedAt"], s["conversionId"]), reverse=True)
        return out

    @route("GET", "/form-integrations/v1/submissions/forms/{formGuid}")
    def form_submissions(self, req: SimRequest, formGuid: str) -> SimResponse:
        def run() -> SimResponse:
            if self.world.form(formGuid) is None:
                raise _Failure(404, "OBJECT_NOT_FOUND", f"Form {formGuid} does not exist")
            try:
                limit = int(req.arg("limit") or SUBMISSIONS_DEFAULT)
            except ValueError as exc:
                raise _Failure(400, "VALIDATION_ERROR", f"Invalid limit: {exc}") from exc
            # Documented range 1-50; out-of-range values are refused rather than clamped (stricter reading).
            if not 0 < limit <= SUBMISSIONS_MAX:
                raise _Failure(400, "VALIDATION_ERROR", f"limit must be between 1 and {SUBMISSIONS_MAX}")
            items = self._submissions(formGuid)
            cursor = req.arg("after")
            if cursor:
                try:
                    ms_text, conversion = base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)
                    mark = (int(ms_text), conversion)
                except (ValueError, UnicodeDecodeError) as exc:
                    raise _Failure(400, "VALIDATION_ERROR", "Invalid `after` cursor") from exc
                items = [s for s in items if (s["submittedAt"], s["conversionId"]) < mark]
            page = items[:limit]
            out: dict[str, Any] = {"results": page}
            if len(items) > limit:
                last = page[-1]
                token = base64.urlsafe_b64encode(
                    f"{last['submittedAt']}:{last['conversionId']}".encode()
                ).decode()
                out["paging"] = {
                    "next": {
                        "after": token,
                        "link": f"https://api.hubapi.com/form-integrations/v1/submissions/forms/{formGuid}"
                        f"?limit={limit}&after={token}",
                    }
                }
            return json_response(out)

        return self._guarded(run)

    @route("POST", "/submissions/v3/integration/submit/{portalId}/{formGuid}")
    def submit_form(self, req: SimRequest, portalId: str, formGuid: str) -> SimResponse:
        form = self.world.form(formGuid)
        if form is None or portalId != str(self.portal_id):
            return self._error(
                404, "OBJECT_NOT_FOUND", f"Form {formGuid} does not exist in portal {portalId}"
            )
        try:
            body = self._body(req)
        except _Failure as failure:
            return self._failure_response(failure)
        values = {
            str(f.get("name")): str(f.get("value") or "")
            for f in body.get("fields") or []
            if isinstance(f, dict) and f.get("name")
        }
        errors = [
            {
                "message": f"Error in 'fields.{f.name}'. Required field '{f.name}' is missing",
                "errorType": "REQUIRED_FIELD",
            }
            for f in form.fields
            if f.required and not values.get(f.name)
        ]
        if values.get("email") and not _EMAIL.match(values["email"].strip()):
            errors.append(
                {"message": "Error in 'fields.email'. Invalid email address", "errorType": "INVALID_EMAIL"}
            )
        if errors:
            correlation = new_uuid()
            return json_response(
                {
                    "status": "error",
                    "message": "The request is not valid",
                    "correlationId": correlation,
                    "errors": errors,
                },
                400,
                {"X-HubSpot-Correlation-Id": correlation},
            )
        context = body.get("context") or {}
        submission: dict[str, Any] = {
            "conversionId": str(uuid.uuid4()),
            "submittedAt": _ms(self.store.now()),
            "values": [{"name": k, "value": v} for k, v in values.items() if v],
            "pageUrl": str(context.get("pageUri") or ""),
        }
        if context.get("pageName"):
            submission["pageName"] = str(context["pageName"])
        self.store.put("hubspot.submissions", submission["conversionId"], submission, key=formGuid)
        return json_response({"inlineMessage": "Thanks for submitting the form."})
