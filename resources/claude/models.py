"""Pydantic models of what `ClaudeClient` returns: message results, usage, batches and batch results.

What belongs here: the typed shapes our code reads. Vendor payloads keep unknown fields
(`extra="allow"`), so a new API field never breaks a run. The SDK's own types stay inside the client modules.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

_VENDOR = ConfigDict(extra="allow", populate_by_name=True)


class CacheCreation(BaseModel):
    """Cache writes split by TTL."""

    model_config = _VENDOR

    ephemeral_5m_input_tokens: int = 0
    ephemeral_1h_input_tokens: int = 0

    @field_validator("ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens", mode="before")
    @classmethod
    def _none_is_zero(cls, value: Any) -> Any:
        return 0 if value is None else value


class Usage(BaseModel):
    """Token usage of one message. Total input = input + cache creation + cache read tokens."""

    model_config = _VENDOR

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation: CacheCreation | None = None
    service_tier: str | None = None

    @field_validator(
        "input_tokens",
        "output_tokens",
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
        mode="before",
    )
    @classmethod
    def _none_is_zero(cls, value: Any) -> Any:
        # The SDK types the cache fields Optional: treat missing as 0.
        return 0 if value is None else value

    @property
    def total_input_tokens(self) -> int:
        return self.input_tokens + self.cache_creation_input_tokens + self.cache_read_input_tokens


class MessageResult(BaseModel):
    """One Claude answer: its text, the JSON it carried (if any), usage and what it cost."""

    model_config = _VENDOR

    id: str
    model: str
    text: str = Field(default="", description="The text blocks of the answer, joined.")
    parsed: Any = Field(
        default=None,
        description="The JSON answer: the forced tool's input, else the text parsed as JSON, else None.",
    )
    stop_reason: str | None = None
    content: list[dict[str, Any]] = Field(default_factory=list, description="The raw content blocks.")
    usage: Usage = Field(default_factory=Usage)
    cost_usd: float = 0.0
    batch: bool = Field(default=False, description="True for a Message Batch result (billed at 50%).")
    request_id: str | None = None


class BatchRequest(BaseModel):
    """One request of a Message Batch: `params` are Messages API create params (see
    `ClaudeClient.message_params`). Results are matched back on `custom_id`."""

    model_config = ConfigDict(populate_by_name=True)

    custom_id: str = Field(min_length=1, max_length=64)
    params: dict[str, Any]


class RequestCounts(BaseModel):
    model_config = _VENDOR

    processing: int = 0
    succeeded: int = 0
    errored: int = 0
    canceled: int = 0
    expired: int = 0


class MessageBatch(BaseModel):
    """A Message Batch as the API reports it."""

    model_config = _VENDOR

    id: str
    processing_status: Literal["in_progress", "canceling", "ended"] | str
    request_counts: RequestCounts = Field(default_factory=RequestCounts)
    created_at: datetime
    expires_at: datetime | None = None
    ended_at: datetime | None = None
    cancel_initiated_at: datetime | None = None
    archived_at: datetime | None = None
    results_url: str | None = None

    @property
    def ended(self) -> bool:
        return self.processing_status == "ended"


class BatchResult(BaseModel):
    """The outcome of one batch request. `result_type` is succeeded, errored, canceled or expired."""

    model_config = ConfigDict(populate_by_name=True)

    custom_id: str
    succeeded: bool
    result_type: str
    message: MessageResult | None = None
    error: str | None = None
