"""The results' charts as self-contained SVG, drawn on the server with pygal.

pygal always writes a small configuration script for its optional tooltips, and comments
naming its website: both are taken out here, so the SVG has no script and loads nothing
(its only URLs are the XML namespace names, which nothing fetches). The pages show it as an
``<img>`` with a data: URL and alt text, beside a table of the same figures; withheld figures
are left out of the charts (no bar), never drawn as 0. Labels come in translated (the view's)."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from collections.abc import Mapping

import pygal
from pygal.style import Style

from dsar.campaigns.results import OUTCOMES, Results

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"

# Colours told apart by people with the common colour-vision deficiencies (Okabe & Ito),
# light enough for the black value labels printed on them.
STYLE = Style(
    background="white", plot_background="white", foreground="#0b0c0c", foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f", opacity="1", opacity_hover="1", transition="none",
    colors=("#56b4e9", "#e69f00", "#cc79a7", "#009e73", "#f0e442"),
    font_family="Arial, Helvetica, sans-serif", title_font_size=16, label_font_size=13,
    major_label_font_size=13, legend_font_size=13, value_font_size=12,
)
_COMMON = dict(js=[], style=STYLE, disable_xml_declaration=True, explicit_size=True, width=720,
               print_values=True, legend_at_bottom=True, truncate_label=-1, truncate_legend=-1,
               show_y_guides=False, margin=16, no_data_text="")


def clean_svg(text: str, title: str, description: str) -> str:
    """pygal's SVG without its script or comments, with a <title> and <desc> first."""
    root = ET.fromstring(text)  # the parser drops comments
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag == f"{{{SVG}}}script":
                parent.remove(child)
    # Written with plain names and the namespace as an attribute: ElementTree's prefix
    # registry is global, and other libraries (the PDF writer's metadata) change it.
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{SVG}}}")
        for name in [n for n in element.attrib if n.startswith(f"{{{XLINK}}}")]:
            element.set("xlink:" + name.removeprefix(f"{{{XLINK}}}"), element.attrib.pop(name))
            root.set("xmlns:xlink", XLINK)
    root.set("xmlns", SVG)
    for tag, content in (("desc", description), ("title", title)):
        element = ET.Element(tag)
        element.text = content
        root.insert(0, element)
    root.set("role", "img")
    return ET.tostring(root, encoding="unicode")


def data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def _render(chart, title: str, description: str) -> str:
    return clean_svg(chart.render(is_unicode=True), title, description)


def outcomes_chart(results: Results, names: Mapping[str, str], labels: Mapping[str, str],
                   title: str, description: str) -> str | None:
    """Letters by what became of them (on time, late, overdue, waiting), one group of bars
    per organisation shown. None when no bar would be drawn (every figure withheld or 0)."""
    lines = [line for line in results.lines if not line.withheld_whole]
    if not any(line.value(outcome) for line in lines for outcome in OUTCOMES):
        return None
    lines.reverse()  # pygal draws the first label at the bottom: the table's order, top down
    chart = pygal.HorizontalBar(height=100 + 90 * len(lines), **_COMMON)
    chart.x_labels = [names.get(line.key, line.key) for line in lines]
    for outcome in OUTCOMES:
        chart.add(labels[outcome], [line.value(outcome) for line in lines])
    return _render(chart, title, description)


def completeness_chart(results: Results, item_labels: Mapping[str, str], series: str,
                       title: str, description: str) -> str | None:
    """The share of checked replies that answered each checklist item in full, all
    organisations together. None when no share can be shown."""
    shares: list[tuple[str, float]] = [
        (code, share) for code in results.items
        if (share := results.overall.share(f"item:{code}:answered", f"item:{code}:checked")) is not None]
    if not shares:
        return None
    shares = shares[::-1]  # top down, as in the table
    chart = pygal.HorizontalBar(height=80 + 34 * len(shares), range=(0, 100), show_legend=False,
                                value_formatter=lambda v: f"{v:g} %", **_COMMON)
    chart.x_labels = [item_labels.get(code, code) for code, _share in shares]
    chart.add(series, [share for _code, share in shares])
    return _render(chart, title, description)
