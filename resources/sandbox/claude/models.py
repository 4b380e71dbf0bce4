"""Anthropic's models: the ids the API serves and GET /v1/models, GET /v1/models/{model_id}."""

from __future__ import annotations

from typing import Any

from resources.sandbox.app import SimRequest, SimResponse, json_response, route
from resources.sandbox.claude.base import AnthropicBase

#: Ids the API serves (SDK 2.x `types/model.py`, minus the limited-access fable/mythos families).
#: Facts ran out on release dates: the dated snapshot ids give three; the rest carry a placeholder date.
_PLACEHOLDER = "2026-01-01T00:00:00Z"
MODELS: dict[str, tuple[str, str]] = {
    "claude-haiku-4-5": ("Claude Haiku 4.5", "2025-10-01T00:00:00Z"),
    "claude-haiku-4-5-20251001": ("Claude Haiku 4.5", "2025-10-01T00:00:00Z"),
    "claude-sonnet-4-5": ("Claude Sonnet 4.5", "2025-09-29T00:00:00Z"),
    "claude-sonnet-4-5-20250929": ("Claude Sonnet 4.5", "2025-09-29T00:00:00Z"),
    "claude-opus-4-5": ("Claude Opus 4.5", "2025-11-01T00:00:00Z"),
    "claude-opus-4-5-20251101": ("Claude Opus 4.5", "2025-11-01T00:00:00Z"),
    "claude-sonnet-4-6": ("Claude Sonnet 4.6", _PLACEHOLDER),
    "claude-opus-4-6": ("Claude Opus 4.6", _PLACEHOLDER),
    "claude-opus-4-7": ("Claude Opus 4.7", _PLACEHOLDER),
    "claude-opus-4-8": ("Claude Opus 4.8", _PLACEHOLDER),
    "claude-sonnet-5": ("Claude Sonnet 5", _PLACEHOLDER),
    "claude-opus-5": ("Claude Opus 5", _PLACEHOLDER),
    "claude-haiku-5-5": ("Claude Haiku 5.5", _PLACEHOLDER),
    "claude-sonnet-5-5": ("Claude Sonnet 5.5", _PLACEHOLDER),
    "claude-opus-5-5": ("Claude Opus 5.5", _PLACEHOLDER),
}


#: Models the SDK (2.16, `anthropic._data.DEPRECATED_MODELS`) warns about, with their end of life.
RETIRING: dict[str, str] = {
    "claude-opus-4-5": "2027-01-22T00:00:00Z",
    "claude-opus-4-5-20251101": "2027-01-22T00:00:00Z",
}


def _model_info(model_id: str) -> dict[str, Any]:
    name, created = MODELS[model_id]
    retires = RETIRING.get(model_id)
    # `lifecycle` is required by the SDK's ModelInfo; the deprecation date itself is not published.
    return {
        "type": "model",
        "id": model_id,
        "display_name": name,
        "created_at": created,
        "lifecycle": "deprecated" if retires else "active",
        "deprecated_at": _PLACEHOLDER if retires else None,
        "retires_at": retires,
    }


class ModelRoutes(AnthropicBase):
    """The model list and one model."""

    @route("GET", "/v1/models")
    def list_models(self, req: SimRequest) -> SimResponse:
        _, refused = self._version(req)
        if refused:
            return refused
        data = [_model_info(m) for m in MODELS]
        return json_response(
            {"data": data, "has_more": False, "first_id": data[0]["id"], "last_id": data[-1]["id"]}
        )

    @route("GET", "/v1/models/{model_id}")
    def get_model(self, req: SimRequest, model_id: str) -> SimResponse:
        _, refused = self._version(req)
        if refused:
            return refused
        if model_id not in MODELS:
            return self._error(404, "not_found_error", f"model: {model_id}")
        return json_response(_model_info(model_id))
