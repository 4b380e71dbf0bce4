"""What every part of the Anthropic simulator shares: deterministic ids, digests, the sandbox's
tokenizer and RFC 3339 times.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from typing import Any

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58(seed: str, length: int = 24) -> str:
    n = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    out = []
    for _ in range(length):
        n, r = divmod(n, 58)
        out.append(_B58[r])
    return "".join(out)


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def token_count(text: str) -> int:
    """The sandbox's tokenizer: about four characters a token."""
    return math.ceil(len(text) / 4) if text else 0


def rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def uuid_from(seed: str) -> str:
    h = hashlib.sha256(seed.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"
