"""A letter kind is a folder of files: a catalogue entry (kind.toml), its titles and its part.

The throwaway kinds here live in tmp_path only; nothing in the repository is edited."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract, extract_from_dir
from pypdf import PdfReader

from dsar import i18n
from dsar.letters.compose import ComposeError, compose
from dsar.letters.formats import render
from dsar.letters.inputs import InputError, build_letter_request
from dsar.rights import CATALOGUE, KINDS_DIR, RIGHTS, CatalogueError, load_catalogue

CCTV_TOML = """\
order = 5
label = "Get the camera footage of me"
hint = "Copies of CCTV images in which you appear (Article 15)."
needs = ["reasons"]
citations = ["Article 15", "Article 15(3)"]
"""
CCTV_TITLES = """\
{% from "fragments/cite.j2" import art with context %}
{% set subject_line = _("Request for CCTV footage under %(article)s", article=art("15")) %}
{% set heading = _("CCTV footage of me") %}
"""
CCTV_PART = """\
{% from "fragments/cite.j2" import art with context %}
{% set article = art("15(3)") %}
{% do p(_("Please send me a copy of every recording in which I appear (%(article)s).", article=article)) %}
{% do p(_("When and where I was filmed:")) %}
{% do quote(reasons) %}
"""
PACK_TOML = """\
order = 6
label = "My data and the footage"
hint = "Everything they hold, and the camera footage (Article 15)."
parts = ["access", "cctv_access"]
"""
PACK_TITLES = '{% set subject_line = _("Subject access request including CCTV footage") %}\n'
WHEN = "Platform 2, Cardiff Central, 3 November 2026 at about 08:15."


def write_kind(kinds_dir: Path, key: str, files: dict[str, str]) -> Path:
    folder = kinds_dir / key
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def extra_kinds(tmp_path) -> Path:
    kinds = tmp_path / "kinds"
    write_kind(kinds, "cctv_access",
               {"kind.toml": CCTV_TOML, "titles.j2": CCTV_TITLES, "part.j2": CCTV_PART})
    write_kind(kinds, "cctv_pack", {"kind.toml": PACK_TOML, "titles.j2": PACK_TITLES})
    return kinds


def pdf_text(letter) -> str:
    reader = PdfReader(io.BytesIO(render(letter, "pdf").content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_a_kind_from_files_alone_is_composed_and_rendered(extra_kinds, make_request):
    catalogue = CATALOGUE.with_kinds(extra_kinds)
    kind = catalogue.get("cctv_access")
    assert (kind.parts, kind.needs, kind.is_pack) == (("cctv_access",), ("reasons",), False)
    assert catalogue.keys[0] == "cctv_access"  # order 5 puts it before access (10)

    letter = compose(make_request("cctv_access", reasons=WHEN), catalogue)
    text = pdf_text(letter)
    assert letter.subject == "Request for CCTV footage under Article 15 UK GDPR"
    assert "Request for CCTV footage under Article 15 UK GDPR" in text
    assert "every recording in which I appear (Article 15(3) UK GDPR)" in text
    assert WHEN in text
    # The shared frame still comes from letters/: identity, due date and the fee sentence
    # (this kind does not say it is free of charge itself).
    assert "Please do not ask for further identification" in text
    assert "a reply is due by" in text
    assert "Acting on this request is free of charge (Article 12(5) UK GDPR)" in text


def test_a_pack_may_combine_shipped_and_added_parts(extra_kinds, make_request):
    catalogue = CATALOGUE.with_kinds(extra_kinds)
    pack = catalogue.get("cctv_pack")
    assert pack.is_pack and pack.parts == ("access", "cctv_access")
    assert pack.needs == ("reasons",) and pack.says_free_of_charge  # from its parts
    assert set(pack.citations["eu"]) == set(CATALOGUE.get("access").citations["eu"]) | {
        "Article 15", "Article 15(3)"}

    letter = compose(make_request("cctv_pack", "eu", reasons=WHEN), catalogue)
    headings = [b.text for b in letter.blocks if b.kind == "heading"]
    assert headings == ["Access to my personal data", "CCTV footage of me"]
    text = pdf_text(letter)
    assert letter.subject == "Subject access request including CCTV footage"
    assert "named individually rather than by category" in text  # the access part
    assert WHEN in text
    assert "Acting on this request is free of charge" not in text  # access already says so


def test_an_added_kind_changes_nothing_shipped(extra_kinds, make_request):
    CATALOGUE.with_kinds(extra_kinds)
    assert "cctv_access" not in RIGHTS
    with pytest.raises(ComposeError, match="unknown letter kind 'cctv_access'"):
        compose(make_request("cctv_access"))


def test_the_request_service_checks_an_added_kind_too(extra_kinds, make_request):
    catalogue = CATALOGUE.with_kinds(extra_kinds)
    base = make_request()
    values = dict(right="cctv_access", org=base.recipient, person=base.person,
                  today=base.today, catalogue=catalogue)
    with pytest.raises(InputError, match="reasons is required for cctv_access"):
        build_letter_request(**values)
    assert build_letter_request(**values, reasons=WHEN).reasons == WHEN


def test_wizard_label_and_hint_are_ui_messages(extra_kinds):
    with (extra_kinds / "cctv_access" / "kind.toml").open("rb") as fh:
        found = [(line, message) for line, message, _comments, _context in extract(
            "dsar.rights:extract_ui_text", fh)]
    assert found == [(2, "Get the camera footage of me"),
                     (3, "Copies of CCTV images in which you appear (Article 15).")]


def test_every_shipped_label_and_hint_is_extracted_for_the_ui():
    extracted = {message for _f, _l, message, _c, _ctx in extract_from_dir(
        str(KINDS_DIR), method_map=list(i18n.UI.method_map), options_map=i18n.UI.options,
        keywords=i18n.KEYWORDS)}
    assert KINDS_DIR in i18n.UI.source_dirs
    for right in RIGHTS.values():
        assert {right.label, right.hint} <= extracted, right.key


@pytest.mark.parametrize("key,files,message", [
    ("dup", {"kind.toml": CCTV_TOML + 'colour = "red"\n'}, "unknown field(s) colour"),
    ("dup", {"kind.toml": CCTV_TOML.replace("label", "# label")}, "label missing"),
    ("dup", {"kind.toml": CCTV_TOML, "titles.j2": CCTV_TITLES}, "part.j2 missing"),
    ("dup", {"kind.toml": CCTV_TOML, "part.j2": CCTV_PART}, "titles.j2 missing"),
    ("dup", {"kind.toml": CCTV_TOML.replace('["reasons"]', '["shoe_size"]'),
             "titles.j2": CCTV_TITLES, "part.j2": CCTV_PART}, "needs: unknown shoe_size"),
    ("dup", {"kind.toml": PACK_TOML.replace("cctv_access", "nonsense"),
             "titles.j2": PACK_TITLES}, "parts: unknown nonsense"),
    ("access", {"kind.toml": CCTV_TOML, "titles.j2": CCTV_TITLES, "part.j2": CCTV_PART},
     "kind 'access' is already defined"),
    ("dup", {"kind.toml": "label = [unclosed"}, "kind.toml"),
    ("dup", {"kind.toml": CCTV_TOML + 'group = "misc"\n', "titles.j2": CCTV_TITLES, "part.j2": CCTV_PART},
     "group must be one of see, challenge, stop, correct"),
    ("dup", {"kind.toml": CCTV_TOML + 'recommended_for = ["banks"]\n', "titles.j2": CCTV_TITLES,
             "part.j2": CCTV_PART}, "recommended_for: unknown banks"),
])
def test_a_malformed_kind_is_refused_naming_its_file(tmp_path, key, files, message):
    write_kind(tmp_path, key, files)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(KINDS_DIR, tmp_path)
    assert message in str(caught.value)
    assert str(tmp_path / key) in str(caught.value)
