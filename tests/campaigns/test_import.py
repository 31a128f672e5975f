"""Importing members whose mandates a group collected offline, from a CSV: every bad cell
reported by line and column with nothing imported, the fixed file imported (a request per
target each, as joining on the page writes them), duplicates merged, reruns harmless."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from dsar.campaigns import importing
from dsar.campaigns.import_rows import HeaderError
from dsar.campaigns.models import CampaignLetter, Participant
from dsar.config import load_settings
from dsar.requests.models import DataRequest, Event, Workspace
from dsar.teams.models import AuditEvent
from tests.campaigns.conftest import join_page
from tests.conftest import TODAY, csrf_token

HEADER = ["name", "address_1", "address_2", "town", "postcode", "email", "date_of_birth", "mandate_reference"]
NOW = datetime(2026, 11, 26, 10, 30)


def member(i: int, **changes) -> dict:
    row = {"name": f"Member {i} Llŵyd", "address_1": f"{i} Heol y Frenhines", "address_2": "",
           "town": "Cardiff", "postcode": "CF10 1AA", "email": f"member{i}@example.org",
           "date_of_birth": "1984-03-27" if i % 2 else "", "mandate_reference": f"MND-{i:04d}"}
    row.update(changes)
    return row


def csv_bytes(rows: list[dict], *, header=HEADER, delimiter=",", bom=False) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


def run_import(session, campaign, data: bytes, *, valid_only=False):
    return importing.import_members(session, campaign, lambda: io.BytesIO(data), valid_only=valid_only,
                                    today=TODAY, now=NOW)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def twenty_and_one_bad() -> list[dict]:
    rows = [member(i) for i in range(1, 21)]
    rows.insert(7, member(99, postcode="CF10 XYZ"))  # line 9: the header, then 7 good rows
    return rows


def test_one_bad_row_is_reported_by_line_and_nothing_is_imported(campaign, db_session):
    report = run_import(db_session, campaign, csv_bytes(twenty_and_one_bad()))
    assert [e.english() for e in report.errors] == [
        "line 9, column E (postcode): not a UK postcode (like CF10 1AA)"]
    assert (report.rows, report.bad_rows, report.refused, report.imported) == (21, 1, True, 0)
    assert count(db_session, Participant) == count(db_session, DataRequest) == 0


def test_the_fixed_file_imports_twenty_members_with_two_requests_each(campaign, db_session):
    rows = twenty_and_one_bad()
    rows[7]["postcode"] = "cf10  1ab"  # typed loosely: written as Royal Mail writes it
    report = run_import(db_session, campaign, csv_bytes(rows))
    assert (report.imported, report.requests, report.bad_rows, report.merged) == (21, 42, 0, 0)
    participants = db_session.scalars(select(Participant).order_by(Participant.id)).all()
    assert {(p.source, p.consent_version, p.share_named) for p in participants} == {
        ("import", "mandate", False)}
    assert participants[7].mandate_reference == "MND-0099"
    assert participants[0].consented_at == NOW
    assert count(db_session, DataRequest) == count(db_session, CampaignLetter) == 42
    assert db_session.scalars(select(Event.kind).distinct()).all() == ["created"]
    person = db_session.scalar(select(DataRequest.person).join(
        Participant, Participant.workspace_id == DataRequest.workspace_id).where(
        Participant.id == participants[7].id))
    assert person["address"] == ["99 Heol y Frenhines", "Cardiff", "CF10 1AB"]


def test_every_bad_cell_is_reported_with_its_physical_line(campaign, db_session):
    rows = [member(1, address_2="Flat 3\nSecond floor"),  # a quoted cell over lines 2 and 3
            member(2, name="", email="not-an-address", date_of_birth="31/02/1990"),  # line 4
            member(3, date_of_birth="2031-01-01", mandate_reference=""),  # line 5
            member(4, town="Cardiff\u202e")]  # line 6: a hidden text-direction control
    report = run_import(db_session, campaign, csv_bytes(rows))
    assert [e.english() for e in report.errors] == [
        "line 4, column A (name): missing",
        "line 4, column F (email): not an email address",
        "line 4, column G (date_of_birth): not a real date (expected YYYY-MM-DD, or day, month and a "
        "four-digit year)",
        "line 5, column G (date_of_birth): not in the past",
        "line 5, column H (mandate_reference): missing",
        "line 6, column D (town): contains invisible control characters; remove them",
    ]
    assert report.bad_rows == 3 and count(db_session, Participant) == 0


def test_valid_only_imports_the_good_rows_and_reports_the_bad(campaign, db_session):
    report = run_import(db_session, campaign, csv_bytes(twenty_and_one_bad()), valid_only=True)
    assert (report.imported, report.requests, report.bad_rows, report.refused) == (20, 40, 1, False)
    assert [e.line for e in report.errors] == [9]
    assert count(db_session, Participant) == 20


def test_duplicates_are_merged_and_a_rerun_imports_nothing_new(campaign, db_session):
    rows = [member(i) for i in range(1, 6)]
    # The same person at the same address, written differently: merged into line 2.
    rows.append(member(1, name="  member 1 LLŴYD ", address_1="1, Heol y Frenhines", postcode="cf101aa",
                       mandate_reference="MND-0001"))
    report = run_import(db_session, campaign, csv_bytes(rows))
    assert (report.imported, report.duplicates, report.existing) == (5, 1, 0)
    again = run_import(db_session, campaign, csv_bytes(rows))
    assert (again.imported, again.duplicates, again.existing, again.bad_rows) == (0, 0, 6, 0)
    assert count(db_session, Participant) == 5 and count(db_session, DataRequest) == 10


def test_someone_who_joined_on_the_page_is_merged(client, campaign, db_session):
    join_page(client, campaign.slug)  # Siân Llŵyd, 12 Heol y Frenhines, Cardiff, CF10 1AA
    report = run_import(db_session, campaign, csv_bytes([
        member(1, name="Siân Llŵyd", address_1="12 Heol y Frenhines"), member(2)]))
    assert (report.imported, report.existing) == (1, 1)
    assert sorted(db_session.scalars(select(Participant.source))) == ["import", "web"]


def test_a_mandate_reference_used_for_two_people_is_reported(campaign, db_session):
    report = run_import(db_session, campaign, csv_bytes([member(1), member(2, mandate_reference="mnd-0001")]))
    assert [e.english() for e in report.errors] == [
        "line 3: the same mandate reference as another person (line 2)"]
    run_import(db_session, campaign, csv_bytes([member(1)]))
    later = run_import(db_session, campaign, csv_bytes([member(3, mandate_reference="MND-0001")]))
    assert [e.english() for e in later.errors] == [
        "line 2: the same mandate reference as another person already in the campaign"]


def test_byte_order_mark_semicolons_and_header_aliases(campaign, db_session):
    header = ["Full Name", "Address line 1", "Address line 2", "City", "Post code", "E-mail", "DOB",
              "Mandate"]
    rows = [{h: v for h, v in zip(header, member(i).values(), strict=True)} for i in (1, 2)]
    rows[0]["DOB"] = "27/03/1984"
    report = run_import(db_session, campaign, csv_bytes(rows, header=header, delimiter=";", bom=True))
    assert (report.imported, report.bad_rows) == (2, 0), [e.english() for e in report.errors]
    people = db_session.scalars(select(DataRequest.person).order_by(DataRequest.id)).all()
    assert people[0]["name"] == "Member 1 Llŵyd"
    assert people[0]["date_of_birth"] == "1984-03-27"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "the file is empty: its first line must name the columns"),
    (b"name,address_1,postcode,phone\r\n", "unknown column 'phone' in the header (line 1): expected name, "),
    (b"name,address_1,postcode\r\n", "the header (line 1) has no mandate_reference column"),
    (b"name,Name,address_1,postcode,mandate\r\n",
     "the header (line 1) names name twice (A (name) and B (Name))"),
    (b"nam\xe9,address_1\r\n", "the header (line 1) is not UTF-8 text"),
])
def test_a_bad_header_refuses_the_file(campaign, db_session, data, message):
    with pytest.raises(HeaderError) as raised:
        run_import(db_session, campaign, data)
    assert str(raised.value).startswith(message)


def test_a_row_that_is_not_utf8_is_reported(campaign, db_session):
    data = csv_bytes([member(1)]) + "Zoë,1 Rue,,Cardiff,CF10 1AA,,,M-9\r\n".encode("latin-1")
    report = run_import(db_session, campaign, data)
    assert [e.english() for e in report.errors] == ['line 3: not UTF-8 text: save the file as "CSV UTF-8"']


def test_formulas_are_stored_as_text_and_never_run(campaign, db_session):
    hostile = "=cmd|' /C calc'!A0"
    report = run_import(db_session, campaign, csv_bytes([
        member(1, name=hostile),
        member(2, address_1="@SUM(1+1)*cmd|' /C calc'!A0", mandate_reference="+1-2")]))
    assert report.imported == 2
    people = db_session.scalars(select(DataRequest.person).order_by(DataRequest.id)).all()
    assert people[0]["name"] == hostile
    assert people[2]["address"][0] == "@SUM(1+1)*cmd|' /C calc'!A0"
    assert db_session.scalar(select(Participant.mandate_reference).order_by(Participant.id.desc())) == "+1-2"


def test_imported_requests_match_a_web_joined_ones_field_by_field(client, campaign, db_session):
    join_page(client, campaign.slug, {"name": "Siân Llŵyd", "email": "sian@example.org",
                                      "address": "12 Heol y Frenhines\nCardiff\nCF10 1AA"})
    # Someone else at the same address (the same person would be merged with the one who joined).
    run_import(db_session, campaign, csv_bytes([member(
        2, name="Siân Llŵyd-Jones", address_1="12 Heol y Frenhines", email="sian@example.org",
        date_of_birth="")]))
    web, imported = (db_session.scalars(
        select(DataRequest).join(Participant, Participant.workspace_id == DataRequest.workspace_id)
        .where(Participant.source == source).order_by(DataRequest.id)).all() for source in ("web", "import"))
    assert len(web) == len(imported) == 2
    for a, b in zip(web, imported, strict=True):
        for name in ("right", "jurisdiction", "language", "org_slug", "recipient", "details", "parent_id",
                     "previous_round_id", "repeat_months"):
            assert getattr(a, name) == getattr(b, name), name
        assert {**a.person, "name": "x"} == {**b.person, "name": "x"}
        assert a.reference[:4] == b.reference[:4] and a.reference != b.reference
        assert re.fullmatch(r"[A-Z]{3}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", b.reference)
        assert [(e.kind, e.occurred_on, e.data) for e in a.events] == [
            (e.kind, e.occurred_on, e.data) for e in b.events]
    assert {w.kind for w in db_session.scalars(select(Workspace))} == {"campaign"}
    # Due dates come from the events and the recipient alone, so they are the same too.
    from dsar.requests.services import case_state

    assert [case_state(r, TODAY).due for r in web] == [case_state(r, TODAY).due for r in imported]


# ---------------------------------------------------------------- the web page

def upload(member_client, path: str, data: bytes, **form):
    page = member_client.get(path)
    assert page.status_code == 200, page.status_code
    return member_client.post(path, content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "members_file": (io.BytesIO(data), "members.csv"), **form})


def test_admin_uploads_a_file_with_one_bad_row_then_the_fixed_file(world, campaign, db_session):
    path = f"/t/{world.team.slug}/campaigns/{campaign.slug}/import"
    assert f'href="{path}"' in world.admin.get(f"/t/{world.team.slug}/campaigns/{campaign.slug}").get_data(
        as_text=True)
    response = upload(world.admin, path, csv_bytes(twenty_and_one_bad()))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "1 row is bad, so nothing was imported." in text
    assert "Line 9, column E (postcode): Enter a real UK postcode, like CF10 1AA" in text
    assert count(db_session, Participant) == 0
    rows = twenty_and_one_bad()
    del rows[7]
    response = upload(world.admin, path, csv_bytes(rows))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Imported 20 members. 40 requests were written." in text
    assert count(db_session, Participant) == 20
    audit = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "campaign_imported")
                               .order_by(AuditEvent.id)).all()
    assert [a.detail for a in audit] == [
        {"rows": 21, "bad_rows": 1, "merged": 0, "imported": 0, "requests": 0, "valid_only": False},
        {"rows": 20, "bad_rows": 0, "merged": 0, "imported": 20, "requests": 40, "valid_only": False}]


def test_the_page_keeps_the_valid_only_choice(world, campaign, db_session):
    path = f"/t/{world.team.slug}/campaigns/{campaign.slug}/import"
    response = upload(world.admin, path, csv_bytes(twenty_and_one_bad()), valid_only="yes")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="valid_only" type="checkbox" value="yes" checked' in text
    assert "1 bad row was left out:" in text and "Imported 20 members." in text


def test_upload_needs_the_csrf_token_and_a_file(world, campaign, db_session):
    path = f"/t/{world.team.slug}/campaigns/{campaign.slug}/import"
    response = world.admin.post(path, content_type="multipart/form-data",
                                data={"members_file": (io.BytesIO(csv_bytes([member(1)])), "m.csv")})
    assert response.status_code == 400
    assert count(db_session, Participant) == 0
    page = world.admin.get(path).get_data(as_text=True)
    response = world.admin.post(path, data={"csrf_token": csrf_token(page), "valid_only": "yes"})
    assert response.status_code == 400
    assert "Choose the CSV file of members" in response.get_data(as_text=True)
    response = upload(world.admin, path, b"")
    assert "The file is empty. Its first line must name the columns" in response.get_data(as_text=True)
    response = upload(world.admin, path, b"name;adresse\r\n")
    assert "The header (line 1) has a column this import does not know: adresse" in response.get_data(
        as_text=True)


@pytest.mark.parametrize("member_name", ["worker", "reader"])
def test_caseworkers_and_readers_cannot_import(world, campaign, db_session, member_name):
    client = getattr(world, member_name)
    path = f"/t/{world.team.slug}/campaigns/{campaign.slug}/import"
    assert client.get(path).status_code == 403
    admin_page = world.admin.get(path).get_data(as_text=True)
    response = client.post(path, content_type="multipart/form-data", data={
        "csrf_token": csrf_token(admin_page), "members_file": (io.BytesIO(csv_bytes([member(1)])), "m.csv")})
    assert response.status_code in (400, 403)
    assert count(db_session, Participant) == 0
    assert "Import members" not in client.get(f"/t/{world.team.slug}/campaigns/{campaign.slug}").get_data(
        as_text=True)


# ---------------------------------------------------------------- the command

@pytest.fixture
def cli_campaign(cli_runner):
    assert cli_runner("teams", "create", "Fair Data", "--admin-email", "a@fair.example",
                      "--slug", "fair-data").exit_code == 0
    result = cli_runner("campaigns", "create", "--team", "fair-data", "--title", "Fair credit scores",
                        "--right", "access", "--org", "experian-gb", "--org", "equifax-gb")
    return result.output.splitlines()[-1]


def _participants(instance_path) -> int:
    engine = create_engine(load_settings().database_url)  # the CLI's database
    with Session(engine) as session:
        participants = count(session, Participant)
    engine.dispose()
    return participants


def test_command_reports_the_bad_row_exits_1_then_imports_the_fixed_file(
        cli_runner, cli_campaign, instance_path, tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes(csv_bytes(twenty_and_one_bad()))
    result = cli_runner("campaigns", "import", cli_campaign, str(path), "--today", "2026-11-26")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "line 9, column E (postcode): not a UK postcode (like CF10 1AA)",
        "rows: 21, bad rows: 1",
        "merged 0 duplicates (0 already in the campaign)",
        "imported 0 members, 0 requests",
        "nothing imported: fix the rows above, or use --valid-only to import the valid rows"]
    assert _participants(instance_path) == 0
    result = cli_runner("campaigns", "import", cli_campaign, str(path), "--valid-only",
                        "--today", "2026-11-26")
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "imported 20 members, 40 requests"
    rerun = cli_runner("campaigns", "import", cli_campaign, str(path), "--valid-only",
                       "--today", "2026-11-26")
    assert rerun.output.splitlines()[-2:] == [
        "merged 20 duplicates (20 already in the campaign)", "imported 0 members, 0 requests"]
    assert _participants(instance_path) == 20


def test_command_caps_the_printed_errors(cli_runner, cli_campaign, tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes(csv_bytes([member(i, postcode="nowhere") for i in range(250)]))
    lines = cli_runner("campaigns", "import", cli_campaign, str(path)).output.splitlines()
    assert lines[0] == "line 2, column E (postcode): not a UK postcode (like CF10 1AA)"
    assert lines[199] == "line 201, column E (postcode): not a UK postcode (like CF10 1AA)"
    assert lines[200] == "… and 50 more errors"


@pytest.mark.parametrize(("args", "message"), [
    (("no-such-campaign", "{ok}"), "error: unknown campaign 'no-such-campaign'"),
    (("{slug}", "{missing}"), "error: cannot read {missing}: No such file or directory"),
    (("{slug}", "{bad_header}"),
     "error: {bad_header}: the header (line 1) has no postcode, mandate_reference"),
])
def test_command_one_line_errors_exit_2(cli_runner, cli_campaign, instance_path, tmp_path, args, message):
    paths = {name: tmp_path / f"{name}.csv" for name in ("ok", "missing", "bad_header")}
    paths["ok"].write_bytes(csv_bytes([member(1)]))
    paths["bad_header"].write_bytes(b"name,address_1\r\nA,B\r\n")
    values = {"slug": cli_campaign, **{k: str(v) for k, v in paths.items()}}
    result = cli_runner("campaigns", "import", *[a.format(**values) for a in args])
    assert result.exit_code == 2
    assert len(result.output.splitlines()) == 1
    assert result.output.startswith(message.format(**values))
    assert _participants(instance_path) == 0
