"""Properties HubSpot calculates from others on every write.

What belongs here: the rule of each one, applied by the record layer to the properties about to be stored
(`_put_new` and `_write`).
"""

from __future__ import annotations

from typing import Any

#: The pipeline a deal joins when the input names none (HubSpot's default sales pipeline).
DEFAULT_PIPELINE = "default"


def apply_calculated(object_type: str, properties: dict[str, Any]) -> None:
    """Set the calculated properties of `properties` (in place) from the others."""
    if object_type != "deals":
        return
    # Facts ran out on whether HubSpot refuses a deal without `pipeline`: the default pipeline is assumed,
    # as the HubSpot UI does.
    properties.setdefault("pipeline", DEFAULT_PIPELINE)
    properties["hs_is_closed_won"] = "true" if properties.get("dealstage") == "closedwon" else "false"
