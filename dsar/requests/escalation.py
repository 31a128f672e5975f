"""From a request's event log to follow-up letters: the facts they state, the timeline they
list, and the regulator they go to (issue 4 item 7). The words are in letters/followups/."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from dsar.directory.schema import OrgRecord
from dsar.directory.services import get_organisation
from dsar.letters.compose import LETTER_LOCALES, compose
from dsar.letters.followups import (
    CaseFacts,
    Correspondence,
    FollowupRequest,
    TimelineEntry,
    compose_followup,
)
from dsar.letters.inputs import recipient_from_record
from dsar.letters.model import Letter
from dsar.requests import bundle
from dsar.requests import uploads as up
from dsar.requests.bundle import ReceivedFile
from dsar.requests.models import DataRequest
from dsar.requests.services import calendar_of, case_state, event_values, letter_request
from dsar.requests.status import CaseState, complaint_ack_due, receipt_of
from dsar.rights import CONTROLLER_COMPLAINTS_FROM

try:  # the directory's authority chooser, where the directory provides it
    from dsar.directory.authorities import pick_authority
except ImportError:  # pragma: no cover - depends on the directory's version
    pick_authority = None

ICO_SLUG = "ico-gb"


def timeline(state: CaseState, today: date) -> tuple[TimelineEntry, ...]:
    """The dated timeline a regulator asks for (the ICO's complaint form): every recorded event, the date
    the reply was due once it has passed unanswered, the complaint's acknowledgement date once
    it has passed unacknowledged, and where things stand on ``today``."""
    entries = [(e.occurred_on, 0, TimelineEntry(
        e.kind, e.occurred_on, channel=str(e.data.get("channel") or ""),
        completeness=str(e.data.get("completeness") or ""), outcome=str(e.data.get("outcome") or "")))
        for e in state.events if e.kind != "created"]
    if state.overdue and state.due is not None:
        entries.append((state.due, 1, TimelineEntry("due", state.due)))
        kind = "no_complete_reply" if state.outcome == "partial" else "no_reply"
        entries.append((today, 2, TimelineEntry(kind, today)))
    ack_due = state.complaint_ack_due
    if ack_due is not None and today > ack_due and not state.complaint_acknowledged:
        entries.append((ack_due, 1, TimelineEntry("ack_due", ack_due)))
    return tuple(entry for _day, _order, entry in sorted(entries, key=lambda x: (x[0], x[1])))


def _last(state: CaseState, *kinds: str):
    found = [e for e in state.events if e.kind in kinds]
    return found[-1] if found else None


def facts(request: DataRequest, state: CaseState, today: date, *,
          complaint_channel: str | None = None) -> CaseFacts:
    """What the letters state. ``complaint_channel``: a complaint about to be sent that way,
    whose s.164A acknowledgement date is computed from today (DPA 2018 s.164A)."""
    answer = _last(state, "response_received", "refused")
    response = "none"
    if answer is not None:
        response = "refused" if answer.kind == "refused" else (
            "partial" if answer.data.get("completeness") == "partial" else "complete")
    extension = _last(state, "extended")
    deadline = state.deadline
    ack_due = state.complaint_ack_due
    if complaint_channel and state.complaint_sent_on is None and request.jurisdiction == "uk" and (
            today >= CONTROLLER_COMPLAINTS_FROM):
        ack_due = complaint_ack_due(receipt_of(today, complaint_channel, **calendar_of(request)))
    return CaseFacts(
        sent_on=state.sent_on,
        channel=state.channel or "letter",
        received_on=state.receipt,
        receipt_assumed=state.receipt_assumed,
        id_received=deadline.start if deadline and state.receipt and deadline.start > state.receipt
        else None,
        due=state.due,
        extended=bool(deadline and deadline.extended),
        extension_notified=extension.occurred_on if extension else None,
        extension_invalid=state.extension_invalid,
        response=response,
        response_on=answer.occurred_on if answer else None,
        complaint_sent_on=state.complaint_sent_on,
        complaint_ack_due=ack_due,
        complaint_acknowledged=state.complaint_acknowledged,
        timeline=timeline(state, today),
    )


def followup(request: DataRequest, kind: str, today: date, *, channel: str = "letter",
             details: str = "", what_happened: str = "", harm: str = "",
             authority: OrgRecord | None = None,
             correspondence: tuple[Correspondence, ...] = ()) -> FollowupRequest:
    state = case_state(request, today)
    locale = request.language
    if authority is not None:
        # EU: the authority's complaint language where we have that letter language.
        wanted = authority.complaint_language or "en"
        locale = wanted if wanted in LETTER_LOCALES else "en"
    return FollowupRequest(
        kind=kind, request=letter_request(request), today=today, locale=locale,
        facts=facts(request, state, today,
                    complaint_channel=channel if kind == "complaint_controller" else None),
        details=details, what_happened=what_happened, harm=harm,
        authority=recipient_from_record(authority) if authority else None,
        correspondence=correspondence,
    )


def followup_letter(request: DataRequest, kind: str, today: date, **options) -> Letter:
    return compose_followup(followup(request, kind, today, **options))


def letters_as_sent(request: DataRequest, today: date) -> list[tuple[date, Letter]]:
    """Our letters as they went out, for the regulator: the request itself, then each reminder
    and complaint, composed from the log as it stood before that letter was sent."""
    original = compose(letter_request(request))
    events = event_values(request)
    state = case_state(request, today, events)
    sent = [(state.sent_on or original.date, original)]
    for event in state.events:
        kind = {"reminder_sent": "reminder", "complaint_to_controller": "complaint_controller"}.get(
            event.kind)
        if kind is None:
            continue
        position = (event.occurred_on, event.id or 0)
        before = [e for e in events if (e.occurred_on, e.id or 0) < position]
        then = case_state(request, event.occurred_on, before)
        channel = str(event.data.get("channel") or "letter")
        letter = compose_followup(FollowupRequest(
            kind=kind, request=letter_request(request), today=event.occurred_on,
            locale=request.language,
            facts=facts(request, then, event.occurred_on,
                        complaint_channel=channel if kind == "complaint_controller" else None)))
        sent.append((event.occurred_on, letter))
    return sent


def regulator_for(session: Session, request: DataRequest, *, residence_country: str | None = None,
                  override_slug: str | None = None) -> OrgRecord | None:
    """The supervisory authority to complain to: the directory's choice (Art 77: where the
    person lives or works or where the infringement happened, GDPR Art 77(1)), else the ICO for
    UK requests. None when the directory knows no authority for the case.

    Without an answer from the person, we assume they live in the UK (dsar serves UK residents
    first), which for an EU organisation means the authority of the organisation's country."""
    org_country = (request.recipient or {}).get("country") or None
    if pick_authority is not None:
        try:
            return pick_authority(session, jurisdiction=request.jurisdiction,
                                  residence_country=residence_country or "gb",
                                  override_slug=override_slug or None, org_country=org_country)
        except (LookupError, ValueError):
            return None
    if override_slug:
        record = get_organisation(session, override_slug)
        if record is not None and record.is_authority:
            return record
    if request.jurisdiction == "uk":
        return get_organisation(session, ICO_SLUG)
    return None


def received_files(session: Session, request: DataRequest, state: CaseState,
                   uploads_dir: Path) -> list[ReceivedFile]:
    """The files attached to the events still in effect, dated by their event."""
    by_id = {u.public_id: u for u in up.request_uploads(session, request)}
    files = []
    for event in state.events:
        for file_id in event.data.get("files", ()):
            upload = by_id.get(file_id)
            if upload is None:
                continue
            try:
                path = up.stored_path(upload, uploads_dir)
            except up.UploadError:
                continue
            if not path.is_file():
                continue  # a file missing from disk cannot be attached; the rest still can
            files.append(ReceivedFile(upload.original_name, upload.media_type, path,
                                      event.occurred_on))
    return files


def regulator_bundle(session: Session, request: DataRequest, today: date, *, what_happened: str,
                     harm: str, authority: OrgRecord, uploads_dir: Path,
                     scratch: Path) -> bundle.Bundle:
    """The complaint to the regulator with all the correspondence (the ICO asks for copies),
    written in ``scratch`` (see bundle.exclusive_build)."""
    state = case_state(request, today)
    letters = letters_as_sent(request, today)
    files = bundle.prepare(received_files(session, request, state, uploads_dir), scratch)
    items = [(day, 0, Correspondence("letter", day, letter.subject)) for day, letter in letters]
    items += [(f.received.on or today, 1,
               Correspondence("file", f.received.on, f.received.name, f.printed)) for f in files]
    correspondence = tuple(c for _day, _order, c in sorted(items, key=lambda x: (x[0], x[1])))
    cover = followup_letter(request, "complaint_regulator", today, what_happened=what_happened,
                            harm=harm, authority=authority, correspondence=correspondence)
    return bundle.build(cover, letters, files, scratch)
