"""The rights catalogue (pure): which letter kinds exist, what each is made of, what the person
must supply for it and which articles it cites.

A letter kind is one folder under ``letters/kinds/<kind>/`` and nothing else:

- ``kind.toml``: the catalogue entry: the wizard's label and hint (UI text, translated in the
  ``messages`` domain; :func:`extract_ui_text` extracts them), its place in the wizard's list,
  what the person must or may supply, and the citations a correct English letter carries
  (checked by tests). A *pack* lists the kinds it is made of in ``parts``; what it needs and
  cites is what its parts need and cite.
- ``titles.j2``: the subject line and, for a kind used in a pack, the heading of its part
  (letter text, ``letters`` domain).
- ``part.j2``: the body of the request (not for packs).

A kind marked ``document = true`` (the letter of authority a client signs) is not a request
to an organisation: it is kept in ``Catalogue.documents``, out of the request kinds that the
wizard, the CLI and ``compose()`` offer. A kind marked ``followup = true`` (the letter for an
incomplete reply) follows up a request already made and needs that request's facts: it is
kept in ``Catalogue.followups``, out of the first requests likewise.

The words of every letter live in ``letters/``; this module only reads the entries.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dsar.directory.schema import CATEGORIES

JURISDICTIONS = ("uk", "eu")
KINDS_DIR = Path(__file__).resolve().parent.parent / "letters" / "kinds"

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
# The access letter's numbered list (letters/kinds/access/part.j2): item n asks for what the
# article at ACCESS_ITEMS[n - 1] gives, so a reply can be checked point by point and a
# follow-up can name what is missing ("item 5": the named recipients, Art 15(1)(c)).
ACCESS_ITEMS = (
    "15(1)",  # 1. confirmation that data are processed
    "15(3)",  # 2. a copy of the data
    "15(1)(a)",  # 3. purposes (and lawful basis)
    "15(1)(b)",  # 4. categories
    "15(1)(c)",  # 5. recipients, named (C-154/21)
    "15(1)(d)",  # 6. retention
    "15(1)(e)",  # 7. rights to rectify, erase, restrict, object
    "15(1)(f)",  # 8. right to complain
    "15(1)(g)",  # 9. source
    "15(1)(h)",  # 10. automated decision-making and its logic
    "15(2)",  # 11. safeguards for transfers
)
# Consumer Credit Act 1974 s.159(2): a credit reference agency answers a notice to correct its
# file within 28 days of receiving it.
CCA_S159_REPLY_DAYS = 28
# A kind that needs a ground names the request field the ground goes to.
GROUNDS = {"erasure_ground": ERASURE_GROUNDS, "restriction_ground": RESTRICTION_GROUNDS}
# What a kind may ask the person for (fields of the letter request).
DETAILS = ("reasons", "corrections", "decision", *GROUNDS)

# The headings the wizard groups its choices under, in the order it shows them.
WIZARD_GROUPS = ("see", "challenge", "stop", "correct")

_ENTRY_FIELDS = {"order", "label", "hint", "group", "recommended_for"}
_SINGLE_FIELDS = _ENTRY_FIELDS | {"citations", "needs", "optional", "finds_data",
                                  "says_free_of_charge", "document", "followup"}
_PACK_FIELDS = _ENTRY_FIELDS | {"parts"}


@dataclass(frozen=True)
class Right:
    key: str
    parts: tuple[str, ...]
    # Citations an English letter must contain, per jurisdiction (checked by tests).
    citations: dict[str, tuple[str, ...]]
    label: str = ""  # the wizard's name for it (UI text, msgid in the messages domain)
    hint: str = ""  # one sentence under the label (UI text)
    group: str = WIZARD_GROUPS[0]  # the wizard's heading it sits under (WIZARD_GROUPS)
    # Organisation categories (dsar.directory.schema.CATEGORIES) for which the wizard offers
    # this kind first, marked as recommended.
    recommended_for: tuple[str, ...] = ()
    # Free-text or choice fields the person must supply for this kind.
    needs: tuple[str, ...] = ()
    # Fields the person may supply; the wizard offers them.
    optional: tuple[str, ...] = ()
    # Whether the letter asks for the person's data to be searched for (identifiers help).
    finds_data: bool = True
    # Whether the kind's own text says acting on it is free of charge (Art 12(5)).
    says_free_of_charge: bool = False
    # A document for the person to sign (not a request to an organisation).
    document: bool = False
    # A follow-up to a request already made (composed from that request's facts).
    followup: bool = False
    order: int = 0

    @property
    def is_pack(self) -> bool:
        return self.parts != (self.key,)

    @property
    def ground_field(self) -> str:
        """The request field the person's chosen ground goes to ('' if it takes none)."""
        return next((need for need in self.needs if need in GROUNDS), "")

    @property
    def grounds(self) -> tuple[str, ...]:
        return GROUNDS.get(self.ground_field, ())


class UnknownRight(KeyError):
    pass


class CatalogueError(ValueError):
    """A kind's folder is malformed; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Catalogue:
    """The letter kinds found in one or more folders of kinds (later folders add kinds)."""

    kinds_dirs: tuple[Path, ...]
    rights: Mapping[str, Right] = field(default_factory=dict)
    documents: Mapping[str, Right] = field(default_factory=dict)
    followups: Mapping[str, Right] = field(default_factory=dict)

    def get(self, key: str) -> Right:
        try:
            return self.rights[key]
        except KeyError:
            raise UnknownRight(key) from None

    def document(self, key: str) -> Right:
        try:
            return self.documents[key]
        except KeyError:
            raise UnknownRight(key) from None

    def followup(self, key: str) -> Right:
        try:
            return self.followups[key]
        except KeyError:
            raise UnknownRight(key) from None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.rights)

    def with_kinds(self, kinds_dir: Path) -> Catalogue:
        """This catalogue plus the kinds in another folder (e.g. a site's own letters)."""
        return load_catalogue(*self.kinds_dirs, Path(kinds_dir))


def load_catalogue(*kinds_dirs: Path) -> Catalogue:
    entries: dict[str, tuple[Path, dict]] = {}
    for kinds_dir in kinds_dirs:
        for path in sorted(Path(kinds_dir).glob("*/kind.toml")):
            key = path.parent.name
            if key in entries:
                raise CatalogueError(f"{path}: kind {key!r} is already defined in "
                                     f"{entries[key][0]}")
            entries[key] = (path, _read_entry(path))
    singles = {key: _single(key, path, entry)
               for key, (path, entry) in entries.items() if "parts" not in entry}
    documents = {key: right for key, right in singles.items() if right.document}
    followups = {key: right for key, right in singles.items() if right.followup}
    singles = {key: right for key, right in singles.items()
               if not right.document and not right.followup}
    packs = {key: _pack(key, path, entry, singles)
             for key, (path, entry) in entries.items() if "parts" in entry}
    ordered = sorted({**singles, **packs}.values(), key=lambda r: (r.order, r.key))
    return Catalogue(tuple(Path(d) for d in kinds_dirs), {r.key: r for r in ordered}, documents,
                     followups)


def _read_entry(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"{path}: {exc}") from None


def _check(path: Path, entry: dict, allowed: set[str]) -> None:
    unknown = set(entry) - allowed
    if unknown:
        raise CatalogueError(f"{path}: unknown field(s) {', '.join(sorted(unknown))}")
    for name in ("label", "hint"):
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            raise CatalogueError(f"{path}: {name} missing")
    if not isinstance(entry.get("order", 0), int):
        raise CatalogueError(f"{path}: order must be a whole number")
    if entry.get("group", WIZARD_GROUPS[0]) not in WIZARD_GROUPS:
        raise CatalogueError(f"{path}: group must be one of {', '.join(WIZARD_GROUPS)}")
    if not (path.parent / "titles.j2").exists():
        raise CatalogueError(f"{path.parent}: titles.j2 missing")


def _names(path: Path, entry: dict, name: str, allowed: tuple[str, ...] | None) -> tuple[str, ...]:
    values = entry.get(name, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise CatalogueError(f"{path}: {name} must be a list of names")
    wrong = [v for v in values if allowed is not None and v not in allowed]
    if wrong:
        raise CatalogueError(f"{path}: {name}: unknown {', '.join(wrong)} "
                             f"(choose from {', '.join(allowed or ())})")
    return tuple(values)


def _single(key: str, path: Path, entry: dict) -> Right:
    _check(path, entry, _SINGLE_FIELDS)
    if not (path.parent / "part.j2").exists():
        raise CatalogueError(f"{path.parent}: part.j2 missing")
    citations = entry.get("citations", [])
    if isinstance(citations, list):
        citations = dict.fromkeys(JURISDICTIONS, citations)
    if not isinstance(citations, dict) or set(citations) != set(JURISDICTIONS):
        raise CatalogueError(f"{path}: citations must be a list, or a table with "
                             f"{' and '.join(JURISDICTIONS)}")
    needs = _names(path, entry, "needs", DETAILS)
    if len([n for n in needs if n in GROUNDS]) > 1:
        raise CatalogueError(f"{path}: needs at most one ground")
    return Right(
        key=key,
        parts=(key,),
        citations={j: _names(path, citations, j, None) for j in JURISDICTIONS},
        label=entry["label"],
        hint=entry["hint"],
        group=entry.get("group", WIZARD_GROUPS[0]),
        recommended_for=_names(path, entry, "recommended_for", CATEGORIES),
        needs=needs,
        optional=_names(path, entry, "optional", DETAILS),
        finds_data=bool(entry.get("finds_data", True)),
        says_free_of_charge=bool(entry.get("says_free_of_charge", False)),
        document=bool(entry.get("document", False)),
        followup=bool(entry.get("followup", False)),
        order=entry.get("order", 0),
    )


def _pack(key: str, path: Path, entry: dict, singles: dict[str, Right]) -> Right:
    _check(path, entry, _PACK_FIELDS)
    parts = [singles[p] for p in _names(path, entry, "parts", tuple(singles))]
    if len(parts) < 2:
        raise CatalogueError(f"{path}: a pack has at least two parts")
    needs = _union(p.needs for p in parts)
    return Right(
        key=key,
        parts=tuple(p.key for p in parts),
        citations={j: _union(p.citations[j] for p in parts) for j in JURISDICTIONS},
        label=entry["label"],
        hint=entry["hint"],
        group=entry.get("group", WIZARD_GROUPS[0]),
        recommended_for=_names(path, entry, "recommended_for", CATEGORIES),
        needs=needs,
        optional=tuple(x for x in _union(p.optional for p in parts) if x not in needs),
        finds_data=any(p.finds_data for p in parts),
        says_free_of_charge=any(p.says_free_of_charge for p in parts),
        order=entry.get("order", 0),
    )


def _union(groups) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x for group in groups for x in group))


CATALOGUE = load_catalogue(KINDS_DIR)
RIGHTS = CATALOGUE.rights
RIGHT_KEYS = CATALOGUE.keys


def get_right(key: str) -> Right:
    return CATALOGUE.get(key)


def missing_details(right: Right, values: Mapping[str, object]) -> tuple[str, ...]:
    """The fields this kind needs that are empty in ``values``."""
    return tuple(
        need for need in right.needs
        if not values.get(need) or (isinstance(values[need], str) and not values[need].strip())
    )


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


def extract_ui_text(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extractor for ``kind.toml``: the wizard's label and hint are UI messages."""
    text = fileobj.read().decode("utf-8")
    entry = tomllib.loads(text)
    lines = text.splitlines()
    for name in ("label", "hint"):
        if isinstance(entry.get(name), str):
            lineno = next((i for i, line in enumerate(lines, 1)
                           if line.split("=")[0].strip() == name), 1)
            yield lineno, None, entry[name], []
