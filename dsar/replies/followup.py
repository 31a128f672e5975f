"""From a request's checked reply to the follow-up letter for what it left out (issue 13
item 3). The person's marks are the latest ``reply_checked`` event still in effect (data
``{"marks": {code: mark}}``); the letter asks again for every item of the request's checklist
marked missing or partly answered. The words are in letters/kinds/incomplete_response/."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from dsar.letters.incomplete import IncompleteReply, compose_incomplete, outstanding_items
from dsar.letters.model import Letter
from dsar.replies import checking
from dsar.requests import escalation
from dsar.requests.models import DataRequest
from dsar.requests.services import case_state, letter_request


def outstanding(request: DataRequest, today: date) -> tuple[tuple[str, str], ...]:
    """The request's checklist items marked missing or partly answered, in checklist order."""
    marks = checking.current_marks(case_state(request, today))
    return outstanding_items({k: v for k, v in marks.items() if v}, checking.request_items(request))


def incomplete_reply(request: DataRequest, today: date) -> IncompleteReply | None:
    """What the follow-up says, from the event log (None when nothing is outstanding)."""
    items = outstanding(request, today)
    if not items:
        return None
    facts = escalation.facts(request, case_state(request, today), today)
    # The reply's date, when one was recorded (the latest answer, unless it was a refusal).
    reply_on = facts.response_on if facts.response in ("partial", "complete") else None
    return IncompleteReply(
        request=letter_request(request), today=today, locale=request.language,
        facts=replace(facts, response="partial", response_on=reply_on, timeline=()),
        outstanding=items)


def incomplete_letter(request: DataRequest, today: date) -> Letter | None:
    reply = incomplete_reply(request, today)
    return compose_incomplete(reply) if reply is not None else None
