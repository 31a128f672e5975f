"""Reading a reply's files: each type sniffed from its bytes, text read out of PDF, Word and
email, hostile files never breaking anything, and ZIPs refused for what they could do."""

from __future__ import annotations

import io
import stat
import struct
import zipfile

import pytest

from dsar.replies import archive
from dsar.replies.extract import NO_TEXT, READ, UNREADABLE, extract
from dsar.requests.uploads import DOCX, EMAIL, UploadError, sniff
from tests.replies import samples
from tests.replies.zips import MB, bomb, zip_of
from tests.requests.hostile_files import cyclic_pdf, deeply_nested_pdf


@pytest.mark.parametrize(("name", "make", "expected"), [
    ("reply.pdf", samples.pdf, "application/pdf"),
    ("reply.docx", samples.word, DOCX),
    ("reply.eml", samples.email, EMAIL),
    ("reply.png", samples.png, "image/png"),
    ("export.zip", lambda: zip_of({"a.txt": b"x"}), "application/zip"),
    ("reply.txt", lambda: b"From our records: nothing.\nKind regards", "text/plain"),
    # A name that says otherwise changes nothing: the bytes decide.
    ("reply.pdf", samples.email, EMAIL),
])  # fmt: skip
def test_each_type_is_sniffed_from_its_bytes(name, make, expected):
    assert sniff(make(), name) == expected


def test_a_header_like_first_line_alone_is_not_an_email():
    assert sniff(b"From: our records\nwe hold nothing about you.", "x.txt") == "text/plain"
    assert sniff(b"Subject: access\nDate: today\n\nbody", "x.txt") == "text/plain"  # no From


def test_text_is_read_out_of_pdf_word_and_email():
    pdf = extract(samples.pdf("Your score on 3 March 2026 was 412."), "application/pdf")
    assert (pdf.status, pdf.text) == (READ, "Your score on 3 March 2026 was 412.")
    word = extract(samples.word("Recipients: Acme Lending Ltd."), DOCX)
    assert (word.status, word.text) == (READ, "Recipients: Acme Lending Ltd.\nRetention | 6 years")
    mail = extract(samples.email("Please find your data attached.", samples.pdf("Score: 412")), EMAIL)
    assert mail.status == READ
    assert mail.text == (
        "From: Data Protection Officer <dpo@experian.example>\nTo: sian@example.org\n"
        "Date: Mon, 28 Sep 2026 10:00:00 +0100\nSubject: Your subject access request EXP-1234\n\n"
        "Please find your data attached.\n\n--- your-data.pdf ---\nScore: 412")


def test_an_html_email_is_read_as_its_visible_text():
    html = (b"From: dpo@example.org\nSubject: Reply\nContent-Type: text/html; charset=utf-8\n\n"
            b"<html><style>p {color: red}</style><p>We hold <b>no</b> data.</p><p>Regards</p></html>")
    assert extract(html, EMAIL).text.split("\n")[-2:] == ["We hold no data.", "Regards"]


def test_images_and_hostile_files_give_no_text_and_never_raise():
    assert extract(samples.png(), "image/png").status == NO_TEXT
    assert extract(deeply_nested_pdf(), "application/pdf").status in (NO_TEXT, UNREADABLE)
    assert extract(cyclic_pdf(), "application/pdf").status in (NO_TEXT, UNREADABLE)
    assert extract(b"%PDF-1.7 garbage", "application/pdf").status == UNREADABLE
    assert extract(b"PK\x03\x04 not a word file", DOCX).status == UNREADABLE


def _refused(content: bytes) -> str:
    with pytest.raises(UploadError) as caught:
        archive.entries(content, "export.zip")
    return str(caught.value.args[0])


def test_an_ordinary_zip_is_opened():
    found = archive.entries(zip_of({"letter.txt": b"hello", "data/x.json": b"{}"}), "export.zip")
    assert [(e.name, e.content) for e in found] == [("letter.txt", b"hello"), ("data/x.json", b"{}")]


@pytest.mark.parametrize("name", ["../x.txt", "data/../../x.txt", "/etc/passwd", "C:/x.txt",
                                  "..\\x.txt"])
def test_entries_outside_the_folder_are_refused(name):
    assert _refused(zip_of({"ok.txt": b"ok", name: b"x"})) == (
        f"export.zip was refused: it contains a file that would be unpacked outside its folder ({name})")


def test_symlinks_encryption_and_too_many_entries_are_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        link = zipfile.ZipInfo("link")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    assert "outside its folder (link)" in _refused(buf.getvalue())
    many = zip_of({f"f{i}.txt": b"" for i in range(archive.MAX_ENTRIES + 1)})
    assert _refused(many) == ("export.zip holds more than 200 files: unpack it and send the files "
                              "you need")
    locked = bytearray(zip_of({"a.txt": b"secret"}))
    locked[6] |= 0x1  # the local header's flag: encrypted
    central = locked.rindex(b"PK\x01\x02")
    locked[central + 8] |= 0x1
    assert _refused(bytes(locked)) == "export.zip is protected by a password: unpack it and send the files"


def test_a_bomb_is_refused_by_its_declared_size():
    assert _refused(bomb()) == "export.zip was refused: unpacked, it would take more than 100 MB"


def test_a_lying_header_is_caught_while_reading():
    """The headers say 1 KB; the stream holds 30 MB. Reading stops at the declared size
    (Python's zipfile) and the archive is refused, never expanded in full."""
    content = bytearray(bomb(30 * MB))
    for offset, size_at in ((0, 22), (content.rindex(b"PK\x01\x02"), 24)):
        struct.pack_into("<I", content, offset + size_at, 1024)
    message = _refused(bytes(content))
    assert message in ("export.zip is a damaged ZIP file",
                       "export.zip was refused: unpacked, it would take more than 100 MB")


def test_a_file_over_20_mb_inside_is_refused_while_reading():
    assert _refused(bomb(30 * MB)) == "export.zip was refused: a file in it is larger than 20 MB"


def test_damaged_zip_is_refused():
    assert _refused(b"PK\x03\x04" + b"\x00" * 40) == "export.zip is a damaged ZIP file"
