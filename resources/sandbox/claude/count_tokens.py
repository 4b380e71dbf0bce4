"""Anthropic's token counting: POST /v1/messages/count_tokens."""

from __future__ import annotations

from resources.sandbox.app import SimRequest, SimResponse, json_response, route
from resources.sandbox.claude.base import AnthropicBase
from resources.sandbox.claude.prompt import prompt_blocks
from resources.sandbox.claude.validation import validate_message


class CountTokensRoutes(AnthropicBase):
    """The input tokens a Messages request would use."""

    @route("POST", "/v1/messages/count_tokens")
    def count_tokens(self, req: SimRequest) -> SimResponse:
        version, refused = self._version(req)
        if refused:
            return refused
        body = req.json()
        problem = validate_message(body, version, require_max_tokens=False)
        if problem:
            return self._invalid(problem)
        blocks, extra = prompt_blocks(body)
        return json_response({"input_tokens": max(1, sum(b.tokens for b in blocks) + extra)})
