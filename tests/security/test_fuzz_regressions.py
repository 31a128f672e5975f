"""Regressions the route fuzzer (test_fuzz.py, bench/fuzz.py) found: each was a 500."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/", "/organisations", "/w/no-such-token", "/write/details"])
def test_a_raw_non_ascii_byte_in_the_query_string_is_not_a_500(client, path):
    # WSGI carries raw bytes as latin-1: "\xff" is the byte 0xFF, which is not UTF-8.
    response = client.get(path, environ_overrides={"QUERY_STRING": "q=\xff\xfe&page=%c0%af"})
    assert response.status_code in (200, 404)
    html = response.get_data(as_text=True)
    assert 'name="next" value="' in html  # the language switcher still knows the page
