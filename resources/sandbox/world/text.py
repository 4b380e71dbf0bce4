"""String shaping: the normalization lookups use, and the ASCII slugs and name parts generation uses.

What belongs here: pure functions of a string (domains, emails, slugs, email local parts).
"""

from __future__ import annotations

import functools
import re
import unicodedata


def normalize_domain(value: str) -> str:
    """The bare host of a domain, URL or email address: "https://WWW.Acme.com/about" -> "acme.com"."""
    text = value.strip().lower()
    if "://" in text:
        text = text.split("://", 1)[1]
    elif text.startswith("//"):
        text = text[2:]
    for sep in ("/", "?", "#"):
        text = text.split(sep, 1)[0]
    text = text.rsplit("@", 1)[-1]
    text = text.split(":", 1)[0].strip().rstrip(".")
    if text.startswith("www."):
        text = text[4:]
    return text


def normalize_email(value: str) -> str:
    """Strip and lowercase; dots and plus tags are left alone because providers treat them differently."""
    return value.strip().lower()


_GERMAN_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_OTHER_TRANSLIT = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_NOT_NAME = re.compile(r"[^a-z0-9-]+")


@functools.lru_cache(maxsize=4096)
def _ascii(text: str, german: bool = False) -> str:
    lowered = text.lower().translate(_GERMAN_TRANSLIT if german else _OTHER_TRANSLIT)
    return unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()


def _slug(text: str, *, german: bool = False, sep: str = "") -> str:
    """Lowercase ASCII letters and digits; other runs of characters become `sep`."""
    slug = _NON_ALNUM.sub(sep, _ascii(text, german))
    return slug.strip(sep) if sep else slug


@functools.lru_cache(maxsize=4096)
def _name_part(text: str, *, german: bool) -> str:
    """A name as it appears in an email local part: "O'Brien" -> "obrien", "Jean-Luc" -> "jean-luc"."""
    return _NOT_NAME.sub("", _ascii(text, german)).strip("-")
