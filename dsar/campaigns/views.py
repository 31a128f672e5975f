"""Campaigns in the team area (/t/<team>/campaigns, behind the deny-by-default guard): the
list, a campaign's page (its join link, versions and who joined under each), and the
create and edit forms (admins only). The public join page is in views_join.py, on the same
blueprint. Thin: parse the form, call a service, write the audit line, render."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from dsar.campaigns import forms, services
from dsar.campaigns.versions import changed_fields
from dsar.directory.services import get_organisation, search_organisations
from dsar.letters.compose import LETTER_LOCALES, available_locales
from dsar.rights import JURISDICTIONS
from dsar.teams.auth import require
from dsar.teams.views import log
from dsar.web.context import db, public_url, today

bp = Blueprint("campaigns", __name__)


def load_campaign(slug: str):
    campaign = services.get_campaign(db(), g.team.id, slug)
    if campaign is None:
        abort(404)
    return campaign


def _form_page(values: dict, errors: dict, campaign=None):
    query = (request.form.get("q") or "").strip()[:200]
    chosen = [r for r in (get_organisation(db(), s) for s in values.get("orgs", [])) if r]
    return render_template(
        "campaigns/form.html", campaign=campaign, values=values, errors=errors,
        rights=services.CAMPAIGN_RIGHTS, jurisdictions=JURISDICTIONS,
        languages=[code for code in LETTER_LOCALES if code in available_locales()],
        query=query, chosen=chosen, results=search_organisations(db(), query, limit=25),
    ), (400 if errors else 200)


def _still_choosing() -> bool:
    """A search or a preset shows the form again with the choices so far (nothing saved)."""
    return request.form.get("action") == "search" or bool(request.form.get("preset"))


@bp.get("/t/<team>/campaigns")
def campaigns():
    require("view")
    return render_template("campaigns/list.html", rows=services.team_campaigns(db(), g.team.id),
                           today_date=today(), availability=services.availability)


@bp.route("/t/<team>/campaigns/new", methods=["GET", "POST"])
def create():
    require("manage")
    if request.method == "GET":
        return _form_page({"status": "open", "orgs": []}, {})
    result = forms.validate_campaign(request.form, db())
    if _still_choosing() or not result.ok:
        return _form_page(result.values, {} if _still_choosing() else result.errors)
    campaign = services.create_campaign(db(), g.team.id, result.cleaned["settings"])
    log("campaign_created", "campaign", campaign.public_id)
    db().commit()
    return redirect(url_for("campaigns.campaign", team=g.team.slug, slug=campaign.slug))


@bp.get("/t/<team>/campaigns/<slug>")
def campaign(slug: str):
    require("view")
    found = load_campaign(slug)
    version = services.current_version(db(), found)
    stale = changed_fields(version.snapshot, services.current_snapshot(db(), found)) if version else []
    return render_template(
        "campaigns/campaign.html", campaign=found, versions=services.participants_by_version(db(), found),
        join_link=public_url("campaigns.join", slug=found.slug), stale=stale,
        availability=services.availability(found, today()), saved=request.args.get("saved", ""))


@bp.route("/t/<team>/campaigns/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    require("manage")
    found = load_campaign(slug)
    if request.method == "GET":
        return _form_page(forms.campaign_values(found), {}, found)
    result = forms.validate_campaign(request.form, db(), editing=True)
    if _still_choosing() or not result.ok:
        return _form_page(result.values, {} if _still_choosing() else result.errors, found)
    edited = services.edit_campaign(db(), found, result.cleaned["settings"], result.cleaned["status"])
    log("campaign_edited", "campaign", found.public_id, version=edited.version,
        new_version=edited.new_version)
    db().commit()
    return redirect(url_for("campaigns.campaign", team=g.team.slug, slug=found.slug,
                            saved="version" if edited.new_version else "same"))
