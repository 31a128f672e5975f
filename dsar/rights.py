"""The rights catalogue (pure): what each letter kind is made of and which articles it cites.

The words of each letter live in ``letters/``; this module only says which parts a kind is
built from, what the person must supply for it, and which citations a correct letter carries
(used by tests and by the wizard to explain the choice). Adding a letter kind means adding
its part template under ``letters/parts/`` and one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

JURISDICTIONS = ("uk", "eu")

# DPA 2018 s.164A (complaints to the controller) is in force from this date (DUAA 2025 commencement).
CONTROLLER_COMPLAINTS_FROM = date(2026, 6, 19)

# Art 17(1)(a)–(f): the ground a person chooses for erasure.
ERASURE_GROUNDS = (
    "no_longer_necessary",  # (a)
    "consent_withdrawn",  # (b)
    "objected",  # (c)
    "unlawful",  # (d)
    "legal_obligation",  # (e)
    "child",  # (f)
)
# Art 18(1)(a)–(d): the ground for restriction.
RESTRICTION_GROUNDS = ("accuracy_contested", "unlawful", "legal_claims", "objection_pending")


@dataclass(frozen=True)
class Right:
    key: str
    parts: tuple[str, ...]
    # Citations an English letter must contain, per jurisdiction (checked by tests).
    citations: dict[str, tuple[str, ...]]
    # Free-text or choice fields the person must supply for this kind.
    needs: tuple[str, ...] = ()
    # Fields the person may supply; the wizard offers them.
    optional: tuple[str, ...] = ()
    # Whether the letter asks for the person's data to be searched for (identifiers help).
    finds_data: bool = True
    is_pack: bool = field(default=False)


def _same(*articles: str) -> dict[str, tuple[str, ...]]:
    return {"uk": articles, "eu": articles}


RIGHTS: dict[str, Right] = {
    r.key: r
    for r in (
        Right("access", ("access",), _same("Article 15", "Article 15(3)", "Article 12(3)")),
        Right(
            "automated_decision",
            ("automated_decision",),
            {
                "uk": ("Article 15(1)(h)", "Article 22C", "C-203/22", "C-634/21"),
                "eu": ("Article 15(1)(h)", "Article 22(3)", "C-203/22", "C-634/21"),
            },
            optional=("decision",),
        ),
        Right(
            "object_processing",
            ("object_processing",),
            _same("Article 21(1)", "Article 18(1)(d)"),
            needs=("reasons",),
        ),
        Right("object_marketing", ("object_marketing",), _same("Article 21(2)", "Article 21(3)")),
        Right(
            "rectification",
            ("rectification",),
            _same("Article 16", "Article 18(1)(a)", "Article 19"),
            needs=("corrections",),
        ),
        Right(
            "erasure",
            ("erasure",),
            _same("Article 17(1)", "Article 19"),
            needs=("erasure_ground",),
            optional=("reasons",),
        ),
        Right(
            "restriction",
            ("restriction",),
            _same("Article 18(1)", "Article 18(3)"),
            needs=("restriction_ground", "reasons"),
        ),
        Right("portability", ("portability",), _same("Article 20(1)")),
        Right("withdraw_consent", ("withdraw_consent",), _same("Article 7(3)", "Article 17(1)(b)")),
        Right(
            "score_pack",
            ("access", "automated_decision"),
            {
                "uk": ("Article 15", "Article 15(1)(h)", "Article 22C", "C-203/22"),
                "eu": ("Article 15", "Article 15(1)(h)", "Article 22(3)", "C-203/22"),
            },
            optional=("decision",),
            is_pack=True,
        ),
        Right(
            "profiling_pack",
            ("access", "object_processing", "object_marketing"),
            _same("Article 15", "Article 21(1)", "Article 21(2)", "Article 18(1)(d)"),
            needs=("reasons",),
            is_pack=True,
        ),
    )
}

RIGHT_KEYS = tuple(RIGHTS)


class UnknownRight(KeyError):
    pass


def get_right(key: str) -> Right:
    try:
        return RIGHTS[key]
    except KeyError:
        raise UnknownRight(key) from None


def jurisdiction_for_country(country: str) -> str:
    """EU/EEA organisations are written to under the GDPR; everyone else under UK law
    (dsar serves UK residents first: a UK resident writing abroad still has UK rights)."""
    from dsar.deadlines import EU_COUNTRIES

    return "eu" if country in EU_COUNTRIES else "uk"


def needs_identifiers(right: Right, org_categories: tuple[str, ...]) -> bool:
    """Date of birth and previous addresses are asked for only where they help find the data:
    credit-data and identity firms match people by them; other organisations rarely need them."""
    matching = {"credit_reference_agency", "identity_verification", "fraud_prevention"}
    return right.finds_data and bool(matching & set(org_categories))
