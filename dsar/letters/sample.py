"""Realistic hand-built Letters for tests, benchmarks and visual checks.

These do not go through ``compose()`` on purpose: renderer tests must not break when the
legal wording changes, and a benchmark needs thousands of letters cheaply.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from .model import Block, Letter, Party

_FIRST = ("Siân", "Łukasz", "Aoife", "Jürgen", "Zoë", "Dafydd", "Małgorzata", "Émile",
          "Priya", "Tomás", "Ingrid", "Oluwaseun")
_LAST = ("Llŵyd", "Wiśniewski", "Ní Bhriain", "Straße", "Brontë", "ap Gruffydd",
         "Żółkiewska", "Lefèvre", "Chaudhry", "Ó Súilleabháin", "Østergård", "Adébáyọ̀")
_ORGS = (
    ("Experian Ltd", ("Customer Support Centre", "PO Box 9000", "Nottingham", "NG80 7WP")),
    ("Equifax Ltd", ("Customer Service Centre", "PO Box 10036", "Leicester", "LE3 4FS")),
    ("TransUnion International UK Ltd", ("Consumer Services Team", "PO Box 647",
                                         "Unit 4", "Hull", "HU9 9QZ")),
    ("Acme Data Brokers plc", ("Data Protection Officer", "1 Example Street", "Cardiff",
                               "CF10 1AA")),
)
_STREETS = ("Heol y Frenhines", "High Street", "Church Lane", "Station Road", "Mill Road")

ART15_ITEMS = (
    "the purposes for which you process my personal data;",
    "the categories of personal data concerned;",
    "the recipients of my data, by name, including any in third countries;",
    "how long you will keep my data or, if that is not possible, the criteria used to "
    "decide;",
    "my rights to rectification, erasure, restriction and to object;",
    "my right to complain to the Information Commissioner's Office;",
    "where you obtained my data, if not from me;",
    "any automated decision-making, including profiling, with meaningful information "
    "about the logic involved and its consequences for me.",
)
LABELS = tuple(f"({c})" for c in "abcdefgh")

_FILLER = (
    "Please search every system in which my data may be held: customer and marketing "
    "databases, analytics and scoring systems, emails and notes that mention me, call "
    "recordings, logs, backups that are still in use, and data bought from or shared with "
    "third parties. I ask for a copy of the data itself, not a summary, in a commonly used "
    "electronic format."
)


def sample_letter(i: int = 0, *, pages: int = 1, **overrides: object) -> Letter:
    """A realistic access request. ``pages=2`` adds enough text to need a second page.

    ``i`` varies the names, organisation and reference so bulk runs are not identical.
    """
    first, last = _FIRST[i % len(_FIRST)], _LAST[(i // len(_FIRST) + i) % len(_LAST)]
    org_name, org_address = _ORGS[i % len(_ORGS)]
    day = date(2026, 11, 26) - timedelta(days=i % 40)
    due = day + timedelta(days=31)
    name = f"{first} {last}"
    blocks = [
        Block("paragraph", "This is a subject access request under Article 15 of the UK GDPR "
              "for all the personal data you hold about me."),
        Block("numbered", "Please confirm whether you process my personal data and, if so, "
              "send me a copy of it together with:", items=ART15_ITEMS, labels=LABELS),
        Block("bullets", "To help you find my records:",
              items=(f"my customer number {1000 + i}", f"my previous address, {7 + i % 90} "
                     f"{_STREETS[i % len(_STREETS)]}", "my date of birth, 3 March 1984")),
        Block("quote", "“The controller shall provide a copy of the personal data undergoing "
              "processing.” Article 15(3)"),
        Block("paragraph", f"A reply is due by {due.day} {due:%B %Y}. Please confirm "
              "receipt of this letter and reply by email or post to the address above."),
    ]
    # Each extra page: a heading and about a page of the search-scope paragraph.
    for extra in range(max(0, pages - 1) * 7):
        blocks.insert(2 + extra, Block("paragraph", _FILLER))
    if pages > 1:
        blocks.insert(2, Block("heading", "Where to search"))
    letter = Letter(
        kind="access",
        locale="en",
        jurisdiction="uk",
        reference=f"DSAR-2026-{i:05d}",
        sender=Party(name, (f"{12 + i % 80} {_STREETS[i % len(_STREETS)]}", "Aberystwyth",
                            "SY23 1AB"), f"person{i}@example.org"),
        recipient=Party(org_name, org_address, "dpo@example.com"),
        date=day,
        date_text=f"{day.day} {day:%B %Y}",
        place_date=f"Aberystwyth, {day.day} {day:%B %Y}",
        subject="Subject access request (Article 15 UK GDPR)",
        salutation="Dear Data Protection Officer,",
        blocks=tuple(blocks),
        closing="Yours faithfully,",
        signature=name,
        enclosures=("Copy of my driving licence (photocard, front only)",
                    "Letter of 2 November 2026 from your customer services"),
        enclosures_heading="Enclosures",
        due_date=due,
    )
    return replace(letter, **overrides) if overrides else letter
