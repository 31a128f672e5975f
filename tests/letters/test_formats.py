""".docx page numbers, language and window position; .eml headers and paragraphs;
references that say whom a letter went to without internal jargon."""

from __future__ import annotations

import email
import email.policy
import io
import re

import docx
from docx.oxml.ns import qn
from docx.shared import Mm

from dsar.letters.docx import render_docx
from dsar.letters.email import render_eml
from dsar.letters.model import Party
from dsar.requests.services import new_reference, reference_prefix


def _docx(letter):
    return docx.Document(io.BytesIO(render_docx(letter)))


def test_docx_footer_numbers_pages_with_fields(make_letter):
    footer = _docx(make_letter()).sections[0].footer
    xml = footer._element.xml
    instructions = [i.text.strip() for i in footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.paragraphs[0].text.startswith("Page 1 of 1")  # placeholders until updated
    assert xml.count('w:fldCharType="begin"') == 2 and xml.count('w:fldCharType="end"') == 2


def test_docx_footer_follows_a_translated_label_in_either_order(make_letter):
    footer = _docx(make_letter(locale="de", page_label="{pages} Seiten, Seite {page}")).sections[0].footer
    assert [i.text.strip() for i in footer._element.iter(qn("w:instrText"))] == ["NUMPAGES", "PAGE"]
    assert "Seiten, Seite" in footer.paragraphs[0].text


def _langs(document) -> set[str]:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    normal = document.styles["Normal"].element.rPr
    return {defaults.find(qn("w:lang")).get(qn("w:val")), normal.find(qn("w:lang")).get(qn("w:val"))}


def test_docx_language_is_british_english_or_the_letters_own(make_letter):
    english = _docx(make_letter())
    assert _langs(english) == {"en-GB"} and english.core_properties.language == "en-GB"
    assert _langs(_docx(make_letter(locale="de"))) == {"de-DE"}
    assert _langs(_docx(make_letter(locale="cy"))) == {"cy-GB"}


def _frame(paragraph):
    frame = paragraph._p.pPr.find(qn("w:framePr"))
    return None if frame is None else {k.split("}")[1]: v for k, v in frame.attrib.items()}


def test_docx_recipient_sits_at_the_envelope_window(make_letter):
    letter = make_letter(recipient=Party("Acme Data Brokers plc", (
        "ACME DATA BROKERS PLC", "1 Example Street", "Cardiff", "CF10 1AA")))
    document = _docx(letter)
    recipient = [p for p in document.paragraphs if p.style.name == "Recipient"]
    # Each line once: the address line repeating the name is not printed.
    assert [p.text for p in recipient] == ["Acme Data Brokers plc", "1 Example Street", "Cardiff",
                                           "CF10 1AA"]
    frames = [_frame(p) for p in recipient]
    assert all(f == frames[0] for f in frames)  # one frame
    frame = frames[0]
    assert (frame["hAnchor"], frame["vAnchor"]) == ("page", "page")
    assert abs(int(frame["x"]) - Mm(20).twips) <= 1 and abs(int(frame["y"]) - Mm(47).twips) <= 1
    assert abs(int(frame["w"]) - Mm(90).twips) <= 1
    # The text starts below the window: 18 mm margin + 67 mm before the date = 85 mm.
    date_style = document.styles["Letter Date"].paragraph_format
    assert abs(date_style.space_before.mm + 18 - 85) < 0.5
    sender = [p for p in document.paragraphs if p.style.name == "Sender"]
    assert sender and all(_frame(p)["x"] == str(Mm(110).twips) for p in sender)


def _eml(letter):
    data = render_eml(letter)
    return data, email.message_from_bytes(data, policy=email.policy.default)


def test_eml_keeps_content_language_and_an_unfolded_subject(make_letter):
    subject = "Subject access request under Article 15 UK GDPR, with the score explained in full"
    data, message = _eml(make_letter(subject=subject, locale="cy"))
    assert message["Content-Language"] == "cy"
    raw_subject = re.search(rb"^Subject: (.*?)\r\n(?![ \t])", data, re.M | re.S).group(1)
    assert b"\r\n" not in raw_subject and len(raw_subject) > 78
    assert message["Subject"] == f"{subject} [DSAR-2026-0042]"


def test_eml_folds_non_ascii_headers_as_short_encoded_words(make_letter):
    subject = "Żądanie dostępu do danych osobowych na podstawie art. 15 RODO i ocena zdolności"
    data, message = _eml(make_letter(subject=subject))
    assert message["Subject"].startswith(subject)
    assert all(len(line) <= 78 for line in data.split(b"\r\n\r\n")[0].split(b"\r\n"))


def test_eml_paragraphs_are_not_hard_wrapped(make_letter):
    data, message = _eml(make_letter())
    body = message.get_content()
    paragraph = next(line for line in body.splitlines() if line.startswith("This is a subject access"))
    assert paragraph.endswith("for all the personal data you hold about me.")  # one line
    assert all(len(line) <= 76 for line in data.split(b"\r\n\r\n", 1)[1].split(b"\r\n"))  # QP


def test_references_name_the_organisation_not_the_tool():
    assert reference_prefix("Experian Ltd") == "EXP"
    assert reference_prefix("SCHUFA Holding AG") == "SCH"
    assert reference_prefix("The UK Trade Desk Ltd") == "TRA"
    assert reference_prefix("Österreichische Post AG") == "OST"
    assert reference_prefix("株式会社") == "REF"
    references = {new_reference("Experian Ltd") for _ in range(200)}
    assert len(references) == 200
    assert all(re.fullmatch(r"EXP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", r) for r in references)
