"""Rendering a campaign's letters from its team page: the button (caseworkers and admins:
producing every letter's file is an export), the progress page (counts from the database;
it reloads itself every few seconds while the run goes on, with no JavaScript), and the
print file and manifest to download. On the campaigns blueprint (views.py).

The output lives in the instance folder, one folder per campaign, never under static/. A
running worker gets the chunks through the queue; with none, a background thread of this
process renders them (one at a time, never forking: see dsar/letters/bulk.py)."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, g, redirect, render_template, send_file, url_for

from dsar import jobs
from dsar.campaigns import rendering
from dsar.campaigns.render_model import UNFINISHED
from dsar.campaigns.views import bp, load_campaign
from dsar.teams.auth import require
from dsar.teams.views import log
from dsar.web.context import db

REFRESH_SECONDS = 5
DOWNLOADS = {"print.pdf": "application/pdf", "manifest.csv": "text/csv"}


def output_dir(campaign) -> Path:
    settings = current_app.config["DSAR_SETTINGS"]
    return settings.instance_path / "campaign-renders" / campaign.public_id


@bp.get("/t/<team>/campaigns/<slug>/render")
def render_page(slug: str):
    require("view")
    campaign = load_campaign(slug)
    run = rendering.latest_run(db(), campaign.id)
    state = rendering.progress(db(), run) if run is not None else None
    # Only the campaign's own folder counts here (a command-line run writes elsewhere).
    if state is not None and Path(state.out_dir) != output_dir(campaign).resolve():
        state = None
    return render_template("campaigns/render.html", campaign=campaign, state=state,
                           running=state is not None and state.status in UNFINISHED,
                           refresh=REFRESH_SECONDS)


@bp.post("/t/<team>/campaigns/<slug>/render")
def start_render(slug: str):
    require("export")
    campaign = load_campaign(slug)
    run, chunks = rendering.start_run(db(), campaign, output_dir(campaign))
    log("campaign_render_started", "campaign", campaign.public_id, letters=run.total)
    db().commit()
    settings = current_app.config["DSAR_SETTINGS"]
    if jobs.worker_alive(settings):
        rendering.enqueue_run(jobs.queue(settings), run, chunks)
    else:
        rendering.run_in_background(current_app.extensions["dsar_sessions"], run.id, run.generation, chunks)
    return redirect(url_for("campaigns.render_page", team=g.team.slug, slug=campaign.slug))


@bp.get("/t/<team>/campaigns/<slug>/render/<name>")
def render_download(slug: str, name: str):
    require("export")
    campaign = load_campaign(slug)
    run = rendering.latest_run(db(), campaign.id)
    path = output_dir(campaign) / name
    if (name not in DOWNLOADS or run is None or run.status != "done"
            or Path(run.out_dir) != output_dir(campaign).resolve() or not path.is_file()):
        abort(404)
    log("campaign_render_downloaded", "campaign", campaign.public_id, file=name)
    db().commit()
    return send_file(path, mimetype=DOWNLOADS[name], as_attachment=True,
                     download_name=f"{campaign.slug}-{name}", max_age=0)
