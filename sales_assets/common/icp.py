"""ICP profiles: the YAML file a revenue team edits, its pydantic models, and a loader whose errors name the
file, the line, the profile and the field.

What belongs here: the shape of a profile (targeting, contact selection, budget, gates, scoring weights),
loading it, and `IcpProfilesResource`, through which the stages read it at run time: outbound works each
profile's day, inbound matches a form lead's company to the best-fitting profile, engagement finds each
profile's campaign. How a profile is used (scoring, gates, queries) belongs to the stage that uses it.
Profile names become the `icp` partition dimension, so they are restricted to lowercase slugs.

The file is read strictly, because a silently ignored line is a budget or a profile the team believes is in
force: a key given twice in one mapping (plain YAML keeps the last one without a word), a non-finite number
(`.inf`, `.nan`, or a float too large to represent) and a key the models do not know (at the top level or at
any depth of a profile) are each an error naming the file, the line and, for unknown keys, the allowed ones.
The strict YAML loader and the walks from a place in the document to its line are `icp_yaml.py`'s.
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

from sales_assets.common.icp_yaml import Refused, StrictLoader, key_line, node_at, path_of, where_in_file

# The file stays with the outbound stage, whose targeting it mostly holds (and where the README sends people).
DEFAULT_ICP_FILE = Path(__file__).parents[1] / "outbound" / "icp_profiles.yaml"
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
    # extra="forbid": an unknown key is a typo or a setting this code does not have, never something to skip.
    # allow_inf_nan=False: a quoted "inf" or "nan" reaches a float field as text and would pass `ge=0`.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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


class DataQualityWeights(_Strict):
    """Data quality = contact fields 40 + company fields 40 + provider confidence 20, over 100 (DESIGN
    section 4)."""

    contact_fields: Share = 0.40
    company_fields: Share = 0.40
    provider_confidence: Share = 0.20

    @model_validator(mode="after")
    def _total(self) -> DataQualityWeights:
        _sums_to_one(self)
        return self


class ReachabilityWeights(_Strict):
    """A lead's reachability: how sure its email is, and a phone and a LinkedIn profile as second routes."""

    email: Share = 0.70
    phone: Share = 0.15
    linkedin: Share = 0.15

    @model_validator(mode="after")
    def _total(self) -> ReachabilityWeights:
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
    data_quality_weights: DataQualityWeights = Field(default_factory=DataQualityWeights)
    reachability_weights: ReachabilityWeights = Field(default_factory=ReachabilityWeights)
    # When the daily outbound run of this profile starts (`outbound_schedule`, sales_assets/outbound/defs.py).
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


#: Keys the file may have at its top level.
TOP_LEVEL_KEYS = ("profiles",)


def _parse(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    """The document and its node tree, in one pass of the strict loader."""
    loader = StrictLoader(text)
    root: yaml.Node | None = None
    try:
        root = loader.get_single_node()
        return (loader.construct_document(root) if root is not None else None), root
    except Refused as exc:
        path = path_of(root, exc.mapping if exc.mapping is not None else exc.node)
        problem = exc.problem or ""
        if exc.mapping is not None and path is not None:
            path = (*path, exc.key)
            if len(path) == 2 and path[0] == "profiles":
                problem = problem.replace("duplicate key", "duplicate profile name", 1)
        line = exc.node.start_mark.line + 1
        raise IcpConfigError(f"{source}, line {line}: {where_in_file(path)}{problem}") from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 1}" if mark else ""
        raise IcpConfigError(f"{source}{line}: not valid YAML: {exc.problem or exc}") from exc
    finally:
        loader.dispose()


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model a validation error's location (without its last part) points into."""
    for part in loc:
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def _allowed_keys(model: type[BaseModel]) -> str:
    # A profile's name is its key under `profiles:`, never a field written inside it.
    return ", ".join(name for name in model.model_fields if not (model is IcpProfile and name == "name"))


def _unknown_key(model: type[BaseModel] | None) -> str:
    allowed = f"; the allowed keys are: {_allowed_keys(model)}" if model is not None else ""
    return f"unknown key, not permitted here{allowed}"


def parse_icp_profiles(text: str, source: str = "<icp profiles>") -> dict[str, IcpProfile]:
    """Profiles from YAML text: a top-level `profiles:` mapping of name -> profile."""
    data, root = _parse(text, source)
    problems: list[str] = [
        f"{source}, line {key_line(root, (key,))}: unknown top-level key '{key}'; the allowed keys are: "
        f"{', '.join(TOP_LEVEL_KEYS)}"
        for key in (data if isinstance(data, Mapping) else ())
        if key not in TOP_LEVEL_KEYS
    ]
    if not isinstance(data, Mapping) or not isinstance(data.get("profiles"), Mapping) or not data["profiles"]:
        problems.insert(
            0, f"{source}, line 1: expected a top-level 'profiles:' mapping with at least one profile"
        )
        raise IcpConfigError("\n  ".join(problems))
    profiles: dict[str, IcpProfile] = {}
    for name, body in data["profiles"].items():
        where = ("profiles", name)
        if not isinstance(body, Mapping):
            node = node_at(root, where)
            line = node.start_mark.line + 1 if node else 1
            problems.append(f"{source}, line {line}: profile '{name}': expected a mapping of fields")
            continue
        if "name" in body:
            # Taken from the body, it would silently rename the profile its key under `profiles:` names.
            line = key_line(root, (*where, "name"))
            problems.append(
                f"{source}, line {line}: profile '{name}', field 'name': {_unknown_key(IcpProfile)} "
                "(a profile's name is its key under 'profiles:')"
            )
        fields = {key: value for key, value in body.items() if key != "name"}
        try:
            profiles[str(name)] = IcpProfile.model_validate({"name": str(name), **fields})
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                if loc[:1] == ("name",):
                    line = key_line(root, where)
                elif error["type"] == "extra_forbidden":
                    line = key_line(root, where + loc)
                else:
                    node = node_at(root, where + loc)
                    line = node.start_mark.line + 1 if node else 1
                message = error["msg"]
                if error["type"] == "extra_forbidden":
                    message = _unknown_key(_model_at(IcpProfile, loc[:-1]))
                field = ".".join(str(p) for p in loc) or "(profile)"
                problems.append(f"{source}, line {line}: profile '{name}', field '{field}': {message}")
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
    """The ICP profiles the assets read at run time (the same file the partitions come from)."""

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
