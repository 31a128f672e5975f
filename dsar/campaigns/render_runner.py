"""``python run.py campaigns render SLUG --out DIR``: start a run, have it rendered, and show
its progress in the terminal until it is done.

A running worker (its heartbeat is recent) gets the chunks through the queue, and this
process only watches the counts in the database; with no worker, or once the worker has
stopped answering, this process renders what is left itself (forking its own render
processes: this is a command's main thread)."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy.orm import Session

from dsar import jobs
from dsar.campaigns import rendering, services
from dsar.campaigns.render_model import UNFINISHED, RenderRun
from dsar.commands.common import CommandError, database_session
from dsar.config import Settings, load_settings
from dsar.letters.pdf import RenderError

POLL_SECONDS = 1.0


def render_from_command_line(slug: str, out_dir: Path, chunk_size: int) -> rendering.Progress:
    """The finished run's counts; CommandError for what the user can fix."""
    from tqdm import tqdm

    settings = load_settings()
    if out_dir.exists() and not out_dir.is_dir():
        raise CommandError(f"--out must be a folder: {out_dir} is a file")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"cannot make the folder {out_dir}: {exc.strerror}") from None
    with database_session() as session:
        campaign = services.public_campaign(session, slug)
        if campaign is None:
            raise CommandError(f"unknown campaign {slug!r}")
        run, chunks = rendering.start_run(session, campaign, out_dir, chunk_size=chunk_size)
        session.commit()
        # disable=None: a bar on a terminal, nothing when the output is a file or a pipe.
        bar = tqdm(total=run.total, initial=run.skipped, unit="letter", disable=None)
        try:
            if jobs.worker_alive(settings):
                rendering.enqueue_run(jobs.queue(settings), run, chunks)
            else:
                _here(session, run, chunks, bar)
            state = _follow(session, settings, run, bar)
        finally:
            bar.close()
    if state.status == "failed":
        raise CommandError(f"rendering failed: {state.error}")
    if state.status == "superseded":
        raise CommandError("another render of this campaign started meanwhile; it carries on")
    return state


def _here(session: Session, run: RenderRun, chunks: list[list[int]], bar) -> None:
    try:
        rendering.run_here(session, run, chunks, workers=None, on_letter=bar.update)
    except RenderError as exc:
        raise CommandError(f"rendering failed: {exc}") from None


def _follow(session: Session, settings: Settings, run: RenderRun, bar) -> rendering.Progress:
    """Watch the run until it is no longer running; take it over if the worker goes."""
    while True:
        state = rendering.progress(session, run)
        bar.n = state.done
        bar.refresh()
        if state.status not in UNFINISHED:
            return state
        if jobs.worker_alive(settings):
            time.sleep(POLL_SECONDS)
            continue
        chunks = rendering.plan(session, run)  # a new generation: the queued chunks stand down
        session.commit()
        _here(session, run, chunks, bar)
