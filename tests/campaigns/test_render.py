"""Rendering a campaign's letters as background jobs (issue 14 item 4): 22 participants × 2
targets give 44 PDFs named by reference, a manifest of 44 rows and a print file holding
every letter (read back); a rerun renders nothing new; a worker killed with SIGKILL
mid-render and started again leaves every letter exactly once; the web button starts a
render and its page shows the counts; a read-only member cannot start one."""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from dsar import jobs
from dsar.campaigns import forms, joining, rendering
from dsar.campaigns.models import CampaignLetter
from dsar.campaigns.render_model import RenderRun
from dsar.config import PROJECT_ROOT, load_settings
from tests.conftest import TODAY, csrf_token

PARTICIPANTS = 22
REFERENCE = re.compile(r"(?:EXP|EQU)-[0-9A-Z]{4}-[0-9A-Z]{4}")


def _add_participants(session, campaign, count: int) -> list[str]:
    """``count`` people join through the join service; their letters' references."""
    references = []
    for n in range(count):
        result = forms.validate_join({"name": f"Person {n:02d} Llŵyd", "consent": "yes",
                                      "address": f"{n + 1} Heol y Frenhines\nCardiff\nCF10 1AA"})
        assert result.ok, result.errors
        joined = joining.join_campaign(session, campaign, result.cleaned["person"], share_named=False,
                                       today=TODAY, now=datetime(2026, 11, 26, 12, 0))
        references += [request.reference for request in joined.requests]
    session.commit()
    return references


@pytest.fixture
def shared_database(app, cli_runner, monkeypatch):
    """The command line (and a worker started from the test) on the app's database."""
    monkeypatch.setenv("DSAR_DATABASE_URL", app.config["DSAR_SETTINGS"].database_url)
    return cli_runner


@pytest.fixture
def crowd(campaign, db_session):
    return _add_participants(db_session, campaign, PARTICIPANTS)


def _manifest(out: Path) -> list[dict]:
    with (out / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _assert_every_letter_once(out: Path, references: list[str], *, read_print_file: bool = True) -> None:
    files = sorted(p.name for p in (out / "letters").iterdir())
    assert files == sorted(f"{ref}.pdf" for ref in references)  # no temporary file or folder left
    manifest = _manifest(out)
    assert sorted(row["reference"] for row in manifest) == sorted(references)
    if not read_print_file:
        return
    # The print file read back: each letter starts on a new sheet (an odd page count is
    # followed by a blank page), and the first page of each is the manifest's letter, so
    # every letter is in it exactly once.
    pages = PdfReader(out / "print.pdf").pages
    start = 0
    for row in manifest:
        assert REFERENCE.findall(pages[start].extract_text())[:1] == [row["reference"]], start
        start += int(row["pages"]) + int(row["pages"]) % 2
    assert start == len(pages)


def test_render_writes_letters_manifest_and_print_file_and_a_rerun_renders_nothing(
        shared_database, campaign, crowd, tmp_path, db_session):
    out = tmp_path / "out"
    result = shared_database("campaigns", "render", campaign.slug, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == f"rendered=44 skipped=0 total=44 out={out}"

    assert len(crowd) == 44
    _assert_every_letter_once(out, crowd)
    manifest = _manifest(out)
    assert list(manifest[0]) == ["reference", "participant", "organisation", "pages", "file"]
    # Each person's letters together, in the campaign's order of targets.
    assert [row["organisation"] for row in manifest[:4]] == [
        "Experian Ltd", "Equifax Ltd", "Experian Ltd", "Equifax Ltd"]
    assert manifest[0]["reference"] == crowd[0] and manifest[1]["reference"] == crowd[1]
    assert manifest[0]["participant"] == manifest[1]["participant"] != manifest[2]["participant"]
    assert "Llŵyd" not in (out / "manifest.csv").read_text(encoding="utf-8")  # ids, never names
    assert all(row["file"] == f"letters/{row['reference']}.pdf" for row in manifest)
    assert all(len(PdfReader(out / row["file"]).pages) == int(row["pages"]) for row in manifest)
    assert db_session.scalar(select(func.count()).where(CampaignLetter.rendered_at.is_not(None))) == 44

    again = shared_database("campaigns", "render", campaign.slug, "--out", str(out))
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[-1] == f"rendered=0 skipped=44 total=44 out={out}"
    _assert_every_letter_once(out, crowd, read_print_file=False)

    # A letter whose file went missing is rendered again, and only that one.
    (out / "letters" / f"{crowd[5]}.pdf").unlink()
    third = shared_database("campaigns", "render", campaign.slug, "--out", str(out))
    assert third.output.splitlines()[-1] == f"rendered=1 skipped=43 total=44 out={out}"
    _assert_every_letter_once(out, crowd, read_print_file=False)


def test_render_bad_input_is_one_line_and_exit_2(shared_database, campaign, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    for args, message in [
        (("nobody-xyz", "--out", str(tmp_path / "o")), "error: unknown campaign 'nobody-xyz'"),
        ((campaign.slug, "--out", str(a_file)), f"error: --out must be a folder: {a_file} is a file"),
    ]:
        result = shared_database("campaigns", "render", *args)
        assert result.exit_code == 2
        assert result.output.splitlines() == [message]


def _worker(env: dict, log: Path) -> subprocess.Popen:
    """``python run.py worker`` in a process group of its own (its task processes with it)."""
    with log.open("ab") as output:
        return subprocess.Popen([sys.executable, str(PROJECT_ROOT / "run.py"), "worker"], env=env,
                                cwd=PROJECT_ROOT, stdout=output, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _wait_for(condition, what: str, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_mid_render_and_restarted_leaves_every_letter_once(
        shared_database, campaign, crowd, tmp_path, db_session):
    out = tmp_path / "out"
    settings = load_settings()
    run, chunks = rendering.start_run(db_session, campaign, out, chunk_size=4)
    db_session.commit()
    rendering.enqueue_run(jobs.queue(settings), run, chunks)
    assert len(chunks) == 11

    def rendered() -> int:
        db_session.expire_all()
        return db_session.scalar(select(func.count()).where(CampaignLetter.rendered_at.is_not(None)))

    env, log = dict(os.environ), tmp_path / "worker.log"
    worker = _worker(env, log)
    try:
        _wait_for(lambda: rendered() >= 6, "some letters rendered")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    killed_at = rendered()
    assert 6 <= killed_at < 44

    worker = _worker(env, log)
    try:
        _wait_for(lambda: db_session.scalar(select(RenderRun.status).where(RenderRun.id == run.id)
                                            .execution_options(populate_existing=True)) == "done",
                  "the run to finish")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
    assert rendered() == 44
    # Each worker's start planned the run again (generations 2 and 3 after the first): the
    # chunks still queued from before stood down rather than render a letter a second time.
    assert db_session.scalar(select(RenderRun.generation).where(RenderRun.id == run.id)) == 3
    _assert_every_letter_once(out, crowd)
    assert len(_manifest(out)) == 44

    again = shared_database("campaigns", "render", campaign.slug, "--out", str(out))
    assert again.output.splitlines()[-1] == f"rendered=0 skipped=44 total=44 out={out}"


def _render_page(client, slug: str) -> str:
    response = client.get(f"/t/leeds-debt-advice/campaigns/{slug}/render")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _start(client, slug: str):
    token = csrf_token(client.get(f"/t/leeds-debt-advice/campaigns/{slug}").get_data(as_text=True))
    return client.post(f"/t/leeds-debt-advice/campaigns/{slug}/render", data={"csrf_token": token})


@pytest.fixture
def queue_here(app):
    """Tasks run by this test process (as a worker would) on the app's database."""
    jobs.set_session_factory(app.extensions["dsar_sessions"])
    yield jobs.queue(app.config["DSAR_SETTINGS"])
    jobs.set_session_factory(None)
    jobs.silence(app.config["DSAR_SETTINGS"])


def test_the_button_enqueues_and_the_page_shows_progress_then_the_files(
        app, world, campaign, db_session, queue_here):
    references = _add_participants(db_session, campaign, 2)
    slug = campaign.slug
    assert f"/campaigns/{slug}/render" in world.reader.get(
        f"/t/leeds-debt-advice/campaigns/{slug}").get_data(as_text=True)
    # Read-only: sees the page, cannot start a render or download.
    assert "Make the letters" not in _render_page(world.reader, slug)
    assert _start(world.reader, slug).status_code == 403
    assert db_session.scalar(select(func.count()).select_from(RenderRun)) == 0

    jobs.beat(app.config["DSAR_SETTINGS"])  # a worker is running: the button enqueues
    response = _start(world.worker, slug)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/t/leeds-debt-advice/campaigns/{slug}/render"
    page = _render_page(world.worker, slug)
    assert '<div id="render-live" data-poll="5">' in page  # app.js fetches the counts again
    assert "http-equiv" not in page  # never a reload on a timer (WCAG 2.2.1)
    assert "0 of 4 letters made" in page
    assert '<progress id="render-progress" max="4" value="0">' in page
    assert "Download the print file" not in page

    assert jobs.run_pending(queue_here) == 1  # one chunk of four letters
    page = _render_page(world.worker, slug)
    assert "data-poll" not in page
    assert "4 of 4 letters made" in page
    assert "4 made in this run, 0 already there" in page
    printed = world.worker.get(f"/t/leeds-debt-advice/campaigns/{slug}/render/print.pdf")
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    out = app.config["DSAR_SETTINGS"].instance_path / "campaign-renders" / campaign.public_id
    assert printed.data == (out / "print.pdf").read_bytes()
    _assert_every_letter_once(out, references)
    manifest = world.worker.get(f"/t/leeds-debt-advice/campaigns/{slug}/render/manifest.csv")
    assert manifest.data.decode().splitlines()[0] == "reference,participant,organisation,pages,file"
    assert world.reader.get(f"/t/leeds-debt-advice/campaigns/{slug}/render/print.pdf").status_code == 403
    assert world.worker.get(f"/t/leeds-debt-advice/campaigns/{slug}/render/secret_key").status_code == 404

    # No worker now: the web process renders in a thread of its own; only the new letters.
    jobs.silence(app.config["DSAR_SETTINGS"])
    references += _add_participants(db_session, campaign, 1)
    assert _start(world.admin, slug).status_code == 302
    page = _wait_for(lambda: (lambda p: "data-poll" not in p and p)(_render_page(world.admin, slug)),
                     "the background render")
    assert "6 of 6 letters made" in page
    assert "2 made in this run, 4 already there" in page
    _assert_every_letter_once(out, references)
