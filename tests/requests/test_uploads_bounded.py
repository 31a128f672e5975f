"""Uploads are bounded (issue 9 item 4): images over the pixel limit are refused from their
header, before any pixel is decoded; a workspace has a file and byte quota; a hostile PDF
does not break the regulator bundle; bundles are built on disk, one per workspace at a time."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from dsar.requests.bundle import exclusive_build
from dsar.requests.models import DataRequest, Upload
from dsar.requests.services import find_workspace
from dsar.requests.uploads import WORKSPACE_MAX_BYTES, WORKSPACE_MAX_FILES
from tests.requests.conftest import record, submit
from tests.requests.hostile_files import bomb_png, cyclic_pdf, deeply_nested_pdf

ROOT = Path(__file__).resolve().parents[2]
PDF = deeply_nested_pdf(depth=1)  # an ordinary one-page PDF


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def _ready_for_the_regulator(client, clock, tracked, files=()):
    """Sent, an incomplete reply with ``files``, and a saved regulator draft."""
    clock.set("2026-10-01")
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    if files:
        response = record(client, tracked, "response_received", "2026-09-28",
                          completeness="partial", note="Only some of it", files=list(files))
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    response = submit(client, f"{tracked.url}/regulator",
                      {"what_happened": "They sent only part of my data.", "harm": ""})
    assert response.status_code == 200


def _uploads(app) -> list[Upload]:
    with app.extensions["dsar_sessions"]() as session:
        return list(session.scalars(select(Upload).order_by(Upload.id)))


def test_a_decompression_bomb_is_refused_and_memory_stays_bounded(app, client, clock, make_tracked,
                                                                 bootstrapped_instance):
    tracked = make_tracked()
    # A picture stored before the limit existed: 165 megapixels, just under twice Pillow's
    # default guard, so only a warning would stop it being decoded (~660 MB).
    small = io.BytesIO(bomb_png(10, 10))
    _ready_for_the_regulator(client, clock, tracked, files=[(small, "old scan.png")])
    stored = app.config["DSAR_SETTINGS"].instance_path / "uploads" / _uploads(app)[0].stored_name
    stored.write_bytes(bomb_png(15000, 11000))

    # The bomb is uploaded, and the bundle built, in a child process of its own, so that its
    # peak memory is measured without the rest of the test run.
    database = app.config["DSAR_SETTINGS"].database_url
    child = subprocess.run(
        [sys.executable, "-m", "tests.requests.memory_probe", str(app.instance_path), database,
         str(bootstrapped_instance.compiled_catalogs), clock.day.isoformat(), tracked.url],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.returncode == 0, child.stderr[-2000:]
    result = json.loads(child.stdout.strip().splitlines()[-1])
    assert result["upload_status"] == 400
    assert "scan.png is too large an image: it has more than 40 million pixels" in result["upload_page"]
    assert "Their scan</textarea>" in result["upload_page"]  # what was typed is kept
    assert result["bundle_status"] == 200 and result["page_status"] == 200
    print(f"peak memory {result['before_mb']:.0f} MB before, {result['after_mb']:.0f} MB after")
    assert result["after_mb"] < 500
    assert len(_uploads(app)) == 1  # the bomb was not stored


def test_a_hostile_pdf_travels_in_the_zip_with_a_note(client, clock, make_tracked):
    tracked = make_tracked()
    _ready_for_the_regulator(client, clock, tracked, files=[
        (io.BytesIO(deeply_nested_pdf()), "deep.pdf"), (io.BytesIO(cyclic_pdf()), "loop.pdf"),
        (io.BytesIO(PDF), "fine.pdf")])
    response = client.get(f"{tracked.url}/regulator/bundle.pdf")
    assert response.status_code == 200
    text = _pdf_text(response.data)
    assert "deep.pdf (in the ZIP file only)" in text and "loop.pdf (in the ZIP file only)" in text
    assert "fine.pdf" in text and "fine.pdf (in the ZIP file only)" not in text
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{tracked.url}/regulator/bundle.zip").data))
    originals = {re.sub(r"^correspondence/\d+-[\d-]+-", "", n): archive.read(n)
                 for n in archive.namelist() if n.startswith("correspondence/")}
    assert originals["deep.pdf"] == deeply_nested_pdf() and originals["loop.pdf"] == cyclic_pdf()


def test_the_workspace_quota_is_a_message_with_the_typed_values_kept(app, client, clock, make_tracked):
    tracked = make_tracked()
    clock.set("2026-10-01")
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    with app.extensions["dsar_sessions"]() as session:  # files kept by another request of it
        workspace = find_workspace(session, tracked.token)
        other = session.scalar(select(DataRequest).where(DataRequest.workspace_id == workspace.id))
        for n in range(WORKSPACE_MAX_FILES - 1):
            session.add(Upload(request_id=other.id, stored_name=f"{n:032x}", original_name="a.pdf",
                               media_type="application/pdf", size=1, sha256="0" * 64))
        session.commit()
    two = [(io.BytesIO(PDF), "one.pdf"), (io.BytesIO(PDF), "two.pdf")]
    response = record(client, tracked, "response_received", "2026-09-28", completeness="partial",
                      note="Two letters", files=two)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"These files would take this workspace over its limit of {WORKSPACE_MAX_FILES} files" in html
    assert "Two letters</textarea>" in html
    response = record(client, tracked, "response_received", "2026-09-28", completeness="partial",
                      files=[(io.BytesIO(PDF), "one.pdf")])
    assert response.status_code == 302  # the 200th file still fits


def test_the_workspace_byte_quota(app, client, clock, make_tracked):
    tracked = make_tracked()
    clock.set("2026-10-01")
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    with app.extensions["dsar_sessions"]() as session:
        request_id = session.scalar(select(DataRequest.id))
        session.add(Upload(request_id=request_id, stored_name="f" * 32, original_name="big.zip",
                           media_type="application/zip", size=WORKSPACE_MAX_BYTES - len(PDF) + 1,
                           sha256="0" * 64))
        session.commit()
    response = record(client, tracked, "response_received", "2026-09-28", completeness="partial",
                      files=[(io.BytesIO(PDF), "one.pdf")])
    assert response.status_code == 400
    assert "over its limit of 200 MB in all" in response.get_data(as_text=True)


def test_one_bundle_build_per_workspace_at_a_time(app, client, clock, make_tracked):
    tracked = make_tracked()
    _ready_for_the_regulator(client, clock, tracked)
    bundles = app.config["DSAR_SETTINGS"].instance_path / "bundles"
    with app.extensions["dsar_sessions"]() as session:
        workspace_id = find_workspace(session, tracked.token).public_id
    other = make_tracked()
    _ready_for_the_regulator(client, clock, other)
    with exclusive_build(bundles, workspace_id):  # a build of this workspace is running
        busy = client.get(f"{tracked.url}/regulator/bundle.zip")
        assert busy.status_code == 409 and busy.headers["Retry-After"]
        assert "Your complaint bundle is being prepared" in busy.get_data(as_text=True)
        assert client.get(f"{other.url}/regulator/bundle.pdf").status_code == 200  # not blocked
    done = client.get(f"{tracked.url}/regulator/bundle.pdf")
    assert done.status_code == 200 and "They sent only part of my data." in _pdf_text(done.data)
    # Built on disk in a scratch folder, which is gone once the file is sent.
    assert [p.name for p in bundles.iterdir() if not p.name.endswith(".lock")] == []
