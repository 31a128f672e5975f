"""The public side of a campaign (no account): the join page at /c/<slug>, and the page of
the letters a person just got (under their workspace's secret path, /w/<token>/campaign),
which links to their one private tracking link."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, redirect, render_template, request, url_for

from dsar.campaigns import forms, joining, services
from dsar.campaigns.models import Campaign
from dsar.campaigns.views import bp
from dsar.letters.compose import compose
from dsar.letters.inputs import InputError
from dsar.requests.blueprint import load_workspace
from dsar.requests.services import letter_request
from dsar.teams.models import Team
from dsar.validation import is_usable_email
from dsar.web.context import db, public_url, today
from dsar.web.limits import limiter

JOIN_RATE = "20 per minute; 200 per hour"


def _public(slug: str):
    campaign = services.public_campaign(db(), slug)
    if campaign is None:
        abort(404)
    return campaign


def _join_page(campaign, values=None, errors=None, status=200):
    version = services.current_version(db(), campaign)
    return render_template(
        "campaigns/join.html", campaign=campaign, team_name=db().get(Team, campaign.team_id).name,
        targets=version.snapshot["targets"] if version else [],
        availability=services.availability(campaign, today()), values=values or {},
        errors=errors or {}, consent_version=joining.CONSENT_VERSION), status


@bp.route("/c/<slug>", methods=["GET", "POST"])
@limiter.limit(JOIN_RATE, methods=["POST"])
def join(slug: str):
    campaign = _public(slug)
    if request.method == "GET":
        return _join_page(campaign)
    result = forms.validate_join(request.form)
    if not result.ok:
        return _join_page(campaign, result.values, result.errors, 400)
    try:
        joined = joining.join_campaign(
            db(), campaign, result.cleaned["person"], share_named=result.cleaned["share_named"],
            today=today(), now=datetime.now(UTC).replace(tzinfo=None))
    except joining.NotJoinable:
        db().rollback()
        return _join_page(campaign, result.values, status=409)
    except InputError:
        db().rollback()
        return _join_page(campaign, result.values, {"name": forms.LETTERS_PROBLEM}, 400)
    db().commit()
    return redirect(url_for("campaigns.letters", token=joined.token))


@bp.get("/w/<token>/campaign")
def letters(token: str):
    """Every target's letter (PDF, email, mailto) and the one private tracking link. Under
    the workspace's secret path, which every log redacts."""
    participant = joining.participant_of(db(), load_workspace(token))
    if participant is None:
        abort(404)
    items = []
    for item in joining.letters_of(db(), participant, today()):
        letter = compose(letter_request(item.request))
        mailto = ""
        if is_usable_email(letter.recipient.email):
            from dsar.letters.email import mailto_link  # the email renderer, only when needed

            mailto = mailto_link(letter) or ""
        items.append({"item": item, "letter": letter, "mailto": mailto})
    return render_template("campaigns/letters.html", campaign=db().get(Campaign, participant.campaign_id),
                           items=items, token=token, link=public_url("requests.workspace", token=token))
