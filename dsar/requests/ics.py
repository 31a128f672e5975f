"""An iCalendar file with a request's due date, so it sits in the person's own calendar with
an alarm a week before (issue 4 item 6). Plain values in, bytes out; the caller translates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

ALARM_DAYS_BEFORE = 7


def due_date_calendar(*, uid: str, due: date, summary: str, description: str,
                      alarm_text: str, stamp: datetime | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//dsar//due dates//EN")
    calendar.add("version", "2.0")
    event = Event()
    # The uid names the due date too: a new date (after an extension) is a new entry.
    event.add("uid", f"{uid}-{due.isoformat()}@dsar")
    event.add("dtstamp", stamp or datetime.now(UTC))
    event.add("dtstart", due)  # an all-day event: the reply is in time until the end of the day
    event.add("dtend", due + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", alarm_text)
    alarm.add("trigger", timedelta(days=-ALARM_DAYS_BEFORE))
    event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
