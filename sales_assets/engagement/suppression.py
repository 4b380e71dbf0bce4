"""`suppression_list`: the one table of emails and domains the product never contacts, and its commands.

What belongs here: the asset (which folds lemlist's unsubscribe list and HubSpot's opt-outs into the store's
suppression table and publishes the table), its pandera model, the CSV import and export, and the
`sales-pipeline suppression` command runner. Replies, bounces and unsubscribes reach the table through
`reply_actions`; enrollment reads it at enrollment time. The table itself lives in the pipeline store
(`resources/pipeline_store/suppression.py`), keyed by hash so an erased person stays blocked; the store also
owns the normalisation of every value (`suppression_key`), on the way in and on every look-up.

The CSV import is strict about the file and lenient about lines. A file it cannot read as intended is refused
whole, with one error naming the file and the line, and nothing is added: not UTF-8 (no encoding is
guessed; `--encoding` names another), or a header that is not made of the columns it knows (`KNOWN_COLUMNS`;
an unknown column is never read as "the first column"). The delimiter (`,` `;` tab `|`) is sniffed. In a
readable file each bad line is reported with its number and why, and every good line is still imported.
The export makes every cell safe to open in a spreadsheet (`sales_assets.common.text.spreadsheet_safe`),
and the import takes that escaping off again, so an export imports back unchanged.
"""

import argparse
import codecs
import csv
import io
import logging
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from email_validator import EmailNotValidError, validate_email
from pandera.typing import Series

from resources.errors import AuthenticationError, VendorError
from resources.hubspot.resource import HubSpotResource
from resources.lemlist.resource import LemlistResource
from resources.pipeline_store import (
    PipelineStoreResource,
    SuppressionList,
    clean_text,
    normalise_domain,
    suppression_key,
)
from resources.pipeline_store.database import Database, describe, open_database
from resources.pipeline_store.erasure import erase_person
from resources.pipeline_store.resource import default_store_target
from sales_assets.common.metadata import markdown_table
from sales_assets.common.schemas import table_schema
from sales_assets.common.text import spreadsheet_safe, spreadsheet_unescape

logger = logging.getLogger(__name__)

#: lemlist unsubscribe sources -> the reason recorded here (lemlist's enum: api, bounced, lead, user, abuse).
LEMLIST_REASONS = {
    "lead": "unsubscribed",
    "bounced": "bounce_hard",
    "bounce": "bounce_hard",
    "abuse": "spam_complaint",
    "user": "manual",
    "api": "manual",
}
EXPORT_COLUMNS = ["kind", "value", "value_hash", "reason", "source", "created_at"]


class SuppressionEntries(pa.DataFrameModel):
    """Every entry: erased ones keep only their hash."""

    kind: Series[str] = pa.Field(isin=["email", "domain"])
    value_hash: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    value: Series[str] = pa.Field(nullable=True)
    reason: Series[str]
    source: Series[str]
    created_at: Series[pd.DatetimeTZDtype] = pa.Field(dtype_kwargs={"unit": "ns", "tz": "UTC"})

    class Config:
        strict = True
        coerce = True


# --- CSV import and export --------------------------------------------------------------------------------


#: Columns holding the value to suppress: an address, a domain, or either (one of them per file).
VALUE_COLUMNS = ("email", "domain", "value")
#: Every column the import reads: a value column, optional `reason` and `source`, and the export's own
#: `kind`, `value_hash` and `created_at`, so an export can be imported again (into another store) unchanged.
KNOWN_COLUMNS = (*VALUE_COLUMNS, "reason", "source", "kind", "value_hash", "created_at")
#: Delimiters the sniffer chooses from; a file with one column has none and is read as comma-separated.
DELIMITERS = ",;\t|"
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
EXPECTED_HEADER = (
    "one of the columns email, domain or value (the address or domain to suppress), optionally reason and "
    "source, e.g. 'email,reason'"
)


class SuppressionImportError(ValueError):
    """A CSV file the import refuses whole (nothing is added); the message names the file and the line."""


@dataclass(frozen=True)
class Rejected:
    line: int
    value: str
    why: str


#: email-validator speaks of addresses; a domain is checked as `postmaster@domain`, so its words are turned
#: to the domain's own (longest phrases first).
_DOMAIN_WORDING = (
    ("There must be something after the @-sign", "The domain is empty"),
    ("immediately after the @-sign or after a period", "at the start of a label"),
    ("immediately after the @-sign", "at the start"),
    ("The part after the @-sign", "The domain"),
    ("After the @-sign, periods", "Periods"),
    ("after the @-sign", "in the domain"),
    ("An email address cannot", "A domain cannot"),
    ("The email address", "The domain"),
    ("with email", "for email"),
)


def _not_valid(text: str, what: str, exc: EmailNotValidError) -> ValueError:
    why = str(exc)
    if what == "a domain":
        for address_words, domain_words in _DOMAIN_WORDING:
            why = why.replace(address_words, domain_words)
    return ValueError(f"not {what}: {text!r} ({why})")


def parse_entry(value: str) -> tuple[str, str]:
    """(kind, suppression key) of an email or a domain (`@example.com`, `example.com` or a URL); ValueError
    else. The syntax and the IDNA form are checked by email-validator (no DNS look-up); the key is the
    store's `suppression_key`, so `bücher.example` and `xn--bcher-kva.example` give the same entry."""
    text = clean_text(value)
    if not text:
        raise ValueError("empty value")
    if text.startswith("@") or "@" not in text:
        domain = normalise_domain(text.lstrip("@"))
        try:
            # A domain is valid where an address at it would be: the same rules, the same IDNA handling.
            validate_email(f"postmaster@{domain}", check_deliverability=False)
        except EmailNotValidError as exc:
            raise _not_valid(text, "a domain", exc) from None
        return "domain", domain
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise _not_valid(text, "an email address", exc) from None
    return "email", suppression_key("email", text)


def decode_csv(data: bytes, name: str, encoding: str | None = None) -> str:
    """The text of a CSV file: UTF-8 (a byte-order mark is tolerated), or the encoding named explicitly.
    An undecodable byte refuses the file with its offset and line; no other encoding is guessed, because a
    wrong guess would store wrong addresses without a word."""
    codec = encoding or "utf-8-sig"
    try:
        codecs.lookup(codec)
    except LookupError:
        raise SuppressionImportError(
            f"{name}: unknown encoding {encoding!r} (e.g. utf-8, latin-1, cp1252)"
        ) from None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        label = "UTF-8" if encoding is None else encoding
        byte = data[exc.start]
        raise SuppressionImportError(
            f"{name}, line {line}: not {label} text: byte 0x{byte:02x} at offset {exc.start} cannot "
            f"be decoded. Save the file as UTF-8 (in Excel: 'CSV UTF-8'), or name its encoding with "
            "--encoding (e.g. --encoding latin-1). Nothing was imported."
        ) from None
    return text.removeprefix("\ufeff")


def sniff_delimiter(text: str) -> str:
    """The delimiter of `text` among `DELIMITERS` (stdlib `csv.Sniffer`), `,` when there is none to find
    (a one-column file)."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _cell(value: str) -> str:
    # The export made cells that could start a formula safe with a leading quote: take it off again.
    return clean_text(spreadsheet_unescape(value))


def _header(cells: list[str], name: str, line: int, delimiter: str) -> dict[str, int]:
    """Column name -> index, or SuppressionImportError naming what is wrong with the header."""
    names = [_cell(c).casefold() for c in cells]
    read_as = f"read as {_DELIMITER_NAMES[delimiter]}-separated"
    unknown = [n for n in names if n and n not in KNOWN_COLUMNS]
    if unknown:
        listed = ", ".join(repr(n) for n in unknown)
        raise SuppressionImportError(
            f"{name}, line {line}: unknown column{'s' if len(unknown) > 1 else ''} {listed} in the header "
            f"({read_as}); the header must name {EXPECTED_HEADER}. Known columns: "
            f"{', '.join(KNOWN_COLUMNS)}. Nothing was imported."
        )
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        listed = ", ".join(repr(n) for n in twice)
        raise SuppressionImportError(
            f"{name}, line {line}: column {listed} appears more than once in the header. "
            "Nothing was imported."
        )
    values = [n for n in names if n in VALUE_COLUMNS]
    if len(values) != 1:
        found = f"it names {' and '.join(values)}" if values else "it names none"
        raise SuppressionImportError(
            f"{name}, line {line}: the header must name exactly one of email, domain or value ({found}); "
            "import addresses and domains as one 'value' column or as two files. Nothing was imported."
        )
    return {n: i for i, n in enumerate(names) if n}


def read_suppression_csv(
    lines: Iterable[str] | str, *, source: str, default_reason: str, name: str = "<csv>"
) -> tuple[list[dict[str, Any]], list[Rejected]]:
    """Entries of a CSV file (its text, or its lines) whose header names a value column (`email`, `domain`
    or `value`) and optionally `reason` and `source` (see `KNOWN_COLUMNS`); the delimiter is sniffed.

    A file of one column without a header is read as one value per line, but only when its first line is
    itself an address or a domain: anything else there must be a header, and an unknown header refuses the
    file (SuppressionImportError) rather than guess a column. Bad rows are returned with their line number
    and why, never silently dropped; an erased entry of an export (hash, no value) comes back as a tombstone
    row (`value_hash` set, `value` None)."""
    text = lines if isinstance(lines, str) else "".join(lines)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    end = 0
    try:
        for row in reader:
            rows.append((end + 1, row))  # a quoted cell may span lines: report the row's first one
            end = reader.line_num
    except csv.Error as exc:
        raise SuppressionImportError(
            f"{name}, line {reader.line_num}: not readable as CSV ({exc})."
        ) from None
    rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
    if not rows:
        return [], []
    first_line, first = rows[0]
    columns: dict[str, int]
    if len(first) == 1 and _cell(first[0]).casefold() not in KNOWN_COLUMNS and _parses(first[0]):
        columns, body = {"value": 0}, rows
    else:
        columns, body = _header(first, name, first_line, delimiter), rows[1:]
    width = len(first)
    entries: list[dict[str, Any]] = []
    rejected: list[Rejected] = []
    for number, row in body:
        try:
            entries.append(_entry(row, columns, width, source=source, default_reason=default_reason))
        except ValueError as exc:
            value_at = next(columns[c] for c in (*VALUE_COLUMNS, "value_hash") if c in columns)
            raw = row[value_at] if value_at < len(row) else ""
            rejected.append(Rejected(number, raw, str(exc)))
    return entries, rejected


def _parses(value: str) -> bool:
    try:
        parse_entry(spreadsheet_unescape(value))
    except ValueError:
        return False
    return True


def _entry(
    row: list[str], columns: Mapping[str, int], width: int, *, source: str, default_reason: str
) -> dict[str, Any]:
    """One suppression row from one CSV row of a file whose header is `width` cells wide; ValueError saying
    why the row cannot be one."""
    if len(row) > width and any(c.strip() for c in row[width:]):
        raise ValueError(
            f"{len(row)} cells where the header has {width}: quote a cell that contains the delimiter"
        )
    named = set(columns.values())
    unnamed = [i + 1 for i, c in enumerate(row[:width]) if i not in named and c.strip()]
    if unnamed:
        raise ValueError(f"a value in column {unnamed[0]}, which has no name in the header")

    def cell(column: str) -> str:
        at = columns.get(column)
        return _cell(row[at]) if at is not None and at < len(row) else ""

    value_column = next(c for c in VALUE_COLUMNS if c in columns)
    at_text = cell("created_at")
    try:
        at = datetime.fromisoformat(at_text) if at_text else None
    except ValueError:
        raise ValueError(f"created_at {at_text!r} is not an ISO 8601 time") from None
    row_source = cell("source") or source
    if not cell(value_column) and cell("value_hash"):
        # An erased entry of an export: its hash is all there is, and it must go on blocking here too.
        kind, digest = cell("kind"), cell("value_hash")
        if kind not in ("email", "domain"):
            raise ValueError(f"an erased entry needs kind email or domain, not {kind!r}")
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise ValueError(f"value_hash {digest!r} is not a sha256 (64 hexadecimal digits)")
        return {"kind": kind, "value": None, "value_hash": digest, "source": row_source, "at": at}
    kind, value = parse_entry(cell(value_column))
    if cell("kind") and cell("kind") != kind:
        what = "an email address" if kind == "email" else "a domain"
        raise ValueError(f"kind {cell('kind')!r} does not fit the value, which is {what}")
    entry = {"kind": kind, "value": value, "reason": cell("reason") or default_reason, "source": row_source}
    return {**entry, "at": at} if at else entry


def import_entries(suppression: SuppressionList, entries: list[dict[str, Any]]) -> None:
    """Write what `read_suppression_csv` read: entries with a value, then erased ones by their hash."""
    suppression.add_many([e for e in entries if e["value"] is not None])
    suppression.add_tombstones([e for e in entries if e["value"] is None])


def export_csv(frame: pd.DataFrame) -> str:
    """The list as CSV, every text cell made safe to open in a spreadsheet (`spreadsheet_safe`): a reason or
    a source imported from elsewhere may start with `=` and would run as a formula."""
    out = io.StringIO()
    cells = frame.assign(created_at=frame["created_at"].map(lambda t: t.isoformat()))[EXPORT_COLUMNS]
    cells.map(lambda v: spreadsheet_safe(v) if isinstance(v, str) else v).to_csv(out, index=False)
    return out.getvalue()


def run_suppression_command(args: argparse.Namespace) -> int:
    """`sales-pipeline suppression import|export|erase` (messages go to stderr, the export to stdout)."""
    db: Database = open_database(args.store or default_store_target())
    where = db.path or describe(db.url)
    suppression = SuppressionList(db)
    if args.action == "import":
        try:
            data = args.file.read_bytes()
        except OSError as exc:
            sys.stderr.write(f"{args.file}: cannot read the file ({exc.strerror})\n")
            return 2
        try:
            text = decode_csv(data, str(args.file), getattr(args, "encoding", None))
            entries, rejected = read_suppression_csv(
                text, source=args.source, default_reason=args.reason, name=str(args.file)
            )
        except SuppressionImportError as exc:
            sys.stderr.write(f"{exc}\n")
            return 2
        # The good lines go in even when others are bad: each bad one is named below, to fix and import again.
        import_entries(suppression, entries)
        for bad in rejected:
            sys.stderr.write(f"{args.file}:{bad.line}: rejected {bad.value!r}: {bad.why}\n")
        sys.stderr.write(f"imported {len(entries)} entries into {where}; {len(rejected)} rejected\n")
        return 1 if rejected else 0
    if args.action == "export":
        text = export_csv(suppression.entries())
        if args.file == "-":
            sys.stdout.write(text)
        else:
            Path(args.file).write_text(text, encoding="utf-8")
            sys.stderr.write(f"exported {len(suppression)} entries to {args.file}\n")
        return 0
    report = erase_person(db, args.email)
    sys.stderr.write(
        f"erased: {report.rows_deleted} rows deleted ({report.enrollments} enrollments, "
        f"{report.crm_sync} CRM sync, {report.actions} actions, {report.cache} cached answers); "
        "hashed tombstone kept\n"
    )
    return 0


# --- the asset --------------------------------------------------------------------------------------------


@dg.asset(
    group_name="engagement",
    kinds={"lemlist", "hubspot", "sqlite"},
    metadata={"dagster/column_schema": table_schema(SuppressionEntries)},
    pool="lemlist",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
)
def suppression_list(
    context: dg.AssetExecutionContext,
    lemlist: LemlistResource,
    hubspot: HubSpotResource,
    pipeline_store: PipelineStoreResource,
) -> dg.MaterializeResult:
    """The suppression table after folding in lemlist's unsubscribe list (unsubscribes, hard bounces, spam
    complaints, manual blocks) and HubSpot's email opt-outs; replies and CSV imports are already in it."""
    store = pipeline_store.suppression
    before = len(store)
    pulled: dict[str, int] = {}
    try:
        entries = []
        for item in lemlist.get_client().unsubscribes():
            if not item.value:
                continue
            try:
                kind, value = parse_entry(item.value)
            except ValueError:
                continue  # LinkedIn URLs and phone numbers share lemlist's list; they are not ours to keep
            entries.append(
                {
                    "kind": kind,
                    "value": value,
                    "reason": LEMLIST_REASONS.get(item.source or "", "unsubscribed"),
                    "source": f"lemlist_{item.source or 'unknown'}",
                    "at": item.created_at,
                }
            )
        pulled["lemlist"] = len(entries)
        opted_out = hubspot.get_client().search_contacts(
            filter_groups=[
                {"filters": [{"propertyName": "hs_email_optout", "operator": "EQ", "value": "true"}]}
            ],
            properties=["email", "hs_email_optout"],
        )
        hubspot_entries = [
            {"kind": "email", "value": c.email, "reason": "opted_out", "source": "hubspot_optout"}
            for c in opted_out.results
            if c.email
        ]
        pulled["hubspot"] = len(hubspot_entries)
    except AuthenticationError as exc:
        raise dg.Failure(str(exc), allow_retries=False) from exc
    except VendorError as exc:
        raise dg.Failure(f"could not read a vendor's opt-out list: {exc}") from exc
    store.add_many([*entries, *hubspot_entries])
    frame = SuppressionEntries.validate(store.entries())
    reasons = frame["reason"].value_counts().to_dict()
    sources = frame["source"].value_counts().to_dict()
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": len(frame),
            "new_entries": len(frame) - before,
            "emails": int((frame["kind"] == "email").sum()),
            "domains": int((frame["kind"] == "domain").sum()),
            "erased_tombstones": int(frame["value"].isna().sum()),
            "pulled_from_lemlist": pulled.get("lemlist", 0),
            "pulled_from_hubspot": pulled.get("hubspot", 0),
            **{f"reason_{k}": int(v) for k, v in sorted(reasons.items())},
            **{f"source_{k}": int(v) for k, v in sorted(sources.items())},
            "latest": dg.MetadataValue.md(
                markdown_table(
                    frame.sort_values("created_at", ascending=False),
                    columns=["kind", "value", "reason", "source", "created_at"],
                )
            ),
        },
    )
