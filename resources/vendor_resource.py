"""`VendorResource`: what the four Dagster resources share (credentials, base URL, timeouts, retries,
sandbox).

What belongs here: the configuration fields common to every vendor resource and how they become an
`HttpPolicy` and a transport. Each vendor's resource (in its package) adds its rate limits and builds its
client. Where the far end is (the network, or the in-process sandbox when `sandbox_state` is set) is
decided here and nowhere else; asset code never knows.
"""

from __future__ import annotations

from typing import Any

import dagster as dg
from pydantic import Field, PrivateAttr

from resources.http import HttpPolicy


class VendorResource(dg.ConfigurableResource):
    """Fields every vendor resource has. Subclasses implement `create_client()`."""

    api_key: str = Field(description="The vendor API key; bind it with dg.EnvVar, never a literal.")
    base_url: str | None = Field(
        default=None, description="Override the vendor's API base URL (a proxy, or the sandbox server)."
    )
    sandbox_state: str | None = Field(
        default=None,
        description="Path of an offline sandbox state file. When set, requests go to the in-process "
        "simulator of this vendor instead of the network.",
    )
    connect_timeout: float = Field(default=5.0, description="Seconds to wait for a connection.")
    read_timeout: float = Field(default=30.0, description="Seconds to wait for a response.")
    max_attempts: int = Field(default=5, description="Attempts per call, the first included.")
    backoff_base: float = Field(default=0.5, description="Base of the exponential backoff, in seconds.")
    backoff_max: float = Field(default=30.0, description="Longest backoff between two attempts, in seconds.")

    _client: Any = PrivateAttr(default=None)

    def http_policy(self) -> HttpPolicy:
        return HttpPolicy(
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            max_attempts=self.max_attempts,
            backoff_base=self.backoff_base,
            backoff_max=self.backoff_max,
        )

    def sandbox(self) -> Any:
        """The in-process sandbox this resource talks to, or None on the network."""
        if not self.sandbox_state:
            return None
        from resources.sandbox import Sandbox

        return Sandbox.at(self.sandbox_state)

    def httpx_transport(self) -> Any:
        sandbox = self.sandbox()
        if sandbox is None:
            return None
        from resources.sandbox.transport import SandboxTransport

        return SandboxTransport(sandbox)

    def create_client(self) -> Any:
        raise NotImplementedError

    def get_client(self) -> Any:
        """The client for this resource (created on first use, reused after)."""
        if self._client is None:
            self._client = self.create_client()
        return self._client

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
