"""python run.py letter / orgs list, through the real click command and a real database."""

from __future__ import annotations

import email
import email.policy
import json
import re

import pytest
from docx import Document
from pypdf import PdfReader

from dsar.rights import RIGHT_KEYS

PERSON = {
    "name": "Łukasz Wiśniewski",
    "address": ["3 Mill Road", "Leeds", "LS1 4AP"],
    "email": "lukasz@example.org",
    "date_of_birth": "1979-05-04",
    "previous_addresses": [["9 Church Lane", "York", "YO1 7HH"]],
    "customer_numbers": {"Account": "A-99812"},
    "reasons": "I never agreed to be profiled.",
    "corrections": ["My surname is Wiśniewski, not Wisniewski."],
}


@pytest.fixture
def person_file(tmp_path):
    path = tmp_path / "person.json"
    path.write_text(json.dumps(PERSON), encoding="utf-8")
    return path


def _pdf_text(path) -> str:
    return " ".join("\n".join(p.extract_text() for p in PdfReader(path).pages).split())


def test_orgs_list_prints_slug_and_name(cli_runner):
    result = cli_runner("orgs", "list")
    assert result.exit_code == 0
    lines = dict(line.split("\t") for line in result.output.splitlines())
    assert lines["experian-gb"] == "Experian Ltd"
    for slug in ("equifax-gb", "transunion-gb", "acxiom-gb", "liveramp-gb", "gb-group-gb",
                 "cifas-gb", "ico-gb"):
        assert slug in lines


def test_letter_pdf(cli_runner, person_file, tmp_path):
    out = tmp_path / "letter.pdf"
    result = cli_runner("letter", "score_pack", "--org", "experian-gb", "--person",
                        str(person_file), "--date", "2026-11-26", "--out", str(out))
    assert result.exit_code == 0, result.output
    path, reference = result.output.strip().split("\t")
    assert path == str(out) and re.fullmatch(r"EXP-[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    text = _pdf_text(out)
    assert "Experian Ltd" in text and "Łukasz Wiśniewski" in text and reference in text
    assert "Article 15(1)(h) UK GDPR" in text and "C-203/22" in text
    assert "30 December 2026" in text


def test_letter_docx_eml_txt(cli_runner, person_file, tmp_path):
    docx_out = tmp_path / "l.docx"
    assert cli_runner("letter", "access", "--org", "equifax-gb", "--person", str(person_file),
                      "--out", str(docx_out)).exit_code == 0
    body = "\n".join(p.text for p in Document(docx_out).paragraphs)
    assert "Equifax" in body and "Article 15 UK GDPR" in body
    eml_out = tmp_path / "l.eml"
    result = cli_runner("letter", "object_marketing", "--org", "equifax-gb", "--person",
                        str(person_file), "--out", str(eml_out))
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes(eml_out.read_bytes(), policy=email.policy.default)
    reference = result.output.strip().split("\t")[1]
    assert message["To"].addresses[0].addr_spec.lower() == "ukdpo@equifax.com"
    assert reference in message["Subject"]
    assert "Article 21(2) UK GDPR" in message.get_content()
    txt_out = tmp_path / "l.txt"
    assert cli_runner("letter", "portability", "--org", "acxiom-gb", "--person", str(person_file),
                      "--format", "txt", "--out", str(txt_out)).exit_code == 0
    assert "Article 20(1) UK GDPR" in txt_out.read_text(encoding="utf-8")


def test_eu_organisation_defaults_to_gdpr(cli_runner, person_file, tmp_path):
    out = tmp_path / "s.txt"
    result = cli_runner("letter", "access", "--org", "schufa-de", "--person", str(person_file),
                        "--lang", "en", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Article 15 GDPR" in text and "UK GDPR" not in text


@pytest.mark.parametrize("args,message", [
    (["letter", "nonsense", "--org", "experian-gb"], "unknown right"),
    (["letter", "access", "--org", "no-such-org"], "unknown organisation"),
    (["letter", "access", "--org", "experian-gb", "--jurisdiction", "us"], "unknown jurisdiction"),
    (["letter", "access", "--org", "experian-gb", "--lang", "xx"], "unknown language"),
    (["letter", "access", "--org", "experian-gb", "--format", "odt"], "unknown format"),
    (["letter", "erasure", "--org", "experian-gb"], "--ground"),
    (["letter", "erasure", "--org", "experian-gb", "--ground", "bored"], "unknown ground"),
    (["letter", "access", "--org", "experian-gb", "--date", "2026-02-30"], "--date"),
    (["letter", "access", "--org", "transunion-gb", "--format", "eml"], "no email address"),
])
def test_bad_arguments_exit_2_with_one_line(cli_runner, person_file, tmp_path, args, message):
    result = cli_runner(*args, "--person", str(person_file), "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr
    assert result.stdout == "" and not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("content,message", [
    (None, "does not exist"),
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"address": ["x"]}', "name: missing"),
    ('{"name": "A", "address": ["x"], "date_of_birth": "04/05/1979"}', "date_of_birth"),
    ('{"name": "A", "address": ["x"], "email": "not-an-email"}', "email"),
    ('{"name": "A", "address": ["x"], "shoe_size": 9}', "unknown field"),
    ('{"name": "A", "address": "x", "customer_numbers": [1]}', "customer_numbers"),
])
def test_malformed_person_file_exit_2(cli_runner, tmp_path, content, message):
    path = tmp_path / "p.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = cli_runner("letter", "access", "--org", "experian-gb", "--person", str(path),
                        "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_rights_needing_text_refuse_without_it(cli_runner, tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"name": "A B", "address": ["1 Road", "Leeds", "LS1 1AA"]}))
    result = cli_runner("letter", "object_processing", "--org", "acxiom-gb", "--person", str(path),
                        "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "reasons is required" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_every_right_is_a_cli_choice(cli_runner, person_file, tmp_path):
    for right in RIGHT_KEYS:
        args = ["letter", right, "--org", "acxiom-gb", "--person", str(person_file),
                "--format", "txt", "--out", str(tmp_path / f"{right}.txt")]
        if right in ("erasure", "restriction"):
            args += ["--ground", "unlawful"]
        result = cli_runner(*args)
        assert result.exit_code == 0, (right, result.output)
        path, reference = result.output.strip().split("\t")
        assert path == str(tmp_path / f"{right}.txt")
        text = (tmp_path / f"{right}.txt").read_text(encoding="utf-8")
        assert "Acxiom Ltd" in text and reference in text and "Łukasz Wiśniewski" in text, right


def test_help_lists_commands(cli_runner):
    result = cli_runner("--help")
    assert result.exit_code == 0
    commands = result.output.split("Commands:\n", 1)[1]
    listed = [line.split()[0] for line in commands.splitlines() if line.strip()]
    assert listed == ["audit", "campaigns", "caseload", "db", "deadline", "drafts", "i18n", "letter", "orgs",
                      "reminders", "requests", "retention", "teams", "worker"]


def test_each_organisation_gets_only_its_identifiers(cli_runner, tmp_path):
    """One person file, three letters: the CreditExpert number reaches Experian only, and
    the date of birth the credit agencies only (read back from the PDFs)."""
    person = {**PERSON, "customer_numbers": {
        "Account": "A-99812", "experian-gb": {"CreditExpert account number": "CE-555-0101"}}}
    path = tmp_path / "person.json"
    path.write_text(json.dumps(person), encoding="utf-8")
    texts = {}
    for slug in ("experian-gb", "acxiom-gb", "schufa-de"):
        out = tmp_path / f"{slug}.pdf"
        result = cli_runner("letter", "access", "--org", slug, "--person", str(path), "--lang", "en",
                            "--date", "2026-11-26", "--out", str(out))
        assert result.exit_code == 0, result.output
        texts[slug] = _pdf_text(out)
    assert "CreditExpert account number: CE-555-0101" in texts["experian-gb"]
    assert "CE-555-0101" not in texts["acxiom-gb"] and "CE-555-0101" not in texts["schufa-de"]
    assert not any("A-99812" in text for text in texts.values())  # none asks for numbers
    assert "Date of birth: 4 May 1979" in texts["experian-gb"]
    assert "Date of birth: 4 May 1979" in texts["schufa-de"]
    assert "1979" not in texts["acxiom-gb"] and "Church Lane" not in texts["acxiom-gb"]
