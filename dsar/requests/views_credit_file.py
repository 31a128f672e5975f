"""The credit-file correction chain of a request (Consumer Credit Act 1974 s.159): the notice
of correction with its 200-word editor, recording that it was sent, and the application to the
Information Commissioner. The request page shows where the chain stands
(requests/_credit_file.html); the agency's answers are recorded with the usual entry forms."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from dsar.letters.formats import FORMATS, render
from dsar.letters.text import render_text
from dsar.requests import credit_file, tracking
from dsar.requests.blueprint import bp, load_request, uploads_dir
from dsar.requests.credit_chain import CORRECTION_SENT, MAX_WORDS, count_words
from dsar.requests.services import case_state, get_draft, save_draft
from dsar.requests.status import CHANNELS
from dsar.requests.views_escalation import _attachment
from dsar.validation import is_usable_email
from dsar.web.context import db, today

# The request page's panel asks where the chain stands (None: not a s.159 case).
bp.add_app_template_global(credit_file.chain_of, "credit_file_state")


def _channel() -> str:
    channel = request.args.get("channel", "letter")
    return channel if channel in CHANNELS else "letter"


def _load(token: str, public_id: str):
    _ws, req = load_request(token, public_id)
    chain = credit_file.chain_of(req, today())
    if chain is None:
        abort(404)
    return req, chain


def _correction_page(req, chain, token, *, values=None, errors=None, sent_values=None,
                     status=200, saved=False):
    draft = get_draft(db(), req, credit_file.DRAFT_CORRECTION)
    if values is None:
        text = chain.correction_text or draft.get("text", "")
        values = {"text": text, "words": count_words(text)}
    letter = credit_file.letter(db(), req, "correction", today(), channel=_channel())
    return render_template(
        "requests/credit_file_correction.html", req=req, token=token, chain=chain,
        values=values, errors=errors or {}, sent_values=sent_values or tracking.default_values(
            today()), letter=letter, text=render_text(letter) if letter else "",
        max_words=MAX_WORDS, channel=_channel(), saved=saved, today=today(),
        state=case_state(req, today()),
    ), status


@bp.route("/w/<token>/r/<public_id>/credit-file/correction", methods=["GET", "POST"])
def credit_file_correction(token: str, public_id: str):
    """The notice of correction: the editor (at most 200 words), then the letter."""
    req, chain = _load(token, public_id)
    if not credit_file.can_write_correction(chain):
        abort(404)
    if request.method == "GET":
        return _correction_page(req, chain, token)
    if chain.correction_sent is not None:
        abort(404)  # sent: the notice stays as it went out (change the entry to correct it)
    result = credit_file.validate_notice(request.form)
    if not result.ok:
        return _correction_page(req, chain, token, values=result.values, errors=result.errors,
                                status=400)
    save_draft(db(), req, credit_file.DRAFT_CORRECTION, {"text": result.values["text"]})
    db().commit()
    return _correction_page(req, chain, token, values=result.values, saved=True)


@bp.post("/w/<token>/r/<public_id>/credit-file/correction/sent")
def credit_file_correction_sent(token: str, public_id: str):
    """Record that the notice of correction went out, keeping its text with the entry."""
    req, chain = _load(token, public_id)
    text = get_draft(db(), req, credit_file.DRAFT_CORRECTION).get("text", "")
    if not credit_file.can_write_correction(chain) or chain.correction_sent or not text:
        abort(404)
    submission = tracking.validate(request.form, [], kind=CORRECTION_SENT, request=req,
                                   today=today())
    if not submission.ok:
        errors = dict(submission.errors)
        if "kind" in errors:  # shown at the top of the page, linked to the date
            errors["date-day"] = errors.pop("kind")
        return _correction_page(req, chain, token, errors=errors, sent_values=submission.values,
                                status=400)
    submission.data["text"] = text
    tracking.record(db(), req, CORRECTION_SENT, submission, uploads_dir())
    db().commit()
    return redirect(url_for("requests.detail", token=token, public_id=public_id,
                            recorded=CORRECTION_SENT) + "#timeline")


@bp.route("/w/<token>/r/<public_id>/credit-file/complaint", methods=["GET", "POST"])
def credit_file_complaint(token: str, public_id: str):
    """The application to the Information Commissioner (s.159(5)), with the timeline."""
    req, chain = _load(token, public_id)
    if not credit_file.can_complain(chain):
        abort(404)
    values = get_draft(db(), req, credit_file.DRAFT_COMPLAINT)
    errors, status = {}, 200
    if request.method == "POST":
        result = credit_file.validate_prejudice(request.form)
        values, errors = result.values, result.errors
        if result.ok:
            save_draft(db(), req, credit_file.DRAFT_COMPLAINT, result.values)
            db().commit()
        else:
            status = 400
    letter = credit_file.letter(db(), req, "complaint", today())
    if letter is None:
        abort(404)
    return render_template(
        "requests/credit_file_complaint.html", req=req, token=token, chain=chain, values=values,
        errors=errors, letter=letter, text=render_text(letter),
        saved=request.method == "POST" and not errors,
    ), status


@bp.get("/w/<token>/r/<public_id>/credit-file/<which>.<fmt>")
def credit_file_letter(token: str, public_id: str, which: str, fmt: str):
    req, _chain = _load(token, public_id)
    if fmt not in FORMATS:
        abort(404)
    letter = credit_file.letter(db(), req, which, today(), channel=_channel())
    if letter is None or (fmt == "eml" and not is_usable_email(letter.recipient.email)):
        abort(404)
    rendered = render(letter, fmt)
    return _attachment(rendered.content, rendered.mimetype,
                       f"{letter.filename_stem}.{rendered.extension}")
