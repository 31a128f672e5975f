"""The checklist catalogue: codes, articles and the complete/partial rule."""

import pytest

from dsar.replies import checklist


def test_access_items_follow_the_numbered_list_of_the_letter():
    codes = [(i.code, i.article) for i in checklist.items_for(["access"])]
    assert codes == [
        ("confirmation", "15(1)"), ("copy", "15(3)"), ("a", "15(1)(a)"), ("b", "15(1)(b)"),
        ("c", "15(1)(c)"), ("d", "15(1)(d)"), ("e", "15(1)(e)"), ("f", "15(1)(f)"),
        ("g", "15(1)(g)"), ("h", "15(1)(h)"), ("transfers", "15(2)"),
    ]  # fmt: skip
    assert checklist.ALL_ITEMS["c"].case_law == ("C-154/21",)
    assert checklist.ALL_ITEMS["h"].case_law == ("C-203/22", "C-634/21")


def test_a_pack_checks_every_part_once():
    codes = [i.code for i in checklist.items_for(["access", "object_processing", "object_marketing"])]
    assert codes[-2:] == ["transfers", "stopped"]
    assert len(codes) == 12


def test_parse_codes_names_every_unknown_code():
    assert checklist.parse_codes(" c, h,copy,c ") == ("c", "h", "copy")
    with pytest.raises(ValueError, match=r"unknown item x, zz"):
        checklist.parse_codes("c,x,zz")
    with pytest.raises(ValueError, match="no item"):
        checklist.parse_codes(" , ")


def test_completeness():
    items = checklist.SCORE
    assert checklist.completeness({}, items) is None
    assert checklist.completeness({"scores": "answered", "factors": "answered"}, items) is None
    marks = {"scores": "answered", "factors": "not_applicable", "review": "answered"}
    assert checklist.completeness(marks, items) == "complete"
    assert checklist.completeness({**marks, "factors": "partly"}, items) == "partial"
    assert checklist.completeness({"scores": "missing"}, items) == "partial"
