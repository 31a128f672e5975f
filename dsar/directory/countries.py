"""Country names as they appear on the last line of postal addresses, and back (pure).

The datenanfragen.de format puts the country "in the country's native language or in English"
on the last address line; this table covers every spelling in the shared copy of that
database, and Babel's English names cover the rest when we write addresses out.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# ISO 3166-1 alpha-2 is what our records use; "zz" (CLDR's "unknown region") is the country
# of a record whose address names no country we know and which says nothing else about it.
UNKNOWN_COUNTRY = "zz"

_NAMES = {
    "gb": ("United Kingdom", "UK", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland",
           "Vereinigtes Königreich", "Großbritannien"),
    "de": ("Deutschland", "Germany", "Allemagne"),
    "at": ("Österreich", "Austria"),
    "ch": ("Schweiz", "Switzerland", "Suisse", "Svizzera"),
    "li": ("Liechtenstein",),
    "us": ("United States of America", "United States", "USA", "U.S.A.", "Vereinigte Staaten"),
    "fr": ("France", "Frankreich"),
    "nl": ("The Netherlands", "Netherlands", "Nederland", "Niederlande"),
    "ie": ("Ireland", "Irland", "Éire"),
    "se": ("Sweden", "Sverige", "Schweden"),
    "be": ("Belgium", "Belgique", "België", "Belgien"),
    "lu": ("Luxembourg", "Luxemburg"),
    "es": ("Spain", "España", "Spanien"),
    "pl": ("Poland", "Polska", "Polen"),
    "it": ("Italy", "Italia", "Italien"),
    "lt": ("Lithuania", "Lietuva", "Litauen"),
    "dk": ("Denmark", "Danmark", "Dänemark"),
    "cy": ("Cyprus", "Zypern", "Κύπρος"),
    "fi": ("Finland", "Suomi", "Finnland"),
    "ca": ("Canada", "Kanada"),
    "mt": ("Malta",),
    "gr": ("Greece", "Ελλάδα", "Griechenland"),
    "cz": ("Czech Republic", "Czechia", "Česká republika", "Tschechien"),
    "au": ("Australia", "Australien"),
    "il": ("Israel",),
    "sg": ("Republic of Singapore", "Singapore", "Singapur"),
    "bg": ("Bulgaria", "България", "Bulgarien"),
    "pt": ("Portugal",),
    "ee": ("Estonia", "Eesti", "Estland"),
    "hk": ("Hong Kong",),
    "nz": ("New Zealand", "Neuseeland"),
    "hu": ("Hungary", "Magyarország", "Ungarn"),
    "ro": ("Romania", "România", "Rumänien"),
    "no": ("Norway", "Norge", "Norwegen"),
    "ae": ("United Arab Emirates",),
    "sk": ("Slovakia", "Slovensko", "Slowakei"),
    "cn": ("China",),
    "hr": ("Croatia", "Hrvatska", "Kroatien"),
    "is": ("Iceland", "Ísland", "Island"),
    "si": ("Slovenia", "Slovenija", "Slowenien"),
    "lv": ("Latvia", "Latvija", "Lettland"),
    "mh": ("Marshall Islands",),
    "im": ("Isle of Man",),
    "tw": ("Taiwan",),
    "ru": ("Russia", "Russian Federation"),
    "sc": ("Seychelles",),
    "ma": ("Morocco",),
    "in": ("India", "Indien"),
    "gi": ("Gibraltar",),
    "qa": ("Qatar",),
    "jp": ("Japan",),
    "pa": ("Panama",),
    "pk": ("Pakistan",),
    "my": ("Malaysia",),
}

# The English name we write when an address needs a country line; the first spelling above
# except where upstream's own usage differs from Babel's.
_EXPORT_NAMES = {code: names[0] for code, names in _NAMES.items()}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().rstrip(".").lower())
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _by_name() -> dict[str, str]:
    return {_fold(name): code for code, names in _NAMES.items() for name in names}


def country_from_line(line: str) -> str | None:
    """The ISO code a country line names, or None when the line is not a country we know."""
    return _by_name().get(_fold(line))


def country_line(code: str) -> str:
    """The English name for an address's last line."""
    if code in _EXPORT_NAMES:
        return _EXPORT_NAMES[code]
    from babel import Locale

    return Locale("en").territories.get(code.upper(), code.upper())
