"""Importing members from a CSV on the campaign's admin page (/t/<team>/campaigns/<slug>/import,
admins only): the upload form, and the report: every bad cell by line and column in the error
summary, or what was imported and merged. Thin: the work is importing.import_members."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from dsar.campaigns import importing
from dsar.campaigns.import_rows import RowError
from dsar.campaigns.views import bp, load_campaign
from dsar.teams.auth import require
from dsar.teams.views import log
from dsar.web import problems
from dsar.web.context import db, today

MAX_FILE_MB = 20  # ~150,000 members; the app refuses any request over 25 MB
FIELD = "members_file"

# The importer's own reasons (the person rules' are dsar/web/problems.py's).
_REASONS = {
    "postcode_format": lambda n: _l("Enter a real UK postcode, like CF10 1AA"),
    "too_many_fields": lambda n: _l("This row has more cells than the header has columns"),
    "not_utf8": lambda n: _l("This row is not UTF-8 text. Save the file as “CSV UTF-8” and upload it again"),
    "mandate_reused": lambda n: _l("The same mandate reference as another person, on line %(line)s",
                                   line=n),
    "mandate_taken": lambda n: _l("The same mandate reference as another person already in the campaign"),
    "unreadable": lambda n: _l("The file cannot be read as CSV from this line on"),
    "line_too_long": lambda n: _l("This line is longer than %(n)s bytes", n=n),
}
_HEADER = {
    "empty": _l("The file is empty. Its first line must name the columns"),
    "unknown_column": _l("The header (line 1) has a column this import does not know: %(column)s"),
    "repeated_column": _l("The header (line 1) names the column %(column)s twice"),
    "missing_column": _l("The header (line 1) has no column for %(column)s"),
    "not_utf8": _l("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again"),
    "unreadable": _l("The header (line 1) cannot be read as CSV"),
}
_REFUSED = {
    "closed": _l("The campaign is closed. Open it again to import members"),
    "not_started": _l("The campaign has not started. Members can be imported from its start date"),
    "ended": _l("The campaign has ended. Change its end date to import members"),
    "no_targets": _l("None of the campaign's organisations is in the directory any more"),
}


def _reason(error: RowError):
    code, limit = error.problem.code, error.problem.limit
    return _REASONS[code](limit) if code in _REASONS else problems.message(error.problem)


def _page(campaign, *, report=None, message=None, valid_only=False, status=200):
    errors = [(error, _reason(error)) for error in report.errors] if report else []
    return render_template(
        "campaigns/import.html", campaign=campaign, report=report, errors=errors, message=message,
        valid_only=valid_only, max_mb=MAX_FILE_MB, field=FIELD), status


def _size(stream) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


class _Reopened:
    """The uploaded file from its start, for each pass (the upload stays open: Flask closes it)."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        self.stream.seek(0)
        return self.stream

    def __exit__(self, *exc) -> None:
        return None


@bp.route("/t/<team>/campaigns/<slug>/import", methods=["GET", "POST"])
def import_members(slug: str):
    require("manage")
    campaign = load_campaign(slug)
    if request.method == "GET":
        return _page(campaign)
    valid_only = request.form.get("valid_only") == "yes"
    upload = request.files.get(FIELD)
    if upload is None or not upload.filename:
        return _page(campaign, message=_l("Choose the CSV file of members"), valid_only=valid_only,
                     status=400)
    if _size(upload.stream) > MAX_FILE_MB * 1024 * 1024:
        return _page(campaign, message=_l("The file must be %(n)s MB or smaller", n=MAX_FILE_MB),
                     valid_only=valid_only, status=400)
    try:
        report = importing.import_members(
            db(), campaign, lambda: _Reopened(upload.stream), valid_only=valid_only, today=today(),
            now=datetime.now(UTC).replace(tzinfo=None))
    except importing.HeaderError as exc:
        db().rollback()
        return _page(campaign, message=_HEADER[exc.code] % {"column": exc.column}, valid_only=valid_only,
                     status=400)
    except importing.ImportRefused as exc:
        db().rollback()
        return _page(campaign, message=_REFUSED[exc.reason], valid_only=valid_only, status=409)
    # Numbers only: the audit trail never holds a member's name, address or mandate reference.
    log("campaign_imported", "campaign", campaign.public_id, **report.counts())
    db().commit()
    return _page(campaign, report=report, valid_only=valid_only, status=400 if report.refused else 200)
