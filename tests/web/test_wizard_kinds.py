"""The wizard names every kind from its catalogue entry and stores what the one request
service decides (ground field, law, language)."""

from __future__ import annotations

import re

from dsar.rights import RIGHTS
from tests.conftest import csrf_token
from tests.web.test_wizard import post, walk


def test_request_page_lists_each_kind_with_its_label_and_hint(client):
    html = client.get("/write/request").get_data(as_text=True)
    values = re.findall(r'name="right" type="radio" value="([a-z_]+)"', html)
    assert values == list(RIGHTS)
    for right in RIGHTS.values():
        assert right.label in html and right.hint in html


def test_request_page_labels_are_translated(client):
    token = csrf_token(client.get("/write/request").get_data(as_text=True))
    client.post("/language", data={"lang": "de", "next": "/write/request", "csrf_token": token})
    html = client.get("/write/request").get_data(as_text=True)
    assert "Sehen, welche Daten über mich gespeichert sind" in html
    assert RIGHTS["access"].label not in html


def test_a_ground_left_from_an_earlier_choice_does_not_reach_the_letter(client):
    post(client, "/write/organisations", {"orgs": ["experian-gb"], "shown": ["experian-gb"]})
    post(client, "/write/request", {"right": "erasure"})
    post(client, "/write/more", {"ground": "child", "reasons": ""})
    html = walk(client, right="access", steps=("identifiers",)).get_data(as_text=True)
    txt_url = re.search(r'href="(/w/[^"]+/letter\.txt)"', html).group(1)
    text = " ".join(client.get(txt_url).get_data(as_text=True).split())
    assert "Subject access request under Article 15 UK GDPR" in text
    assert "erase" not in text
