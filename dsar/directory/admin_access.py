"""Who may use the reviewers' pages: sessions kept on the server (so signing out really ends
them) and a lockout for a client that keeps sending wrong tokens. Plain functions over a
database session and plain values; the views in admin.py call them."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dsar.directory.models import AdminLoginFailure, AdminSession

SESSION_LIFETIME = timedelta(hours=12)
# Ten wrong tokens within fifteen minutes lock the client out until the oldest of them is
# fifteen minutes old. The per-minute rate limit on the form slows guessing before that.
LOCKOUT_FAILURES = 10
LOCKOUT_WINDOW = timedelta(minutes=15)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def client_key(secret: str, address: str) -> str:
    """A keyed hash of the client's address: failures are counted without storing it."""
    return hmac.new(secret.encode(), b"admin-login:" + (address or "unknown").encode(),
                    hashlib.sha256).hexdigest()


def start_session(session: Session, now: datetime) -> str:
    """A new signed-in session; returns the random id for the cookie (only its hash is kept)."""
    session.execute(delete(AdminSession).where(AdminSession.created_at < now - SESSION_LIFETIME))
    session_id = secrets.token_urlsafe(32)
    session.add(AdminSession(id_hash=_digest(session_id), created_at=now))
    return session_id


def session_active(session: Session, session_id: str, now: datetime) -> bool:
    if not session_id:
        return False
    started = session.scalar(select(AdminSession.created_at)
                             .where(AdminSession.id_hash == _digest(session_id)))
    return started is not None and started >= now - SESSION_LIFETIME


def end_session(session: Session, session_id: str) -> None:
    if session_id:
        session.execute(delete(AdminSession).where(AdminSession.id_hash == _digest(session_id)))


def locked_minutes(session: Session, client: str, now: datetime) -> int:
    """How many more minutes the client is locked out for (0: not locked)."""
    recent = list(session.scalars(
        select(AdminLoginFailure.failed_at)
        .where(AdminLoginFailure.client_hash == client,
               AdminLoginFailure.failed_at > now - LOCKOUT_WINDOW)
        .order_by(AdminLoginFailure.failed_at.desc()).limit(LOCKOUT_FAILURES)))
    if len(recent) < LOCKOUT_FAILURES:
        return 0
    unlocked_at = recent[-1] + LOCKOUT_WINDOW
    return max(1, math.ceil((unlocked_at - now).total_seconds() / 60))


def record_failure(session: Session, client: str, now: datetime) -> None:
    session.execute(delete(AdminLoginFailure).where(AdminLoginFailure.failed_at <= now - LOCKOUT_WINDOW))
    session.add(AdminLoginFailure(client_hash=client, failed_at=now))


def clear_failures(session: Session, client: str) -> None:
    session.execute(delete(AdminLoginFailure).where(AdminLoginFailure.client_hash == client))

