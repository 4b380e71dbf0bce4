"""The offline sandbox: faithful simulators of the Explorium, HubSpot, lemlist and Anthropic HTTP APIs.

The real clients in `resources/` talk to it unchanged, either in process (`transport.py`) or over a socket
(`python -m resources.sandbox serve --port PORT`). See `sandbox.py` for the wiring, `world/` for the
synthetic world, `outcomes.py` for what becomes of the people it emails (planted facts the insights stage
is tested on), `store.py` for the durable state, and one module per vendor.
"""

from resources.sandbox.app import SANDBOX_API_KEY
from resources.sandbox.sandbox import Sandbox
from resources.sandbox.store import Faults, SandboxStore, Usage, default_state_path

__all__ = ["SANDBOX_API_KEY", "Faults", "Sandbox", "SandboxStore", "Usage", "default_state_path"]
