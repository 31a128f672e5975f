"""File sniffing, the tracking migration, and the rule that status is never stored."""

from __future__ import annotations

import io
import zipfile

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from PIL import Image
from sqlalchemy import inspect

from dsar.db import alembic_config, make_engine, upgrade
from dsar.requests.uploads import clean_filename, sniff


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


def zipped() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("data.csv", "a,b\n1,2\n")
    return out.getvalue()


@pytest.mark.parametrize(("content", "name", "expected"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "x.bin", "application/pdf"),
    (png(), "photo.pdf", "image/png"),  # the bytes decide, not the name
    (zipped(), "export.zip", "application/zip"),
    ("name,score\nSiân,412\n".encode(), "scores.csv", "text/csv"),
    ("name;score\r\nSiân;412\r\n".encode("cp1252"), "scores.csv", "text/csv"),
    (b"just one line of prose, with a comma", "notes.csv", "text/plain"),
    (b'{"a": [1, 2]}', "x.txt", "application/json"),
    (b"\xef\xbb\xbfDear Ms Llwyd,\nplease find", "letter.txt", "text/plain"),
    (b"MZ\x90\x00\x03\x00\x00\x00", "reply.pdf", None),  # a Windows program
    (b"\x7fELF\x02\x01\x01", "reply.txt", None),
    (b"text with a \x00 NUL", "a.txt", None),
    (b"", "empty.txt", None),
])
def test_sniff(content, name, expected):
    assert sniff(content, name) == expected


def test_clean_filename():
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("C:\\Users\\me\\reply.pdf") == "reply.pdf"
    assert clean_filename("a\u202eb\x00.pdf") == "ab.pdf"
    assert clean_filename("") == "file"
    long = clean_filename("x" * 300 + ".pdf")
    assert len(long) <= 120 and long.endswith(".pdf")


def test_one_migration_head_and_a_clean_downgrade(tmp_path, databases):
    engine = make_engine(databases.url(tmp_path / "m.sqlite3"))
    config = alembic_config(engine)
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"upload", "sent_reminder"} <= tables
    command.downgrade(config, "0004-1")
    inspector = inspect(engine)
    assert "upload" not in inspector.get_table_names()
    assert "supersedes_id" not in {c["name"] for c in inspector.get_columns("event")}
    upgrade(engine)
    assert "supersedes_id" in {c["name"] for c in inspect(engine).get_columns("event")}


def test_status_and_due_date_are_not_stored(tmp_path, databases):
    engine = make_engine(databases.url(tmp_path / "s.sqlite3"))
    upgrade(engine)
    inspector = inspect(engine)
    for table in ("request", "event", "workspace"):
        columns = {c["name"] for c in inspector.get_columns(table)}
        assert not columns & {"status", "due", "due_on", "days_left", "state"}, table
