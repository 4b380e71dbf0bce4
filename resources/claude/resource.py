"""`AnthropicResource`: the Dagster resource that hands assets a `ClaudeClient`.

What belongs here: Claude's configuration (rate limit, which model does what) and building the client,
in-process against the sandbox (httpx2 transport) when `sandbox_state` is set.
"""

from __future__ import annotations

from pydantic import Field

from resources.claude.client import DEFAULT_LIMIT, ClaudeClient
from resources.http import RateLimit
from resources.vendor_resource import VendorResource


class AnthropicResource(VendorResource):
    """Claude through the official SDK. Bind `api_key` to `dg.EnvVar("ANTHROPIC_API_KEY")`."""

    requests_per_minute: int = Field(
        default=DEFAULT_LIMIT.requests,
        description="Client-side request limit. Anthropic's limits depend on the account's usage tier; the "
        "default assumes Tier 1 (50 RPM). Raise it to your tier's limit.",
    )
    admin_api_key: str | None = Field(
        default=None,
        description="Optional key that may read the organization's usage report (an Admin key or one with "
        "the `read:analytics` scope; `ANTHROPIC_ADMIN_API_KEY`). With it, a call whose answer was lost is "
        "reconciled in the spend ledger with what Anthropic billed; without it, it stays at its estimate.",
    )
    fast_model: str = Field(
        default="claude-haiku-4-5",
        description="Model for the credential check. Which model does which pipeline task is the task's "
        "own configuration (e.g. `CopySettings` for outreach copy).",
    )

    def create_client(self) -> ClaudeClient:
        transport = None
        sandbox = self.sandbox()
        if sandbox is not None:
            from resources.sandbox.transport import SandboxTransport2

            transport = SandboxTransport2(sandbox)
        return ClaudeClient(
            api_key=self.api_key,
            admin_api_key=self.admin_api_key,
            base_url=self.base_url,
            policy=self.http_policy(),
            limits=[RateLimit("anthropic", self.requests_per_minute, DEFAULT_LIMIT.per_seconds)],
            transport=transport,
        )

    def get_client(self) -> ClaudeClient:
        return super().get_client()
