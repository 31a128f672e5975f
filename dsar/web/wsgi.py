"""WSGI hygiene in front of Flask: a query string with raw bytes outside ASCII (which RFC 3986
forbids and browsers never send) has them percent-encoded before anyone reads it.

Werkzeug decodes the raw query as strict UTF-8 (``request.args``, ``request.full_path``), so
one raw byte 0xFF made every page, and the error page itself, fail with a 500. Percent-encoded
they decode like any other bad escape: to U+FFFD, which the forms then judge as text.
"""

from __future__ import annotations

import re

# WSGI carries the raw bytes as latin-1 characters (PEP 3333).
_RAW = re.compile(r"[^\x00-\x7f]")


class PercentEncodeQuery:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        query = environ.get("QUERY_STRING", "")
        if _RAW.search(query):
            environ["QUERY_STRING"] = _RAW.sub(lambda m: f"%{ord(m.group()):02X}", query)
        return self.app(environ, start_response)
