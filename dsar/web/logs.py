"""Keep secrets and personal data out of every log record.

A workspace link (/w/<token>) is the only key to a person's letters, and an exception message
may quote what a person typed (an email address). Records are redacted where they are
created (Flask's app logger, werkzeug's access log) and where they are written (each handler
of the root logger), and Flask's "Exception on …" line names the URL rule, not the path."""

from __future__ import annotations

import logging
import re
import types

from flask import Flask, request

REDACTED = "[redacted]"
_SECRET_LINK = re.compile(r"/w/[^/\s?#\"'<>]+")
_SECRET_QUERY = re.compile(r"([?&](?:token|key|secret)=)[^&\s\"'#]+", re.IGNORECASE)
# Loose on purpose: anything shaped like an address, including unusual local parts.
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str) -> str:
    text = _SECRET_LINK.sub(f"/w/{REDACTED}", text)
    text = _SECRET_QUERY.sub(rf"\g<1>{REDACTED}", text)
    return _EMAIL.sub("[email]", text)


class RedactSecrets(logging.Filter):
    """Rewrite a record's message and exception text, redacted, before any handler formats it.

    The exception is formatted here once (into ``exc_text``, which every logging.Formatter
    prints as is) and ``exc_info`` dropped, so no handler can print the raw message again."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: keep what we can, redacted
            message = f"{record.msg} {record.args}"
        record.msg, record.args = redact(message), None
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _log_exception(app: Flask, exc_info) -> None:
    """Flask's default names ``request.path``, which holds the secret token."""
    rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
    app.logger.error(f"Exception on {rule} [{request.method}]", exc_info=exc_info)


def init_logging(app: Flask) -> None:
    redactor = RedactSecrets()
    # Logger filters see records created on that logger; handler filters see every record
    # that reaches the handler, from any library.
    for logger in (app.logger, logging.getLogger("werkzeug")):
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(redactor)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactSecrets) for f in handler.filters):
            handler.addFilter(redactor)
    app.log_exception = types.MethodType(_log_exception, app)
