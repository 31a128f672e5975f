"""What each letter kind asked for, as checklist items a reply is checked against (pure).

Imports neither Flask nor SQLAlchemy. The item codes are shared by the reply checklist on a
request's page, the follow-up letter for an incomplete reply (``--missing c,h,copy``) and the
comparison of two rounds, so they never change meaning once released.

Access items follow the numbered list every access letter sends (``rights.ACCESS_ITEMS``):
the code is the letter of Art 15(1) where there is one. Case law is the judgment that settles
what a complete answer to the item is; the follow-up letter cites it.
"""

from __future__ import annotations

from dataclasses import dataclass

from dsar.rights import ACCESS_ITEMS

# How the person marks an item.
ANSWERED, PARTLY, MISSING, NOT_APPLICABLE = "answered", "partly", "missing", "not_applicable"
MARKS = (ANSWERED, PARTLY, MISSING, NOT_APPLICABLE)
# Marks that a follow-up letter asks for again.
OUTSTANDING = (PARTLY, MISSING)


@dataclass(frozen=True)
class Item:
    code: str  # stable id: "c", "copy", "scores" ...
    article: str  # the provision it rests on, as the letters cite it: "15(1)(c)", "22(3)"
    case_law: tuple[str, ...] = ()  # CJEU judgments that settle what a full answer is


_ACCESS_CODES = ("confirmation", "copy", "a", "b", "c", "d", "e", "f", "g", "h", "transfers")
_ACCESS_CASE_LAW = {
    "copy": ("C-307/22",),  # a copy of the data, the first one free of charge
    "c": ("C-154/21",),  # the recipients by name, not only categories
    "h": ("C-203/22", "C-634/21"),  # meaningful information about the logic involved
}
ACCESS = tuple(
    Item(code, article, _ACCESS_CASE_LAW.get(code, ()))
    for code, article in zip(_ACCESS_CODES, ACCESS_ITEMS, strict=True)
)
# The score request (Art 22 / UK Arts 22A-22D): the scores, how they were made, the review.
SCORE = (
    Item("scores", "15(1)(h)", ("C-634/21",)),  # every score, its date, value and recipient
    Item("factors", "15(1)(h)", ("C-203/22",)),  # the main factors and their weight
    Item("review", "22(3)", ("C-634/21",)),  # human review: who, and the outcome
)
# One item each: did the organisation do what the letter asked, or give its reasons?
STOPPED = (Item("stopped", "21"),)  # processing stopped, or compelling grounds claimed
CORRECTED = (Item("corrected", "16"),)  # what was corrected (or the s.159 answer)
ERASED = (Item("erased", "17"),)
RESTRICTED = (Item("restricted", "18"),)
PORTED = (Item("ported", "20"),)
CONSENT_WITHDRAWN = (Item("consent_withdrawn", "7(3)"),)

# By letter kind (packs: the union of their parts, in part order).
_BY_PART = {
    "access": ACCESS,
    "automated_decision": SCORE,
    "object_processing": STOPPED,
    "object_marketing": STOPPED,
    "rectification": CORRECTED,
    "erasure": ERASED,
    "restriction": RESTRICTED,
    "portability": PORTED,
    "withdraw_consent": CONSENT_WITHDRAWN,
}
ALL_ITEMS = {item.code: item for items in _BY_PART.values() for item in items}


def items_for(parts: tuple[str, ...] | list[str]) -> tuple[Item, ...]:
    """The checklist for a letter made of these parts (a single kind is one part)."""
    seen: dict[str, Item] = {}
    for part in parts:
        for item in _BY_PART.get(part, ()):
            seen.setdefault(item.code, item)
    return tuple(seen.values())


def parse_codes(text: str) -> tuple[str, ...]:
    """``"c,h,copy"`` -> ("c", "h", "copy"); ValueError naming every unknown code."""
    codes = tuple(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
    unknown = [c for c in codes if c not in ALL_ITEMS]
    if unknown:
        known = ", ".join(ALL_ITEMS)
        raise ValueError(f"unknown item {', '.join(unknown)} (known: {known})")
    if not codes:
        raise ValueError("no item given")
    return codes


def completeness(marks: dict[str, str], items: tuple[Item, ...]) -> str | None:
    """``complete`` when every item is answered or not applicable, ``partial`` when any is
    partly answered or missing, None while any item is still unmarked."""
    values = [marks.get(item.code) for item in items]
    if any(v in OUTSTANDING for v in values):
        return "partial"
    if values and all(v in (ANSWERED, NOT_APPLICABLE) for v in values):
        return "complete"
    return None
