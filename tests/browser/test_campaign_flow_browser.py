"""A bulk campaign end to end in real headless Chromium (issue 14): the operator command
creates a team; its admin creates a campaign to Experian and Equifax on the web, picking the
two agencies in the directory search; two people join on the public page, each in a browser
of their own with no account; the admin imports 20 more from a CSV with one bad postcode,
reported by its line and column with nothing imported, fixes it and imports again; starts
the render from the button and waits while the page follows it to 44 of 44; the
manifest lists the 44 letters and the print file holds every one of them (its text read
back with pypdf); a second render makes nothing new. axe-core checks every page."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest
from pypdf import PdfReader

from tests.browser.test_casework_browser import _create_team, _join

pytestmark = pytest.mark.browser

MANIFEST_COLUMNS = ["reference", "participant", "organisation", "pages", "file"]
CSV_HEADER = ["name", "address_1", "town", "postcode", "mandate_reference"]
BAD_LINE = 9  # the header, then seven good rows


def _members_csv(bad_postcode: str) -> bytes:
    """20 members as a group's spreadsheet exports them; the eighth row's postcode is given."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for n in range(1, 21):
        postcode = bad_postcode if n == BAD_LINE - 1 else "LS1 1AA"
        writer.writerow([f"Member {n:02d} Owusu", f"{n} Park Row", "Leeds", postcode, f"MND-{n:04d}"])
    return buffer.getvalue().encode("utf-8")


def _create_campaign(page, audit) -> str:
    """Create the campaign from the team's campaigns page; return its join link."""
    page.get_by_role("link", name="Campaigns").click()
    audit.check()
    page.get_by_role("link", name="Create a campaign").click()
    audit.check()
    page.get_by_label("Title").fill("Fair credit scores")
    page.get_by_label("What the campaign is about").fill("Ask the agencies for everything they hold.")
    for name in ("Experian", "Equifax"):  # search the directory, tick the agency; ticks are kept
        page.get_by_label("Search by name, brand or former name").fill(name)
        page.get_by_role("button", name="Search").click()
        audit.check(welsh=False)
        page.get_by_label(f"{name} Ltd").check()
    page.get_by_label("What should the organisations do?").select_option("access")
    page.get_by_role("button", name="Create the campaign").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Fair credit scores"
    assert _joined(page) == 0
    audit.check()
    return page.locator(".secret-link a").inner_text()


def _joined(page) -> int:
    """The number of people who joined, as the campaign's page shows it (one version)."""
    return int(page.locator(".summary-row", has_text="People who joined").locator("dd").inner_text())


def _join_campaign(browser, join_link: str, name: str, address: str) -> None:
    """Someone with no account joins in a browser of their own."""
    from tests.browser.conftest import Audit

    context = browser.new_context(locale="en-GB", bypass_csp=True)
    try:
        visitor = context.new_page()
        visitor.set_default_timeout(15000)
        audit = Audit(visitor)
        visitor.goto(join_link)
        audit.check(welsh=False)
        visitor.get_by_label("Full name").fill(name)
        visitor.get_by_label("Postal address").fill(address)
        visitor.get_by_label("I want to take part").check()
        visitor.get_by_role("button", name="Join and get my letters").click()
        assert visitor.get_by_role("heading", level=1).inner_text() == "Your letters are ready"
        assert visitor.locator(".request-card").count() == 2
        audit.check(welsh=False)
        audit.finish()
    finally:
        context.close()


def _upload(page, audit, data: bytes) -> None:
    page.get_by_label("The CSV file of members").set_input_files(
        {"name": "members.csv", "mimeType": "text/csv", "buffer": data})
    page.get_by_role("button", name="Import members").click()
    audit.check(welsh=False)


def _import_members(page, audit, campaign_url: str) -> None:
    page.get_by_role("link", name="Import members from a CSV file").click()
    audit.check()
    _upload(page, audit, _members_csv("LS1 XYZ"))
    summary = page.locator(".error-summary").inner_text()
    assert "1 row is bad, so nothing was imported." in summary
    assert f"Line {BAD_LINE}, column D" in summary
    assert "Enter a real UK postcode, like CF10 1AA" in summary
    page.goto(campaign_url)
    assert _joined(page) == 2  # nothing imported
    audit.check(welsh=False)

    page.get_by_role("link", name="Import members from a CSV file").click()
    audit.check(welsh=False)
    _upload(page, audit, _members_csv("ls1  4ap"))
    assert page.locator(".error-summary").count() == 0
    status = page.get_by_role("status").inner_text()
    assert "Imported 20 members. 40 requests were written." in status
    page.goto(campaign_url)
    assert _joined(page) == 22
    audit.check(welsh=False)


def _render(page, audit, button: str) -> str:
    """Start a render; wait while the page follows it in place; the final status line."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()
    audit.check(welsh=False)
    # The page fetches its counts again every few seconds and swaps them in, without
    # reloading: the button comes back once the run is over.
    ready = page.get_by_role("heading", name="The letters are ready")
    ready.wait_for(timeout=80000)
    assert page.get_by_text("44 of 44 letters made").is_visible()
    return page.locator(".render-status").inner_text()


def _download(page, link_name: str, tmp_path, name: str):
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).click()
    path = tmp_path / name
    download.value.save_as(path)
    return path


def test_an_organiser_runs_a_campaign_to_the_print_file(
        browser, page, live_app, live_server, audit, instance_path, tmp_path):
    # The join link the campaign's page shows is built from the configured public address.
    settings = live_app.config["DSAR_SETTINGS"]
    live_app.config["DSAR_SETTINGS"] = dataclasses.replace(settings, base_url=live_server)
    _team, link = _create_team(settings, live_server, "Fair Data Leeds", "organiser@fair.example")
    _join(page, audit, link, "Orla Organiser")
    join_link = _create_campaign(page, audit)
    campaign_url = page.url
    assert join_link.startswith(f"{live_server}/c/fair-credit-scores-")

    _join_campaign(browser, join_link, "Siân Llŵyd", "12 Heol y Frenhines\nCardiff\nCF10 1AA")
    _join_campaign(browser, join_link, "Kwame Mensah", "4 Mill Lane\nLeeds\nLS6 2AB")
    page.reload()
    assert _joined(page) == 2
    audit.check(welsh=False)

    _import_members(page, audit, campaign_url)

    page.get_by_role("link", name="Letters for the mailing house").click()
    audit.check()
    status = _render(page, audit, "Make the letters")
    assert status.startswith("44 made in this run, 0 already there; the print file has ")
    page.reload()  # as the person would find it later, in English and in Welsh
    audit.check()

    manifest = _download(page, "Download the list of letters (CSV)", tmp_path, "manifest.csv")
    with manifest.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == MANIFEST_COLUMNS
    assert len(rows) == 44 and len({row["reference"] for row in rows}) == 44
    assert sorted({row["organisation"] for row in rows}) == ["Equifax Ltd", "Experian Ltd"]
    people = {row["participant"] for row in rows}
    assert len(people) == 22

    printed = _download(page, "Download the print file (PDF)", tmp_path, "print.pdf")
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(printed).pages)
    assert [row["reference"] for row in rows if row["reference"] not in text] == []
    for name in ("Siân Llŵyd", "Kwame Mensah", "Member 01 Owusu", "Member 08 Owusu", "Member 20 Owusu"):
        assert text.count(name) >= 2, name  # a letter to each agency
    assert "LS1 4AP" in text  # the fixed postcode, written as Royal Mail writes it

    status = _render(page, audit, "Make the letters of people who joined since")
    assert status.startswith("0 made in this run, 44 already there;")
