"""Reminder emails by double opt-in (issue 9 item 2).

Anyone holding a workspace link can type any address, so an address is only *pending* until
its owner follows the link in the one confirmation email it gets; the reminder job writes to
confirmed addresses only. Confirmation emails are limited per address, per workspace and per
client, counted from the rows of ``reminder_confirmation`` (one per email sent), so that the
form cannot be used to flood somebody's inbox.

The link's token is stored as its SHA-256 only; addresses and client IP addresses are stored
as keyed hashes (HMAC with the app's secret key), enough to count and nothing more.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from dsar.requests.models import ReminderConfirmation, Workspace, hash_token

CONFIRMATION_VALID_DAYS = 7
PER_ADDRESS_PER_DAY = 3
PER_WORKSPACE_PER_DAY = 5
PER_CLIENT_PER_HOUR = 10
# A row outlives every counting window and every link by then: it is deleted.
_FORGET_AFTER = timedelta(days=CONFIRMATION_VALID_DAYS + 1)


def keyed_hash(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def address_key(secret: str, address: str) -> str:
    """The same inbox however its address is capitalised."""
    return keyed_hash(secret, "address\0" + address.strip().lower())


def client_key(secret: str, client_address: str) -> str:
    return keyed_hash(secret, "client\0" + (client_address or "unknown"))


def _count(session: Session, *where) -> int:
    return session.scalar(select(func.count()).select_from(ReminderConfirmation).where(*where)) or 0


def _limit_reached(session: Session, row: ReminderConfirmation, now: datetime) -> str | None:
    """Which limit this (already added) email goes over: "address", "workspace", "client"."""
    day, hour = now - timedelta(days=1), now - timedelta(hours=1)
    sent_since = ReminderConfirmation.sent_at > day
    if _count(session, ReminderConfirmation.address_hash == row.address_hash,
              sent_since) > PER_ADDRESS_PER_DAY:
        return "address"
    if _count(session, ReminderConfirmation.workspace_id == row.workspace_id,
              sent_since) > PER_WORKSPACE_PER_DAY:
        return "workspace"
    if _count(session, ReminderConfirmation.client_hash == row.client_hash,
              ReminderConfirmation.sent_at > hour) > PER_CLIENT_PER_HOUR:
        return "client"
    return None


def claim_confirmation(session: Session, workspace: Workspace, *, address: str, client: str,
                       secret: str, now: datetime) -> tuple[str, str | None]:
    """Record one confirmation email about to be sent: returns (link token, None), or
    ("", the limit reached) and records nothing.

    The row is inserted before counting and committed before the email goes out, so that
    requests arriving together count each other (the insert takes the database's write lock
    on SQLite). If the email then cannot be sent, ``release_confirmation`` removes it again.
    """
    session.execute(delete(ReminderConfirmation).where(
        ReminderConfirmation.sent_at < now - _FORGET_AFTER))
    token = secrets.token_urlsafe(32)
    row = ReminderConfirmation(
        workspace_id=workspace.id, token_hash=hash_token(token),
        address_hash=address_key(secret, address), client_hash=client_key(secret, client),
        sent_at=now, expires_at=now + timedelta(days=CONFIRMATION_VALID_DAYS))
    session.add(row)
    session.flush()
    reached = _limit_reached(session, row, now)
    if reached:
        session.rollback()
        return "", reached
    session.commit()
    return token, None


def release_confirmation(session: Session, token: str) -> None:
    """The email was not sent after all: it counts for nothing and its link is void."""
    session.execute(delete(ReminderConfirmation).where(
        ReminderConfirmation.token_hash == hash_token(token)))
    session.commit()


def _close_open_links(session: Session, workspace: Workspace, now: datetime, *,
                      keep: str = "") -> None:
    session.execute(update(ReminderConfirmation).where(
        ReminderConfirmation.workspace_id == workspace.id,
        ReminderConfirmation.closed_at.is_(None),
        ReminderConfirmation.token_hash != keep,
    ).values(closed_at=now))


def start_opt_in(session: Session, workspace: Workspace, *, address: str, locale: str,
                 token: str, now: datetime) -> None:
    """The confirmation email for ``address`` has gone out: the address is pending (no
    reminders yet), and every earlier link of this workspace is void."""
    _close_open_links(session, workspace, now, keep=hash_token(token))
    workspace.reminder_email = address
    workspace.reminder_locale = locale
    workspace.reminders_consented_at = None


def find_confirmation(session: Session, token: str, *, secret: str,
                      now: datetime) -> tuple[ReminderConfirmation, Workspace] | None:
    """The open, unexpired confirmation for ``token`` whose address is still the one the
    workspace is waiting for, or None."""
    if not token or len(token) > 100:
        return None
    row = session.scalar(select(ReminderConfirmation).where(
        ReminderConfirmation.token_hash == hash_token(token),
        ReminderConfirmation.closed_at.is_(None), ReminderConfirmation.expires_at > now))
    if row is None:
        return None
    workspace = session.get(Workspace, row.workspace_id)
    if (workspace is None or not workspace.reminder_email or workspace.reminders_consented_at
            or address_key(secret, workspace.reminder_email) != row.address_hash):
        return None
    return row, workspace


def confirm(row: ReminderConfirmation, workspace: Workspace, now: datetime) -> None:
    """The address's owner followed the link: reminders start; the link is used up."""
    row.closed_at = now
    workspace.reminders_consented_at = now


def stop_reminders(session: Session, workspace: Workspace, now: datetime) -> None:
    """Opt out (or cancel a pending address): the address is forgotten, not just switched
    off, and any confirmation link still open is void."""
    _close_open_links(session, workspace, now)
    workspace.reminder_email = None
    workspace.reminder_locale = None
    workspace.reminders_consented_at = None


def stop_signature(secret: str, workspace_public_id: str, consented_at: datetime) -> str:
    """The capability in each reminder's "stop" link: valid until the person opts out (a new
    opt-in has a new consent time, so a new signature)."""
    return keyed_hash(secret, f"stop-reminders\0{workspace_public_id}\0{consented_at.isoformat()}")


def find_subscribed(session: Session, public_id: str, signature: str, *,
                    secret: str) -> Workspace | None:
    """The confirmed workspace a stop link was made for, or None."""
    if not public_id or len(public_id) > 40 or len(signature) != 64:
        return None
    workspace = session.scalar(select(Workspace).where(Workspace.public_id == public_id))
    if workspace is None or workspace.reminders_consented_at is None:
        return None
    expected = stop_signature(secret, workspace.public_id, workspace.reminders_consented_at)
    return workspace if hmac.compare_digest(expected, signature) else None
