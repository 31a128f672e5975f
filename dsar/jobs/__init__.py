"""The job queue: long work (rendering a campaign's letters) as small idempotent tasks.

Huey, configured here and nowhere else: SQLite-backed (``instance/jobs.sqlite3``) by
default, Redis when ``DSAR_REDIS_URL`` is set (the ``redis`` extra). ``python run.py worker``
consumes the queue (dsar/jobs/worker.py); where no worker runs, the caller does the work
itself (see ``worker_alive``), so a laptop needs none.

Tasks are plain functions registered with ``@job("name")`` in the modules of
``TASK_MODULES``; each queue built by ``queue()`` registers every one under its name, so the
web app, the command line and the worker agree on names without importing each other. A
task's arguments are ids and numbers only (never personal data or credentials: a queue may
live in Redis), and a task finds its database through ``session_factory()``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Huey is imported when a queue is built, not when this module is
    from huey import Huey

    from dsar.config import Settings

# The modules that define tasks (imported when a queue is built).
TASK_MODULES = ("dsar.campaigns.rendering",)
HEARTBEAT_KEY = "dsar:worker-heartbeat"
# A worker writes its heartbeat every BEAT_EVERY seconds; one not heard from for STALE_AFTER
# seconds is taken to be gone (killed, or stopped without saying so).
BEAT_EVERY = 5
STALE_AFTER = 30

_TASKS: dict[str, Callable[..., Any]] = {}
_QUEUES: dict[tuple[str, str], Huey] = {}
_session_factory: Callable[[], Any] | None = None


def job(name: str):
    """Register ``func`` as the task ``name`` (enqueued with ``enqueue(queue, name, …)``)."""

    def register(func):
        _TASKS[name] = func
        return func

    return register


def redis_url() -> str:
    return os.environ.get("DSAR_REDIS_URL", "").strip()


def make_huey(settings: Settings) -> Huey:
    """A new Huey on the configured storage (no tasks registered: see ``queue``)."""
    url = redis_url()
    if url:
        from huey import RedisHuey

        return RedisHuey("dsar", url=url, results=False)
    from huey import SqliteHuey

    return SqliteHuey("dsar", filename=str(settings.instance_path / "jobs.sqlite3"), results=False)


def queue(settings: Settings) -> Huey:
    """This process's queue for ``settings``, with every task registered."""
    import importlib

    key = (str(settings.instance_path), redis_url())
    if key not in _QUEUES:
        for module in TASK_MODULES:
            importlib.import_module(module)
        huey = make_huey(settings)
        huey.dsar_tasks = {name: huey.task(name=name)(func) for name, func in _TASKS.items()}
        _QUEUES[key] = huey
    return _QUEUES[key]


def enqueue(huey: Huey, name: str, *args) -> None:
    huey.dsar_tasks[name](*args)


def run_pending(huey: Huey) -> int:
    """Run the tasks waiting in the queue in this process, oldest first, until none is
    left (what a worker does, without one); the number run."""
    count = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        count += 1
    return count


def set_session_factory(factory: Callable[[], Any] | None) -> None:
    """The database a task uses in this process (default: the configured one)."""
    global _session_factory
    _session_factory = factory


def session_factory() -> Callable[[], Any]:
    global _session_factory
    if _session_factory is None:
        from dsar.config import load_settings
        from dsar.db import make_engine, make_session_factory

        _session_factory = make_session_factory(make_engine(load_settings().database_url))
    return _session_factory


def beat(settings: Settings, now: float | None = None) -> None:
    """Say that a worker is running. Through storage of its own, opened and closed here: the
    worker's main thread forks its task processes, which must inherit no open connection."""
    huey = make_huey(settings)
    try:
        huey.put(HEARTBEAT_KEY, time.time() if now is None else now)
    finally:
        huey.storage.close()


def silence(settings: Settings) -> None:
    """A worker that stops says so: the next render does not wait for it."""
    huey = make_huey(settings)
    try:
        huey.delete(HEARTBEAT_KEY)
    finally:
        huey.storage.close()


def worker_alive(settings: Settings, now: float | None = None) -> bool:
    """Whether a worker wrote its heartbeat in the last STALE_AFTER seconds."""
    huey = make_huey(settings)
    try:
        last = huey.get(HEARTBEAT_KEY, peek=True)
    finally:
        huey.storage.close()
    return last is not None and (time.time() if now is None else now) - float(last) < STALE_AFTER
