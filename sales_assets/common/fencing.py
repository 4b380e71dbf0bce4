"""Fencing third-party text before it goes into a prompt (DESIGN invariant 6).

What belongs here: `fence`, which every stage uses to put text written outside the company (company
descriptions, event headlines, email replies, what a visitor types into a form) between `<untrusted_...>`
tags, and the default length limit. Which text is trusted and what the prompt says about the tags belong
to the stage that builds the prompt.
"""

from __future__ import annotations

#: Longest third-party text put in a prompt, in characters.
MAX_UNTRUSTED_CHARS = 1200


def fence(text: str, *, limit: int = MAX_UNTRUSTED_CHARS) -> str:
    """Third-party text made safe to put between tags: one line, no angle brackets (so it cannot close
    its tag or open another), at most `limit` characters."""
    flat = " ".join(text.split()).replace("<", "\u2039").replace(">", "\u203a")
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
