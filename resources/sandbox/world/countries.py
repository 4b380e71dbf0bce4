"""The countries the world's companies and people live in: cities, phone plans, legal forms, TLDs.

What belongs here: the country table and what is drawn from a country alone (phone numbers, the
language of its people).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from resources.sandbox.world.draw import _Table


@dataclass(frozen=True, slots=True)
class _Country:
    code: str
    name: str
    weight: int
    dial: str
    landline_len: int  # national significant number length
    mobile_prefixes: tuple[str, ...]
    mobile_len: int
    names: str  # name pool
    tlds: tuple[tuple[str, int], ...]
    legal_forms: tuple[str, ...]
    public_form: str
    legal_form_rate: float
    cities: tuple[tuple[str, str, str], ...]  # (region, city, area code)


_COUNTRIES: tuple[_Country, ...] = (
    _Country(
        "us",
        "united states",
        40,
        "1",
        10,
        (),
        10,
        "en",
        ((".com", 80), (".io", 10), (".ai", 4), (".co", 6)),
        ("Inc.", "LLC", "Corp."),
        "Inc.",
        0.22,
        (
            ("california", "san francisco", "415"),
            ("california", "los angeles", "213"),
            ("california", "san diego", "619"),
            ("california", "san jose", "408"),
            ("new york", "new york", "212"),
            ("new york", "brooklyn", "718"),
            ("new york", "buffalo", "716"),
            ("texas", "austin", "512"),
            ("texas", "dallas", "214"),
            ("texas", "houston", "713"),
            ("massachusetts", "boston", "617"),
            ("massachusetts", "cambridge", "617"),
            ("illinois", "chicago", "312"),
            ("washington", "seattle", "206"),
            ("colorado", "denver", "303"),
            ("colorado", "boulder", "303"),
            ("georgia", "atlanta", "404"),
            ("florida", "miami", "305"),
            ("florida", "tampa", "813"),
            ("north carolina", "raleigh", "919"),
            ("north carolina", "charlotte", "704"),
            ("oregon", "portland", "503"),
            ("utah", "salt lake city", "801"),
            ("pennsylvania", "philadelphia", "215"),
            ("pennsylvania", "pittsburgh", "412"),
            ("minnesota", "minneapolis", "612"),
        ),
    ),
    _Country(
        "gb",
        "united kingdom",
        12,
        "44",
        10,
        ("7",),
        10,
        "en",
        ((".co.uk", 60), (".com", 32), (".io", 8)),
        ("Ltd", "Limited"),
        "PLC",
        0.3,
        (
            ("england", "london", "20"),
            ("england", "manchester", "161"),
            ("england", "bristol", "117"),
            ("england", "leeds", "113"),
            ("england", "birmingham", "121"),
            ("england", "cambridge", "1223"),
            ("england", "oxford", "1865"),
            ("scotland", "edinburgh", "131"),
            ("scotland", "glasgow", "141"),
            ("wales", "cardiff", "29"),
        ),
    ),
    _Country(
        "de",
        "germany",
        12,
        "49",
        10,
        ("151", "152", "160", "170", "171", "172", "176"),
        11,
        "de",
        ((".de", 76), (".com", 20), (".io", 4)),
        ("GmbH", "GmbH", "GmbH & Co. KG", "UG"),
        "AG",
        0.55,
        (
            ("berlin", "berlin", "30"),
            ("bavaria", "munich", "89"),
            ("bavaria", "nuremberg", "911"),
            ("hamburg", "hamburg", "40"),
            ("hesse", "frankfurt am main", "69"),
            ("north rhine-westphalia", "cologne", "221"),
            ("north rhine-westphalia", "düsseldorf", "211"),
            ("north rhine-westphalia", "dortmund", "231"),
            ("baden-württemberg", "stuttgart", "711"),
            ("baden-württemberg", "karlsruhe", "721"),
            ("saxony", "leipzig", "341"),
            ("saxony", "dresden", "351"),
            ("lower saxony", "hanover", "511"),
        ),
    ),
    _Country(
        "fr",
        "france",
        8,
        "33",
        9,
        ("6", "7"),
        9,
        "fr",
        ((".fr", 70), (".com", 25), (".io", 5)),
        ("SAS", "SAS", "SARL", "SA"),
        "SA",
        0.35,
        (
            ("île-de-france", "paris", "1"),
            ("île-de-france", "boulogne-billancourt", "1"),
            ("auvergne-rhône-alpes", "lyon", "4"),
            ("auvergne-rhône-alpes", "grenoble", "4"),
            ("provence-alpes-côte d'azur", "marseille", "4"),
            ("provence-alpes-côte d'azur", "nice", "4"),
            ("occitanie", "toulouse", "5"),
            ("occitanie", "montpellier", "4"),
            ("nouvelle-aquitaine", "bordeaux", "5"),
            ("hauts-de-france", "lille", "3"),
            ("pays de la loire", "nantes", "2"),
            ("bretagne", "rennes", "2"),
        ),
    ),
    _Country(
        "nl",
        "netherlands",
        6,
        "31",
        9,
        ("6",),
        9,
        "nl",
        ((".nl", 70), (".com", 25), (".io", 5)),
        ("B.V.",),
        "N.V.",
        0.35,
        (
            ("north holland", "amsterdam", "20"),
            ("north holland", "haarlem", "23"),
            ("south holland", "rotterdam", "10"),
            ("south holland", "the hague", "70"),
            ("south holland", "leiden", "71"),
            ("utrecht", "utrecht", "30"),
            ("north brabant", "eindhoven", "40"),
            ("groningen", "groningen", "50"),
        ),
    ),
    _Country(
        "ca",
        "canada",
        7,
        "1",
        10,
        (),
        10,
        "ca",
        ((".ca", 50), (".com", 44), (".io", 6)),
        ("Inc.", "Ltd."),
        "Inc.",
        0.2,
        (
            ("ontario", "toronto", "416"),
            ("ontario", "ottawa", "613"),
            ("ontario", "waterloo", "519"),
            ("quebec", "montreal", "514"),
            ("quebec", "quebec city", "418"),
            ("british columbia", "vancouver", "604"),
            ("british columbia", "victoria", "250"),
            ("alberta", "calgary", "403"),
            ("alberta", "edmonton", "780"),
            ("nova scotia", "halifax", "902"),
        ),
    ),
    _Country(
        "es",
        "spain",
        5,
        "34",
        9,
        ("6",),
        9,
        "es",
        ((".es", 65), (".com", 32), (".io", 3)),
        ("S.L.", "S.L.", "S.A."),
        "S.A.",
        0.35,
        (
            ("community of madrid", "madrid", "91"),
            ("catalonia", "barcelona", "93"),
            ("valencian community", "valencia", "96"),
            ("andalusia", "seville", "95"),
            ("andalusia", "málaga", "95"),
            ("basque country", "bilbao", "94"),
            ("aragon", "zaragoza", "976"),
        ),
    ),
    _Country(
        "se",
        "sweden",
        4,
        "46",
        9,
        ("70", "72", "73", "76"),
        9,
        "sv",
        ((".se", 65), (".com", 30), (".io", 5)),
        ("AB",),
        "AB (publ)",
        0.3,
        (
            ("stockholm county", "stockholm", "8"),
            ("västra götaland county", "gothenburg", "31"),
            ("skåne county", "malmö", "40"),
            ("skåne county", "lund", "46"),
            ("uppsala county", "uppsala", "18"),
            ("östergötland county", "linköping", "13"),
        ),
    ),
    _Country(
        "au",
        "australia",
        6,
        "61",
        9,
        ("4",),
        9,
        "en",
        ((".com.au", 75), (".com", 22), (".io", 3)),
        ("Pty Ltd",),
        "Limited",
        0.35,
        (
            ("new south wales", "sydney", "2"),
            ("new south wales", "newcastle", "2"),
            ("victoria", "melbourne", "3"),
            ("queensland", "brisbane", "7"),
            ("queensland", "gold coast", "7"),
            ("western australia", "perth", "8"),
            ("south australia", "adelaide", "8"),
            ("australian capital territory", "canberra", "2"),
        ),
    ),
)
_COUNTRY_BY_CODE = {c.code: c for c in _COUNTRIES}
_COUNTRY_TABLE = _Table([(c, c.weight) for c in _COUNTRIES])
_TLD_TABLES = {c.code: _Table(c.tlds) for c in _COUNTRIES}


def _language(country_code: str) -> str:
    if country_code in ("de", "at", "ch"):
        return "de"
    if country_code in ("fr", "be"):
        return "fr"
    return "en"


def _phone(rng: random.Random, country: _Country, area: str, *, mobile: bool) -> str:
    if country.dial == "1":
        # NANP: the exchange cannot start with 0 or 1.
        return f"+1{area}{rng.randrange(2_000_000, 10_000_000)}"
    prefix = rng.choice(country.mobile_prefixes) if mobile else area
    rest = (country.mobile_len if mobile else country.landline_len) - len(prefix)
    return f"+{country.dial}{prefix}{rng.randrange(10 ** (rest - 1), 10**rest)}"
