"""Holding recorded sandbox traffic against the vendors' own published OpenAPI documents.

What belongs here: loading the documents from `../shared/contracts/` (read in place, never copied into the
project), finding the documented operation an exchange belongs to, validating its request (auth, path and
query parameters, body) and its response (status, content type, body) with openapi-core, and judging each
violation against the explicit allow-list in `allowances.py`. An undocumented route and a deprecated
operation are violations like any other; nothing is skipped without an allowance that says why.

Which exchanges are checked is the tests' business (`test_*.py` in this folder): the clients' whole public
surface, the simulators' error answers, and a full pipeline day recorded with `resources.sandbox.recording`.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.request.validators import (
    V30RequestBodyValidator,
    V30RequestParametersValidator,
    V31RequestBodyValidator,
    V31RequestParametersValidator,
)
from openapi_core.validation.response.validators import V30ResponseValidator, V31ResponseValidator

from resources.sandbox.sandbox import Exchange

REPO = Path(__file__).resolve().parents[2]


def contracts_dir() -> Path:
    """`../shared/contracts` beside the checkout (or `$SALES_SHARED_DIR/contracts`). Missing is an error,
    never a skip: a contract suite that cannot find its contracts must not pass."""
    shared = Path(os.environ.get("SALES_SHARED_DIR") or REPO.parent / "shared")
    path = shared / "contracts"
    if not (path / "README.md").is_file():
        raise FileNotFoundError(
            f"the vendors' OpenAPI documents are not at {path}: the contract tests read them from "
            "../shared/contracts beside the checkout (or set SALES_SHARED_DIR)"
        )
    return path


# --- documents and operations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One documented operation: `key` is `METHOD template` as the document writes it."""

    vendor: str
    document: str
    method: str
    template: str
    deprecated: bool
    params: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.method} {self.template}"


@dataclass
class Document:
    """One OpenAPI document, the server it describes, and its operations as regexes over vendor paths."""

    vendor: str
    name: str
    raw: dict[str, Any]
    base_path: str
    host_url: str
    operations: list[tuple[re.Pattern[str], Operation]]
    corrections: tuple[str, ...] = ()
    _openapi: OpenAPI | None = field(default=None, repr=False)

    @property
    def version_31(self) -> bool:
        return str(self.raw.get("openapi", "")).startswith("3.1")

    @property
    def openapi(self) -> OpenAPI:
        if self._openapi is None:
            self._openapi = OpenAPI.from_dict(self.raw)
        return self._openapi


def _template_regex(template: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    names: list[str] = []
    regex = ""
    for part in re.split(r"(\{[^}]+\})", template):
        if part.startswith("{") and part.endswith("}"):
            names.append(part[1:-1])
            regex += f"(?P<p{len(names) - 1}>[^/]+)"
        else:
            regex += re.escape(part)
    return re.compile(f"^{regex}$"), tuple(names)


def _fix_tuple_items(node: Any, where: str, fixed: list[str]) -> None:
    """OpenAPI 3.1 is JSON Schema 2020-12: positional `items: [a, b]` is `prefixItems` there. Explorium's
    3.1 document still writes the draft-04 form, which the 3.1 meta-schema refuses."""
    if isinstance(node, dict):
        items = node.get("items")
        if isinstance(items, list):
            node["prefixItems"] = items
            del node["items"]
            fixed.append(where)
        for key, value in node.items():
            _fix_tuple_items(value, f"{where}/{key}", fixed)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _fix_tuple_items(value, f"{where}/{i}", fixed)


def _load(vendor: str, path: Path, name: str) -> Document:
    raw = (
        yaml.safe_load(path.read_text()) if path.suffix in (".yaml", ".yml") else json.loads(path.read_text())
    )
    corrections: list[str] = []
    if str(raw.get("openapi", "")).startswith("3.1"):
        fixed: list[str] = []
        _fix_tuple_items(raw, "#", fixed)
        corrections.extend(f"items-as-list -> prefixItems at {w}" for w in fixed)
    server = urlsplit(str((raw.get("servers") or [{}])[0].get("url") or ""))
    operations: list[tuple[re.Pattern[str], Operation]] = []
    for template, item in (raw.get("paths") or {}).items():
        regex, names = _template_regex(template)
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            operation = Operation(
                vendor=vendor,
                document=name,
                method=method.upper(),
                template=template,
                deprecated=bool(op.get("deprecated")),
                params=names,
            )
            operations.append((regex, operation))
    return Document(
        vendor=vendor,
        name=name,
        raw=raw,
        base_path=server.path.rstrip("/"),
        host_url=f"{server.scheme}://{server.netloc}",
        operations=operations,
        corrections=tuple(corrections),
    )


@cache
def documents(vendor: str) -> tuple[Document, ...]:
    """Every published document of a vendor. HubSpot's are many files: v3 and v4 (legacy) and 2026-09."""
    root = contracts_dir()
    if vendor == "lemlist":
        return (_load(vendor, root / "lemlist" / "openapi.json", "lemlist/openapi.json"),)
    if vendor == "explorium":
        return (_load(vendor, root / "explorium" / "openapi.yaml", "explorium/openapi.yaml"),)
    if vendor == "hubspot":
        return tuple(
            _load(vendor, path, f"hubspot/{path.parent.name}/{path.name}")
            for path in sorted((root / "hubspot").glob("*/*.json"))
        )
    raise KeyError(f"no published OpenAPI document for {vendor!r}")


@dataclass(frozen=True)
class Match:
    document: Document
    operation: Operation
    path_params: dict[str, str]


def _specificity(match: Match) -> tuple[int, int]:
    # Literal segments win over parameters (`/inbox/labels` over `/inbox/{contactId}`), then the longer.
    return (len(match.operation.params), -len(match.operation.template))


def find_operation(vendor: str, method: str, path: str) -> Match | None:
    """The documented operation a request hits, or None when no document has the route."""
    found: list[Match] = []
    for document in documents(vendor):
        if document.base_path and not path.startswith(document.base_path + "/"):
            continue
        rest = path[len(document.base_path) :]
        for regex, operation in document.operations:
            if operation.method != method.upper():
                continue
            hit = regex.match(rest)
            if hit:
                # Servers decode path segments before reading them (`a%40b.com` is the email `a@b.com`).
                values = {name: unquote(hit.group(f"p{i}")) for i, name in enumerate(operation.params)}
                found.append(Match(document, operation, values))
    if not found:
        return None
    best = min(_specificity(m) for m in found)
    candidates = [m for m in found if _specificity(m) == best]
    # HubSpot's date-versioned object documents (contacts, companies, notes, tasks) share one template,
    # `/crm/objects/2026-09/{objectType}/...`: the object type in the path picks the document.
    for match in candidates:
        object_type = match.path_params.get("objectType")
        if object_type and Path(match.document.name).stem == object_type:
            return match
    return candidates[0]


def operations_for_route(vendor: str, method: str, route: str) -> list[Operation]:
    """The documented operations a simulator route can stand for. A route parameter (`{objectType}`)
    stands for any one segment, literal or not: `/crm/v3/objects/{objectType}/search` stands for the
    contacts, companies, notes and tasks searches."""
    parts = route.strip("/").split("/")
    out: list[Operation] = []
    for document in documents(vendor):
        base = document.base_path.strip("/").split("/") if document.base_path else []
        if parts[: len(base)] != base:
            continue
        rest = parts[len(base) :]
        for _, operation in document.operations:
            template = operation.template.strip("/").split("/")
            if operation.method != method.upper() or len(template) != len(rest):
                continue
            if all(
                r.startswith("{") or t.startswith("{") or r == t for r, t in zip(rest, template, strict=True)
            ):
                out.append(operation)
    return out


def documented(vendor: str, key: str) -> bool:
    """Whether some document of the vendor has the operation `METHOD template` (as the document writes it)."""
    return any(op.key == key for op in all_operations(vendor))


def all_operations(vendor: str) -> list[Operation]:
    return [op for document in documents(vendor) for _, op in document.operations]


# --- checking one exchange --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """One way an exchange departs from the published contract."""

    vendor: str
    kind: str  # undocumented | deprecated | auth | request | status | response
    method: str
    path: str
    operation: str | None
    status: int | None
    detail: str

    def __str__(self) -> str:
        where = self.operation or f"{self.method} {self.path}"
        status = f" -> {self.status}" if self.status is not None else ""
        return f"[{self.vendor} {self.kind}] {where}{status}: {self.detail}"


@dataclass
class Checked:
    """An exchange and what the check found. `label` names the operation for coverage: the document's
    `METHOD template`, with the object type written in where one document per object type shares a
    template (HubSpot's 2026-09 `/crm/objects/2026-09/{objectType}/...`)."""

    exchange: Exchange
    operation: Operation | None
    violations: list[Violation]
    label: str | None = None


def _content_type(headers: Mapping[str, str], default: str = "application/json") -> str:
    for key, value in headers.items():
        if key.lower() == "content-type":
            return value.split(";")[0].strip().lower() or default
    return default


def _leaf_errors(error: Any) -> list[str]:
    """A jsonschema error as `path: message` lines. An anyOf/oneOf failure carries every branch's errors in
    `context`: the branch with the fewest errors is the one the value was meant to be, so its errors are
    the ones that say what broke (the others only say "not this branch")."""
    context = getattr(error, "context", None)
    if context:
        branches: dict[Any, list[Any]] = {}
        for sub in context:
            branches.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
        closest = min(branches.values(), key=len)
        return [line for sub in closest for line in _leaf_errors(sub)]
    where = "/".join(str(p) for p in getattr(error, "absolute_path", []) or []) or "<root>"
    return [f"{where}: {str(getattr(error, 'message', error))[:200]}"]


def _errors(exc: BaseException) -> list[str]:
    """openapi-core's exception as short lines, one per schema error with its path (`body: properties/x:
    None is not of type 'string'`), never the whole offending value (bodies run to kilobytes)."""
    found: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for sub in getattr(current, "schema_errors", None) or []:
            found.extend(_leaf_errors(sub))
        current = current.__cause__ or current.__context__
    if found:
        return list(dict.fromkeys(found))
    return [f"{type(exc).__name__}: {str(exc)[:300]}"]


def _any_media_type(value: bytes, **parameters: str) -> Any:
    """HubSpot documents its error bodies as `*/*` with a JSON schema: read them as JSON when they are."""
    try:
        return json.loads(value)
    except ValueError:
        return value


#: Media types openapi-core has no reader for by itself.
MEDIA_TYPES = {"*/*": _any_media_type}


def _auth_problem(vendor: str, headers: Mapping[str, str]) -> str | None:
    """The vendor's documented way of authenticating, checked on every request."""
    lower = {k.lower(): v for k, v in headers.items()}
    if vendor == "lemlist":
        # "Basic authentication, where the login is always empty and the password is the API key."
        value = lower.get("authorization", "")
        if not value.lower().startswith("basic "):
            return "lemlist wants HTTP Basic auth"
        user, _, password = base64.b64decode(value[6:]).decode().partition(":")
        if user or not password:
            return "lemlist's Basic user must be empty and the key the password"
    elif vendor == "explorium":
        if not lower.get("api_key"):
            return "Explorium wants the key in the `api_key` header"
    elif vendor == "hubspot" and not lower.get("authorization", "").lower().startswith("bearer "):
        return "HubSpot private apps authenticate with `Authorization: Bearer <token>`"
    return None


def check(exchange: Exchange, *, requests: bool = True) -> Checked:
    """Match one exchange to its documented operation and validate both halves of it (only the response
    with `requests=False`, for requests a test made invalid on purpose to see the vendor refuse them)."""
    vendor, method = exchange.vendor, exchange.method.upper()
    out: list[Violation] = []

    def violation(kind: str, detail: str, operation: Operation | None, status: int | None = None) -> None:
        out.append(
            Violation(
                vendor=vendor,
                kind=kind,
                method=method,
                path=exchange.path,
                operation=operation.key if operation else None,
                status=status,
                detail=detail,
            )
        )

    match = find_operation(vendor, method, exchange.path)
    if match is None:
        violation("undocumented", "no published document has this route", None)
        return Checked(exchange, None, out)
    operation, document = match.operation, match.document
    label = operation.key
    object_type = match.path_params.get("objectType")
    if object_type and Path(document.name).stem == object_type:
        label = label.replace("{objectType}", object_type)
    if operation.deprecated:
        violation("deprecated", f"marked deprecated in {document.name}", operation)
    problem = _auth_problem(vendor, exchange.request_headers) if requests else None
    if problem:
        violation("auth", problem, operation)

    request = MockRequest(
        host_url=document.host_url,
        method=method.lower(),
        path=exchange.path,
        path_pattern=document.base_path + operation.template,
        args=parse_qsl(exchange.query_string, keep_blank_values=True),  # type: ignore[arg-type]
        view_args=match.path_params,
        headers=dict(exchange.request_headers),
        data=exchange.request_body or None,
        content_type=_content_type(exchange.request_headers),
    )
    spec = document.openapi.spec
    validators = (
        (V31RequestParametersValidator, V31RequestBodyValidator)
        if document.version_31
        else (V30RequestParametersValidator, V30RequestBodyValidator)
    )
    for validator_cls in validators if requests else ():
        for error in validator_cls(spec, extra_media_type_deserializers=MEDIA_TYPES).iter_errors(request):
            for line in _errors(error):
                violation("request", line, operation)

    if exchange.delivered:
        response = MockResponse(
            data=exchange.response_body,
            status_code=exchange.status,
            headers=dict(exchange.response_headers),
            content_type=_content_type(exchange.response_headers, default=""),
        )
        responses = (document.raw.get("paths") or {}).get(operation.template, {}).get(method.lower(), {}).get(
            "responses"
        ) or {}
        if str(exchange.status) not in responses and "default" not in responses:
            documented = ", ".join(sorted(responses)) or "none"
            violation(
                "status", f"status not documented (documented: {documented})", operation, exchange.status
            )
        else:
            response_validator = V31ResponseValidator if document.version_31 else V30ResponseValidator
            validator = response_validator(spec, extra_media_type_deserializers=MEDIA_TYPES)
            for error in validator.iter_errors(request, response):
                for line in _errors(error):
                    violation("response", line, operation, exchange.status)
    return Checked(exchange, operation, out, label)


# --- judging a whole recording ----------------------------------------------------------------------------


@dataclass
class Verdict:
    """What a recording came to: every checked exchange, what the allow-list excused, what it did not."""

    checked: list[Checked]
    excused: list[tuple[Violation, Any]]
    failures: list[Violation]

    def operations(self, vendor: str | None = None) -> set[str]:
        return {
            c.label
            for c in self.checked
            if c.label is not None and (vendor is None or c.exchange.vendor == vendor)
        }

    def failed_operations(self, vendor: str | None = None) -> set[str]:
        failed = {id(v) for v in self.failures}
        return {
            c.label
            for c in self.checked
            if c.label is not None
            and (vendor is None or c.exchange.vendor == vendor)
            and any(id(v) in failed for v in c.violations)
        }

    def report(self, limit: int = 40) -> str:
        lines = [str(v) for v in self.failures[:limit]]
        more = len(self.failures) - limit
        if more > 0:
            lines.append(f"... and {more} more")
        return "\n".join(lines)


def judge(
    exchanges: Iterable[Exchange],
    allowances: Sequence[Any],
    *,
    vendors: Iterable[str] = (),
    requests: bool = True,
) -> Verdict:
    """Check every exchange of the given vendors (all documented vendors when empty) and split the
    violations into excused (by an allowance, recorded as used) and failures."""
    wanted = set(vendors) or {"explorium", "hubspot", "lemlist"}
    checked: list[Checked] = []
    excused: list[tuple[Violation, Any]] = []
    failures: list[Violation] = []
    for exchange in exchanges:
        if exchange.vendor not in wanted:
            continue
        result = check(exchange, requests=requests)
        checked.append(result)
        for v in result.violations:
            allowance = next((a for a in allowances if a.excuses(v)), None)
            if allowance is None:
                failures.append(v)
            else:
                allowance.used += 1
                excused.append((v, allowance))
    return Verdict(checked, excused, failures)


def distinct(violations: Iterable[Violation]) -> Iterator[Violation]:
    """One violation per kind of problem: the same error on item 3 and item 7 of a list is shown once."""
    seen: set[tuple[Any, ...]] = set()
    for v in violations:
        shape = re.sub(r"/\d+(?=/|:)", "/N", v.detail)
        shape = re.sub(r"'[^']*' (is not|does not)", r"'…' \1", shape)
        key = (v.vendor, v.kind, v.operation or v.path, v.status, shape[:200])
        if key not in seen:
            seen.add(key)
            yield v
