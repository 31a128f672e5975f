"""Follow-up letters composed from plain facts: reminder, complaint to the organisation and
the regulator complaint, UK and EU, and the language they are written in."""

from __future__ import annotations

from datetime import date

import pytest

from dsar.letters.followups import (
    WHAT_HAPPENED_LIMIT,
    CaseFacts,
    Correspondence,
    FollowupError,
    FollowupRequest,
    TimelineEntry,
    compose_followup,
    followup_locale,
    what_happened_draft,
)
from dsar.letters.model import Recipient
from dsar.letters.text import render_text
from dsar.requests.forms import validate_regulator

ICO = Recipient(name="Information Commissioner's Office", address=("Wycliffe House", "Water Lane",
                "Wilmslow", "Cheshire", "SK9 5AF"))
CNIL = Recipient(name="Commission Nationale de l'Informatique et des Libertés",
                 address=("3 Place de Fontenoy", "75007 Paris"), country="fr")
OVERDUE = CaseFacts(
    sent_on=date(2026, 9, 1), channel="letter", received_on=date(2026, 9, 3), receipt_assumed=True,
    due=date(2026, 10, 5),
    timeline=(TimelineEntry("sent", date(2026, 9, 1), channel="letter"),
              TimelineEntry("due", date(2026, 10, 5)), TimelineEntry("no_reply", date(2026, 11, 26))),
)


def letter_text(make_request, kind, facts=OVERDUE, jurisdiction="uk", **options) -> str:
    request = make_request("access", jurisdiction, today=date(2026, 9, 1))
    letter = compose_followup(FollowupRequest(kind=kind, request=request, facts=facts,
                                              today=date(2026, 11, 26), **options))
    return " ".join(render_text(letter).split())


def test_reminder_names_the_request_date_reference_and_the_passed_deadline(make_request):
    text = letter_text(make_request, "reminder")
    assert "Reminder: my request of 1 September 2026, reference DSAR-TEST-0001" in text
    assert ("Your reply was due by 5 October 2026 (Articles 12(3) and 12A UK GDPR). "
            "That date has passed.") in text
    assert "I have not received a reply." in text
    assert "section 164A of the Data Protection Act 2018" in text


def test_reminder_flags_a_late_extension(make_request):
    facts = CaseFacts(sent_on=date(2026, 9, 1), channel="email", received_on=date(2026, 9, 1),
                      due=date(2026, 10, 1), extension_notified=date(2026, 10, 9), extension_invalid=True,
                      response="partial", response_on=date(2026, 10, 20))
    text = letter_text(make_request, "reminder", facts)
    assert "On 9 October 2026 you told me that you were extending the time to reply" in text
    assert "The original deadline therefore stands." in text
    assert "The reply I received on 20 October 2026 is incomplete." in text
    assert "everything that is still missing" in text


def test_uk_complaint_to_the_organisation_has_the_s164a_clock(make_request):
    facts = CaseFacts(**{**OVERDUE.__dict__, "complaint_ack_due": date(2026, 12, 25)})
    text = letter_text(make_request, "complaint_controller", facts, details="My words <b>here</b>.")
    assert "Complaint under section 164A of the Data Protection Act 2018" in text
    assert "within 30 days beginning with the day you receive it, that is by 25 December 2026" in text
    assert "My words <b>here</b>." in text  # quoted as data, never markup
    assert "On 1 September 2026 I sent my request by post." in text


def test_eu_complaint_to_the_organisation_is_a_formal_complaint(make_request):
    text = letter_text(make_request, "complaint_controller", jurisdiction="eu")
    assert "Formal complaint about my data protection request" in text
    assert "164A" not in text and "Article 77 GDPR" in text


def test_ico_complaint_has_exactly_the_form_fields(make_request):
    correspondence = (Correspondence("letter", date(2026, 9, 1), "Subject access request"),
                      Correspondence("file", date(2026, 10, 20), "reply.pdf"),
                      Correspondence("file", date(2026, 10, 20), "data.zip", printed=False))
    text = letter_text(make_request, "complaint_regulator", authority=ICO, harm="I lost a mortgage.",
                       correspondence=correspondence)
    headings = ["My details", "The organisation", "What happened", "Timeline",
                "How this has affected me", "Copies of correspondence"]
    assert [text.index(h) for h in headings] == sorted(text.index(h) for h in headings)
    assert "Name: Siân Llŵyd" in text and "Email: sian@example.org" in text
    assert "Organisation name: Experian Ltd" in text and "Address: PO Box 9000, Nottingham, NG80 7WP" in text
    # What happened defaults to a draft made from the facts.
    assert "On 1 September 2026 I sent Experian Ltd a request" in text
    assert "1. On 1 September 2026 I sent my request by post." in text
    assert "3. On 26 November 2026 I still had no reply." in text
    assert "Received from Experian Ltd on 20 October 2026: data.zip (in the ZIP file only)" in text
    assert "My letter of 1 September 2026: “Subject access request”" in text


def test_eu_regulator_complaint_is_art_77_with_the_art_78_clock(make_request):
    text = letter_text(make_request, "complaint_regulator", jurisdiction="eu", authority=CNIL,
                       what_happened="They ignored me.")
    assert "I lodge a complaint under Article 77 GDPR" in text
    assert "within three months" in text and "Article 78(2) GDPR" in text
    assert "They ignored me." in text


def test_no_authority_is_an_error(make_request):
    with pytest.raises(FollowupError, match="no regulator to address the complaint to"):
        letter_text(make_request, "complaint_regulator")
    with pytest.raises(FollowupError, match="unknown follow-up 'apology'"):
        letter_text(make_request, "apology")


# The reminder's subject, salutation and one sentence of the body in each letter language.
REMINDERS = {
    "en": ("Reminder: my request of 1 September 2026, reference DSAR-TEST-0001", "Dear Sir or Madam,",
           "I have not received a reply."),
    "de": ("Erinnerung: mein Antrag vom 1. September 2026, mein Zeichen DSAR-TEST-0001",
           "Sehr geehrte Damen und Herren,", "Ich habe keine Antwort erhalten."),
    "fr": ("Rappel\u00a0: ma demande du 1 septembre 2026, référence DSAR-TEST-0001", "Madame, Monsieur,",
           "Je n'ai reçu aucune réponse."),
    "cy": ("Nodyn atgoffa: fy nghais dyddiedig 1 Medi 2026, cyfeirnod DSAR-TEST-0001",
           "Annwyl Syr neu Fadam,", "Nid wyf wedi cael ateb."),
    "es": ("Recordatorio: mi solicitud de 1 de septiembre de 2026, referencia DSAR-TEST-0001",
           "Estimados señores:", "No he recibido ninguna respuesta."),
    "it": ("Sollecito: la mia richiesta del 1 settembre 2026, riferimento DSAR-TEST-0001",
           "Gentili Signore e Signori,", "Non ho ricevuto alcuna risposta."),
    "nl": ("Herinnering: mijn verzoek van 1 september 2026, kenmerk DSAR-TEST-0001", "Geachte heer, mevrouw,",
           "Ik heb geen antwoord ontvangen."),
    "pl": ("Ponaglenie: moje żądanie z dnia 1 września 2026, numer referencyjny DSAR-TEST-0001",
           "Szanowni Państwo,", "Nie udzielono mi odpowiedzi."),
}
# Sentences of the English reminder that a translated one must not contain.
ENGLISH = ("Dear Sir or Madam", "I have not received a reply.", "That date has passed.",
           "Please quote the reference", "Yours faithfully")


@pytest.mark.parametrize(("requested", "written_in"), [*((code, code) for code in REMINDERS), ("xx", "en")])
def test_a_follow_up_is_written_wholly_in_one_language(make_request, requested, written_in):
    """Every follow-up sentence is in each of these catalogs, so the reminder is written in the
    request's language; a language without a catalog gets the whole letter in English."""
    assert followup_locale(requested) == written_in
    request = make_request("access", "eu", locale=requested, today=date(2026, 9, 1))
    letter = compose_followup(FollowupRequest(kind="reminder", request=request, facts=OVERDUE,
                                              today=date(2026, 11, 26)))
    subject, salutation, sentence = REMINDERS[written_in]
    assert (letter.locale, letter.subject, letter.salutation) == (written_in, subject, salutation)
    text = " ".join(render_text(letter).split())
    assert sentence in text
    english_sentences = list(ENGLISH) if written_in == "en" else []
    assert [english for english in ENGLISH if english in text] == english_sentences


def test_what_happened_is_counted_and_warned_over_2000_characters(make_request):
    request = make_request("access", "uk", today=date(2026, 9, 1))
    draft = what_happened_draft(FollowupRequest(kind="complaint_regulator", request=request,
                                                facts=OVERDUE, today=date(2026, 11, 26), authority=ICO))
    assert len(draft) < WHAT_HAPPENED_LIMIT
    assert validate_regulator({"what_happened": draft}).warnings == {}
    long = validate_regulator({"what_happened": "x" * 2100})
    assert long.ok and "2100 characters long" in str(long.warnings["what_happened"])
    assert not validate_regulator({"what_happened": ""}).ok
