"""Yes/no switches read from environment variables.

What belongs here: `parse_flag`, the one reading of a yes/no variable the `*_settings_from_env` bindings
share: 1/true/yes (any case) is on; empty, 0/false/no is off; anything else stops the load with an error
naming the variable, so a typo never silently flips a switch.
"""

from __future__ import annotations

from resources.errors import ConfigurationError

TRUE_WORDS = ("1", "true", "yes")
FALSE_WORDS = ("", "0", "false", "no")


def parse_flag(value: str | None, variable: str) -> bool:
    """A yes/no environment value: 1/true/yes (any case) is on; empty, 0/false/no is off; else an error, so
    a typo never silently flips the switch."""
    word = (value or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigurationError(f"{variable} must be one of 1/true/yes or 0/false/no, not {value!r}")
