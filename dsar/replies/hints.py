"""Suggestions for the reply checklist from the words of the reply (pure).

Only suggestions: the page shows them beside the items, the person decides, nothing is saved
from here. English and German words. A word found is weak evidence that an item was
answered, so the rules mostly point at what is *absent* ("the reply never mentions how long
the data is kept") and at two known ways of answering short: categories of recipients
instead of their names (CJEU C-154/21) and automated decisions without the logic involved
(CJEU C-203/22).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dsar.replies.checklist import MISSING, PARTLY, Item

# Reasons (the page words them; see templates/requests/_reply_items.html).
NOT_MENTIONED = "not_mentioned"
CATEGORIES_ONLY = "categories_only"
NO_LOGIC = "no_logic"
GROUNDS_CLAIMED = "grounds_claimed"


@dataclass(frozen=True)
class Suggestion:
    mark: str
    reason: str


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns), re.IGNORECASE)


# An item whose subject the reply never mentions is probably missing.
_MENTIONS = {
    "a": _words(r"\bpurpose", r"\bzweck", r"\bused (?:it |your data )?(?:for|to)\b"),
    "b": _words(r"categor(?:y|ies) of (?:personal )?(?:data|information)", r"kategorien? (?:von |der )?"
                r"(?:personenbezogene[nr]? )?daten", r"datenkategorie"),
    "c": _words(r"recipient", r"empfänger", r"shared (?:it |your data )?with", r"disclosed to",
                r"passed (?:it |your data )?(?:on )?to", r"weitergegeben", r"übermittelt an"),
    "d": _words(r"retention", r"\bretain", r"\bkeep (?:it|your|the)", r"\bkept (?:for|until)",
                r"stored (?:for|until)", r"speicherdauer", r"aufbewahr", r"gespeichert (?:für|bis)",
                r"löschfrist"),
    "e": _words(r"rectif", r"erasure", r"\bdelet", r"restrict", r"\bobject", r"berichtigung",
                r"löschung", r"einschränkung", r"widerspruch"),
    "f": _words(r"complain", r"supervisory authority", r"information commissioner", r"\bico\b",
                r"beschwerde", r"aufsichtsbehörde", r"datenschutzbehörde"),
    "g": _words(r"\bsource", r"obtained (?:it |your data )?from", r"collected (?:it )?from",
                r"herkunft", r"\bquelle", r"erhoben (?:bei|von)", r"erhalten von"),
    "h": _words(r"automated", r"profiling", r"automatisiert", r"\bprofil"),
    "scores": _words(r"\bscore", r"scorewert", r"\bwert\b"),
    "factors": _words(r"factor", r"faktor", r"merkmal", r"weight", r"gewicht"),
    "review": _words(r"human review", r"reviewed by", r"manual(?:ly)? review", r"überprüf",
                     r"menschlich"),
}
_CATEGORIES_OF_RECIPIENTS = _words(
    r"categor(?:y|ies) of recipients", r"kategorien von empfängern", r"empfängerkategorien",
    r"such as (?:our )?(?:partners|service providers|group companies)")
# A recipient named: a legal form after a capitalised word ("Acme Ltd", "Muster GmbH").
_NAMED_COMPANY = re.compile(
    r"\b[A-Z][\w&.-]+(?: [A-Z][\w&.-]+)* (?:Ltd|Limited|plc|PLC|LLP|Inc|GmbH|AG|SE|SA|BV|KG|LLC)\b")
_LOGIC = _words(r"\blogic", r"\blogik", r"how (?:the|your) score", r"factor", r"faktor", r"weight",
                r"gewicht", r"merkmal")
_COMPELLING = _words(r"compelling (?:legitimate )?grounds", r"zwingende (?:schutzwürdige )?gründe")


def suggest(text: str, items: tuple[Item, ...]) -> dict[str, Suggestion]:
    """Item code -> suggestion, for the items of this checklist the text gives a reason to
    doubt. No text (an image, a scan) gives no suggestions."""
    if not text.strip():
        return {}
    codes = {item.code for item in items}
    found: dict[str, Suggestion] = {}
    for code, pattern in _MENTIONS.items():
        if code in codes and not pattern.search(text):
            found[code] = Suggestion(MISSING, NOT_MENTIONED)
    if "c" in codes and "c" not in found and _CATEGORIES_OF_RECIPIENTS.search(text) and (
            not _NAMED_COMPANY.search(text)):
        found["c"] = Suggestion(MISSING, CATEGORIES_ONLY)
    if "h" in codes and "h" not in found and not _LOGIC.search(text):
        found["h"] = Suggestion(PARTLY, NO_LOGIC)
    if "stopped" in codes and _COMPELLING.search(text):
        found["stopped"] = Suggestion(PARTLY, GROUNDS_CLAIMED)
    return found
