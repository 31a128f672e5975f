"""The renderers, read back: PDF with pypdf, DOCX with python-docx, email with the stdlib
parser, mailto with urllib — and hostile text in every field stays text."""

from __future__ import annotations

import email
import email.policy
import io
import re
import shutil
import unicodedata
import urllib.parse
import urllib.request

import docx
import pytest
from pypdf import PdfReader

from dsar.letters import pdf as pdf_mod
from dsar.letters.bulk import render_many
from dsar.letters.docx import render_docx
from dsar.letters.email import mailto_link, render_email, render_eml
from dsar.letters.model import Block, Party
from dsar.letters.pdf import RefusedURL, RenderError, asset_fetcher, render_pdf
from dsar.letters.text import WIDTH, clean_text, render_text

from .conftest import WELSH_POLISH_GERMAN, build_letter

HOSTILE_PARTS = (
    "<script>alert(1)</script>", "{{7*7}}", "%s", "${x}", "\u202e", "😀",
    '<link rel="attachment" href="file:///etc/passwd">', '<img src="http://127.0.0.1:1/x">',
    "\x00\x07\x1b",
)
HOSTILE = " ".join(HOSTILE_PARTS) + " end"
# What must be visible: everything but the invisible controls and the emoji, which no
# bundled font can draw.
VISIBLE = [p for p in HOSTILE_PARTS if p not in ("\u202e", "😀", "\x00\x07\x1b")]
LONG_NAME = ("Siân Llŵyd-Ó Súilleabháin " * 400)[:10_000]


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def pdf_pages(data: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def sender_text(page) -> str:
    """The text of a page's sender block: what is drawn right of the 120 mm line (the block's
    left edge) and above the 18 mm bottom margin (the footer)."""
    mm = 72 / 25.4
    parts = []

    def visit(text, cm, tm, _font, _size):
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if x >= 119 * mm and y > 18 * mm:
            parts.append(text)

    page.extract_text(visitor_text=visit)
    return unicodedata.normalize("NFC", "".join(parts))


def hostile_letter(make_letter):
    return make_letter(
        reference="REF-" + HOSTILE, reference_label=HOSTILE,
        sender=Party(LONG_NAME, (HOSTILE,), "sian@example.org"),
        recipient=Party(HOSTILE, (HOSTILE,)),
        place_date=HOSTILE, subject=HOSTILE, salutation=HOSTILE, closing=HOSTILE,
        signature=HOSTILE,
        blocks=(Block("paragraph", HOSTILE), Block("heading", HOSTILE),
                Block("numbered", HOSTILE, items=(HOSTILE,), labels=("(a)",)),
                Block("bullets", HOSTILE, items=(HOSTILE,)), Block("quote", HOSTILE)),
        enclosures=(HOSTILE,), enclosures_heading=HOSTILE,
        page_label=HOSTILE + ' "\\ {page}/{pages}',
    )


@pytest.fixture(scope="module")
def hostile_pdf():
    return render_pdf(hostile_letter(build_letter))


# ---------------------------------------------------------------- PDF


def test_one_page_pdf_reads_back(make_letter):
    letter = make_letter()
    data = render_pdf(letter)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = flat(reader.pages[0].extract_text())
    for needle in ("Acme Data Brokers plc", "Siân Llŵyd", "Reference: DSAR-2026-0042",
                   letter.subject, "(a) the purposes", "(h) any automated",
                   "Copy of my driving licence"):
        assert needle in text
    assert "Page 1 of 1" not in text and "Page" not in text.split("DSAR-2026-0042")[-1]
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == (595.28, 841.89)


def test_fonts_are_the_bundled_noto_sans_embedded(make_letter):
    reader = PdfReader(io.BytesIO(render_pdf(make_letter(long=True))))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert fonts and all("NotoSans" in name for name in fonts), fonts
    for font in fonts.values():  # embedded (a font file), not just named
        descendant = font["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()


def test_two_page_letter_numbers_its_pages_with_reference_on_each(make_letter):
    pages = pdf_pages(render_pdf(make_letter(long=True)))
    assert len(pages) == 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of 2" in text
        assert "Reference: DSAR-2026-0042" in text


def test_welsh_polish_german_survive_extraction(make_letter):
    letter = make_letter(
        sender=Party(WELSH_POLISH_GERMAN, ("Straße 1",), "a@example.org"),
        signature=WELSH_POLISH_GERMAN,
        blocks=(Block("paragraph", f"Text: {WELSH_POLISH_GERMAN}."),))
    text = " ".join(pdf_pages(render_pdf(letter)))
    assert text.count(WELSH_POLISH_GERMAN) >= 3


def test_window_envelope_position(make_letter):
    """The recipient sits in a DL/C5 left window: ~20 mm from the left, 47-82 mm down."""
    reader = PdfReader(io.BytesIO(render_pdf(make_letter())))
    mm = 25.4 / 72
    lines = {}

    def visit(text, cm, tm, _font, _size):
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        lines.setdefault(text.strip(), (x * mm, (841.89 - y) * mm))

    reader.pages[0].extract_text(visitor_text=visit)
    name_x, name_y = lines["Acme Data Brokers plc"]
    _, postcode_y = lines["CF10 1AA"]
    _, date_y = lines["Aberystwyth, 26 November 2026"]
    assert 19 <= name_x <= 21
    assert 47 <= name_y <= 55 and postcode_y <= 82  # baselines inside the window
    assert date_y > 84  # the body starts below the window


def test_page_label_is_translated_and_any_order(make_letter):
    welsh = make_letter(long=True, page_label="Tudalen {page} o {pages}")
    assert "Tudalen 2 o 2" in pdf_pages(render_pdf(welsh))[1]
    reverse = make_letter(long=True, page_label='({pages}) "\\ {page}')
    first, second = pdf_pages(render_pdf(reverse))
    assert '(2) "\\ 1' in first and '(2) "\\ 2' in second


def test_hostile_text_stays_literal_text(hostile_pdf):
    reader = PdfReader(io.BytesIO(hostile_pdf))
    pages = [flat(page.extract_text()) for page in reader.pages]
    assert len(pages) >= 3  # the long name alone fills pages
    for number, page in enumerate(pages, start=1):
        # The reference on every page (the long footer wraps, hence no spaces compared).
        assert "REF-<script>alert(1)</script>{{7*7}}" in "".join(page.split())
        assert f'"\\ {number}/{len(pages)}' in page  # label with quote and backslash
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    for part in VISIBLE:
        assert part in text, part
    assert "49" not in text.replace("2026", "")  # {{7*7}} was never evaluated
    assert "root:" not in text  # no file content was pulled in
    # The 10,000-character name wraps over several pages of the sender block; all of it is
    # there. Read from the block alone, a name that runs on to the next page reads on unbroken
    # (the footer and the window's address are drawn between the pages' parts of it).
    unit = "SiânLlŵyd-ÓSúilleabháin"
    compact = "".join("".join(sender_text(page).split()) for page in reader.pages)
    expected = "".join(LONG_NAME.split()).count(unit)
    assert expected > 380 and compact.count(unit) == expected


def test_hostile_pdf_has_no_links_attachments_or_scripts(hostile_pdf):
    reader = PdfReader(io.BytesIO(hostile_pdf))
    root = reader.trailer["/Root"]
    assert "/Names" not in root or "/EmbeddedFiles" not in root["/Names"]
    assert "/OpenAction" not in root and "/AA" not in root
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            assert "/URI" not in action and "/Launch" not in str(action)
    ids = set(reader.xref_objStm) | {i for table in reader.xref.values() for i in table}
    assert len(ids) > 10
    for obj_id in ids:
        obj = str(reader.get_object(obj_id))
        assert "/EmbeddedFile" not in obj and "/JavaScript" not in obj and "/URI" not in obj


def test_html_escapes_everything(make_letter):
    html = pdf_mod.build_html([hostile_letter(make_letter)])
    assert "<script>" not in html and "<img" not in html and "<link" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_fetcher_serves_only_bundled_assets():
    fetcher = asset_fetcher()
    font = pdf_mod.ASSETS_DIR / "fonts" / "NotoSans-Regular.ttf"
    assert fetcher.fetch("dsar-asset:fonts/NotoSans-Regular.ttf").read() == font.read_bytes()
    for url in ("file:///etc/passwd", "http://127.0.0.1:1/x", "https://example.com/a.css",
                "data:text/css,body{}", "fonts/NotoSans-Regular.ttf", "/etc/passwd",
                "dsar-asset:../pdf.py", "dsar-asset:fonts/../../pdf.py",
                "dsar-asset:%2e%2e/pdf.py", "dsar-asset:/etc/passwd",
                "dsar-asset:fonts\\..\\..\\pdf.py", "dsar-asset:fonts/missing.ttf",
                "dsar-asset:fonts/\x00", "dsar-asset:file:///etc/passwd", "dsar-asset:"):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
        with pytest.raises(RefusedURL):
            fetcher(url)


def test_fetcher_refuses_symlink_out_of_assets(tmp_path, monkeypatch):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "link.css").symlink_to(outside)
    monkeypatch.setattr(pdf_mod, "ASSETS_DIR", assets)
    with pytest.raises(RefusedURL):
        asset_fetcher().fetch("dsar-asset:link.css")


def test_refused_resource_is_a_normal_exception(make_letter, monkeypatch):
    """FatalURLFetchingError (a BaseException) comes out as RenderError."""
    monkeypatch.setattr(pdf_mod, "build_html",
                        lambda letters, start=0: '<img src="file:///etc/passwd">')
    with pytest.raises(RenderError):
        render_pdf(make_letter())


@pytest.mark.parametrize("rule,url", [
    # fetched while the stylesheet is parsed, when the shared toolkit is built
    ('@font-face { font-family: "Other"; src: url("file:///etc/passwd"); }',
     "file:///etc/passwd"),
    # fetched while a letter is laid out
    ('body { background-image: url("http://127.0.0.1:1/x.png"); }',
     "http://127.0.0.1:1/x.png"),
])
def test_refused_url_in_the_stylesheet_is_a_render_error(make_letter, monkeypatch, tmp_path,
                                                         rule, url):
    shutil.copytree(pdf_mod.ASSETS_DIR, tmp_path, dirs_exist_ok=True)
    monkeypatch.setattr(pdf_mod, "ASSETS_DIR", tmp_path)
    monkeypatch.setattr(pdf_mod, "_toolkit_cache", None)  # parse the stylesheet in tmp_path
    assert render_pdf(make_letter()).startswith(b"%PDF")  # the copy alone renders
    with (tmp_path / "letter.css").open("a", encoding="utf-8") as css:
        css.write("\n" + rule + "\n")
    monkeypatch.setattr(pdf_mod, "_toolkit_cache", None)
    with pytest.raises(RenderError, match=re.escape(url)):
        render_pdf(make_letter())


def test_rendering_never_touches_urllib_or_the_network(make_letter, monkeypatch, tmp_path):
    import socket

    import weasyprint.urls

    calls = []

    def record(name):
        def refuse(*args, **kwargs):
            calls.append((name, args[1:2]))
            raise AssertionError(f"{name} called")
        return refuse

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", record("urllib open"))
    monkeypatch.setattr(weasyprint.urls.URLFetcher, "fetch", record("default fetcher"))
    monkeypatch.setattr(socket.socket, "connect", record("socket connect"))
    render_pdf(hostile_letter(make_letter))
    rendered = list(render_many([hostile_letter(make_letter), make_letter(long=True)],
                                tmp_path, workers=1))
    assert calls == [] and [r.pages for r in rendered][1] == 2


# ---------------------------------------------------------------- DOCX


def test_docx_is_a4_with_named_styles(make_letter):
    letter = make_letter()
    document = docx.Document(io.BytesIO(render_docx(letter)))
    section = document.sections[0]
    assert abs(section.page_width.mm - 210) < 0.1 and abs(section.page_height.mm - 297) < 0.1
    assert 15 <= section.left_margin.mm <= 25
    used = {p.style.name for p in document.paragraphs}
    for name in ("Sender", "Recipient", "Letter Date", "Reference", "Subject", "Body Text",
                 "Closing", "Signature", "Enclosures", "List Number", "List Bullet",
                 "Quote"):
        assert name in used, name
        assert document.styles[name].type == 1  # a paragraph style
    for name in ("Sender", "Recipient", "Letter Date", "Subject", "Closing", "Signature"):
        assert not document.styles[name].builtin  # defined by us, editable by name
    assert document.styles["Normal"].font.name == "Noto Sans"
    text = "\n".join(p.text for p in document.paragraphs)
    for needle in ("Siân Llŵyd", "Acme Data Brokers plc", "DSAR-2026-0042", letter.subject,
                   "(a)\tthe purposes"):
        assert needle in text
    assert "DSAR-2026-0042" in section.header.paragraphs[0].text
    labelled = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text[:3] for p in labelled] == [f"({c})" for c in "abcdefgh"]


def test_docx_heading_and_hostile_text(make_letter):
    document = docx.Document(io.BytesIO(render_docx(hostile_letter(make_letter))))
    assert any(p.style.name == "Heading 2" for p in document.paragraphs)
    text = flat("\n".join(p.text for p in document.paragraphs))
    for part in VISIBLE + ["😀"]:
        assert part in text
    assert "\x00" not in text and "\u202e" not in text


# ---------------------------------------------------------------- email


def parse(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def test_eml_reads_back(make_letter):
    letter = make_letter()
    data = render_eml(letter)
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    message = parse(data)
    assert message["To"] == "Acme Data Brokers plc <dpo@acme.example>"
    assert message["From"].addresses[0].addr_spec == "sian@example.org"
    assert message["Subject"] == f"{letter.subject} [DSAR-2026-0042]"
    assert message["Date"].datetime.date() == letter.date
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    body = message.get_content()
    assert "Siân Llŵyd" in body and "(a) the purposes" in body
    assert body.replace("\r\n", "\n") == render_text(letter, width=None)  # paragraphs unwrapped


def test_eml_to_argument_and_existing_reference(make_letter):
    letter = make_letter(subject="Request DSAR-2026-0042")
    message = parse(render_eml(letter, to="other@example.com"))
    assert message["To"] == "other@example.com"
    assert message["Subject"] == "Request DSAR-2026-0042"  # not repeated


def test_crlf_in_names_creates_no_headers(make_letter):
    letter = make_letter(
        sender=Party("Siân\r\nBcc: victim@example.com", (), "sian@example.org"),
        recipient=Party("Acme\nX-Injected: yes", (), "dpo@acme.example"),
        subject="Hello\r\nBcc: a@example.com", reference="R1\nCc: b@example.com")
    message = parse(render_eml(letter))
    assert message["Bcc"] is None and message["Cc"] is None and message["X-Injected"] is None
    assert len(message.get_all("To")) == 1 and len(message.get_all("Subject")) == 1
    assert "Bcc: a@example.com" in message["Subject"]  # kept as text, on one line


@pytest.mark.parametrize("bad", ["not-an-address", "a@b", "x@example.com\r\nBcc: y@e.com",
                                 "a@example.com, b@example.com", "<>", "a b@example.com"])
def test_invalid_to_raises(make_letter, bad):
    with pytest.raises(ValueError):
        render_email(make_letter(), to=bad)
    with pytest.raises(ValueError):
        render_email(make_letter(recipient=Party("Acme", (), bad)))


def test_email_without_any_address_is_a_draft(make_letter):
    message = render_email(make_letter(recipient=Party("Acme", ("1 Street",))))
    assert message["To"] is None and "DSAR-2026-0042" in message["Subject"]


def test_mailto_link_parses_back_whole(make_letter):
    letter = make_letter(long=True)
    link = mailto_link(letter)
    parsed = urllib.parse.urlsplit(link)
    assert parsed.scheme == "mailto" and parsed.path == "dpo@acme.example"
    query = urllib.parse.parse_qs(parsed.query, strict_parsing=True)
    assert set(query) == {"subject", "body"}
    assert query["subject"] == [f"{letter.subject} [DSAR-2026-0042]"]
    assert query["body"][0] == render_text(letter, width=None).replace("\n", "\r\n")  # whole, CRLF
    assert len(link) > 4000
    hostile = mailto_link(hostile_letter(make_letter), to="dpo@acme.example")
    assert "\n" not in hostile and " " not in hostile and "<" not in hostile
    assert mailto_link(make_letter(recipient=Party("Acme"))).startswith("mailto:?subject=")


# ---------------------------------------------------------------- text


def test_text_wraps_and_labels(make_letter):
    letter = make_letter(blocks=(
        Block("numbered", "Items:", items=("word " * 40, "short"), labels=("(a)", "(b)")),
        Block("numbered", items=("one", "two")),
        Block("bullets", items=("bullet " * 30,)),
        Block("paragraph", "para " * 50),
    ))
    text = render_text(letter)
    lines = text.splitlines()
    assert all(len(line) <= WIDTH for line in lines)
    assert "(a) word word" in text and "(b) short" in text
    first = lines.index(next(line for line in lines if line.startswith("(a) ")))
    assert lines[first + 1].startswith("    word")  # hanging indent under the text
    assert "1. one" in text and "2. two" in text
    bullet = lines.index(next(line for line in lines if line.startswith("- bullet")))
    assert lines[bullet + 1].startswith("  bullet")
    for needle in ("Siân Llŵyd", "Reference: DSAR-2026-0042", letter.subject,
                   "Dear Data Protection Officer,", "Yours faithfully,", "Enclosures",
                   "- Copy of my driving licence", "Aberystwyth, 26 November 2026"):
        assert needle in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_text_hostile_is_literal_and_clean(make_letter):
    text = render_text(hostile_letter(make_letter))
    for part in VISIBLE + ["😀"]:
        assert part in flat(text)
    assert not any(c in text for c in "\x00\x07\x1b\u202e\r")


def test_clean_text():
    assert clean_text("a\r\nb\rc") == "a\nb\nc"
    assert clean_text("tab\there\nline") == "tab\there\nline"
    assert clean_text("x\x00\x07\x1b\x7f\x85\x9fy") == "xy"
    assert clean_text("ab\u202ecd\u2066e") == "abcde"
    assert clean_text("Łódź ŵ ß 😀") == "Łódź ŵ ß 😀"
    assert clean_text(None) == ""
