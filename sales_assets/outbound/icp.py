"""ICP profiles: the YAML file a revenue team edits, its pydantic models, and a loader whose errors name the
file, the line, the profile and the field.

What belongs here: the shape of a profile (targeting, contact selection, budget, gates, scoring weights)
and loading it. How a profile is used (scoring, gates, queries) belongs to the outbound assets.
Profile names become the `icp` partition dimension, so they are restricted to lowercase slugs.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dagster as dg
import yaml
from dagster._utils.schedules import is_valid_cron_schedule
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_ICP_FILE = Path(__file__).with_name("icp_profiles.yaml")
ICP_FILE_VARIABLE = "SALES_ICP_FILE"

EmployeeRange = Literal["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5001-10000", "10001+"]
RevenueRange = Literal[
    "0-500K",
    "500K-1M",
    "1M-5M",
    "5M-10M",
    "10M-25M",
    "25M-75M",
    "75M-200M",
    "200M-500M",
    "500M-1B",
    "1B-10B",
    "10B-100B",
    "100B-1T",
    "1T-10T",
    "10T+",
]
SignalKind = Literal["funding", "expansion", "new_product", "hiring", "regulatory", "partnership", "media"]
# Explorium's current JobSeniorityLevel values (the filter the prospects endpoint takes).
Seniority = Literal[
    "owner",
    "founder",
    "c-suite",
    "president",
    "partner",
    "vice president",
    "director",
    "senior manager",
    "manager",
    "senior non-managerial",
    "non-managerial",
    "junior",
    "advisor",
    "board member",
    "freelancer",
]
Department = Literal[
    "administration",
    "real estate",
    "healthcare",
    "partnerships",
    "c-suite",
    "design",
    "human resources",
    "engineering",
    "education",
    "strategy",
    "product",
    "sales",
    "r&d",
    "retail",
    "customer success",
    "security",
    "public service",
    "creative",
    "it",
    "support",
    "marketing",
    "trade",
    "legal",
    "operations",
    "procurement",
    "data",
    "manufacturing",
    "logistics",
    "finance",
]
Share = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _sums_to_one(model: BaseModel) -> None:
    total = sum(float(v) for v in model.model_dump().values())
    if not math.isclose(total, 1.0, abs_tol=1e-6):
        raise ValueError(f"weights must add up to 1.0, they add up to {total:.4f}")


class ScoreWeights(_Strict):
    """ICP score = fit 0.35 + intent 0.35 + reachability 0.20 + freshness 0.10 (DESIGN section 4)."""

    fit: Share = 0.35
    intent: Share = 0.35
    reachability: Share = 0.20
    freshness: Share = 0.10

    @model_validator(mode="after")
    def _total(self) -> ScoreWeights:
        _sums_to_one(self)
        return self


class FitWeights(_Strict):
    """How the fit component splits over its parts."""

    industry: Share = 0.30
    employees: Share = 0.20
    revenue: Share = 0.15
    technology: Share = 0.20
    geography: Share = 0.15

    @model_validator(mode="after")
    def _total(self) -> FitWeights:
        _sums_to_one(self)
        return self


class SignalWeights(_Strict):
    """Weight of each buying signal in the intent component."""

    funding: Share = 0.90
    expansion: Share = 0.85
    new_product: Share = 0.80
    hiring: Share = 0.75
    regulatory: Share = 0.70
    partnership: Share = 0.65
    media: Share = 0.60


class ContactWeights(_Strict):
    """Contact score = title 0.40 + seniority 0.30 + verified email 0.20 + LinkedIn 0.10."""

    title: Share = 0.40
    seniority: Share = 0.30
    verified_email: Share = 0.20
    linkedin: Share = 0.10

    @model_validator(mode="after")
    def _total(self) -> ContactWeights:
        _sums_to_one(self)
        return self


class Gates(_Strict):
    """Thresholds of the blocking gates."""

    min_icp_score: Share = 0.75
    min_data_quality: Share = 0.70
    min_contact_score: Share = 0.50


class RunSchedule(_Strict):
    """When the profile's daily outbound run starts: a cron expression read in an IANA timezone."""

    cron: str = "0 7 * * *"
    timezone: str = "UTC"

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        text = " ".join(value.split())
        # Dagster's own check, the one a ScheduleDefinition runs: a profile that loads builds its schedule.
        if not is_valid_cron_schedule(text):
            raise ValueError(f"{value!r} is not a cron expression (five fields, e.g. '0 7 * * 1-5')")
        return text

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA timezone (e.g. 'Europe/Berlin', 'UTC')") from None
        return value


class IcpProfile(_Strict):
    """One ideal customer profile: who to look for, who to contact there, and what it may cost per day."""

    name: str
    description: str = ""
    # Targeting (Explorium business filters)
    industries: list[str] = Field(min_length=1)
    employee_ranges: list[EmployeeRange] = Field(min_length=1)
    revenue_ranges: list[RevenueRange] = Field(default_factory=list)
    countries: list[str] = Field(min_length=1)
    technologies: list[str] = Field(default_factory=list)
    intent_signals: list[SignalKind] = Field(default_factory=list)
    max_companies: int = Field(default=300, ge=1, le=60_000)
    # Who to contact at the best companies
    top_companies: int = Field(default=60, ge=1, le=5_000)
    titles: list[str] = Field(min_length=1)
    seniorities: list[Seniority] = Field(min_length=1)
    departments: list[Department] = Field(default_factory=list)
    contacts_per_company: int = Field(default=3, ge=1, le=25)
    # Money and quality
    daily_budget_credits: float = Field(default=2_000, ge=0)
    freshness_days: int = Field(default=90, ge=1, le=365)
    # A company search is bought again after this many days (enrichments are kept 30 days).
    search_refresh_days: int = Field(default=7, ge=1, le=30)
    # Phone numbers cost 5 credits per contact instead of 2 for email only.
    enrich_phone: bool = True
    gates: Gates = Field(default_factory=Gates)
    weights: ScoreWeights = Field(default_factory=ScoreWeights)
    fit_weights: FitWeights = Field(default_factory=FitWeights)
    signal_weights: SignalWeights = Field(default_factory=SignalWeights)
    contact_weights: ContactWeights = Field(default_factory=ContactWeights)
    # When the daily outbound run of this profile starts (sales_assets/schedules.py).
    schedule: RunSchedule = Field(default_factory=RunSchedule)

    @field_validator("name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not value or not all(c.islower() or c.isdigit() or c == "_" for c in value) or value[0] == "_":
            raise ValueError(
                "profile names are lowercase letters, digits and '_' (they become partition keys)"
            )
        return value

    @field_validator("countries")
    @classmethod
    def _iso2(cls, values: list[str]) -> list[str]:
        out = []
        for value in values:
            code = value.strip().lower()
            if len(code) != 2 or not code.isalpha():
                raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. 'us', 'de')")
            out.append(code)
        return out

    @field_validator("industries", "technologies", "titles")
    @classmethod
    def _clean(cls, values: list[str]) -> list[str]:
        cleaned = [v.strip() for v in values if v and v.strip()]
        if len(cleaned) != len(values):
            raise ValueError("entries must be non-empty strings")
        return cleaned

    @model_validator(mode="after")
    def _top_within_max(self) -> IcpProfile:
        if self.top_companies > self.max_companies:
            raise ValueError(
                f"top_companies ({self.top_companies}) exceeds max_companies ({self.max_companies})"
            )
        return self


class IcpConfigError(ValueError):
    """The ICP file cannot be used; the message names the file, line, profile and field."""


def _node_at(root: yaml.Node | None, path: tuple[Any, ...]) -> yaml.Node | None:
    """The deepest YAML node along `path` (mapping keys and sequence indexes)."""
    node = root
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(part)), None)
            if match is None:
                # The key itself is missing: point at the mapping that should hold it.
                return node
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def _key_line(root: yaml.Node | None, path: tuple[Any, ...]) -> int:
    """1-based line of the last key of `path` (for errors about a mapping key itself, like a profile name)."""
    parent = _node_at(root, path[:-1])
    if isinstance(parent, yaml.MappingNode):
        for key, _ in parent.value:
            if key.value == str(path[-1]):
                return key.start_mark.line + 1
    return parent.start_mark.line + 1 if parent is not None else 1


def _parse(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    try:
        return yaml.safe_load(text), yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 1}" if mark else ""
        raise IcpConfigError(f"{source}{line}: not valid YAML: {exc.problem or exc}") from exc


def parse_icp_profiles(text: str, source: str = "<icp profiles>") -> dict[str, IcpProfile]:
    """Profiles from YAML text: a top-level `profiles:` mapping of name -> profile."""
    data, root = _parse(text, source)
    if not isinstance(data, Mapping) or not isinstance(data.get("profiles"), Mapping) or not data["profiles"]:
        raise IcpConfigError(
            f"{source}, line 1: expected a top-level 'profiles:' mapping with at least one profile"
        )
    profiles: dict[str, IcpProfile] = {}
    problems: list[str] = []
    for name, body in data["profiles"].items():
        where = ("profiles", name)
        if not isinstance(body, Mapping):
            node = _node_at(root, where)
            line = node.start_mark.line + 1 if node else 1
            problems.append(f"{source}, line {line}: profile '{name}': expected a mapping of fields")
            continue
        try:
            profiles[str(name)] = IcpProfile.model_validate({"name": str(name), **body})
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                if loc[:1] == ("name",):
                    line = _key_line(root, where)
                else:
                    node = _node_at(root, where + loc)
                    line = node.start_mark.line + 1 if node else 1
                field = ".".join(str(p) for p in loc) or "(profile)"
                problems.append(f"{source}, line {line}: profile '{name}', field '{field}': {error['msg']}")
    if problems:
        raise IcpConfigError("invalid ICP profiles:\n  " + "\n  ".join(problems))
    return profiles


def icp_file() -> Path:
    return Path(os.environ.get(ICP_FILE_VARIABLE) or DEFAULT_ICP_FILE)


def load_icp_profiles(path: str | os.PathLike[str] | None = None) -> dict[str, IcpProfile]:
    """Profiles from the ICP file (`SALES_ICP_FILE`, default `sales_assets/outbound/icp_profiles.yaml`)."""
    file = Path(path) if path is not None else icp_file()
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise IcpConfigError(f"{file}: cannot read the ICP file ({exc.strerror})") from exc
    return parse_icp_profiles(text, str(file))


class IcpProfilesResource(dg.ConfigurableResource):
    """The ICP profiles the outbound assets read at run time (the same file the partitions come from)."""

    path: str | None = None

    def profiles(self) -> dict[str, IcpProfile]:
        return load_icp_profiles(self.path)

    def profile(self, name: str) -> IcpProfile:
        profiles = self.profiles()
        if name not in profiles:
            raise IcpConfigError(
                f"{self.path or icp_file()}: no profile named '{name}' (the file has {', '.join(profiles)})"
            )
        return profiles[name]
