"""Reminder emails to people who opted in and confirmed their address (issue 4 item 6,
issue 9 item 2): a week before a reply is due, on
the day, once it is overdue, when an organisation is late acknowledging a complaint
(DPA 2018 s.164A), and when the next round of a request the person repeats is due (issue 13).

Safe to run from cron at any frequency: each reminder is keyed by (request, kind, due date)
under a unique constraint, and the key is committed *before* the email goes out, so two runs,
even at the same moment, never send the same reminder twice. If sending fails the key is
removed again and the next run retries. A new due date (after an extension, say) is a new key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dsar.replies.rounds import repeated_ids, round_reminders
from dsar.requests.mailer import MailError
from dsar.requests.models import DataRequest, SentReminder, Workspace
from dsar.requests.services import case_state
from dsar.requests.status import DUE_SOON_DAYS, CaseState

KINDS = ("due_soon", "due_today", "overdue", "complaint_ack_late", "next_round_due")


@dataclass(frozen=True)
class DueReminder:
    request_id: int
    kind: str
    due_on: date
    email: str
    locale: str
    organisation: str
    reference: str
    state: CaseState
    workspace_public_id: str
    consented_at: datetime  # the confirmation: it signs the email's "stop" link


def reminders_for(request: DataRequest, state: CaseState) -> list[tuple[str, date]]:
    """The (kind, due date) reminders that apply to a request in this state today."""
    found = []
    if state.status in ("sent", "extended", "overdue") and state.due and state.days_left is not None:
        if state.days_left < 0:
            found.append(("overdue", state.due))
        elif state.days_left == 0:
            found.append(("due_today", state.due))
        elif state.days_left <= DUE_SOON_DAYS:
            found.append(("due_soon", state.due))
    if state.complaint_ack_late_open and state.complaint_ack_due:
        found.append(("complaint_ack_late", state.complaint_ack_due))
    return found


def due_reminders(session: Session, today: date) -> list[DueReminder]:
    """Reminders owed today to people who confirmed their address, not yet sent. A pending
    (unconfirmed) address has no consent time, so it never gets one."""
    rows = session.execute(
        select(DataRequest, Workspace)
        .join(Workspace, DataRequest.workspace_id == Workspace.id)
        .where(Workspace.reminders_consented_at.is_not(None), Workspace.reminder_email.is_not(None))
        .order_by(DataRequest.id)
    ).all()
    already = (
        select(SentReminder)
        .join(DataRequest, SentReminder.request_id == DataRequest.id)
        .join(Workspace, DataRequest.workspace_id == Workspace.id)
        .where(Workspace.reminders_consented_at.is_not(None))
    )
    sent = {(r.request_id, r.kind, r.due_on) for r in session.scalars(already)}
    # The next round of a repeated request, once its interval has passed (issue 13 item 6).
    repeated = repeated_ids(session, {workspace.id for _request, workspace in rows})
    owed = []
    for request, workspace in rows:
        state = case_state(request, today)
        for kind, due_on in reminders_for(request, state) + round_reminders(request, repeated, today):
            if (request.id, kind, due_on) in sent:
                continue
            owed.append(DueReminder(
                request_id=request.id, kind=kind, due_on=due_on,
                email=workspace.reminder_email or "", locale=workspace.reminder_locale or "en",
                organisation=(request.recipient or {}).get("name", ""),
                reference=request.reference, state=state,
                workspace_public_id=workspace.public_id,
                consented_at=workspace.reminders_consented_at,
            ))
    return owed


def _claim(session: Session, reminder: DueReminder) -> bool:
    session.add(SentReminder(request_id=reminder.request_id, kind=reminder.kind,
                             due_on=reminder.due_on))
    try:
        session.commit()
        return True
    except IntegrityError:  # another run claimed it first
        session.rollback()
        return False


def _release(session: Session, reminder: DueReminder) -> None:
    session.execute(delete(SentReminder).where(
        SentReminder.request_id == reminder.request_id, SentReminder.kind == reminder.kind,
        SentReminder.due_on == reminder.due_on))
    session.commit()


@dataclass
class RunResult:
    sent: list[DueReminder]
    failed: list[tuple[DueReminder, str]]


def send_reminders(
    session: Session,
    today: date,
    *,
    compose: Callable[[DueReminder], EmailMessage],
    send: Callable[[EmailMessage], None],
) -> RunResult:
    """Send every owed reminder. ``compose`` gives the message in the person's language;
    ``send`` delivers one message and raises on failure (the reminder is then retried on the
    next run)."""
    result = RunResult([], [])
    for reminder in due_reminders(session, today):
        message = compose(reminder)  # before claiming: a failure here loses nothing
        if not _claim(session, reminder):
            continue
        try:
            send(message)
        except (MailError, OSError) as exc:
            _release(session, reminder)
            result.failed.append((reminder, str(exc)))
            continue
        result.sent.append(reminder)
    return result
