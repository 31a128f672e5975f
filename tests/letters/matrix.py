"""Every letter kind in every letter language and both jurisdictions: the letters, and one
bulk run that renders them all once per test run (the ``letter_matrix`` fixture), so the
tests that read them back share one rendering. The follow-ups (the reminder, the complaints
and the kinds marked ``followup``, such as the letter for an incomplete reply) follow up an
access request sent on SENT."""

from __future__ import annotations

from datetime import date

from dsar.letters.bulk import render_many
from dsar.letters.compose import LETTER_LOCALES, compose
from dsar.letters.followups import (
    FOLLOWUP_KINDS,
    CaseFacts,
    FollowupRequest,
    TimelineEntry,
    compose_followup,
)
from dsar.letters.incomplete import KIND as INCOMPLETE
from dsar.letters.incomplete import IncompleteReply, compose_incomplete, facts_from_date
from dsar.letters.model import LetterRequest, Person, Recipient
from dsar.rights import CATALOGUE, RIGHT_KEYS
from tests.conftest import EXPERIAN, SCHUFA, TODAY

PERSON = Person(
    name="Siân Llŵyd", address=("12 Heol y Frenhines", "Cardiff", "CF10 1AA"),
    email="sian@example.org", date_of_birth=date(1984, 3, 27),
    previous_addresses=(("3 Mill Road", "Swansea", "SA1 1AA"),),
    customer_numbers=(("Customer number", "12345678"),))
REGULATORS = {
    "uk": Recipient(name="Information Commissioner's Office",
                    address=("Wycliffe House", "Water Lane", "Wilmslow", "SK9 5AF")),
    "eu": Recipient(name="Landesbeauftragte für Datenschutz und Informationsfreiheit "
                         "Nordrhein-Westfalen", address=("Postfach 20 04 44", "40102 Düsseldorf"),
                    country="de"),
}
SENT = date(2026, 9, 1)
OVERDUE = CaseFacts(
    sent_on=SENT, channel="letter", received_on=date(2026, 9, 3), receipt_assumed=True,
    due=date(2026, 10, 5), complaint_ack_due=date(2026, 12, 25),
    timeline=(TimelineEntry("sent", SENT, channel="letter"), TimelineEntry("due", date(2026, 10, 5)),
              TimelineEntry("no_reply", TODAY)))
# The points a reply left out: those whose judgments the letter cites, and one partly answered.
OUTSTANDING = (("copy", "missing"), ("c", "missing"), ("h", "missing"), ("g", "partly"))
KINDS = RIGHT_KEYS + FOLLOWUP_KINDS + tuple(CATALOGUE.followups)
MATRIX = [(kind, locale, jurisdiction) for kind in KINDS for locale in LETTER_LOCALES
          for jurisdiction in ("uk", "eu")]


def matrix_letter(number: int, kind: str, locale: str, jurisdiction: str):
    right = kind if kind in RIGHT_KEYS else "access"
    request = LetterRequest(
        right=right, jurisdiction=jurisdiction, locale=locale, reference=f"DSAR-M{number:03d}",
        person=PERSON, recipient=EXPERIAN if jurisdiction == "uk" else SCHUFA,
        today=TODAY if kind in RIGHT_KEYS else SENT,
        reasons="They use my data to profile me for lenders; it has cost me a mortgage.",
        corrections=("My address is shown as 12 Hill Road; it should be 21 Hill Road.",),
        erasure_ground="unlawful", restriction_ground="accuracy_contested",
        decision="A score of 412 given to my bank in March 2026.")
    if kind in RIGHT_KEYS:
        return compose(request)
    if kind == INCOMPLETE:
        return compose_incomplete(IncompleteReply(
            request=request, facts=facts_from_date(request, date(2026, 10, 2)),
            outstanding=OUTSTANDING, today=TODAY))
    return compose_followup(FollowupRequest(
        kind=kind, request=request, facts=OVERDUE, today=TODAY,
        authority=REGULATORS[jurisdiction], harm="I was refused a mortgage."))


def render_matrix(out_dir):
    """{(kind, locale, jurisdiction): (letter, RenderedLetter)}, all from one bulk run."""
    letters = [matrix_letter(n, *case) for n, case in enumerate(MATRIX)]
    results = list(render_many(letters, out_dir))
    assert [r.index for r in results] == list(range(len(MATRIX)))
    return {case: (letters[r.index], r) for case, r in zip(MATRIX, results, strict=True)}
