"""The simulated writer: the answers Claude gives in the sandbox, built only from the prompt's facts: a
plain-text summary, or a value that validates against the requested JSON schema (subjects, email
prose, reasons, numbers, enums). Deterministic: the same facts and seed always give the same answer.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from typing import Any

from resources.sandbox.claude.common import uuid_from
from resources.sandbox.claude.facts import SYNONYMS, as_text, humanize, norm_key


def _stable(seed: str, salt: str, n: int) -> int:
    return int(hashlib.sha256(f"{seed}:{salt}".encode()).hexdigest()[:12], 16) % max(1, n)


def summarise(facts: Mapping[str, Any], prompt: str) -> str:
    """The plain-text answer: a short summary of the facts given."""
    if not facts:
        words = prompt.split()
        gist = " ".join(words[:30]) + (" ..." if len(words) > 30 else "")
        return f"I found no structured facts in the request. It reads: {gist}".strip()
    parts = [f"{humanize(k)}: {as_text(v)}" for k, v in list(facts.items())[:12]]
    return "Summary of the facts provided. " + "; ".join(parts) + "."


_FILLERS = (
    "There is nothing to prepare for a first conversation.",
    "I am happy to share what has worked for similar teams.",
    "A short reply is enough to find a time that suits you.",
    "If someone else on the team owns this topic, I would be grateful for a pointer.",
)


class SchemaFiller:
    """Builds a value that validates against a JSON schema, filling fields from the prompt's facts.

    Honours type, enum/const, anyOf/oneOf/allOf, $ref/$defs, required and additionalProperties, string
    minLength/maxLength, numeric minimum/maximum and array minItems/maxItems, including the copies of those
    keywords that the SDK's `transform_schema` moves into descriptions (`{maxLength: 80, minLength: 5}`).
    """

    def __init__(self, root: dict[str, Any], facts: Mapping[str, Any], seed: str) -> None:
        self.root = root
        self.facts = dict(facts)
        self.seed = seed
        # Property names from the root to the value being built: salts picks, and tells a follow-up's
        # `body` from a first email's.
        self.path: list[str] = []

    def fill(self) -> Any:
        return self.value(self.root, "", 0)

    def _salt(self, kind: str) -> str:
        return f"{kind}:{'/'.join(self.path)}"

    def _in_follow_up(self) -> bool:
        words = ("follow", "second", "bump", "reminder")
        # Later items of a list of emails (a sequence's steps) are follow-ups too.
        return any(w in part.lower() for part in self.path for w in words) or any(
            part.isdigit() and part != "0" for part in self.path
        )

    # --- schema walking ---------------------------------------------------------------------------

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 32:
            ref = str(schema["$ref"])
            node: Any = self.root
            for part in ref.lstrip("#/").split("/") if ref.startswith("#/") else []:
                node = node.get(part, {}) if isinstance(node, dict) else {}
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**(node if isinstance(node, dict) else {}), **rest}
            seen += 1
        return schema if isinstance(schema, dict) else {}

    def value(self, schema: dict[str, Any], name: str, depth: int, index: int = 0) -> Any:
        schema = self.resolve(schema)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return self.enum(schema["enum"], name)
        for key in ("anyOf", "oneOf"):
            options = schema.get(key)
            if isinstance(options, list) and options:
                resolved = [self.resolve(o) for o in options]
                usable = [o for o in resolved if o.get("type") != "null"] or resolved
                return self.value(usable[0], name, depth, index)
        if isinstance(schema.get("allOf"), list):
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                merged.update(self.resolve(part))
            merged.update({k: v for k, v in schema.items() if k != "allOf"})
            return self.value(merged, name, depth, index)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind is None:
            kind = "object" if "properties" in schema else "array" if "items" in schema else "string"
        limits = _limits(schema)
        if kind == "object":
            if depth > 8:
                return {}
            props = schema.get("properties") or {}
            built: dict[str, Any] = {}
            for key, sub in props.items():
                self.path.append(key)
                try:
                    built[key] = self.value(sub, key, depth + 1)
                finally:
                    self.path.pop()
            return built
        if kind == "array":
            return self.array(schema, name, depth, limits)
        if kind == "integer":
            return int(self.number(name, limits, integer=True))
        if kind == "number":
            return self.number(name, limits, integer=False)
        if kind == "boolean":
            fact = self.fact(name)
            if fact is not None:
                return as_text(fact).lower() in ("true", "yes", "1", "y")
            return _stable(self.seed, self._salt("bool"), 2) == 1
        if kind == "null":
            return None
        return self.string(name, schema, limits, index)

    # --- leaves ------------------------------------------------------------------------------------

    def enum(self, options: list[Any], name: str) -> Any:
        fact = self.fact(name)
        lowered = {str(o).lower(): o for o in options}
        if fact is not None and as_text(fact).lower() in lowered:
            return lowered[as_text(fact).lower()]
        for value in self.facts.values():
            if isinstance(value, str) and value.lower() in lowered and len(value) > 1:
                return lowered[value.lower()]
        return options[_stable(self.seed, self._salt("enum"), len(options))]

    def number(self, name: str, limits: dict[str, float], *, integer: bool) -> float:
        low = limits.get("minimum", limits.get("exclusiveMinimum", -math.inf))
        high = limits.get("maximum", limits.get("exclusiveMaximum", math.inf))
        if "exclusiveMinimum" in limits and "minimum" not in limits:
            low += 1 if integer else 1e-6
        if "exclusiveMaximum" in limits and "maximum" not in limits:
            high -= 1 if integer else 1e-6
        fact = self.fact(name)
        if fact is not None:
            try:
                value = float(as_text(fact).replace(",", "").rstrip("%"))
                value = min(max(value, low), high)
                return round(value) if integer else value
            except ValueError:
                pass
        unit = any(w in name for w in ("probability", "confidence", "likelihood")) and not integer
        if math.isinf(low):
            low = 0.0
        if math.isinf(high):
            high = 1.0 if unit else low + 100
        if integer:
            low_i, high_i = math.ceil(low), math.floor(high)
            return low_i + _stable(self.seed, self._salt("num"), high_i - low_i + 1)
        return round(low + (high - low) * _stable(self.seed, self._salt("num"), 1000) / 999, 4)

    def array(self, schema: dict[str, Any], name: str, depth: int, limits: dict[str, float]) -> list[Any]:
        low = int(limits.get("minItems", 0))
        high = int(limits.get("maxItems", max(low, 3)))
        declared = schema.get("items")
        items: dict[str, Any] = declared if isinstance(declared, dict) else {}
        fact = self.fact(name)
        values: list[Any] = []
        if isinstance(fact, list) and self.resolve(items).get("type", "string") == "string":
            values = [str(v) for v in fact[:high]]
        while len(values) < max(low, min(1, high)):
            self.path.append(str(len(values)))
            try:
                values.append(self.value(items, _singular(name), depth + 1, len(values)))
            finally:
                self.path.pop()
        return values

    def string(self, name: str, schema: dict[str, Any], limits: dict[str, float], index: int) -> str:
        lowered = name.lower()
        fmt = str(schema.get("format") or limits.get("format") or "")
        if fmt == "email" or lowered in ("email", "email_address", "to", "recipient", "sender_email"):
            text = self.email_address()
        elif fmt == "date":
            text = "2026-01-01"
        elif fmt == "date-time":
            text = "2026-01-01T00:00:00Z"
        elif fmt == "uri":
            site = self.fact("website")
            text = site if isinstance(site, str) and site.startswith("http") else "https://example.com"
        elif fmt == "uuid":
            text = uuid_from(f"{self.seed}:{name}:{index}")
        elif "subject" in lowered:
            text = self.subject(follow_up=self._in_follow_up(), max_length=limits.get("maxLength"))
        elif any(w in lowered for w in ("body", "email", "follow_up", "followup", "message")):
            text = self.prose(follow_up=self._in_follow_up())
        elif (fact := self.fact(name)) is not None:
            text = as_text(fact) if not isinstance(fact, list) else str(fact[index % len(fact)])
        elif any(
            w in lowered for w in ("reason", "rationale", "explanation", "summary", "justification", "why")
        ):
            text = self.reason()
        else:
            text = self.generic(name, index)
        return _fit(text, int(limits.get("minLength", 0)), limits.get("maxLength"), self.reason())

    def fact(self, name: str) -> Any:
        key = norm_key(name)
        if not key:
            return None
        if key in self.facts:
            return self.facts[key]
        for group in SYNONYMS:
            if key in group:
                for other in group:
                    if other in self.facts:
                        return self.facts[other]
        return None

    def _get(self, key: str) -> str:
        value = self.fact(key)
        return as_text(value).strip() if value is not None else ""

    def email_address(self) -> str:
        for value in self.facts.values():
            if isinstance(value, str) and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
                return value
        return "contact@example.com"

    def subject(self, *, follow_up: bool, max_length: float | None = None) -> str:
        """A 4-8 word subject line from the facts (a follow-up answers the first email's thread)."""
        company, first = self._get("company"), self._get("first_name")
        signal = " ".join(self._get("signal").rstrip(".").split()[:3])
        options = []
        if company:
            options += [f"Quick question for {company}", f"A thought on {company} this quarter"]
            if signal:
                options.append(f"{company} and {signal}")
        if first:
            options.append(f"{first}, a quick question for you")
        options.append("A quick question about your priorities")
        prefix = "Re: " if follow_up else ""
        room = (max_length or math.inf) - len(prefix)
        fitting = [o for o in options if 4 <= len(o.split()) <= (7 if follow_up else 8) and len(o) <= room]
        fitting = fitting or [o for o in options if len(o) <= room] or options
        words = fitting[_stable(self.seed, "subject", len(fitting))].split()[: 7 if follow_up else 8]
        while len(words) < 4:
            words.append(("for", "you", "this", "week")[len(words) % 4])
        return prefix + " ".join(words)

    def prose(self, *, follow_up: bool) -> str:
        """70-140 words of plain business prose that mentions only the facts given."""
        first, company = self._get("first_name"), self._get("company")
        signal = self._get("signal").rstrip(".")
        pain_fact = self.fact("pain_points")
        pain_list = [str(p) for p in pain_fact] if isinstance(pain_fact, list) else []
        pains = _and(pain_list) if pain_list else self._get("pain_points").rstrip(".")
        sender = self._get("sender_name")
        greeting = f"Hi {first}," if first else "Hello,"
        sentences: list[str] = []
        if follow_up:
            sentences.append(
                f"I wanted to follow up on my earlier note{f' about {company}' if company else ''}."
            )
            if signal:
                sentences.append(f"With the recent news ({signal}), I imagine priorities are shifting.")
        elif signal and company:
            sentences.append(f"I noticed the recent news at {company}: {signal}.")
        elif company:
            sentences.append(f"I have been following {company} for a while.")
        elif signal:
            sentences.append(f"I noticed the recent news: {signal}.")
        if pains:
            sentences.append(
                f"Teams in a similar position often mention {pains}, so I thought it was worth writing."
            )
        sentences.append(
            "We help sales teams keep their pipeline data accurate and their outreach consistent, "
            "without adding manual work for the people involved."
        )
        sentences.append(
            "Would it be useful to compare notes in a short call next week?"
            if not follow_up
            else "Would a short call next week be useful, or is this better left for later?"
        )
        closing = "If the timing is not right, just let me know and I will not follow up."
        sign_off = f"Best regards,\n{sender}" if sender else "Best regards"
        fillers = list(_FILLERS)
        if company:
            fillers.append(f"Either way, I wish you and the team at {company} a good quarter.")
        start = _stable(self.seed, "filler", len(fillers))
        fillers = fillers[start:] + fillers[:start]

        def compose(parts: list[str]) -> str:
            return f"{greeting}\n\n" + " ".join(parts) + f" {closing}\n\n{sign_off}"

        body = list(sentences)
        while len(compose(body).split()) < 70 and fillers:
            body.insert(len(body) - 1, fillers.pop(0))
        while len(compose(body).split()) > 140 and len(body) > 2:
            body.pop(1)
        return compose(body)

    def reason(self) -> str:
        picked = [
            f"{humanize(k)} {as_text(v)}"
            for k, v in self.facts.items()
            if k in ("company", "signal", "tier", "label", "industry", "job_title", "pain_points")
        ][:4]
        if not picked:
            picked = [f"{humanize(k)} {as_text(v)}" for k, v in list(self.facts.items())[:3]]
        if not picked:
            return "No specific facts were provided."
        return "Based on the facts given: " + "; ".join(picked) + "."

    def generic(self, name: str, index: int) -> str:
        words = set(norm_key(name).split("_")) - {"name", "id", "the", "of"}
        for key, value in self.facts.items():
            if words & set(key.split("_")):
                return as_text(value) if not isinstance(value, list) else str(value[index % len(value)])
        # Nothing named like the field: short facts, a different one per list item.
        preferred = ("industry", "signal", "job_title", "company", "pain_points")
        short: list[str] = []
        for key in (*preferred, *self.facts):
            value = self.facts.get(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and 0 < len(item) <= 60 and item not in short:
                    short.append(item)
        if short:
            return short[index % len(short)]
        return humanize(norm_key(name)) or "value"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


_HINT = re.compile(r"\{([^{}]*)\}\s*$")


def _limits(schema: dict[str, Any]) -> dict[str, Any]:
    """Length, bound and count keywords, from the schema itself or from the `{key: value, ...}` hint the
    SDK's `transform_schema` appends to the description when it strips them."""
    found: dict[str, Any] = {}
    match = _HINT.search(str(schema.get("description") or ""))
    if match:
        for pair in match.group(1).split(","):
            key, _, raw = pair.partition(":")
            key, raw = key.strip(), raw.strip()
            try:
                found[key] = float(raw)
            except ValueError:
                found[key] = raw
    for key in (
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
    ):
        if isinstance(schema.get(key), int | float) and not isinstance(schema.get(key), bool):
            found[key] = float(schema[key])
    return {k: v for k, v in found.items() if k == "format" or isinstance(v, float)}


def _fit(text: str, min_length: int, max_length: float | None, padding: str) -> str:
    if len(text) < min_length:
        text = f"{text} {padding}".strip()
        while len(text) < min_length:
            text += " " + padding
    if max_length is not None and len(text) > max_length:
        limit = int(max_length)
        cut = text[:limit]
        # End at a clause if one ends late enough, else at a word; never mid-word unless there is no space.
        clause = max(cut.rfind("; "), cut.rfind(". "), cut.rfind(", "))
        space = cut.rfind(" ")
        if clause > limit // 3:
            text = cut[:clause].rstrip() + ("." if clause < limit else "")
        elif space > limit // 2:
            text = cut[:space].rstrip(" ,;:-")
        else:
            text = cut
        if len(text) < min_length or len(text) > limit:
            text = cut
    return text
