"""python run.py worker [--workers N]"""

from __future__ import annotations

import click

from dsar.commands.common import one_line_errors


@click.command("worker")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Task processes (each renders one chunk of letters at a time).")
@one_line_errors()
def worker_command(workers: int) -> None:
    """Run the background jobs (rendering campaigns' letters) until stopped."""
    import logging

    from dsar.bootstrap import bootstrap
    from dsar.config import load_settings
    from dsar.jobs.worker import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(processName)s %(message)s")
    settings = load_settings()
    bootstrap(settings)
    run_worker(settings, workers)
