"""Request rate limits (Flask-Limiter), counted per client address.

The address is ``request.remote_addr``: behind a reverse proxy, ProxyFix (when configured)
has already replaced it with the client's. Counters live in memory by default
(one process); set DSAR_RATELIMIT_STORAGE_URL (e.g. redis://…) when several processes serve.
"""

from __future__ import annotations

import os

from flask import Flask, request
from flask_limiter import Limiter


def client_address() -> str:
    return request.remote_addr or "unknown"


limiter = Limiter(key_func=client_address, headers_enabled=False,
                  storage_uri=os.environ.get("DSAR_RATELIMIT_STORAGE_URL") or "memory://")


def init_app(app: Flask) -> None:
    limiter.init_app(app)
