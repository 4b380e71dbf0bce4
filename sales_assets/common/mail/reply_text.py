"""The text of an email reply, made ready for classification: HTML to plain text, the quoted original and the
signature cut off, and the dates people write in out-of-office notices (English, German, French).

What belongs here: pure string functions with no Dagster, pandas or vendor imports (the classifier in
`classify.py` is imported from `sales_assets` and must stay cheap): `html_to_text`, `reply_body`,
`signature_start` and `return_date` with its date helpers. The rules that decide a label live in
`classify.py`.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

# --- HTML ------------------------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")
_HTML_HINT = re.compile(r"<\s*(?:br|div|p|html|body|span|blockquote|table|td|tr|a|b|i|font)\b[^>]*>", re.I)
_DROP_ELEMENTS = re.compile(r"<(style|script|head|title)\b[^>]*>.*?</\1\s*>", re.I | re.S)
# Quoted originals in HTML mail: Gmail wraps them in div.gmail_quote, Apple Mail and Thunderbird in
# <blockquote type="cite">, Outlook starts them with div#divRplyFwdMsg or div#appendonsend. Everything from
# there on is the earlier message.
_HTML_QUOTE_START = re.compile(
    r"<(?:div|p)\b[^>]*(?:class=\"[^\"]*gmail_quote|id=\"(?:divRplyFwdMsg|appendonsend)\")[^>]*>"
    r"|<blockquote\b[^>]*>",
    re.I,
)
_BLOCK_BREAK = re.compile(r"<\s*(?:br|/p|/div|/li|/tr|/h\d|p|div|li|tr|hr)\b[^>]*>", re.I)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text))


def html_to_text(text: str, *, keep_quotes: bool = False) -> str:
    """Plain text of an HTML email body; without `keep_quotes` the quoted original is dropped."""
    if not looks_like_html(text):
        return text
    body = _DROP_ELEMENTS.sub("", text)
    if not keep_quotes:
        match = _HTML_QUOTE_START.search(body)
        if match is not None:
            body = body[: match.start()]
    body = _BLOCK_BREAK.sub("\n", body)
    body = _TAG.sub("", body)
    body = html.unescape(body).replace("\xa0", " ")
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", body)


# --- quoted original and signature ------------------------------------------------------------------------

# "On Tue, Mar 3, 2026 at 10:14 AM Sam <sam@x.com> wrote:" is wrapped onto two lines by some clients.
_QUOTE_HEADERS = (
    re.compile(r"^[ \t]*On\b[^\n]{0,250}(?:\n[^\n]{0,150})?\bwrote\s*:[ \t]*$", re.M | re.I),
    re.compile(r"^[ \t]*Am\b[^\n]{0,250}(?:\n[^\n]{0,150})?\bschrieb\b[^\n]{0,150}:[ \t]*$", re.M),
    re.compile(r"^[ \t]*Le\b[^\n]{0,250}(?:\n[^\n]{0,150})?\ba\s+écrit\s*:[ \t]*$", re.M | re.I),
    re.compile(
        r"^[ \t]*-{2,}[ \t]*(?:Original Message|Ursprüngliche Nachricht|Original-Nachricht|Message d'origine"
        r"|Forwarded message|Weitergeleitete Nachricht|Message transféré)[ \t]*-{2,}",
        re.M | re.I,
    ),
)
# Outlook's header block: a From line followed by Sent/Date/To/Subject lines (German and French too).
_HEADER_FROM = re.compile(r"^[ \t]*\*?(?:From|Von|De)[ \t]*\*?[ \t]*:", re.M)
_HEADER_NEXT = re.compile(
    r"^[ \t]*\*?(?:Sent|Date|To|Cc|Subject|Gesendet|Datum|An|Betreff|Envoyé|À|Objet)[ \t]*\*?[ \t]*:",
    re.M,
)
_UNDERSCORE_RULE = re.compile(r"^[ \t]*_{10,}[ \t]*$", re.M)

_MOBILE_FOOTER = re.compile(
    r"^[ \t]*(?:Sent from (?:my|Mail|Outlook|Yahoo)|Get Outlook for|Sent via|Von meinem \S+ gesendet"
    r"|Gesendet von meinem|Gesendet mit|Envoyé de mon|Envoyé depuis|Obtenir Outlook)\b",
    re.M | re.I,
)
_SIGNATURE_DASHES = re.compile(r"^--[ \t]*$", re.M)
_SIGNOFF_WORDS = (
    # English
    "best",
    "best regards",
    "kind regards",
    "warm regards",
    "warmest regards",
    "regards",
    "many thanks",
    "thanks",
    "thank you",
    "thanks again",
    "thanks so much",
    "cheers",
    "sincerely",
    "yours sincerely",
    "yours",
    "all the best",
    "talk soon",
    "br",
    "kr",
    "rgds",
    "thx",
    "best wishes",
    "with thanks",
    # German
    "viele grüße",
    "viele grüsse",
    "beste grüße",
    "beste grüsse",
    "liebe grüße",
    "liebe grüsse",
    "freundliche grüße",
    "freundliche grüsse",
    "mit freundlichen grüßen",
    "mit freundlichen grüssen",
    "mit besten grüßen",
    "herzliche grüße",
    "schöne grüße",
    "gruß",
    "grüße",
    "gruss",
    "mfg",
    "vg",
    "lg",
    "besten dank",
    "vielen dank",
    "danke",
    "danke und gruß",
    "danke und grüße",
    "freundliche grüße aus",
    # French
    "cordialement",
    "bien cordialement",
    "très cordialement",
    "bien à vous",
    "bien a vous",
    "bonne journée",
    "belle journée",
    "bonne soirée",
    "merci",
    "merci d'avance",
    "merci beaucoup",
    "salutations",
    "sincères salutations",
    "meilleures salutations",
    "à bientôt",
    "amicalement",
    "bonne fin de journée",
)
_SIGNOFF = re.compile(
    r"^[ \t]*(?i:" + "|".join(re.escape(w) for w in sorted(_SIGNOFF_WORDS, key=len, reverse=True)) + r")"
    # "Best, Anna" / "VG Anna" on one line (names are capitalised, so this part is case-sensitive); a
    # longer line is a sentence, not a sign-off.
    r"(?:[ \t]*[,.!-]?[ \t]*(?:[A-ZÀ-Ý][\w'\u2019.-]*(?:[ \t]+[A-ZÀ-Ý][\w'\u2019.-]*){0,2})?)?"
    r"[ \t]*[,.!]?[ \t]*$",
    re.M,
)
_QUOTE_LINE = re.compile(r"^[ \t]*>.*$\n?", re.M)
_GREETING_LINE = re.compile(
    r"^[ \t]*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|hallo|guten (?:tag|morgen|abend)|moin"
    r"|servus|liebe[rs]?|sehr geehrte[rs]?|bonjour|bonsoir|salut|cher|chère|madame|monsieur)\b[^\n]{0,50}$",
    re.M | re.I,
)


def _has_content(text: str) -> bool:
    """True when `text` holds more than greeting lines ("Hi Sam," alone is no content to sign off)."""
    return bool(_GREETING_LINE.sub("", text).strip())


def _quote_start(text: str) -> int:
    """Where the quoted original begins, or len(text)."""
    cut = len(text)
    for pattern in _QUOTE_HEADERS:
        match = pattern.search(text)
        if match is not None:
            cut = min(cut, match.start())
    for match in _HEADER_FROM.finditer(text):
        following = text[match.end() : match.end() + 600].split("\n")[1:5]
        if any(_HEADER_NEXT.match(line) for line in following):
            cut = min(cut, match.start())
            break
    for match in _UNDERSCORE_RULE.finditer(text):
        if _HEADER_FROM.match(text, match.end() + 1):
            cut = min(cut, match.start())
            break
    return cut


def signature_start(text: str) -> int:
    """Where the writer's sign-off, signature or mobile footer begins in a reply without its quote, or
    len(text). A sign-off only counts after some content and when little, short text follows it."""
    cut = len(text)
    for pattern in (_MOBILE_FOOTER, _SIGNATURE_DASHES):
        match = pattern.search(text)
        if match is not None and _has_content(text[: match.start()]):
            cut = min(cut, match.start())
    for match in _SIGNOFF.finditer(text):
        if match.start() >= cut:
            break
        if not _has_content(text[: match.start()]):
            continue
        tail = [line for line in text[match.end() : cut].split("\n") if line.strip()]
        # "Thanks,\nbut please remove me" continues a sentence; signatures start with a name or a number.
        continues = bool(tail) and re.match(r"^\s*[a-zà-ÿ]+[ ,]", tail[0]) is not None
        if not continues and len(tail) <= 10 and all(len(line) <= 90 for line in tail):
            cut = match.start()
            break
    return cut


def reply_body(text: str | None) -> str:
    """The new part of a reply: HTML stripped, the quoted original ("On ... wrote:", "Am ... schrieb ...:",
    "Le ... a écrit :", "> " lines, "-----Original Message-----", Outlook's From:/Von:/De : block) and the
    signature or mobile footer removed. Whitespace is tidied; an empty string when nothing is left."""
    if not text:
        return ""
    plain = html_to_text(text).replace("\r\n", "\n").replace("\r", "\n")
    plain = plain[: _quote_start(plain)]
    plain = _QUOTE_LINE.sub("", plain)
    plain = plain[: signature_start(plain)]
    lines = [line.rstrip() for line in plain.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def without_quote(text: str | None) -> str:
    """Plain text of a reply with the quoted original cut off but the signature kept."""
    if not text:
        return ""
    plain = html_to_text(text).replace("\r\n", "\n").replace("\r", "\n")
    plain = plain[: _quote_start(plain)]
    return _QUOTE_LINE.sub("", plain).strip()


# --- dates -----------------------------------------------------------------------------------------------

_MONTH_WORDS: dict[str, int] = {}
for _number, _words in enumerate(
    (
        ("january", "jan", "januar", "jänner", "janvier", "janv"),
        ("february", "feb", "februar", "février", "fevrier", "févr", "fevr", "fév"),
        ("march", "mar", "märz", "maerz", "mars", "mrz"),
        ("april", "apr", "avril", "avr"),
        ("may", "mai"),
        ("june", "jun", "juni", "juin"),
        ("july", "jul", "juli", "juillet", "juil"),
        ("august", "aug", "août", "aout"),
        ("september", "sep", "sept", "septembre"),
        ("october", "oct", "oktober", "okt", "octobre"),
        ("november", "nov", "novembre"),
        ("december", "dec", "dezember", "dez", "décembre", "decembre", "déc"),
    ),
    start=1,
):
    for _word in _words:
        _MONTH_WORDS[_word] = _number

_WEEKDAY_WORDS: dict[str, int] = {}
for _number, _words in enumerate(
    (
        ("monday", "montag", "lundi"),
        ("tuesday", "dienstag", "mardi"),
        ("wednesday", "mittwoch", "mercredi"),
        ("thursday", "donnerstag", "jeudi"),
        ("friday", "freitag", "vendredi"),
        ("saturday", "samstag", "sonnabend", "samedi"),
        ("sunday", "sonntag", "dimanche"),
    )
):
    for _word in _words:
        _WEEKDAY_WORDS[_word] = _number

_MONTH_RE = "|".join(sorted((re.escape(w) for w in _MONTH_WORDS), key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted((re.escape(w) for w in _WEEKDAY_WORDS), key=len, reverse=True))
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|\.)?"
_YEAR = r"(?:,?\s*(?P<y>(?:19|20)\d\d))?"

#: Date expressions, most specific first; each gives day/month(/year) or a weekday.
_DATE_PATTERNS = (
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)\b"),
    # 03.12.2026, 03.12., 3.12.26 (German, and French with dots)
    re.compile(r"\b(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>(?:19|20)?\d\d)?(?!\d)"),
    # 12/03/2026 or 12/03: day first in German/French and by default; see `_slash_date`
    re.compile(r"\b(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)(?:/(?P<y>(?:19|20)?\d\d))?\b"),
    # 3 March 2026, 3. März, 1er mars, 3rd of March
    re.compile(rf"\b{_DAY}\s*(?:of\s+)?(?P<mw>{_MONTH_RE})\.?{_YEAR}\b", re.I),
    # March 3rd, 2026 / March 3
    re.compile(rf"\b(?P<mw>{_MONTH_RE})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b{_YEAR}", re.I),
)
_WEEKDAY_PATTERN = re.compile(rf"\b(?P<wd>{_WEEKDAY_RE})\b", re.I)
# A day of the month alone: "the 10th", "le 10", "bis zum 10.": the next such day on or after `received`.
_DAY_ONLY_PATTERN = re.compile(
    r"\bthe (?P<d>[0-3]?\d)(?:st|nd|rd|th)\b|\ble (?P<d2>[0-3]?\d|1er)\b"
    r"|\b(?:am|ab dem|ab|bis zum|bis) (?P<d3>[0-3]?\d)\.(?!\d)",
    re.I,
)

# "back on X", "ab dem X wieder", "de retour le X": X is the first day back. "until X inclusive",
# "bis einschließlich X", "jusqu'au X inclus": X is the last day away, the next day is the first day back.
_BACK_CUES = re.compile(
    r"\b(?:back|return(?:ing)?|returns|in the office|reachable|available again|return date)\b"
    r"|\b(?:ab|zurück|wieder|ab dem|ab den|ab montag|erreichbar)\b"
    r"|\b(?:de retour|retour|à partir d[ue]|a partir d[ue]|dès le|reprise|reprendr\w*|je reviens)\b",
    re.I,
)
_UNTIL_CUES = re.compile(
    r"\b(?:until|till|til|through|thru|up to and including|to)\b"
    r"|\b(?:bis(?:\s+einschließlich|\s+einschl\.?|\s+inkl\.?|\s+zum|\s+zur)?)\b"
    r"|\b(?:jusqu['\u2019]\s?(?:au|à|a)(?:\s+le)?)",
    re.I,
)
_INCLUSIVE = re.compile(r"^\W{0,3}(?:inclus|inclusive|included|einschließlich|einschl)\b", re.I)


def _year_for(day: int, month: int, received: date) -> date | None:
    """The next day/month on or after `received` (a date written without its year)."""
    for year in (received.year, received.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= received:
            return candidate
    return None


def _day_of_month(day: int, received: date) -> date | None:
    """The next `day` of a month on or after `received` ("back on the 10th")."""
    year, month = received.year, received.month
    for _ in range(3):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= received:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _full_year(value: str) -> int:
    year = int(value)
    return year + 2000 if year < 100 else year


def _make(day: int, month: int, year: str | None, received: date) -> date | None:
    if year:
        try:
            return date(_full_year(year), month, day)
        except ValueError:
            return None
    return _year_for(day, month, received)


def _slash_date(a: int, b: int, year: str | None, received: date, language: str | None) -> date | None:
    """12/03: day first (German, French, British usage). In English, when only the month-first reading is a
    real date (03/25) it is taken; when both are, day first wins unless only month first is in the future."""
    day_first = _make(a, b, year, received) if 1 <= b <= 12 else None
    month_first = _make(b, a, year, received) if 1 <= a <= 12 else None
    if language in ("de", "fr") or month_first is None:
        return day_first
    if day_first is None:
        return month_first
    if year and day_first < received <= month_first:
        return month_first
    return day_first


def find_dates(text: str, received: date, language: str | None = None) -> list[tuple[int, int, date]]:
    """Every date written in `text`, as (start, end, date), in order; dates without a year are the next
    such date on or after `received`, a weekday alone the next such weekday after it."""
    found: list[tuple[int, int, date]] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for index, pattern in enumerate(_DATE_PATTERNS):
        for match in pattern.finditer(text):
            if not free(match.start(), match.end()):
                continue
            parts = match.groupdict()
            value: date | None = None
            if index == 2:
                value = _slash_date(int(parts["a"]), int(parts["b"]), parts.get("y"), received, language)
            else:
                month = _MONTH_WORDS.get(parts["mw"].lower().rstrip(".")) if parts.get("mw") else None
                month = month if month is not None else int(parts.get("m") or 0)
                if 1 <= month <= 12 and 1 <= int(parts["d"]) <= 31:
                    value = _make(int(parts["d"]), month, parts.get("y"), received)
            if value is not None:
                found.append((match.start(), match.end(), value))
                taken.append((match.start(), match.end()))
    for match in _DAY_ONLY_PATTERN.finditer(text):
        if not free(match.start(), match.end()):
            continue
        day = int((match.group("d") or match.group("d2") or match.group("d3")).replace("1er", "1"))
        value = _day_of_month(day, received)
        if value is not None:
            found.append((match.start(), match.end(), value))
            taken.append((match.start(), match.end()))
    for match in _WEEKDAY_PATTERN.finditer(text):
        # "Monday, 3 March": the weekday names the date next to it, it is not a date of its own.
        nearby = any(abs(match.end() - s) <= 3 or abs(e - match.start()) <= 3 for s, e in taken)
        if nearby or not free(match.start(), match.end()):
            continue
        weekday = _WEEKDAY_WORDS[match.group("wd").lower()]
        ahead = (weekday - received.weekday() - 1) % 7 + 1
        found.append((match.start(), match.end(), received + timedelta(days=ahead)))
    found.sort()
    return found


def return_date(text: str, received: date, language: str | None = None) -> date | None:
    """The first day back written in an out-of-office notice, or None when none is stated.

    A date after a "back / ab ... wieder / de retour" cue is the day back; a date after an "until / bis
    (einschließlich) / jusqu'au (inclus)" cue is the last day away, so the day after it is returned. When
    both are written the day-back date wins. A date with no cue at all is not trusted (it may be a meeting
    or a deadline). English "until X" is read like "bis X" and "jusqu'au X": away on X, back the day
    after; where people mean "back on X" this resumes a day late, which is the safe side for a paused
    sequence."""
    dates = find_dates(text, received, language)
    if not dates:
        return None
    back: list[date] = []
    until: list[date] = []
    for start, end, value in dates:
        sentence_start = max(text.rfind(".", 0, max(0, start - 1)), text.rfind("\n", 0, start), 0)
        before = text[max(sentence_start, start - 60) : start]
        after = text[end : end + 40]
        last_back = max((m.end() for m in _BACK_CUES.finditer(before)), default=-1)
        last_until = max((m.end() for m in _UNTIL_CUES.finditer(before)), default=-1)
        # "ab dem 03.12. wieder im Büro": the cue may follow the date in German.
        back_after = re.match(r"^\W{0,3}(?:wieder|zurück)\b", after, re.I) is not None
        if last_until > last_back and not back_after:
            until.append(value)
        elif last_back >= 0 or back_after:
            back.append(value)
        elif _INCLUSIVE.match(after):
            until.append(value)
    if back:
        return back[0]
    if until:
        return until[0] + timedelta(days=1)
    return None
