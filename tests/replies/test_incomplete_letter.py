"""The follow-up to an incomplete reply (issue 13 item 3): the letter read back from PDF and
DOCX in both jurisdictions and several languages, the command that writes it, and the page of
a tracked request that offers it from the person's latest reply check."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import select

from dsar.letters.compose import LETTER_LOCALES
from dsar.letters.formats import render
from dsar.letters.incomplete import (
    IncompleteError,
    IncompleteReply,
    compose_incomplete,
    facts_from_date,
    reply_by,
)
from dsar.letters.text import render_text
from dsar.replies.checklist import MISSING, PARTLY
from dsar.requests.models import DataRequest, Event
from dsar.rights import CATALOGUE, RIGHT_KEYS
from tests.conftest import TODAY
from tests.requests.conftest import record

SENT = date(2026, 9, 1)  # posted: deemed received 3 September, due Monday 5 October 2026
C_H_COPY = (("copy", MISSING), ("c", MISSING), ("h", MISSING))


def _flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(letter) -> str:
    reader = PdfReader(io.BytesIO(render(letter, "pdf").content))
    return _flat(" ".join(page.extract_text() for page in reader.pages))


def docx_text(letter) -> str:
    return _flat(" ".join(p.text for p in Document(io.BytesIO(render(letter, "docx").content)).paragraphs))


@pytest.fixture
def follow_up(make_request):
    """``follow_up(jurisdiction, locale, today, outstanding, reply_on) -> Letter`` for an access
    request posted on SENT."""

    def make(jurisdiction="uk", locale="en", today=TODAY, outstanding=C_H_COPY, reply_on=None):
        original = make_request("access", jurisdiction, locale=locale, today=SENT)
        return compose_incomplete(IncompleteReply(
            request=original, facts=facts_from_date(original, reply_on), outstanding=outstanding,
            today=today))

    return make


def test_uk_letter_names_each_missing_point_with_its_article_and_judgment(follow_up):
    letter = follow_up(reply_on=date(2026, 10, 2))
    text = pdf_text(letter)
    assert letter.subject == ("Incomplete reply to my request of 1 September 2026, "
                              "reference DSAR-TEST-0001")
    assert "On 1 September 2026 I sent you my request “Subject access request under Article 15 " \
           "UK GDPR” (reference DSAR-TEST-0001) by first-class post." in text
    assert "The reply I received on 2 October 2026 is incomplete." in text
    assert "These points of my request have not been answered:" in text
    # Each point, then the judgment that settles it, in the order of the original letter.
    positions = [text.index(s) for s in (
        "Article 15(3) UK GDPR", "C-307/22", "Article 15(1)(c) UK GDPR", "C-154/21",
        "Article 15(1)(h) UK GDPR", "C-203/22")]
    assert positions == sorted(positions)
    assert ("Your reply was due by 5 October 2026 (Articles 12(3) and 12A UK GDPR). "
            "That date has passed.") in text
    assert ("Please send me everything that is still missing without further delay, and in any "
            "event by 10 December 2026.") in text
    assert "they are persuasive, and I ask you to follow them" in text
    assert ("I will complain to you under section 164A of the Data Protection Act 2018 and then "
            "to the Information Commissioner's Office.") in text
    assert letter.due_date == date(2026, 12, 10)
    for citation in CATALOGUE.followup("incomplete_response").citations["uk"]:
        assert citation in text, citation


def test_eu_letter_in_english_cites_the_gdpr_and_the_supervisory_authority(follow_up):
    text = pdf_text(follow_up("eu"))
    assert "Article 15(1)(c) GDPR" in text and "Article 15(1)(h) GDPR" in text
    assert "Your reply was due by 5 October 2026 (Article 12(3) GDPR). That date has passed." in text
    assert ("I will lodge a complaint with the competent data protection supervisory authority "
            "(Article 77 GDPR).") in text
    assert "persuasive" not in text and "UK GDPR" not in text
    for citation in CATALOGUE.followup("incomplete_response").citations["eu"]:
        assert citation in text, citation


def test_eu_letter_in_german(follow_up):
    letter = follow_up("eu", "de")
    text = pdf_text(letter)
    assert letter.locale == "de"
    assert letter.subject == ("Unvollständige Antwort auf meinen Antrag vom 1. September 2026, "
                              "mein Zeichen DSAR-TEST-0001")
    assert "Diese Punkte meines Antrags wurden nicht beantwortet:" in text
    positions = [text.index(s) for s in (
        "(Art. 15 Abs. 3 DSGVO)", "C-307/22", "(Art. 15 Abs. 1 lit. c DSGVO)", "C-154/21",
        "(Art. 15 Abs. 1 lit. h DSGVO)", "C-203/22")]
    assert positions == sorted(positions)
    assert ("Ihre Antwort war bis zum 5. Oktober 2026 fällig (Art. 12 Abs. 3 DSGVO). "
            "Diese Frist ist abgelaufen.") in text
    assert "spätestens jedoch bis zum 10. Dezember 2026" in text
    assert "Beschwerde bei der zuständigen Datenschutz-Aufsichtsbehörde einlegen (Art. 77 DSGVO)" in text
    assert "Ihre Antwort auf meinen Antrag ist unvollständig." in text  # no reply date given


def test_uk_letter_in_german_says_the_judgments_are_persuasive(follow_up):
    text = docx_text(follow_up("uk", "de"))
    assert "(Art. 15 Abs. 1 lit. c UK-DSGVO)" in text and "C-154/21" in text
    assert "fällig (Art. 12 Abs. 3 und Art. 12A UK-DSGVO). Diese Frist ist abgelaufen." in text
    assert "sie haben Überzeugungskraft" in text


def test_before_the_due_date_the_letter_says_it_has_not_passed_and_keeps_it(follow_up):
    # 20 September: 14 days would be 4 October, before the legal due date, so the letter asks
    # for the rest by the due date itself.
    early = pdf_text(follow_up(today=date(2026, 9, 20)))
    assert "Your reply is due by 5 October 2026 (Articles 12(3) and 12A UK GDPR)." in early
    assert "has passed" not in early
    assert "and in any event by 5 October 2026." in early
    # 25 September: 14 days is 9 October, after it.
    later = pdf_text(follow_up(today=date(2026, 9, 25)))
    assert "Your reply is due by 5 October 2026" in later and "has passed" not in later
    assert "and in any event by 9 October 2026." in later
    assert reply_by(date(2026, 11, 26), date(2026, 10, 5)) == date(2026, 12, 10)


def test_partial_points_and_the_docx(follow_up):
    letter = follow_up(outstanding=(("c", MISSING), ("g", PARTLY), ("copy", PARTLY)))
    text = docx_text(letter)
    missing, partly = text.split("These points have been answered only in part:")
    assert "These points of my request have not been answered:" in missing
    assert "the recipients of my personal data, each named individually (Article 15(1)(c) UK GDPR)." \
           in missing and "C-154/21" in missing
    assert "the source of any data not collected from me" in partly
    assert "(Article 15(1)(g) UK GDPR)" in partly
    assert "(Article 15(3) UK GDPR)" in partly and "C-307/22" in partly
    assert "C-203/22" not in text and "Article 15(1)(h)" not in text


def test_the_human_review_cites_article_22c_in_the_uk_and_22_3_in_the_eu(follow_up):
    review = (("review", MISSING),)
    assert "(Article 22C UK GDPR)" in render_text(follow_up(outstanding=review))
    assert "(Article 22(3) GDPR)" in render_text(follow_up("eu", outstanding=review))


@pytest.mark.parametrize("locale", [code for code in LETTER_LOCALES if code != "en"])
def test_every_letter_language_has_the_whole_letter(follow_up, locale):
    english = _flat(render_text(follow_up(outstanding=C_H_COPY + (("g", PARTLY),))))
    letter = follow_up(locale=locale, outstanding=C_H_COPY + (("g", PARTLY),))
    text = _flat(render_text(letter))
    assert letter.locale == locale
    for sentence in ("These points of my request have not been answered:",
                     "These points have been answered only in part:",
                     "the recipients of my personal data, each named individually",
                     "You must give me the identity of each recipient"):
        assert sentence in english and sentence not in text, (locale, sentence)
    assert "C-154/21" in text and "C-203/22" in text and "C-307/22" in text


def test_nothing_to_ask_for_is_an_error(follow_up):
    with pytest.raises(IncompleteError):
        follow_up(outstanding=())
    with pytest.raises(IncompleteError):
        follow_up(outstanding=(("c", "answered"),))


def test_it_is_not_a_first_request():
    assert "incomplete_response" not in RIGHT_KEYS
    assert CATALOGUE.followup("incomplete_response").followup


# ---------------------------------------------------------------- the command line

PERSON = {"name": "Łukasz Wiśniewski", "address": ["3 Mill Road", "Leeds", "LS1 4AP"],
          "email": "lukasz@example.org"}


@pytest.fixture
def person_file(tmp_path):
    path = tmp_path / "person.json"
    path.write_text(json.dumps(PERSON), encoding="utf-8")
    return path


def test_cli_writes_the_follow_up(cli_runner, person_file, tmp_path):
    out = tmp_path / "follow-up.pdf"
    result = cli_runner("letter", "incomplete_response", "--org", "experian-gb", "--person",
                        str(person_file), "--missing", "c,h,copy", "--original-date", "2026-09-01",
                        "--original-reference", "EXP-7K3M-Q9XT", "--date", "2026-11-26",
                        "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{out}\tEXP-7K3M-Q9XT"
    text = _flat(" ".join(p.extract_text() for p in PdfReader(out).pages))
    assert "Incomplete reply to my request of 1 September 2026, reference EXP-7K3M-Q9XT" in text
    assert "Article 15(1)(c) UK GDPR" in text and "C-154/21" in text
    assert "Article 15(1)(h) UK GDPR" in text and "C-203/22" in text
    assert "Your reply was due by 5 October 2026" in text and "That date has passed." in text
    assert "in any event by 10 December 2026" in text


@pytest.mark.parametrize("args,message", [
    (("--missing", "x"), "--missing: unknown item x"),
    (("--missing", "c", "--partly", "c"), "item c is given as both missing and partly answered"),
    (("--partly", "h,zz"), "--partly: unknown item zz"),
    (("--missing", "c", "--original-kind", "apology"), "--original-kind: unknown kind 'apology'"),
    (("--missing", "c", "--reply-date", "2026-08-01"), "--reply-date: must fall between"),
])
def test_cli_bad_input_exits_2_with_one_line(cli_runner, person_file, tmp_path, args, message):
    out = tmp_path / "x.pdf"
    result = cli_runner("letter", "incomplete_response", "--org", "experian-gb", "--person",
                        str(person_file), "--original-date", "2026-09-01",
                        "--original-reference", "EXP-7K3M-Q9XT", *args, "--out", str(out))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr
    assert not out.exists()


@pytest.mark.parametrize("args,message", [
    (("--org", "experian-gb", "--original-date", "2026-02-30", "--original-reference", "R"),
     "--original-date: '2026-02-30' is not a valid date"),
    (("--org", "experian-gb", "--original-date", "2026-09-01"),
     "needs --original-date and --original-reference"),
    (("--org", "nope", "--original-date", "2026-09-01", "--original-reference", "R"),
     "unknown organisation 'nope'"),
])
def test_cli_needs_the_original_request(cli_runner, person_file, tmp_path, args, message):
    result = cli_runner("letter", "incomplete_response", "--person", str(person_file),
                        "--missing", "c", *args, "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def test_the_follow_up_options_belong_to_the_follow_up(cli_runner, person_file, tmp_path):
    result = cli_runner("letter", "access", "--org", "experian-gb", "--person", str(person_file),
                        "--missing", "c", "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --missing is for incomplete_response only"


# ---------------------------------------------------------------- the request page

def _add_event(app, tracked, kind: str, day: date, data: dict, supersedes: int | None = None) -> int:
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        request_id = session.scalar(select(DataRequest.id).where(
            DataRequest.public_id == tracked.public_id))
        event = Event(request_id=request_id, kind=kind, occurred_on=day, data=data,
                      supersedes_id=supersedes)
        session.add(event)
        session.commit()
        event_id = event.id
        session.close()
    return event_id


def test_request_page_offers_the_follow_up_from_the_latest_check(app, client, clock, make_tracked):
    tracked = make_tracked()
    clock.set("2026-10-20")
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    record(client, tracked, "response_received", "2026-10-02", completeness="partial")
    page = client.get(f"{tracked.url}/incomplete-reply")
    assert page.status_code == 200 and "nothing to ask for" in page.get_data(as_text=True)
    assert client.get(f"{tracked.url}/incomplete-reply.pdf").status_code == 404

    _add_event(app, tracked, "reply_checked", date(2026, 10, 5),
               {"marks": {"confirmation": "answered", "copy": "answered", "c": "missing",
                          "h": "partly", "scores": "missing"}})  # scores: not an access item
    later = _add_event(app, tracked, "reply_checked", date(2026, 10, 6),
                       {"marks": {"c": "answered", "h": "answered"}})
    _add_event(app, tracked, "retracted", date(2026, 10, 7), {}, supersedes=later)

    page = client.get(f"{tracked.url}/incomplete-reply").get_data(as_text=True)
    assert "Incomplete reply to my request of 1 September 2026" in page
    assert "The reply I received on 2 October 2026 is incomplete." in page
    pdf = client.get(f"{tracked.url}/incomplete-reply.pdf")
    assert pdf.mimetype == "application/pdf"
    assert f'filename="{tracked.reference}-incomplete_response.pdf"' in pdf.headers[
        "Content-Disposition"]
    text = _flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages))
    missing, partly = text.split("These points have been answered only in part:")
    assert "Article 15(1)(c) UK GDPR" in missing and "C-154/21" in missing
    assert "Article 15(1)(h) UK GDPR" in partly and "C-203/22" in partly
    assert "Your reply was due by 5 October 2026" in text and "That date has passed." in text
    assert "in any event by 3 November 2026" in text  # 20 October + 14 days
    assert "every score or rating" not in text
    docx = Document(io.BytesIO(client.get(f"{tracked.url}/incomplete-reply.docx").data))
    assert any("C-154/21" in p.text for p in docx.paragraphs)
    txt = client.get(f"{tracked.url}/incomplete-reply.txt").get_data(as_text=True)
    assert "C-203/22" in txt
    assert client.get(f"{tracked.url}/incomplete-reply.eml").status_code == 404  # no address
    assert client.get(f"{tracked.url}/incomplete-reply.odt").status_code == 404


def test_another_workspace_gets_404(app, client, clock, make_tracked):
    tracked = make_tracked()
    other = make_tracked()
    clock.set("2026-10-20")
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    _add_event(app, tracked, "reply_checked", date(2026, 10, 5), {"marks": {"c": "missing"}})
    assert client.get(f"{tracked.url}/incomplete-reply.pdf").status_code == 200
    for url in (f"/w/{other.token}/r/{tracked.public_id}/incomplete-reply",
                f"/w/{other.token}/r/{tracked.public_id}/incomplete-reply.pdf",
                f"/w/not-a-token/r/{tracked.public_id}/incomplete-reply.pdf"):
        assert client.get(url).status_code == 404, url
