"""The JSON export of a workspace's requests and their history (issue 4 item 4).

Our own status sits beside its Data Rights Protocol equivalent (DRP v0.9 §3.02-3.03:
status, reason, received_at, expected_by), so the file can be read by DRP tools while
keeping the distinctions DRP does not make (overdue, escalated, extended). ``drp_status``
says it in one word: a DRP state name, or one of the GDPR extensions (status.drp_status).
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy.orm import Session

from dsar.requests.models import DataRequest, Workspace
from dsar.requests.services import case_state, workspace_requests
from dsar.requests.uploads import request_uploads

FORMAT = "dsar-requests/1"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def request_record(session: Session, request: DataRequest, today: date) -> dict:
    state = case_state(request, today)
    recipient = request.recipient or {}
    return {
        "id": request.public_id,
        "reference": request.reference,
        "right": request.right,
        "jurisdiction": request.jurisdiction,
        "language": request.language,
        "organisation": {
            "slug": request.org_slug,
            "name": recipient.get("name"),
            "country": recipient.get("country"),
        },
        "person": request.person,
        "created_on": (request.details or {}).get("letter_date"),
        "status": {
            "dsar": state.status,
            "outcome": state.outcome or None,
            "due": _iso(state.due),
            "days_left": state.days_left,
            "overdue": state.overdue,
            "received_on": _iso(state.receipt),
            "receipt_assumed": state.receipt_assumed,
            "extension_invalid": state.extension_invalid,
            "complaint_acknowledgement_due": _iso(state.complaint_ack_due),
            "complaint_acknowledgement_late": state.complaint_ack_late,
            "regulator_complaint_by": _iso(state.regulator_by),
            "deadline_steps": list(state.deadline.steps) if state.deadline else [],
        },
        "drp_status": state.drp_status,
        "drp": {
            "status": state.drp.status,
            "reason": state.drp.reason,
            "received_at": _iso(state.receipt),
            "expected_by": _iso(state.due),
        },
        # The full log, corrections included: "supersedes" says which entry each replaces.
        "events": [
            {
                "id": e.id,
                "kind": e.kind,
                "date": e.occurred_on.isoformat(),
                "data": e.data or {},
                "supersedes": e.supersedes_id,
                "recorded_at": e.recorded_at.isoformat(timespec="seconds") if e.recorded_at else None,
            }
            for e in request.events
        ],
        "files": [
            {"id": u.public_id, "name": u.original_name, "type": u.media_type, "size": u.size,
             "sha256": u.sha256}
            for u in request_uploads(session, request)
        ],
    }


def export_workspace(session: Session, workspace: Workspace, today: date) -> dict:
    return {
        "format": FORMAT,
        "exported_on": today.isoformat(),
        "workspace": workspace.public_id,
        "requests": [request_record(session, r, today) for r in workspace_requests(session, workspace)],
    }


def export_json(session: Session, workspace: Workspace, today: date) -> str:
    return json.dumps(export_workspace(session, workspace, today), ensure_ascii=False, indent=2) + "\n"
