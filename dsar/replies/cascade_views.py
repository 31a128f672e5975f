"""Pages of the recipient cascade and of repeated rounds (issue 13 items 4 and 6): recording
what a reply said, writing to the recipients it named, asking the organisation to tell them
(Art 19), repeating a request and comparing two rounds. Every page is reached through the
workspace's secret link, like the request's own page (dsar/requests/blueprint.py)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from dsar.letters.compose import ComposeError
from dsar.letters.formats import FORMATS, render
from dsar.letters.inputs import InputError
from dsar.letters.text import render_text
from dsar.replies import cascade, facts, rounds
from dsar.replies import cascade_forms as forms
from dsar.requests.blueprint import load_request
from dsar.requests.services import case_state, get_request
from dsar.validation import MAX_NAME, is_usable_email
from dsar.web.context import db, today
from dsar.wizard.services import MAX_ORGS

bp = Blueprint("cascade", __name__)
PREFIX = "/w/<token>/r/<public_id>"


@bp.app_template_global("cascade_panel")
def cascade_panel(req) -> dict:
    """What the request page's cascade and rounds sections show (requests/_cascade.html)."""
    session, day = db(), today()
    recorded = cascade.current_facts(req)
    done = cascade.written_to(session, req)
    previous = rounds.previous_round(session, req)
    later = rounds.next_round(session, req)
    return {
        "facts": recorded,
        "tree": cascade.tree(session, req, day),
        "parent": cascade.parent_of(session, req),
        "unwritten": [n for n in recorded.recipients if facts.name_key(n) not in done],
        "can_repeat": rounds.can_repeat(req),
        "rounds": rounds.rounds(session, req) if previous or later else [],
        "previous": previous,
        "next_round": later,
        "next_due": None if later else rounds.next_round_due(req, day),
        "art19": req.right in cascade.ART19_RIGHTS,
    }


# ---------------------------------------------------------------- what the reply said

@bp.route(f"{PREFIX}/facts", methods=["GET", "POST"])
def record_facts(token: str, public_id: str):
    _ws, req = load_request(token, public_id)
    values, errors, status = facts.form_values(cascade.current_facts(req)), {}, 200
    values["reply_text"] = cascade.reply_text(db(), req)
    if request.method == "POST":
        action = request.form.get("action", "save")
        values = forms.fact_values(request.form)
        if action == "pick":
            values = forms.pick_lines(values, request.form.getlist("line"))
        elif action == "save":
            recorded, result = forms.validate_facts(request.form)
            if result.ok:
                cascade.record_facts(db(), req, recorded, today())
                db().commit()
                return redirect(url_for("requests.detail", token=token, public_id=public_id,
                                        recorded="facts_recorded") + "#cascade")
            errors, status = result.errors, 400
    return render_template(
        "requests/facts.html", req=req, token=token, values=values, errors=errors,
        reply_lines=facts.lines(values.get("reply_text", ""))[:500],
    ), status


# ---------------------------------------------------------------- writing to the recipients

def _matches(req, names: list[str]) -> list[cascade.Match]:
    country = (req.person or {}).get("country") or "gb"
    return [cascade.match_name(db(), name, user_country=country) for name in names]


def _cascade_page(req, token, names, *, values, errors, status=200):
    return render_template(
        "requests/cascade.html", req=req, token=token, names=names, matches=_matches(req, names),
        values=values, errors=errors, rights=cascade.CASCADE_RIGHTS, max_orgs=MAX_ORGS,
    ), status


@bp.get(f"{PREFIX}/cascade")
def cascade_form(token: str, public_id: str):
    _ws, req = load_request(token, public_id)
    names = forms.names_from(request.args)
    values = {"right": request.args.get("right", "access")}
    for i, match in enumerate(_matches(req, names)):
        values.update({f"include-{i}": "1", f"org-{i}": match.chosen or (
            "unlisted" if match.status == cascade.UNLISTED else ""), f"uname-{i}": match.name})
    return _cascade_page(req, token, names, values=values, errors={})


@bp.post(f"{PREFIX}/cascade")
def cascade_create(token: str, public_id: str):
    _ws, req = load_request(token, public_id)
    names = list(facts.unique(request.form.getlist("names")))[: cascade.MAX_TARGETS]
    result = forms.validate_cascade(db(), request.form, _matches(req, names))
    if result.ok:
        try:
            cascade.create_children(db(), req, result.targets, right=result.right,
                                    more=result.more, today=today())
        except InputError as exc:
            result.errors[exc.field or "right"] = exc.args[0]
        else:
            db().commit()
            return redirect(url_for("requests.detail", token=token, public_id=public_id,
                                    written=len(result.targets)) + "#cascade")
    return _cascade_page(req, token, names, values=result.values, errors=result.errors,
                         status=400)


# ---------------------------------------------------------------- Art 19

def _art19(token, public_id):
    _ws, req = load_request(token, public_id)
    if req.right not in cascade.ART19_RIGHTS:
        abort(404)
    known = cascade.known_recipients(db(), req)
    chosen = request.args.getlist("recipient") if "shown" in request.args else list(known)
    named = [n[:MAX_NAME] for n in (*chosen, *facts.lines(request.args.get("more", "")))]
    try:
        letter = cascade.art19_letter(req, named[: cascade.MAX_TARGETS * 5], today())
    except ComposeError:  # a request stored under older rules, without its ground
        abort(404)
    return req, known, named, letter


@bp.get(f"{PREFIX}/notify-recipients")
def notify_recipients(token: str, public_id: str):
    req, known, named, letter = _art19(token, public_id)
    return render_template(
        "requests/notify_recipients.html", req=req, token=token, known=known, letter=letter,
        checked=[n for n in known if facts.name_key(n) in {facts.name_key(x) for x in named}],
        more=request.args.get("more", ""),
        text=render_text(letter), query=request.query_string.decode("ascii", "replace"))


@bp.get(f"{PREFIX}/notify-recipients.<fmt>")
def notify_recipients_download(token: str, public_id: str, fmt: str):
    req, _known, _named, letter = _art19(token, public_id)
    if fmt not in FORMATS or (fmt == "eml" and not is_usable_email(letter.recipient.email)):
        abort(404)
    rendered = render(letter, fmt)
    return Response(rendered.content, mimetype=rendered.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{letter.filename_stem}.{rendered.extension}"'})


# ---------------------------------------------------------------- rounds

@bp.post(f"{PREFIX}/repeat")
def repeat(token: str, public_id: str):
    _ws, req = load_request(token, public_id)
    if not rounds.can_repeat(req):
        abort(404)
    new_round = rounds.repeat(db(), req, today())
    db().commit()
    return redirect(url_for("requests.detail", token=token, public_id=new_round.public_id))


@bp.post(f"{PREFIX}/interval")
def interval(token: str, public_id: str):
    _ws, req = load_request(token, public_id)
    if not rounds.can_repeat(req):
        abort(404)
    months, result = forms.validate_interval(request.form)
    if not result.ok:
        from dsar.requests.views_tracking import _detail_page  # the page the form is on

        return _detail_page(req, token, errors=result.errors, status=400)
    rounds.set_interval(req, months)
    db().commit()
    return redirect(url_for("requests.detail", token=token, public_id=public_id,
                            interval="stopped" if months is None else "set") + "#rounds")


@bp.get(f"{PREFIX}/compare")
def compare(token: str, public_id: str):
    """This round against another of its series (the previous one unless ``with`` names one)."""
    ws, req = load_request(token, public_id)
    series = rounds.rounds(db(), req)
    other_id = request.args.get("with", "")
    other = get_request(db(), ws, other_id) if other_id else rounds.previous_round(db(), req)
    if other is None or other.id == req.id or other not in series:
        abort(404)
    before, after = sorted((other, req), key=series.index)
    comparison = rounds.compare_rounds(before, after)
    return render_template(
        "requests/compare.html", req=req, token=token, comparison=comparison,
        before_state=case_state(before, today()), after_state=case_state(after, today()))
