"""Rendering a campaign's letters into an output folder, as small resumable chunks.

``OUT/letters/<reference>.pdf`` (one file per participant × target letter), then
``OUT/print.pdf`` and ``OUT/manifest.csv`` (render_output.py). The unit is the letter row:
its participant and target, and the participant's version (participants keep the version
they joined under, and their stored request carries it, so the letter is always composed
from that version's choices).

Exactly once, even after ``kill -9``:
- a letter is done when its file is in the folder AND its ``rendered_at`` is set. Each chunk
  renders into a temporary folder of its own beside ``letters/`` and moves each finished
  file into place with ``os.replace`` (atomic: a file under its final name is complete),
  then marks the row; two tasks rendering the same letter (a superseded one still running)
  each replace the same name, so there is still one file;
- ``plan`` (at the start and on every resume) compares the folder with the rows: a file
  without its mark (killed between the two) is marked, a mark without its file (another
  folder's run, or a deleted file) is cleared; the chunks then cover only the rows
  without a mark, so a rerun renders nothing new;
- the last chunk to finish writes the print file and the manifest, once (a status claim).

Run from a worker (the ``campaigns.render_chunk`` task, one process per chunk), from the
command line in its own process (``run_here``), or from a web process's background thread
when no worker runs — never forking there: ``workers=1`` renders in the calling thread.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from dsar import jobs
from dsar.campaigns import render_output
from dsar.campaigns.models import Campaign, CampaignLetter, Participant
from dsar.campaigns.render_model import TEMP_PREFIX, UNFINISHED, RenderRun, letter_file, letters_dir
from dsar.letters import bulk
from dsar.letters.compose import compose
from dsar.requests.models import DataRequest
from dsar.requests.services import letter_request

CHUNK_LETTERS = 50  # letters per task: a few seconds of work, so a killed worker loses little
def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _in_run(run: RenderRun):
    """The run's letters: its campaign's, up to the last one there was when it started."""
    return (select(CampaignLetter.id).join(Participant, Participant.id == CampaignLetter.participant_id)
            .where(Participant.campaign_id == run.campaign_id, CampaignLetter.id <= run.last_letter_id))


def start_run(session: Session, campaign: Campaign, out_dir: str | Path, *,
              chunk_size: int = CHUNK_LETTERS) -> tuple[RenderRun, list[list[int]]]:
    """A new run of every letter of ``campaign`` into ``out_dir`` (made if missing), and
    its chunks (letter ids) still to render. An unfinished earlier run of the campaign is
    superseded: its tasks stop. The caller commits, then enqueues or runs the chunks."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    session.execute(update(RenderRun).where(RenderRun.campaign_id == campaign.id,
                                            RenderRun.status.in_(UNFINISHED)).values(status="superseded"))
    last = session.scalar(select(func.max(CampaignLetter.id)).join(Participant).where(
        Participant.campaign_id == campaign.id)) or 0
    run = RenderRun(campaign_id=campaign.id, out_dir=str(Path(out_dir).resolve()), status="running",
                    generation=0, chunk_size=chunk_size, last_letter_id=last, total=0, skipped=0,
                    error="", started_at=_now())
    session.add(run)
    session.flush()
    run.total = session.scalar(select(func.count()).select_from(_in_run(run).subquery()))
    chunks = plan(session, run)
    run.skipped = run.total - sum(len(chunk) for chunk in chunks)
    return run, chunks


def plan(session: Session, run: RenderRun) -> list[list[int]]:
    """Match the rows to the files in the folder, start the run's next generation and
    return the ids still to render, in chunks. The caller commits."""
    letters_dir(run.out_dir).mkdir(parents=True, exist_ok=True)
    rows = session.execute(
        select(CampaignLetter.id, CampaignLetter.rendered_at, DataRequest.reference)
        .join(DataRequest, DataRequest.id == CampaignLetter.request_id)
        .where(CampaignLetter.id.in_(_in_run(run))).order_by(CampaignLetter.id)).all()
    pending, found, lost = [], [], []
    for letter_id, rendered_at, reference in rows:
        on_disk = letter_file(run.out_dir, reference).is_file()
        if on_disk and rendered_at is None:
            found.append(letter_id)
        elif not on_disk:
            pending.append(letter_id)
            if rendered_at is not None:
                lost.append(letter_id)
    for ids, value in ((found, _now()), (lost, None)):
        for start in range(0, len(ids), 500):
            session.execute(update(CampaignLetter).where(CampaignLetter.id.in_(ids[start:start + 500]))
                            .values(rendered_at=value))
    run.generation += 1
    run.status, run.error, run.finished_at = "running", "", None
    session.flush()
    return [pending[i:i + run.chunk_size] for i in range(0, len(pending), run.chunk_size)]


def _current(run_id: int, generation: int):
    return exists(select(RenderRun.id).where(RenderRun.id == run_id, RenderRun.status == "running",
                                             RenderRun.generation == generation))


def _is_current(session: Session, run_id: int, generation: int) -> bool:
    return bool(session.scalar(select(_current(run_id, generation))))


def render_chunk(session: Session, run_id: int, generation: int, letter_ids: list[int], *,
                 workers: int | None = 1, on_letter: Callable[[], None] | None = None) -> int:
    """Render those of ``letter_ids`` not yet rendered; the number rendered. Does nothing
    for a run that is no longer current; the chunk that completes the run finishes it."""
    run = session.get(RenderRun, run_id)
    if run is None or not _is_current(session, run_id, generation):
        return 0
    rows = session.execute(
        select(CampaignLetter.id, DataRequest)
        .join(DataRequest, DataRequest.id == CampaignLetter.request_id)
        .where(CampaignLetter.id.in_(letter_ids), CampaignLetter.id.in_(_in_run(run)),
               CampaignLetter.rendered_at.is_(None)).order_by(CampaignLetter.id)).all()
    count = 0
    if rows:
        try:
            count = _render_rows(session, run, generation, rows, workers, on_letter)
        except Exception as exc:
            session.rollback()
            _fail(session, run_id, generation, exc)
            raise
    finish_if_complete(session, run_id, generation)
    return count


def _render_rows(session, run, generation, rows, workers, on_letter) -> int:
    target_dir = letters_dir(run.out_dir)
    references = [request.reference for _id, request in rows]
    temp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=target_dir))
    count = 0
    try:
        composed = (compose(letter_request(request)) for _id, request in rows)
        for done in bulk.render_many(composed, temp, name=lambda i, _letter: f"{references[i]}.pdf",
                                     workers=workers, chunk_size=min(bulk.CHUNK_SIZE, len(rows))):
            os.replace(done.path, letter_file(run.out_dir, references[done.index]))
            marked = session.execute(
                update(CampaignLetter).where(CampaignLetter.id == rows[done.index][0],
                                             CampaignLetter.rendered_at.is_(None),
                                             _current(run.id, generation))
                .values(rendered_at=_now()).execution_options(synchronize_session=False)).rowcount
            session.commit()
            if not marked and not _is_current(session, run.id, generation):
                break  # superseded: the newer generation renders the rest
            count += marked
            if on_letter is not None:
                on_letter()
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return count


def _fail(session: Session, run_id: int, generation: int, exc: BaseException) -> None:
    # The error's kind and first line only: a letter's text never reaches the run's record.
    message = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:500]
    session.execute(update(RenderRun).where(RenderRun.id == run_id, RenderRun.generation == generation,
                                            RenderRun.status.in_(UNFINISHED))
                    .values(status="failed", error=message, finished_at=_now()))
    session.commit()


def finish_if_complete(session: Session, run_id: int, generation: int) -> bool:
    """Once every letter of the run is rendered, write the print file and the manifest
    (one task does: it claims the run by moving it to "finishing")."""
    run = session.get(RenderRun, run_id)
    pending = session.scalar(select(func.count()).select_from(CampaignLetter).where(
        CampaignLetter.id.in_(_in_run(run)), CampaignLetter.rendered_at.is_(None)))
    if pending:
        return False
    claimed = session.execute(update(RenderRun).where(
        RenderRun.id == run_id, RenderRun.status == "running", RenderRun.generation == generation)
        .values(status="finishing")).rowcount
    session.commit()
    if not claimed:
        return False
    try:
        pages = render_output.write_outputs(session, run)
    except Exception as exc:
        session.rollback()
        session.execute(update(RenderRun).where(RenderRun.id == run_id).values(
            status="failed", error=f"{type(exc).__name__}: {exc}"[:500], finished_at=_now()))
        session.commit()
        raise
    session.execute(update(RenderRun).where(RenderRun.id == run_id, RenderRun.status == "finishing")
                    .values(status="done", pages=pages, finished_at=_now()))
    session.commit()
    return True


# ---- the queue's tasks, and running a run's chunks without one ----

@jobs.job("campaigns.render_chunk")
def render_chunk_task(run_id: int, generation: int, letter_ids: list[int]) -> int:
    with jobs.session_factory()() as session:
        return render_chunk(session, run_id, generation, letter_ids)


@jobs.job("campaigns.finish_render")
def finish_task(run_id: int, generation: int) -> bool:
    with jobs.session_factory()() as session:
        return finish_if_complete(session, run_id, generation)


def enqueue_run(huey, run: RenderRun, chunks: list[list[int]]) -> None:
    """Hand a planned (and committed) run to the workers."""
    for chunk in chunks:
        jobs.enqueue(huey, "campaigns.render_chunk", run.id, run.generation, chunk)
    if not chunks:
        jobs.enqueue(huey, "campaigns.finish_render", run.id, run.generation)


def run_here(session: Session, run: RenderRun, chunks: list[list[int]], *, workers: int | None = 1,
             on_letter: Callable[[], None] | None = None) -> None:
    """Render a planned (and committed) run's chunks in this process."""
    generation = run.generation
    for chunk in chunks:
        render_chunk(session, run.id, generation, chunk, workers=workers, on_letter=on_letter)
    if not chunks:
        finish_if_complete(session, run.id, generation)


def run_in_background(sessions: Callable[[], Session], run_id: int, generation: int,
                      chunks: list[list[int]]) -> threading.Thread:
    """For a web process with no worker: render in a thread of its own, in that thread
    (bulk.render_many never forks outside the main thread; a request must not wait)."""

    def work() -> None:
        with sessions() as session:
            run = session.get(RenderRun, run_id)
            if run is not None and run.generation == generation:
                run_here(session, run, chunks)

    thread = threading.Thread(target=work, name=f"render-run-{run_id}", daemon=True)
    thread.start()
    return thread


def resume_unfinished(session: Session, huey) -> int:
    """At a worker's start: plan every unfinished run again (a killed worker's task is
    gone from the queue) and enqueue its chunks; the number of runs resumed."""
    runs = session.scalars(select(RenderRun).where(RenderRun.status.in_(UNFINISHED))).all()
    for run in runs:
        chunks = plan(session, run)
        session.commit()
        enqueue_run(huey, run, chunks)
    return len(runs)


@dataclass(frozen=True)
class Progress:
    status: str
    total: int
    done: int
    skipped: int
    pages: int | None
    error: str
    out_dir: str
    started_at: datetime
    finished_at: datetime | None

    @property
    def rendered(self) -> int:
        """Letters this run rendered (those already in the folder are ``skipped``)."""
        return self.done - self.skipped


def latest_run(session: Session, campaign_id: int) -> RenderRun | None:
    return session.scalar(select(RenderRun).where(RenderRun.campaign_id == campaign_id)
                          .order_by(RenderRun.id.desc()).limit(1))


def progress(session: Session, run: RenderRun) -> Progress:
    session.refresh(run)
    done = session.scalar(select(func.count()).select_from(CampaignLetter).where(
        CampaignLetter.id.in_(_in_run(run)), CampaignLetter.rendered_at.is_not(None)))
    return Progress(run.status, run.total, done, run.skipped, run.pages, run.error, run.out_dir,
                    run.started_at, run.finished_at)
