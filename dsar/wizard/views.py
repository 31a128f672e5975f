"""The citizen wizard, one question per page (GOV.UK patterns): organisations → request →
your details → (identifiers) → (more about the request) → check your answers → letters."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from dsar.directory.services import get_organisation, search_organisations
from dsar.letters.compose import LETTER_LOCALES, available_locales
from dsar.rights import RIGHT_KEYS, get_right
from dsar.web.context import db, today
from dsar.wizard import organisations as org_lists
from dsar.wizard import services as wiz

bp = Blueprint("wizard", __name__)
# Page templates name a letter kind by its catalogue entry (label and hint: wizard/rights.html).
bp.add_app_template_global(get_right, "letter_kind")

# Search results ranked beyond this are not worth paging through: a longer query is better.
SEARCH_MAX = 200
SUGGEST_LIMIT = 8
STEPS = ("organisations", "request", "details", "identifiers", "more", "check")


def _draft():
    return wiz.load_draft(db(), session.get("draft"), session.get("sid"))


def _save(draft, **changes) -> None:
    """Save the draft; its first save gives this session a new draft token and session id."""
    keys = wiz.save_draft(db(), draft, **changes)
    db().commit()
    if keys is not None:
        session["draft"], session["sid"] = keys.token, keys.sid


def _applies(data: dict, step: str) -> bool:
    if step == "identifiers":
        return wiz.needs_identifier_step(db(), data)
    if step == "more":
        return wiz.needs_more_step(data)
    return True


def _next_step(data: dict, after: str) -> str:
    """The next step after ``after`` that applies to this draft."""
    for step in STEPS[STEPS.index(after) + 1:]:
        if _applies(data, step):
            return url_for(f"wizard.{step}")
    return url_for("wizard.check")


def _back_url(data: dict, step: str) -> str:
    """The step shown before this one (a step that does not apply was not shown), or "check
    your answers" when the person came from there to change an answer."""
    if request.args.get("return") == "check":
        return url_for("wizard.check")
    for earlier in reversed(STEPS[: STEPS.index(step)]):
        if _applies(data, earlier):
            return url_for(f"wizard.{earlier}")
    return url_for("wizard.home")


def _after_save(data: dict, step: str):
    # From "check your answers", a change returns there (GOV.UK pattern).
    if request.args.get("return") == "check":
        return redirect(url_for("wizard.check"))
    return redirect(_next_step(data, step))


@bp.get("/")
def home():
    return render_template("wizard/home.html")


def _page_number(value) -> int:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 6 else 1


@bp.route("/write/organisations", methods=["GET", "POST"])
def organisations():
    """Search first, then the organisations most asked about, then every one, page by page.
    Every button (search, another page, continue) saves the ticks on screen first."""
    draft = _draft()
    data = draft.data or {}
    selected = list(data.get("orgs", []))
    errors = {}
    # A link from an organisation page or a suggestion ticks it (and may name the request
    # that makes sense there); only the form's POST saves, so following a link changes nothing.
    preselect = request.args.get("org")
    if preselect and get_organisation(db(), preselect) and preselect not in selected:
        selected.append(preselect)
    preselected_right = request.args.get("right") if request.args.get("right") in RIGHT_KEYS else ""
    if request.method == "POST":
        shown = request.form.getlist("shown")
        ticked = set(request.form.getlist("orgs"))
        # Keep choices that were not on screen (an earlier search); apply ticks on screen.
        selected = [s for s in selected if s not in shown or s in ticked]
        selected += [s for s in request.form.getlist("orgs") if s not in selected]
        selected = [s for s in selected if get_organisation(db(), s)][: wiz.MAX_ORGS]
        removed = request.form.getlist("remove_custom")
        custom = [c for i, c in enumerate(data.get("custom_orgs", [])) if str(i) not in removed]
        changes = {"orgs": selected, "custom_orgs": custom}
        if request.form.get("right") in RIGHT_KEYS:
            changes["right"] = request.form["right"]
        _save(draft, **changes)
        if request.form.get("action") == "search":
            return redirect(url_for("wizard.organisations", q=request.form.get("q", "") or None))
        if request.form.get("page"):
            return redirect(url_for("wizard.organisations", q=request.args.get("q") or None,
                                    page=_page_number(request.form["page"])) + "#list")
        if selected or custom:
            return _after_save(draft.data, "organisations")
        errors["orgs"] = _l("Choose at least one organisation, or add one that is not listed")
    query = request.args.get("q", "").strip()[:200]
    number = _page_number(request.args.get("page"))
    if query:
        shown = org_lists.page_of(search_organisations(db(), query, limit=SEARCH_MAX), number)
    else:
        shown = org_lists.browse_organisations(db(), number)
    chosen = wiz.chosen_orgs(db(), {**(draft.data or {}), "orgs": selected})
    return render_template(
        "wizard/organisations.html", listing=shown, query=query, selected=selected,
        most_asked=[] if query else org_lists.most_asked(db()), chosen=chosen, errors=errors,
        preselected_right=preselected_right, browsing=bool(request.args.get("page")),
    ), (400 if errors else 200)


@bp.get("/write/organisations/suggest")
def suggest():
    """Suggestions under the wizard's search box: each one ticks the organisation on this
    step (a link, so nothing is saved until the form is sent)."""
    query = request.args.get("q", "").strip()[:200]
    if len(query) < 2:
        return jsonify([])
    return jsonify([
        {"slug": r.slug, "name": r.name, "url": url_for("wizard.organisations", org=r.slug)}
        for r in search_organisations(db(), query, limit=SUGGEST_LIMIT)
    ])


@bp.route("/write/organisations/other", methods=["GET", "POST"])
def other_organisation():
    draft = _draft()
    result = wiz.StepResult()
    if request.method == "POST":
        result = wiz.validate_custom_org(request.form)
        if result.ok:
            custom = list((draft.data or {}).get("custom_orgs", []))[: wiz.MAX_ORGS - 1]
            custom.append(wiz.custom_org_value(result.values))
            _save(draft, custom_orgs=custom)
            return redirect(url_for("wizard.organisations"))
    return render_template("wizard/other_organisation.html", values=result.values,
                           errors=result.errors), (400 if result.errors else 200)


@bp.route("/write/request", methods=["GET", "POST"], endpoint="request")
def request_kind():
    draft = _draft()
    values = {"right": (draft.data or {}).get("right", "")}
    errors = {}
    if request.method == "POST":
        result = wiz.validate_right(request.form)
        values, errors = result.values, result.errors
        if result.ok:
            _save(draft, right=result.values["right"])
            return _after_save(draft.data, "request")
    recommended = wiz.recommendation(db(), draft.data or {})
    groups = wiz.grouped_choices(recommended.key if recommended else None)
    first = recommended.key if recommended else groups[0][1][0].key
    return render_template(
        "wizard/request.html", recommended=recommended, groups=groups, first=first, values=values,
        errors=errors, back_url=_back_url(draft.data or {}, "request"),
    ), (400 if errors else 200)


def _simple_step(step: str, template: str, validate, **context):
    draft = _draft()
    values = dict((draft.data or {}).get(step, {}))
    errors = {}
    if request.method == "POST":
        result = validate(request.form)
        values, errors = result.values, result.errors
        if result.ok:
            _save(draft, **{step: result.values})
            return _after_save(draft.data, step)
    return render_template(template, values=values, errors=errors, data=draft.data or {},
                           back_url=_back_url(draft.data or {}, step), **context), (400 if errors else 200)


@bp.route("/write/details", methods=["GET", "POST"])
def details():
    return _simple_step("details", "wizard/details.html", wiz.validate_details)


@bp.route("/write/identifiers", methods=["GET", "POST"])
def identifiers():
    # A number can be meant for one organisation: the page lists their short names.
    chosen = [org for org in wiz.chosen_orgs(db(), _draft().data or {}) if org.record]
    slugs = [org.key for org in chosen]
    return _simple_step("identifiers", "wizard/identifiers.html",
                        lambda form: wiz.validate_identifiers(form, slugs, today=today()), chosen=chosen)


@bp.route("/write/more", methods=["GET", "POST"])
def more():
    draft = _draft()
    right_key = (draft.data or {}).get("right")
    if not right_key:
        return redirect(url_for("wizard.request"))
    right = get_right(right_key)
    return _simple_step("more", "wizard/more.html",
                        lambda form: wiz.validate_more(form, right_key),
                        right=right, grounds=right.grounds)


@bp.route("/write/check", methods=["GET", "POST"])
def check():
    draft = _draft()
    data = draft.data or {}
    missing = wiz.missing_steps(db(), data, today())
    if missing:
        return redirect(url_for(f"wizard.{missing[0]}"))
    chosen = wiz.chosen_orgs(db(), data)
    languages = {org.key: wiz.letter_language(org, data.get("languages", {})) for org in chosen}
    errors = {}
    if request.method == "POST":
        available = available_locales()
        picked = {org.key: request.form.get(f"lang-{org.key}", languages[org.key])
                  for org in chosen}
        bad = [key for key, code in picked.items() if code not in available]
        if bad:
            errors = {f"lang-{key}": _l("Choose a letter language from the list") for key in bad}
        else:
            workspace, token, _requests = wiz.finish(db(), {**data, "languages": picked}, today())
            db().delete(draft)
            db().commit()
            session.pop("draft", None)
            session.pop("sid", None)
            return redirect(url_for("requests.workspace", token=token, created=1))
    return render_template(
        "wizard/check.html", data=data, chosen=chosen, right=get_right(data["right"]),
        person=wiz.person_value(data), numbers=wiz.identifier_numbers(data),
        org_names={org.key: org.recipient.name for org in chosen}, languages=languages,
        locales=available_locales(), all_locales=LETTER_LOCALES, errors=errors,
        show_identifiers=wiz.needs_identifier_step(db(), data),
        show_more=wiz.needs_more_step(data), back_url=_back_url(data, "check"),
    ), (400 if errors else 200)


@bp.post("/write/start-again")
def start_again():
    draft = wiz.load_draft(db(), session.pop("draft", None), session.pop("sid", None))
    if draft.id is not None:
        db().delete(draft)
        db().commit()
    return redirect(url_for("wizard.organisations"))


@bp.get("/write/<path:_anything>")
def unknown_step(_anything):
    abort(404)
