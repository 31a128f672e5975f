"""Rate limits (Flask-Limiter). In memory by default — right for one process; several
processes share limits through ``DSAR_RATELIMIT_STORAGE_URL`` (e.g. redis://…)."""

from __future__ import annotations

import os

from flask import request
from flask_limiter import Limiter


def client_address() -> str:
    """The client's address as the app sees it (ProxyFix corrects it behind a proxy)."""
    return request.remote_addr or "unknown"


limiter = Limiter(
    key_func=client_address,
    storage_uri=os.environ.get("DSAR_RATELIMIT_STORAGE_URL", "memory://"),
    default_limits=[],
    headers_enabled=False,
)
