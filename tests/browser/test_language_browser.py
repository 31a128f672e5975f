"""Interface language and letter language are independent (issue 5): a person switches the
interface to Welsh, keeps what they typed, completes the wizard, and gets the letter in the
language chosen for the organisation (German for SCHUFA)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser


def test_welsh_interface_german_letter(page, live_server, audit, tmp_path):
    page.goto(f"{live_server}/write/organisations?org=schufa-de")
    audit.check(welsh=False)
    page.locator(".lang-switch").get_by_role("button", name="Cymraeg").click()
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.locator("h1").inner_text() == "At ba sefydliadau rydych chi am ysgrifennu?"
    assert page.locator("#org-schufa-de").is_checked()
    audit.check()
    page.locator("button[name=action][value=continue]").click()
    audit.check()
    page.locator("input[name=right][value=access]").check()  # see what data they hold
    page.locator("main form button[type=submit]").click()
    audit.check()
    page.locator("#name").fill("Siân Llŵyd")
    # Switching language keeps what was typed but not yet sent.
    page.locator(".lang-switch").get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#name").input_value() == "Siân Llŵyd"
    audit.check(welsh=False)
    page.locator(".lang-switch").get_by_role("button", name="Cymraeg").click()
    assert page.locator("#name").input_value() == "Siân Llŵyd"
    audit.check()
    page.locator("#address").fill("12 Heol y Frenhines\nCaerdydd\nCF10 1AA")
    page.locator("main form button[type=submit]").click()
    # SCHUFA is a credit reference agency: the identifiers page is asked (and may be left blank).
    assert page.locator("h1").inner_text() == "Manylion sy'n eu helpu i ddod o hyd i'ch cofnodion"
    audit.check()
    page.locator("main form button[type=submit]").click()
    assert page.locator("h1").inner_text() == "Gwiriwch eich atebion cyn i'ch llythyrau gael eu hysgrifennu"
    audit.check()
    # Check your answers: the letter language defaults to the organisation's (German).
    select = page.locator("#lang-schufa-de")
    assert select.input_value() == "de"
    page.locator("main form button[type=submit]").last.click()
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.locator("h1").inner_text() == "Mae eich llythyrau'n barod"
    audit.check()
    with page.expect_download() as info:
        page.locator("a[href$='letter.pdf']").first.click()
    path = tmp_path / "brief.pdf"
    info.value.save_as(path)
    pages = PdfReader(io.BytesIO(path.read_bytes())).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "Sehr geehrte Damen und Herren" in text
    assert "Art. 15 DSGVO" in text
    assert "Siân Llŵyd" in text
