"""Letter → editable Word document (python-docx).

The DOCX is the format a person or caseworker edits before sending, so everything is
done with named paragraph styles (change "Body Text" once and the whole letter follows)
rather than direct formatting. Like the PDF, it prints for a DL/C5 window envelope: the
recipient's lines sit in a frame fixed to the page at the window, the sender's in a frame
at the top right, and the letter's text starts below the window. The footer numbers the
pages ("Page 2 of 3", PAGE and NUMPAGES fields, which Word and LibreOffice fill in).
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .model import Block, Letter
from .pdf import page_label_parts
from .postal import window_lines
from .text import clean_text, list_markers, one_line

FONT = "Noto Sans"
FALLBACK_FONT = "Arial"  # what Word/LibreOffice should use where Noto Sans is missing
LIST_INDENT = Mm(9)
# The language each letter language is marked with (spelling, hyphenation): English and
# Welsh letters go to the UK first, as their dates do (compose.BABEL_LOCALES).
LANGUAGE_TAGS = {"en": "en-GB", "cy": "cy-GB", "de": "de-DE", "fr": "fr-FR", "es": "es-ES",
                 "it": "it-IT", "nl": "nl-NL", "pl": "pl-PL"}
# Where the post's window envelope (DL/C5, left window) shows the address, as in letter.css:
# 20 mm from the left edge, 47 mm from the top, 90 × 35 mm.
WINDOW_LEFT, WINDOW_TOP, WINDOW_WIDTH, WINDOW_HEIGHT = Mm(20), Mm(47), Mm(90), Mm(35)
SENDER_LEFT, SENDER_WIDTH = Mm(110), Mm(80)
PAGE_TOP_MARGIN = Mm(18)
TEXT_BELOW_MARGIN = Mm(85 - 18)  # the text starts 85 mm from the top edge

# name → (bold, alignment, space before pt, space after pt, keep with next)
_CUSTOM_STYLES = {
    "Sender": (False, WD_ALIGN_PARAGRAPH.RIGHT, 0, 0, True),
    "Recipient": (False, None, 0, 0, True),
    # The frames of the head are out of the text's flow: the date starts below the window.
    "Letter Date": (False, None, TEXT_BELOW_MARGIN.pt, 8, True),
    "Reference": (False, None, 0, 8, True),
    "Subject": (True, None, 4, 10, True),
    "Closing": (False, None, 10, 36, True),  # the space after is the signature space
    "Signature": (False, None, 0, 14, False),
    "Enclosures": (False, None, 0, 0, False),
}


def _set_font(style, size: float | None = None) -> None:
    style.font.name = FONT
    # font.name sets ascii/hAnsi only; set the other scripts too so Welsh, Polish and
    # any complex-script text stay in the same font.
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)
    if size:
        style.font.size = Pt(size)


def language_tag(locale: str) -> str:
    return LANGUAGE_TAGS.get(locale, locale.replace("_", "-"))


def _set_lang(rpr, tag: str) -> None:
    """Mark text with the letter's language so spelling/hyphenation use the right one."""
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)


def _set_document_lang(document, tag: str) -> None:
    """The language on the document's defaults (the template says en-US), on Normal, which
    every style here is based on, and in the settings Word reads for new text."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    _set_lang(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), tag)
    _set_lang(document.styles["Normal"].element.get_or_add_rPr(), tag)
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), tag)


def _add_font_fallback(document) -> None:
    """Declare Noto Sans in the font table with Arial as its alternative name.

    The font table is what Word and LibreOffice consult to substitute a missing font;
    ``w:altName`` and the "swiss" family steer them to a sans-serif (Arial) rather than
    a default serif. python-docx has no API for this part, so its XML is edited directly.
    """
    from lxml import etree

    for part in document.part.package.parts:
        if str(part.partname) != "/word/fontTable.xml":
            continue
        root = etree.fromstring(part.blob)
        font = etree.SubElement(root, qn("w:font"), {qn("w:name"): FONT})
        for tag, value in (("w:altName", FALLBACK_FONT), ("w:family", "swiss"),
                           ("w:pitch", "variable")):
            etree.SubElement(font, qn(tag), {qn("w:val"): value})
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                    standalone=True)


def _define_styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _set_font(normal, 10)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.15

    body = styles["Body Text"]
    _set_font(body, 10)
    body.paragraph_format.space_after = Pt(6)
    body.paragraph_format.widow_control = True

    for name, (bold, align, before, after, keep) in _CUSTOM_STYLES.items():
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True  # shown in Word's style gallery
        style.font.bold = bold
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after, fmt.keep_with_next = Pt(before), Pt(after), keep
        if align is not None:
            fmt.alignment = align

    for name in ("List Number", "List Bullet", "Quote", "Heading 2", "Header", "Footer"):
        _set_font(styles[name], 10)
        styles[name].base_style = normal
    heading = styles["Heading 2"]
    heading.font.bold, heading.font.italic = True, False
    heading.font.color.rgb = RGBColor(0, 0, 0)  # the default template's is blue
    heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(8), Pt(3)
    for name in ("List Number", "List Bullet"):
        styles[name].paragraph_format.space_after = Pt(2)
    quote = styles["Quote"]
    quote.font.italic = True
    quote.paragraph_format.left_indent = Mm(6)
    quote.paragraph_format.space_after = Pt(6)


def _no_numbering(paragraph) -> None:
    """numId 0 switches off the style's automatic numbering for this paragraph.

    Labelled lists carry their own "(a)", "(b)" as text (so the organisation can answer
    item by item and the label never renumbers when the letter is edited).
    """
    ppr = paragraph._p.get_or_add_pPr()
    numpr = OxmlElement("w:numPr")
    for tag in ("w:ilvl", "w:numId"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "0")
        numpr.append(element)
    ppr.append(numpr)


def _hanging(paragraph, indent=LIST_INDENT) -> None:
    fmt = paragraph.paragraph_format
    fmt.left_indent, fmt.first_line_indent = indent, -indent
    fmt.tab_stops.add_tab_stop(indent)


def _add_block(document, block: Block) -> None:
    if block.kind == "heading":
        document.add_paragraph(one_line(block.text), style="Heading 2")
        return
    if block.kind == "quote":
        document.add_paragraph(clean_text(block.text), style="Quote")
        return
    if block.kind not in ("numbered", "bullets"):
        document.add_paragraph(clean_text(block.text), style="Body Text")
        return
    if block.text:
        lead = document.add_paragraph(clean_text(block.text), style="Body Text")
        lead.paragraph_format.keep_with_next = True
    if block.kind == "bullets":
        for item in block.items:
            document.add_paragraph(clean_text(item), style="List Bullet")
        return
    for marker, item in zip(list_markers(block), block.items, strict=False):
        paragraph = document.add_paragraph(f"{marker}\t{clean_text(item)}", style="List Number")
        _no_numbering(paragraph)
        _hanging(paragraph)


def _frame(paragraph, left, top, width) -> None:
    """Fix the paragraph at a place on the page (w:framePr). Word and LibreOffice put
    consecutive paragraphs with the same frame properties in one frame; no text runs
    beside it, so a frame that grows pushes the letter down instead of covering it."""
    frame = OxmlElement("w:framePr")
    for name, value in (("w:w", width.twips), ("w:wrap", "notBeside"), ("w:hAnchor", "page"),
                        ("w:vAnchor", "page"), ("w:x", left.twips), ("w:y", top.twips)):
        frame.set(qn(name), str(value))
    # framePr follows pStyle in a paragraph's properties (the schema fixes their order).
    paragraph._p.get_or_add_pPr().get_or_add_pStyle().addnext(frame)


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """A field (PAGE, NUMPAGES) the word processor fills in; ``placeholder`` shows until then."""
    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


def _page_numbers(paragraph, label: str) -> None:
    """"Page X of Y" in the letter's language (its words around PAGE and NUMPAGES)."""
    (before, middle, after), order = page_label_parts(label)
    first, second = ("NUMPAGES", "PAGE") if order == "rev" else ("PAGE", "NUMPAGES")
    paragraph.add_run(before)
    _field(paragraph, first, "1")
    paragraph.add_run(middle)
    _field(paragraph, second, "1")
    paragraph.add_run(after)


def _head(document, letter: Letter) -> None:
    """Sender (top right) and recipient (in the envelope window), each in its frame."""
    sender = [one_line(letter.sender.name), *map(one_line, letter.sender.address)]
    if letter.sender.email:
        sender.append(one_line(letter.sender.email))
    for i, line in enumerate(x for x in sender if x):
        paragraph = document.add_paragraph(style="Sender")
        paragraph.add_run(line).bold = i == 0
        _frame(paragraph, SENDER_LEFT, PAGE_TOP_MARGIN, SENDER_WIDTH)
    for line in window_lines(letter.recipient):
        _frame(document.add_paragraph(one_line(line), style="Recipient"),
               WINDOW_LEFT, WINDOW_TOP, WINDOW_WIDTH)


def render_docx(letter: Letter) -> bytes:
    """The letter as a .docx file (bytes)."""
    document = Document()
    tag = language_tag(one_line(letter.locale) or "en")
    _define_styles(document)
    _set_document_lang(document, tag)
    _add_font_fallback(document)

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = PAGE_TOP_MARGIN, Mm(20)
    section.left_margin, section.right_margin = Mm(20), Mm(20)
    section.header_distance, section.footer_distance = Mm(8), Mm(8)
    header = section.header.paragraphs[0]
    header.text = one_line(f"{letter.reference_label}: {letter.reference}")
    header.style = document.styles["Header"]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _page_numbers(footer, one_line(letter.page_label))

    core = document.core_properties
    core.title = one_line(f"{letter.subject} – {letter.reference}")[:255]
    core.author = one_line(letter.sender.name)[:255]
    core.language = tag

    _head(document, letter)
    document.add_paragraph(clean_text(letter.place_date or letter.date_text),
                           style="Letter Date")
    document.add_paragraph(one_line(f"{letter.reference_label}: {letter.reference}"),
                           style="Reference")
    document.add_paragraph(clean_text(letter.subject), style="Subject")
    document.add_paragraph(clean_text(letter.salutation), style="Body Text")
    for block in letter.blocks:
        _add_block(document, block)
    document.add_paragraph(clean_text(letter.closing), style="Closing")
    document.add_paragraph(clean_text(letter.signature), style="Signature")

    if letter.enclosures:
        if letter.enclosures_heading:
            heading = document.add_paragraph(style="Enclosures")
            heading.add_run(one_line(letter.enclosures_heading)).bold = True
            heading.paragraph_format.keep_with_next = True
        for item in letter.enclosures:
            _hanging(document.add_paragraph(f"•\t{clean_text(item)}", style="Enclosures"),
                     Mm(5))

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
