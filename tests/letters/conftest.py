"""Fixtures for the renderer tests: a factory that builds a realistic Letter by hand.

By hand on purpose: the renderers are tested against a known structure, not against
whatever compose() currently writes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from dsar.letters.model import Block, Letter, Party

# Welsh, Polish, German, Irish and the Romance accents in one string.
WELSH_POLISH_GERMAN = "Siân Llŵyd ŷ, Łódź zażółć gęślą jaźń, Straße, Éire, àèìòù"

ART15 = (
    "the purposes of the processing;",
    "the categories of personal data concerned;",
    "the recipients, by name, in particular those in third countries;",
    "how long the data will be stored, or the criteria used to decide;",
    "my rights to rectification, erasure, restriction and to object;",
    "my right to complain to the Information Commissioner's Office;",
    "the source of any data not collected from me;",
    "any automated decision-making, including profiling, and the logic involved.",
)

SEARCH = (
    "Please search every system that may hold my data: customer and marketing databases, "
    "analytics and scoring systems, emails and notes that mention me, call recordings, "
    "logs, backups still in use, and data bought from or shared with third parties."
)


def build_letter(*, long: bool = False, **overrides) -> Letter:
    blocks = [
        Block("paragraph", "This is a subject access request under Article 15 of the UK "
                           "GDPR for all the personal data you hold about me."),
        Block("numbered", "Please send me a copy of my data together with:",
              items=ART15, labels=tuple(f"({c})" for c in "abcdefgh")),
        Block("bullets", "To help you find my records:",
              items=("customer number 12345", "previous address: 3 Ffordd y Môr, Aberaeron")),
        Block("quote", "The controller shall provide a copy of the personal data undergoing "
                       "processing. (Article 15(3))"),
        Block("paragraph", "A reply is due by 27 December 2026. Please confirm receipt."),
    ]
    if long:
        blocks[3:3] = [Block("heading", "Where to search")] + [Block("paragraph", SEARCH)] * 14
    letter = Letter(
        kind="access",
        locale="en",
        jurisdiction="uk",
        reference="DSAR-2026-0042",
        sender=Party("Siân Llŵyd", ("12 Heol y Frenhines", "Aberystwyth", "SY23 1AB"),
                     "sian@example.org"),
        recipient=Party("Acme Data Brokers plc", ("Data Protection Officer",
                                                  "1 Example Street", "Cardiff", "CF10 1AA"),
                        "dpo@acme.example"),
        date=date(2026, 11, 26),
        date_text="26 November 2026",
        place_date="Aberystwyth, 26 November 2026",
        subject="Subject access request (Article 15 UK GDPR)",
        salutation="Dear Data Protection Officer,",
        blocks=tuple(blocks),
        closing="Yours faithfully,",
        signature="Siân Llŵyd",
        enclosures=("Copy of my driving licence",),
        enclosures_heading="Enclosures",
        due_date=date(2026, 12, 27),
    )
    return replace(letter, **overrides) if overrides else letter


@pytest.fixture
def make_letter():
    """``make_letter(long=False, **field_overrides) -> Letter``."""
    return build_letter
