"""Regressions the route fuzzer (test_fuzz.py, bench/fuzz.py) found: each was a 500."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.teams.conftest import db_session, join, make_team  # noqa: F401 - fixtures


@pytest.mark.parametrize("path", ["/", "/organisations", "/w/no-such-token", "/write/details"])
def test_a_raw_non_ascii_byte_in_the_query_string_is_not_a_500(client, path):
    # WSGI carries raw bytes as latin-1: "\xff" is the byte 0xFF, which is not UTF-8.
    response = client.get(path, environ_overrides={"QUERY_STRING": "q=\xff\xfe&page=%c0%af"})
    assert response.status_code in (200, 404)
    html = response.get_data(as_text=True)
    assert 'name="next" value="' in html  # the language switcher still knows the page


@pytest.mark.parametrize("target", ["/organisations\r\nSet-Cookie: x=1", "/w/x\n", "/\x00", "/\u2028"])
def test_a_language_switch_back_to_a_path_with_a_line_break_goes_home(client, target):
    token = csrf_token(client.get("/").get_data(as_text=True))
    response = client.post("/language", data={"csrf_token": token, "lang": "cy", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Set-Cookie: x" not in str(response.headers)


@pytest.mark.parametrize("secret", ["&>\u20ac", "00", "A" * 31, "a" * 32, "A" * 33])
def test_a_tampered_two_factor_secret_is_replaced_not_a_500(make_team, join, secret):  # noqa: F811
    team, token = make_team()
    member = join(token)
    url = f"/t/{team.slug}/two-factor"
    page = member.get(url).get_data(as_text=True)
    response = member.post(url, data={"csrf_token": csrf_token(page), "secret": secret, "code": "123456"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "That code is not right" in html
    shown = re.search(r'name="secret" value="([A-Z2-7]+)"', html).group(1)
    assert len(shown) == 32 and shown != secret  # a fresh secret to scan
