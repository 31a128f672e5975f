"""An advice charity end to end in real headless Chromium (issue 12): the operator command
(run for real, as a separate process, on the test app's database) creates a team; its admin
accepts the invitation, sets a password and the team's address, and invites a caseworker (the
invitation arrives by email through a real SMTP server) and a read-only member; the caseworker
signs in, adds a client with safe contact, generates the letter of authority, uploads the
signed copy, writes to Experian, Equifax and TransUnion at once and downloads the one PDF to
print, whose text is read back with pypdf; the caseload shows the three requests with their
due dates. The read-only member sees them but cannot export; the admin of a second team gets
404 for every one of them. axe-core checks every page, in English and Welsh (a page already
seen in Welsh, in English only, to keep the walk short)."""

from __future__ import annotations

import csv
import dataclasses
import email.policy
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

from tests.requests.conftest import smtp_server  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
TEAM_ADDRESS = ("2 Help Street", "Leeds", "LS1 2AB")
AGENCIES = ("Experian Ltd", "Equifax Ltd", "TransUnion International UK Ltd")
# Posted on Thursday 26 November 2026 (the injected today), deemed received on Monday the
# 30th (second working day): a month later is Wednesday 30 December.
DUE = "30 December 2026"


def _create_team(settings, base_url: str, name: str, admin_email: str) -> tuple[str, str]:
    """Run the operator command as an operator would, on the app's instance and database;
    return (slug, invitation link)."""
    env = {**os.environ, "DSAR_INSTANCE_PATH": str(settings.instance_path), "DSAR_SECRET_KEY": "test-secret",
           "DSAR_DATABASE_URL": settings.database_url, "DSAR_BASE_URL": base_url,
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "run.py", "teams", "create", name, "--admin-email", admin_email],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("slug\t") and lines[-1].startswith(f"{base_url}/team/invitation/")
    return lines[0].split("\t")[1], lines[-1]


def _join(page, audit, link: str, name: str, *, welsh: bool = True) -> None:
    """Open an invitation link, choose a password; the new member lands on the caseload."""
    page.goto(link)
    audit.check(welsh=welsh)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    with page.expect_navigation():  # is_visible() does not wait for the next page
        page.get_by_role("button", name="Join the team").click()
    assert page.get_by_role("heading", name="Caseload").is_visible()
    audit.check(welsh=welsh)


def _sign_out(page, audit, *, welsh: bool = False) -> None:
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_text("You have signed out.").is_visible()
    audit.check(welsh=welsh)


def _invite(page, audit, email: str, role: str) -> str:
    """Invite from the staff page; return the link the page shows to the admin."""
    page.get_by_label("Email address").fill(email)
    page.get_by_label(role, exact=True).check()
    page.get_by_role("button", name="Send the invitation").click()
    audit.check(welsh=False)  # shown in answer to a POST; the address only takes a POST
    return page.locator("code.secret-link").inner_text()


def _emailed_link(collector, address: str, base_url: str) -> str:
    found = [m for m in collector.messages if address in m.rcpt_tos]
    assert len(found) == 1, [m.rcpt_tos for m in collector.messages]
    message = email.message_from_bytes(found[0].content, policy=email.policy.default)
    assert message["Subject"] == "You are invited to a team on dsar"
    assert message["Auto-Submitted"] == "auto-generated"
    # The link whole on one line, as a mail read as plain text shows it.
    return re.search(re.escape(base_url) + r"/team/invitation/[\w-]+(?=\r?\n)",
                     found[0].content.decode()).group(0)


def _download(page, link_name: str, path: Path) -> Path:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    download_info.value.save_as(path)
    return path


def _pages(path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages]


def _set_up_the_team(page, audit, live_server, settings, smtp) -> tuple[str, dict]:
    """The operator creates the team; its admin joins, gives the team its address and invites
    a caseworker and a read-only member. Returns the slug and the emailed links."""
    slug, link = _create_team(settings, live_server, "Leeds Debt Advice", "admin@leeds.example")
    assert slug == "leeds-debt-advice"
    _join(page, audit, link, "Ann Admin")
    page.get_by_role("link", name="Settings").click()
    audit.check()
    page.get_by_label("Postal address for replies").fill("\n".join(TEAM_ADDRESS))
    page.get_by_label("Email address for replies").fill("help@leeds.example")
    page.get_by_role("button", name="Save settings").click()
    assert page.get_by_text("Settings saved.").is_visible()
    audit.check(welsh=False)
    page.get_by_role("link", name="Staff").click()
    audit.check()
    links = {}
    for address, role in (("worker@leeds.example", "Caseworker"), ("reader@leeds.example", "Read-only")):
        shown = _invite(page, audit, address, role)
        links[address] = _emailed_link(smtp, address, live_server)
        assert shown == links[address]  # the same link, by email and on the page
    _sign_out(page, audit, welsh=True)
    return slug, links


def _add_client(page, audit) -> None:
    page.get_by_role("link", name="Clients").click()
    audit.check()
    page.get_by_role("link", name="Add a client", exact=True).click()
    audit.check()
    page.get_by_label("Full name").fill("Jo Bloggs")
    page.get_by_label("Postal address", exact=True).fill("1 Safe Street\nLeeds\nLS1 1AA")
    page.get_by_label("Safe contact: never write to the client's home").check()
    page.get_by_label("Previous addresses (optional)").fill("3 Old Road\nLeeds\nLS2 2BB")
    page.get_by_label("Day").fill("27")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("1980")
    page.get_by_role("button", name="Add the client").click()
    assert page.get_by_role("heading", name="Jo Bloggs").is_visible()
    assert page.get_by_text("Safe contact: never write to the client's home.").is_visible()
    audit.check()


def _authorise(page, audit, tmp_path: Path) -> tuple[str, str]:
    """Generate the letter of authority, download it, and upload it back as the signed copy
    (a real PDF, as a scan of the signed letter would be). Returns the document's address."""
    page.get_by_role("link", name="Generate the letter of authority").click()
    audit.check()
    page.get_by_role("button", name="Add the three credit reference agencies").click()
    audit.check(welsh=False)
    for agency in AGENCIES:
        assert page.get_by_label(agency).is_checked()
    assert page.get_by_label("Get a copy of all the data they hold about me").is_checked()
    page.get_by_role("button", name="Generate the letter of authority").click()
    assert page.get_by_text("Generated on 26 November 2026, waiting for the client's signature.").is_visible()
    audit.check()
    document = "Download the letter of authority (PDF)"
    document_url = page.get_by_role("link", name=document).get_attribute("href")
    authority = _download(page, document, tmp_path / "authority.pdf")
    text = " ".join(_pages(authority))
    assert "Jo Bloggs" in text and "Leeds Debt Advice" in text
    assert all(agency in text for agency in AGENCIES)

    page.get_by_role("link", name="Upload the signed copy").click()
    audit.check()
    page.get_by_label("The signed copy").set_input_files(str(authority))
    page.get_by_role("button", name="Upload the signed copy").click()
    assert page.get_by_text("Signed on 26 November 2026, valid until 26 November 2027.").is_visible()
    audit.check(welsh=False)
    signed_url = page.get_by_role("link", name="Download the signed copy").get_attribute("href")
    return document_url, signed_url


def _write_to_the_agencies(page, audit, tmp_path: Path) -> tuple[list[str], str]:
    """Write to the three agencies at once; read back the one PDF to print. Returns the
    requests' public ids and the PDF's address."""
    page.get_by_role("link", name="Write to organisations").click()
    audit.check()
    page.get_by_role("button", name="Add the three credit reference agencies").click()
    audit.check(welsh=False)
    assert page.get_by_label("The letters will be posted today").is_checked()
    page.get_by_role("button", name="Write the letters").click()
    assert page.get_by_text("3 letters written.").is_visible()
    audit.check()
    written = parse_qs(urlsplit(page.url).query)["written"]
    merged_name = "Download all of them as one PDF to print (each letter starts on a new sheet)"
    merged_url = page.get_by_role("link", name=merged_name).get_attribute("href")
    pages = _pages(_download(page, merged_name, tmp_path / "letters.pdf"))

    starts = [i for i, text in enumerate(pages) if text.startswith("Leeds Debt Advice")]
    assert len(starts) == 3 and all(start % 2 == 0 for start in starts)  # each on a fresh sheet
    for start, agency in zip(starts, AGENCIES, strict=True):
        first = pages[start]
        # The team is the sender: its name and address head the letter, before the agency's.
        assert first.startswith("Leeds Debt Advice 2 Help Street Leeds LS1 2AB")
        assert first.index("LS1 2AB") < first.index(agency)
        assert "We are writing as the authorised representative of Jo Bloggs" in first
        assert "on their behalf. Their signed letter of authority is enclosed." in first
    letters = [" ".join(pages[a:b]) for a, b in zip(starts, [*starts[1:], len(pages)], strict=True)]
    for letter, agency in zip(letters, AGENCIES, strict=True):
        assert [other for other in AGENCIES if other in letter] == [agency]
        assert "Letter of authority signed by Jo Bloggs, valid until 26 November 2027" in letter
        assert "please do not write to Jo Bloggs at any home address" in letter
    text = " ".join(pages)
    assert "1 Safe Street" not in text and "LS1 1AA" not in text  # safe contact
    return written, merged_url


def _three_requests_due(page) -> None:
    rows = page.locator("table tbody tr")
    assert rows.count() == 3
    for agency in AGENCIES:
        row = rows.filter(has_text=agency)
        assert row.count() == 1, agency
        assert DUE in row.inner_text() and "Jo Bloggs" in row.inner_text(), agency


def test_a_team_writes_to_the_three_agencies_for_a_client(
        page, live_app, live_server, audit, tmp_path, smtp_server):  # noqa: F811
    smtp_url, collector = smtp_server
    live_app.config["DSAR_SETTINGS"] = dataclasses.replace(
        live_app.config["DSAR_SETTINGS"], smtp_url=smtp_url, base_url=live_server)
    slug, links = _set_up_the_team(page, audit, live_server, live_app.config["DSAR_SETTINGS"], collector)

    # The caseworker accepts, signs out, and signs in with the new password.
    _join(page, audit, links["worker@leeds.example"], "Wes Worker", welsh=False)
    _sign_out(page, audit)
    page.get_by_label("Email address").fill("worker@leeds.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="Caseload").is_visible()
    assert page.get_by_text("No requests yet.").is_visible()
    audit.check(welsh=False)

    _add_client(page, audit)
    client_url = page.url
    document_url, signed_url = _authorise(page, audit, tmp_path)
    written, merged_url = _write_to_the_agencies(page, audit, tmp_path)
    letter_urls = [page.locator(f"a[href$='/letters/{r}.pdf']").get_attribute("href") for r in written]
    assert len(letter_urls) == 3
    page.get_by_role("link", name="Caseload").click()
    _three_requests_due(page)
    audit.check()
    export = _download(page, "Download these requests (CSV)", tmp_path / "caseload.csv")
    rows = list(csv.DictReader(export.read_text(encoding="utf-8").splitlines()))
    assert sorted((r["Organisation"], r["Due date"]) for r in rows) == [
        (agency, "2026-12-30") for agency in sorted(AGENCIES)]
    _sign_out(page, audit)

    # The read-only member sees the same three requests but has no export.
    _join(page, audit, links["reader@leeds.example"], "Rea Reader", welsh=False)
    _three_requests_due(page)
    assert page.get_by_role("link", name="Download these requests (CSV)").count() == 0
    # The filters read the caseload's cache: the letters posted today are waiting for replies.
    page.get_by_label("Status").select_option(label="Sent: waiting for a reply")
    page.get_by_role("button", name="Show the requests").click()
    _three_requests_due(page)
    audit.check(welsh=False)
    assert page.request.get(f"{live_server}/t/{slug}/caseload.csv").status == 403
    page.get_by_role("link", name="Jo Bloggs").first.click()
    assert page.get_by_role("link", name="Export the client's file (ZIP)").count() == 0
    assert page.get_by_role("link", name="Write to organisations").count() == 0
    audit.check(welsh=False)
    assert page.request.get(f"{client_url}/export.zip").status == 403
    _sign_out(page, audit)

    # Another team's admin finds none of it, under team A's address or their own.
    slug_b, link_b = _create_team(live_app.config["DSAR_SETTINGS"], live_server, "Bradford Advice",
                                  "admin@bradford.example")
    _join(page, audit, link_b, "Bea Bradford", welsh=False)
    assert page.get_by_text("No requests yet.").is_visible()
    page.goto(client_url)
    assert page.get_by_role("heading", name="Page not found").is_visible()
    audit.check(welsh=False)
    addresses = [client_url, document_url, signed_url, merged_url, *letter_urls]
    for address in addresses:
        for path in (address, address.replace(f"/t/{slug}/", f"/t/{slug_b}/")):
            url = path if path.startswith("http") else live_server + path
            assert page.request.get(url).status == 404, url
