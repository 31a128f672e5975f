"""Error pages: GOV.UK-style explanations, never a traceback. A database that is busy for
longer than its lock timeout is a "try again in a moment" (503), not a failure (500)."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

# Seconds a client should wait before retrying when the database is busy.
RETRY_AFTER = 5
# PostgreSQL: lock_not_available (lock_timeout), deadlock_detected, serialization_failure —
# all mean "another transaction was in the way; the same request will work again".
_BUSY_SQLSTATES = frozenset({"55P03", "40P01", "40001"})
# SQLite: another connection holds the write lock beyond busy_timeout.
_BUSY_MESSAGES = ("database is locked", "database table is locked")


def database_busy(exc: OperationalError) -> bool:
    driver_error = exc.orig
    code = getattr(driver_error, "pgcode", None) or getattr(driver_error, "sqlstate", None)
    return code in _BUSY_SQLSTATES or any(m in str(driver_error) for m in _BUSY_MESSAGES)


def _page(code: int, reason: str):
    return render_template("errors/error.html", code=code, reason=reason), code


def register_error_pages(app: Flask) -> None:
    app.register_error_handler(CSRFError, lambda exc: _page(400, "csrf"))
    app.register_error_handler(404, lambda exc: _page(404, "not_found"))
    app.register_error_handler(405, lambda exc: _page(405, "not_allowed"))
    app.register_error_handler(413, lambda exc: _page(413, "too_large"))
    app.register_error_handler(429, lambda exc: _page(429, "too_many"))
    app.register_error_handler(500, lambda exc: _page(500, "server"))

    @app.errorhandler(OperationalError)
    def busy(exc: OperationalError):
        if not database_busy(exc):
            raise exc  # a real failure: logged (redacted) and answered by the 500 page
        body, code = _page(503, "busy")
        return body, code, {"Retry-After": str(RETRY_AFTER)}
