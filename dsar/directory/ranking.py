"""How search results are ordered, shared by every search index (pure: plain values only).

An index finds candidates (full-text, prefix, typo-corrected); this module decides their order:
first how well a name matches what was typed (exact name > name starts with it > every word
in a name > anything else), then who the person most likely means (a hand-maintained record,
one from their own country, one relevant to it), then the index's own text score.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

# Words that do not tell organisations apart: "Experian Ltd" is what someone typing
# "experian" means, as much as "Experian GmbH" is.
LEGAL_WORDS = frozenset(
    """ltd limited plc llc llp inc incorporated corp corporation co company gmbh mbh ag kg kgaa ohg ug ev
    sa sas sarl srl spa sl bv nv se ab as asa oy oyj aps a s s a b v holding holdings group the uk
    international unlimited dac cie sca""".split()
)
BOOSTED_ORIGINS = frozenset({"curated", "corrected", "preferred_import"})
_TOKEN_RE = re.compile(r"[^\W_]+")


@lru_cache(maxsize=50_000)
def fold(text: str) -> str:
    """Lower case without diacritics: what SQLite's unicode61 tokenizer (remove_diacritics 2) does.

    Cached: the same names are ranked again and again, and this runs for every candidate."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=50_000)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN_RE.findall(fold(text)))


def tokens(text: str) -> list[str]:
    return list(_tokens(text))


@lru_cache(maxsize=50_000)
def _core(words: tuple[str, ...]) -> tuple[str, ...]:
    kept = tuple(w for w in words if w not in LEGAL_WORDS)
    return kept or words


def core(words) -> tuple[str, ...]:
    """The words of a name without legal forms (but never nothing)."""
    return _core(tuple(words))


def domains(*urls_or_emails: str) -> list[str]:
    """Web domains (without "www.") of URLs and email addresses, for searching by domain."""
    out = []
    for value in urls_or_emails:
        if not value:
            continue
        host = value.rsplit("@", 1)[1] if "@" in value and "://" not in value else urlsplit(value).hostname
        if host:
            host = host.lower().removeprefix("www.")
            if host not in out:
                out.append(host)
    return out


def match_tier(query: list[str], names: list[str]) -> int:
    """4 exact name, 3 a name starts with the query, 2 every query word in one name, 1 otherwise.

    The last query word counts as a prefix: people type names from the start."""
    if not query:
        return 1
    best = 1
    query = tuple(query)
    head, last = query[:-1], query[-1]
    for name in names:
        words = _tokens(name)
        if not words:
            continue
        if query == words or query == _core(words):
            return 4
        if words[: len(head)] == head and len(words) > len(head) and words[len(head)].startswith(last):
            best = 3
        elif best < 2 and all(w in words for w in head) and any(w.startswith(last) for w in words):
            best = 2
    return best


def boost(origin: str, country: str, countries: tuple[str, ...] | list[str], user_country: str) -> int:
    """Who the person most likely means: our own records, then their own country."""
    score = 2 if origin in BOOSTED_ORIGINS else 0
    if country == user_country:
        score += 2
    elif user_country in countries or "all" in countries:
        score += 1
    return score


def osa_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal string alignment distance (edits, with adjacent swaps as one), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_typos(word: str) -> int:
    """How many edits a word may be off and still be corrected: short words are easy to confuse."""
    return 0 if len(word) < 4 else 1 if len(word) < 7 else 2


def sort_key(tier: float, boost_: int, text_rank: float, name: str) -> tuple:
    return (-tier, -boost_, text_rank, fold(name))
