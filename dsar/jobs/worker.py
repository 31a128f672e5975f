"""The worker: Huey's consumer with task processes, a heartbeat, and a resume at start.

At start it plans every unfinished rendering run again and enqueues what is missing: a
task a killed worker had taken from the queue is gone with it, and the run's new
generation makes any of its chunks still queued stand down (dsar/campaigns/rendering.py).
Then it consumes the queue with ``workers`` processes (real parallel rendering: each task
renders in its own process's main thread) and, from the consumer's main loop, writes its
heartbeat every few seconds, so that ``campaigns render`` and the web page know whether
to hand work to it or do it themselves. A clean stop (Ctrl-C, SIGTERM) removes the
heartbeat."""

from __future__ import annotations

import logging
import time

from huey.consumer import Consumer

from dsar import jobs
from dsar.config import Settings

log = logging.getLogger(__name__)


class _BeatingConsumer(Consumer):
    """Writes the heartbeat from the consumer's own loop (its main thread: no extra thread
    whose locks a forked task process could inherit)."""

    def __init__(self, huey, settings: Settings, **options) -> None:
        super().__init__(huey, **options)
        self._settings = settings
        self._beat_at = 0.0

    def loop(self, health_check_ts=None):
        now = time.monotonic()
        if now - self._beat_at >= jobs.BEAT_EVERY:
            self._beat_at = now
            try:
                jobs.beat(self._settings)
            except Exception as exc:  # a busy queue database: beat again next time
                log.warning("worker heartbeat not written: %s", type(exc).__name__)
        return super().loop(health_check_ts)


def run_worker(settings: Settings, workers: int = 1) -> None:
    """Resume unfinished runs, then consume the queue until stopped."""
    from dsar.campaigns.rendering import resume_unfinished
    from dsar.db import make_engine, make_session_factory

    huey = jobs.queue(settings)
    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as session:
        resumed = resume_unfinished(session, huey)
    # Nothing open when the task processes are forked: each opens its own connections.
    engine.dispose()
    huey.storage.close()
    log.info("worker: %d unfinished run(s) resumed", resumed)
    jobs.beat(settings)
    consumer = _BeatingConsumer(huey, settings, workers=workers, worker_type="process",
                                periodic=False, check_worker_health=True)
    try:
        consumer.run()
    finally:
        jobs.silence(settings)
