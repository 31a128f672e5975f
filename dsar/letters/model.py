"""The letter model: what a letter is asked for (``LetterRequest``, with its ``Person`` and
``Recipient``) and what it becomes (``Letter``, one immutable, already-localised structure that
every renderer reads).

Nothing here knows about HTML, PDF or DOCX; the renderers in this package turn a Letter
into those formats. All text in a Letter is final text (translated, user values inserted);
renderers must escape it for their format, never interpret it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal


@dataclass(frozen=True)
class Person:
    name: str
    address: tuple[str, ...]
    email: str = ""
    date_of_birth: date | None = None
    previous_addresses: tuple[tuple[str, ...], ...] = ()
    # (label, number) pairs for any organisation whose record asks for such numbers…
    customer_numbers: tuple[tuple[str, str], ...] = ()
    # …and (organisation slug, label, number) for that organisation only.
    org_numbers: tuple[tuple[str, str, str], ...] = ()
    country: str = "gb"  # ISO 3166-1 code of the person's address


@dataclass(frozen=True)
class Recipient:
    name: str
    address: tuple[str, ...] = ()
    email: str = ""
    categories: tuple[str, ...] = ()
    country: str = "gb"
    holiday_region: str = "england"
    # Brands, services and trading names the organisation runs besides its legal name
    # (an access request covers them all, GDPR Art 4(7)).
    trading_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Representative:
    """Who writes for the person (a team acting for its client under a signed authority):
    the letter's sender and reply address. The person stays the data subject, identified
    in the body; with ``safe_contact`` the letter asks that nobody write to them directly."""

    name: str
    address: tuple[str, ...]
    email: str = ""
    authority_expires_on: date | None = None
    safe_contact: bool = False


@dataclass(frozen=True)
class LetterRequest:
    """Everything compose() needs, as plain values (build one with
    ``dsar.letters.inputs.build_letter_request``)."""

    right: str
    jurisdiction: str
    locale: str
    reference: str
    person: Person
    recipient: Recipient
    today: date
    channel: str = "letter"
    reasons: str = ""
    corrections: tuple[str, ...] = ()
    erasure_ground: str = ""
    restriction_ground: str = ""
    decision: str = ""
    representative: Representative | None = None
    # A repeated request (a new round): when the previous one was made, and its reference.
    previous_request_on: date | None = None
    previous_reference: str = ""


BlockKind = Literal["paragraph", "heading", "numbered", "bullets", "quote"]


@dataclass(frozen=True)
class Block:
    """One body block. ``text`` for paragraph/heading/quote, ``items`` for the lists.

    A list may carry an introductory ``text`` and each item may carry a ``label``
    (e.g. "(a)") so a reply can be checked item by item.
    """

    kind: BlockKind
    text: str = ""
    items: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Party:
    name: str
    address: tuple[str, ...] = ()
    email: str = ""


@dataclass(frozen=True)
class Letter:
    kind: str
    locale: str
    jurisdiction: str
    reference: str
    sender: Party
    recipient: Party
    date: date
    date_text: str  # the date as written in the letter's locale
    place_date: str  # e.g. "Cardiff, 26 November 2026" or just the date
    subject: str
    salutation: str
    blocks: tuple[Block, ...]
    closing: str
    signature: str
    enclosures: tuple[str, ...] = ()
    enclosures_heading: str = ""
    reference_label: str = "Reference"
    page_label: str = "Page {page} of {pages}"  # translated, with {page} and {pages}
    due_date: date | None = None
    labels: dict[str, str] = field(default_factory=dict)  # misc translated labels for renderers

    @property
    def filename_stem(self) -> str:
        return f"{self.reference}-{self.kind}".replace("/", "-")
