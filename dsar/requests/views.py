"""The private workspace behind the secret link: what needs doing, the letters, reminders by
email (and the pages behind the confirmation and "stop" links their emails carry) and the
JSON export. The per-request pages are in views_tracking and views_escalation, registered on
the same blueprint."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale

from dsar.deadlines import compute_deadline
from dsar.directory.services import get_organisation
from dsar.letters.compose import compose
from dsar.letters.formats import FORMATS, render
from dsar.letters.inputs import stored_problems
from dsar.letters.text import render_text
from dsar.requests import forms, optin, tracking
from dsar.requests import views_credit_file as _credit_file  # noqa: F401 - registers its routes
from dsar.requests import views_escalation as _escalation  # noqa: F401 - registers its routes
from dsar.requests import views_share as _share  # noqa: F401 - registers its routes
from dsar.requests import views_tracking as _tracking  # noqa: F401 - registers its routes
from dsar.requests.blueprint import bp, load_request, load_workspace
from dsar.requests.emails import confirmation_message
from dsar.requests.export import export_json
from dsar.requests.mailer import Mailer, MailError, parse_smtp_url
from dsar.requests.services import calendar_of, case_state, letter_request, workspace_requests
from dsar.requests.status import DUE_SOON_DAYS, receipt_of
from dsar.validation import is_usable_email
from dsar.web.context import db, public_url, today

# "What needs doing", most urgent first. "needs_action": the person has something to do
# (answer what they were asked, take up an incomplete reply or a refusal).
GROUPS = ("overdue", "needs_action", "due_soon", "to_send", "waiting", "done")
MAIL_TIMEOUT = 10  # seconds: a person is waiting for the page

__all__ = ["bp"]


def _group(state) -> str:
    if state.group != "overdue" and tracking.needs_action(state):
        return "needs_action"
    return state.group


def _sending(req, letter) -> dict:
    """Where to send the letter, by the way the directory suggests for this organisation
    (post for one typed by hand, unless it has only an email address), and the day the reply
    is due if it goes today: the clock starts when they receive it."""
    record = get_organisation(db(), req.org_slug) if req.org_slug else None
    recipient = letter.recipient
    channel = record.suggested_channel if record else ("letter" if recipient.address else "email")
    if (channel == "email" and not recipient.email) or (channel == "webform" and not record.webform):
        channel = "letter"
    calendar = calendar_of(req)
    due_if_today = compute_deadline(receipt_of(today(), channel, **calendar), **calendar).due
    return {"channel": channel, "address": ", ".join((recipient.name, *recipient.address)),
            "email": recipient.email, "webform": record.webform if record else "",
            "due_if_today": due_if_today}


def _item(req) -> dict:
    state = case_state(req, today())
    item = {"request": req, "state": state, "group": _group(state)}
    if state.status == "draft":
        # Not sent yet: the letter and every way of sending it, right here.
        letter = compose(letter_request(req))
        # Values stored under older rules: the letter is still shown, with a note saying
        # what is wrong (and no email option for an organisation's unusable address).
        problems = {p.field for p in stored_problems(req.person, req.recipient)}
        item.update(letter=letter, text=render_text(letter), mailto="", send=_sending(req, letter),
                    recipient_email_unusable="recipient_email" in problems,
                    person_email_unusable="email" in problems,
                    person_details_problem=bool(problems - {"recipient_email", "email"}))
        if is_usable_email(letter.recipient.email):
            from dsar.letters.email import mailto_link  # the email renderer, only when needed

            item["mailto"] = mailto_link(letter) or ""
    return item


def _sort_key(item: dict):
    state = item["state"]
    far = 10**6
    return (GROUPS.index(item["group"]), state.days_left if state.days_left is not None else far,
            item["request"].id)


@bp.get("/w/<token>")
def workspace(token: str):
    return _workspace_page(load_workspace(token), token)


def _workspace_page(ws, token, *, values=None, errors=None, status=200):
    items = sorted((_item(req) for req in workspace_requests(db(), ws)), key=_sort_key)
    groups = [(name, [i for i in items if i["group"] == name]) for name in GROUPS]
    link = public_url("requests.workspace", token=token)
    if values is None and ws.reminder_email and ws.reminders_consented_at is None:
        values = {"email": ws.reminder_email}  # pending: the address to correct or resend to
    elif values is None and not ws.reminder_email:
        # The address given in the wizard, offered; reminders still start only after the
        # person ticks the box and confirms the address (double opt-in, optin.py).
        given = next(((i["request"].person or {}).get("email") for i in items
                      if (i["request"].person or {}).get("email")), "")
        values = {"email": given} if given else None
    return render_template(
        "requests/workspace.html", items=items, groups=groups, token=token, link=link,
        workspace=ws, created=request.args.get("created") == "1",
        reminders=request.args.get("reminders", ""), values=values or {}, errors=errors or {},
        due_soon_days=DUE_SOON_DAYS, confirmation_days=optin.CONFIRMATION_VALID_DAYS,
    ), status


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@bp.post("/w/<token>/reminders")
def reminders(token: str):
    """Turn reminders on (double opt-in: one confirmation email, nothing more until its link
    is followed), change the address (the opt-in starts again) or stop them."""
    ws = load_workspace(token)
    if request.form.get("action") == "stop":
        optin.stop_reminders(db(), ws, _now())
        db().commit()
        return redirect(url_for("requests.workspace", token=token, reminders="stopped") + "#reminders")
    result = forms.validate_reminders(request.form)
    if not result.ok:
        return _workspace_page(ws, token, values=result.values, errors=result.errors, status=400)
    address = result.values["email"]
    secret = current_app.config["SECRET_KEY"]
    try:
        config = parse_smtp_url(current_app.config["DSAR_SETTINGS"].smtp_url)
    except MailError:
        return _workspace_page(ws, token, values=result.values,
                               errors={"email": forms.SEND_FAILED}, status=503)
    link_token, limit = optin.claim_confirmation(
        db(), ws, address=address, client=request.remote_addr or "", secret=secret, now=_now())
    if limit:
        return _workspace_page(ws, token, values=result.values,
                               errors={"email": forms.LIMIT_REACHED[limit]}, status=429)
    try:
        with Mailer(config, timeout=MAIL_TIMEOUT) as mailer:
            mailer.send(confirmation_message(current_app, address, link_token))
    except MailError:
        optin.release_confirmation(db(), link_token)
        return _workspace_page(ws, token, values=result.values,
                               errors={"email": forms.SEND_FAILED}, status=503)
    optin.start_opt_in(db(), ws, address=address, locale=str(get_locale() or "en"),
                       token=link_token, now=_now())
    db().commit()
    return redirect(url_for("requests.workspace", token=token, reminders="pending") + "#reminders")


@bp.route("/reminders/confirm/<token>", methods=["GET", "POST"])
def confirm_reminders(token: str):
    """The link in the confirmation email: a page with a button (a GET changes nothing, so
    link scanners and previews confirm nothing), then the POST confirms."""
    found = optin.find_confirmation(db(), token, secret=current_app.config["SECRET_KEY"],
                                    now=_now())
    if found is None:
        return render_template("requests/reminders_link.html", page="invalid"), 404
    if request.method == "POST":
        optin.confirm(*found, _now())
        db().commit()
        return render_template("requests/reminders_link.html", page="confirmed")
    return render_template("requests/reminders_link.html", page="confirm")


@bp.route("/reminders/stop/<public_id>/<signature>", methods=["GET", "POST"])
def stop_reminders(public_id: str, signature: str):
    """The "stop" link in every reminder email."""
    ws = optin.find_subscribed(db(), public_id, signature, secret=current_app.config["SECRET_KEY"])
    if ws is None:
        return render_template("requests/reminders_link.html", page="invalid"), 404
    if request.method == "POST":
        optin.stop_reminders(db(), ws, _now())
        db().commit()
        return render_template("requests/reminders_link.html", page="stopped")
    return render_template("requests/reminders_link.html", page="stop")


@bp.get("/w/<token>/export.json")
def export(token: str):
    ws = load_workspace(token)
    return Response(export_json(db(), ws, today()), mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="dsar-requests.json"'})


@bp.get("/w/<token>/r/<public_id>/letter.<fmt>")
def download(token: str, public_id: str, fmt: str):
    _ws, req = load_request(token, public_id)
    if fmt not in FORMATS:
        abort(404)
    letter = compose(letter_request(req))
    if fmt == "eml" and not is_usable_email(letter.recipient.email):
        abort(404)
    rendered = render(letter, fmt)
    filename = f"{letter.reference}-{letter.kind}.{rendered.extension}"
    return Response(
        rendered.content,
        mimetype=rendered.mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
