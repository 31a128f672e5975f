"""The wizard names every kind from its catalogue entry and stores what the one request
service decides (ground field, law, language)."""

from __future__ import annotations

import re

from dsar.rights import RIGHTS, WIZARD_GROUPS
from tests.web.test_wizard import post, walk

GROUP_HEADINGS = {"see": "See what they hold", "challenge": "Challenge a score or decision",
                  "stop": "Make them stop", "correct": "Correct or delete"}


def _radio_values(html: str) -> list[str]:
    return re.findall(r'name="right" type="radio" value="([a-z_]+)"', html)


def test_request_page_lists_each_kind_once_under_its_heading(client):
    html = client.get("/write/request").get_data(as_text=True)
    # Nothing chosen yet, so nothing is recommended: the headings in order, each kind under
    # its catalogue group, in catalogue order.
    assert "Recommended for" not in html
    expected = [key for group in WIZARD_GROUPS for key, r in RIGHTS.items() if r.group == group]
    assert _radio_values(html) == expected and sorted(expected) == sorted(RIGHTS)
    positions = [html.index(f">{GROUP_HEADINGS[g]}</h2>") for g in WIZARD_GROUPS]
    assert positions == sorted(positions)
    for key, right in RIGHTS.items():
        assert right.label in html and right.hint in html
        heading = max((p, g) for p, g in zip(positions, WIZARD_GROUPS, strict=True)
                      if p < html.index(f'value="{key}"'))[1]
        assert heading == right.group, key
    labels = [r.label for r in RIGHTS.values()]
    assert len(set(labels)) == len(labels)


def _request_page_for(client, slug: str) -> str:
    post(client, "/write/organisations", {"orgs": [slug], "shown": [slug]})
    return client.get("/write/request").get_data(as_text=True)


def test_the_recommended_kind_for_the_organisation_comes_first_and_is_marked(client):
    html = _request_page_for(client, "experian-gb")
    values = _radio_values(html)
    assert values[0] == "score_pack" and values.count("score_pack") == 1
    assert sorted(values) == sorted(RIGHTS)
    assert 'id="right" name="right" type="radio" value="score_pack"' in html  # the error link's target
    note = html.index("Recommended for credit reference agencies")
    assert note < html.index('value="score_pack"') < html.index(">See what they hold</h2>")
    assert 'aria-describedby="recommended-note right-score_pack-hint"' in html


def test_data_brokers_get_the_profiling_pack_and_a_bank_no_recommendation(app):
    for slug, first, note in (("acxiom-gb", "profiling_pack", "Recommended for data brokers"),
                              ("liveramp-gb", "profiling_pack",
                               "Recommended for advertising technology companies")):
        with app.test_client() as client:
            html = _request_page_for(client, slug)
            assert _radio_values(html)[0] == first and note in html
    with app.test_client() as client:
        html = _request_page_for(client, "barclays-gb")
        assert "Recommended for" not in html and _radio_values(html)[0] == "access"


def test_request_page_labels_are_translated(client):
    post(client, "/language", {"lang": "de", "next": "/write/request"})
    html = client.get("/write/request").get_data(as_text=True)
    assert 'lang="de"' in html
    assert "Eine Kopie aller Daten erhalten, die über mich gespeichert sind" in html
    assert ">Sehen, was gespeichert ist</h2>" in html
    assert RIGHTS["access"].label not in html and RIGHTS["access"].hint not in html


def test_a_ground_left_from_an_earlier_choice_does_not_reach_the_letter(client):
    post(client, "/write/organisations", {"orgs": ["experian-gb"], "shown": ["experian-gb"]})
    post(client, "/write/request", {"right": "erasure"})
    post(client, "/write/more", {"ground": "child", "reasons": ""})
    html = walk(client, right="access", steps=("identifiers",)).get_data(as_text=True)
    txt_url = re.search(r'href="(/w/[^"]+/letter\.txt)"', html).group(1)
    text = " ".join(client.get(txt_url).get_data(as_text=True).split())
    assert "Subject access request under Article 15 UK GDPR" in text
    assert "erase" not in text
