"""Text the product hands to people's tools: cells of the CSV files it writes, and any other field a person
may paste into a spreadsheet (HubSpot task bodies, exported notes).

What belongs here: small, pure functions that make third-party or user-supplied text safe for the place it
is going, used by more than one stage, and `text_or_none`, their one reading of a record's value as text.
Parsing and normalising what comes in (addresses, domains) belongs to the module that owns the data
(`resources/pipeline_store/suppression.py` for suppression entries).

Spreadsheet formulas (CSV injection). A cell whose text starts with `=`, `+`, `-` or `@` is run as a formula
by Excel, LibreOffice and Google Sheets when a person opens the file: `=HYPERLINK("http://evil", "click")`
in a reply or a form field becomes a live link, and DDE formulas can start programs. Following OWASP's
CSV-injection guidance, such a cell gets a leading `'`, which every spreadsheet reads as "this is text" and
hides. Tab and carriage return are on OWASP's list too: some programs drop them and evaluate what follows.

The check looks past what a program may drop before it decides (the decision of this module): leading
spaces, Unicode spaces and zero-width characters, and full-width forms (U+FF1D, a full-width `=`) that some
programs read as the ASCII sign. The value itself is never stripped or altered, only prefixed, so nothing a
person wrote is lost and `spreadsheet_unescape` gives it back exactly.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

#: First characters a spreadsheet may evaluate (OWASP: equals, plus, minus, at, tab, carriage return).
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
#: Invisible characters a spreadsheet or a copy-paste may drop in front of a formula.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def _needs_quote(value: str) -> bool:
    if value[:1] in FORMULA_TRIGGERS:
        return True
    if value.startswith("'"):
        # Already quoted text (`'=1`) is quoted once more, so `spreadsheet_unescape` can tell the quote this
        # module adds from one the value had: the round trip gives back exactly what was written.
        return _needs_quote(value[1:])
    head = value.lstrip().lstrip(_INVISIBLE).lstrip()
    # NFKC folds full-width and small forms (U+FF1D, U+FE62, U+FF0D, U+FF20) into the ASCII signs.
    return bool(head) and unicodedata.normalize("NFKC", head[0])[:1] in FORMULA_TRIGGERS


def text_or_none(value: Any) -> str | None:
    """A record's value as text: stripped, or None for None, NaN and blanks."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def spreadsheet_safe(value: str) -> str:
    """`value` as a spreadsheet shows it as text: prefixed with `'` when it could start a formula.

    >>> spreadsheet_safe('=HYPERLINK("http://x.example","hi")')
    '\\'=HYPERLINK("http://x.example","hi")'
    >>> spreadsheet_safe("jane@example.com")
    'jane@example.com'
    """
    return f"'{value}" if value and _needs_quote(value) else value


def spreadsheet_unescape(value: str) -> str:
    """The inverse of `spreadsheet_safe`: the value as written before it was made safe. Only a `'` that
    `spreadsheet_safe` would have added is removed, so any other text (a name like `'Tis`) is kept."""
    return value[1:] if value.startswith("'") and _needs_quote(value[1:]) else value


def spreadsheet_safe_lines(text: str) -> str:
    """Third-party text placed in a CRM record (a reply, a form message), every line made spreadsheet-safe:
    HubSpot exports tasks to CSV and people paste bodies into sheets line by line, so a line that starts a
    formula (`=HYPERLINK(...)`) is neutralised wherever it sits in the body."""
    return "\n".join(spreadsheet_safe(line) for line in text.split("\n"))
