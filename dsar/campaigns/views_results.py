"""A campaign's pooled results: the organiser's page in the team area
(/t/<team>/campaigns/<slug>/results, team members; publishing the scorecard, admins), and the
public scorecard with its open data (/c/<slug>/scorecard, .csv, .json; 404 until published).
Same figures, same suppression everywhere (results.py); no names anywhere."""

from __future__ import annotations

import json

from flask import Response, abort, g, get_template_attribute, redirect, render_template, request, url_for
from flask_babel import gettext as _

from dsar.campaigns import charts, open_data, services
from dsar.campaigns.results_store import load_results, organisation_names
from dsar.campaigns.views import bp, load_campaign
from dsar.teams.auth import require
from dsar.teams.views import log
from dsar.web.context import db, public_url, today


def _charts(results, names: dict) -> dict:
    """Each chart as a data: URL (None when it would show nothing), labelled as the tables are."""
    item_label = get_template_attribute("requests/_reply_items.html", "item_label")
    outcomes = charts.outcomes_chart(
        results, names,
        {"on_time": _("Replied on time"), "late": _("Replied late"),
         "overdue": _("No reply, overdue"), "waiting": _("No reply, not yet due")},
        _("What became of the letters"),
        _("Number of letters to each organisation by outcome. The same figures are in the table "
          "below; figures withheld to protect participants are left out."))
    complete = charts.completeness_chart(
        results, {code: str(item_label(code)).strip() for code in results.items},
        _("Answered in full"), _("How complete the replies were"),
        _("For each item the letter asked for, the share of checked replies that answered it in "
          "full, all organisations together. The same figures are in the table below."))
    return {"outcomes": outcomes and charts.data_url(outcomes),
            "completeness": complete and charts.data_url(complete)}


def _figures(campaign) -> dict:
    results = load_results(db(), campaign, today())
    db().commit()  # the letters' kept facts (a cache) are written on the way
    names = organisation_names(db(), campaign)
    return {"results": results, "names": names, "charts": _charts(results, names), "as_of": today()}


@bp.get("/t/<team>/campaigns/<slug>/results")
def results(slug: str):
    require("view")
    found = load_campaign(slug)
    return render_template(
        "campaigns/results.html", campaign=found, published=request.args.get("published", ""),
        scorecard_link=public_url("campaigns.scorecard", slug=found.slug), **_figures(found))


@bp.post("/t/<team>/campaigns/<slug>/results/publish")
def publish(slug: str):
    require("manage")
    found = load_campaign(slug)
    choice = request.form.get("publish")
    if choice not in ("yes", "no"):
        abort(400)
    found.scorecard_published = choice == "yes"
    log("scorecard_published" if found.scorecard_published else "scorecard_withdrawn",
        "campaign", found.public_id)
    db().commit()
    return redirect(url_for("campaigns.results", team=g.team.slug, slug=found.slug, published=choice))


def _published(slug: str):
    campaign = services.public_campaign(db(), slug)
    if campaign is None or not campaign.scorecard_published:
        abort(404)
    return campaign


@bp.get("/c/<slug>/scorecard")
def scorecard(slug: str):
    campaign = _published(slug)
    return render_template("campaigns/scorecard.html", campaign=campaign, **_figures(campaign))


def _document(campaign) -> dict:
    results = load_results(db(), campaign, today())
    db().commit()
    return open_data.document(results, organisation_names(db(), campaign), title=campaign.title,
                              slug=campaign.slug, today=today())


@bp.get("/c/<slug>/scorecard.json")
def scorecard_json(slug: str):
    data = _document(_published(slug))
    return Response(json.dumps(data, ensure_ascii=False, indent=1), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{slug}-scorecard.json"'})


@bp.get("/c/<slug>/scorecard.csv")
def scorecard_csv(slug: str):
    data = _document(_published(slug))
    return Response(open_data.csv_text(data), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{slug}-scorecard.csv"'})
