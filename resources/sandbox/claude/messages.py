"""Anthropic's Messages endpoint: POST /v1/messages (no streaming)."""

from __future__ import annotations

from resources.sandbox.app import SimRequest, SimResponse, json_response, route
from resources.sandbox.claude.answers import AnthropicAnswers
from resources.sandbox.claude.validation import validate_message


class MessageRoutes(AnthropicAnswers):
    """One message, answered at once."""

    @route("POST", "/v1/messages")
    def create_message(self, req: SimRequest) -> SimResponse:
        version, refused = self._version(req)
        if refused:
            return refused
        body = req.json()
        problem = validate_message(body, version)
        if problem:
            return self._invalid(problem)
        if body.get("stream"):
            return self._invalid("stream: the sandbox does not simulate streaming; send stream=false")
        message, spend = self._answer_message(body, scope=self.api_key(req) or "")
        return json_response(message, spend=spend)
