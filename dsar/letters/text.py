"""Plain-text rendering of a Letter, and the text hygiene every renderer shares.

``render_text`` is what a person pastes into an organisation's web form or sends as an
email body, so it is plain UTF-8, wrapped at 78 columns (RFC 5322's recommended line
length) with hanging indents for list items; for email, each paragraph stays on one line.

``clean_text`` is applied by *every* renderer to every string taken from a Letter:
control characters are invisible, break XML (DOCX, HTML) and can smuggle terminal escape
sequences, so they are removed once, here, in one way.
"""

from __future__ import annotations

import re
import textwrap

from .model import Block, Letter, Party
from .postal import window_lines

WIDTH = 78

# C0 controls except TAB (\x09) and LF (\x0a), DEL, the C1 controls, and U+FFFE/U+FFFF
# (illegal in XML, so python-docx would refuse them). CR is handled separately
# (normalised to LF) before this runs.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
# Bidi embedding/override/isolate controls (LRE RLE PDF LRO RLO, LRI RLI FSI PDI). They
# are invisible and make the displayed text differ from the stored text ("Trojan Source"
# spoofing: an RLO shows a reference or amount backwards). Letters never need them: the
# Unicode bidi algorithm lays out Arabic or Hebrew names correctly without them.
# LRM/RLM marks (U+200E/U+200F) are harmless and kept.
_BIDI_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# Lone surrogates cannot be encoded as UTF-8 and are illegal in XML.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(s: object) -> str:
    """Return ``s`` as a str without C0/C1 control characters (keeps ``\\n`` and ``\\t``).

    ``\\r\\n`` and lone ``\\r`` become ``\\n`` so line structure survives. Bidi override
    controls and lone surrogates go too (see above).
    """
    if s is None:
        return ""
    text = str(s).replace("\r\n", "\n").replace("\r", "\n")
    text = _BIDI_CONTROL.sub("", _CONTROL.sub("", text))
    return _SURROGATE.sub("\ufffd", text)


def has_hidden_controls(s: str) -> bool:
    """True when text holds characters that ``clean_text`` would remove. Input forms refuse
    such text with a message rather than letting it change silently in the letter."""
    text = s.replace("\r\n", "\n").replace("\r", "\n")
    return bool(_CONTROL.search(text) or _BIDI_CONTROL.search(text) or _SURROGATE.search(text))


def one_line(s: object) -> str:
    """``clean_text`` folded to a single line (for headers, subjects, names)."""
    return " ".join(clean_text(s).split())


def _wrap(text: str, first: str = "", rest: str = "", width: int | None = WIDTH) -> list[str]:
    """Wrap each paragraph line of ``text``; ``first``/``rest`` are the indents. With
    ``width`` None each line stays whole (after its indent)."""
    out: list[str] = []
    for i, line in enumerate(clean_text(text).split("\n")):
        if not line.strip():
            out.append("")
            continue
        if width is None:
            out.append((first if i == 0 else rest) + line.strip())
            continue
        out.extend(
            textwrap.wrap(
                line,
                width,
                initial_indent=first if i == 0 else rest,
                subsequent_indent=rest,
                # Long URLs and reference numbers must stay intact when possible, but a
                # 10,000-character "word" still has to be broken somewhere.
                break_on_hyphens=False,
            )
            or [first.rstrip()]
        )
    return out


def list_markers(block: Block, bullet: str = "-") -> list[str]:
    """The marker for each list item: its label, ``1.``/``2.`` or ``bullet``."""
    if block.kind == "bullets":
        return [bullet] * len(block.items)
    markers = []
    for i, _item in enumerate(block.items):
        label = one_line(block.labels[i]) if i < len(block.labels) else ""
        markers.append(label or f"{i + 1}.")
    return markers


def _block_lines(block: Block, width: int | None) -> list[str]:
    lines: list[str] = []
    if block.kind in ("numbered", "bullets"):
        if block.text:
            lines.extend(_wrap(block.text, width=width))
        markers = list_markers(block)
        indent = max((len(m) for m in markers), default=1) + 1
        for marker, item in zip(markers, block.items, strict=False):
            lines.extend(_wrap(item, marker.ljust(indent), " " * indent, width))
    elif block.kind == "heading":
        title = one_line(block.text)
        lines.extend(_wrap(title, width=width))
        lines.append("-" * min(len(title), WIDTH))
    elif block.kind == "quote":
        lines.extend(_wrap(block.text, "    ", "    ", width))
    else:
        lines.extend(_wrap(block.text, width=width))
    return lines


def _party_lines(party: Party) -> list[str]:
    lines = [one_line(party.name)] + [one_line(a) for a in party.address]
    if party.email:
        lines.append(one_line(party.email))
    return [line for line in lines if line]


def render_text(letter: Letter, width: int | None = WIDTH) -> str:
    """The letter as plain text, ending with a single newline: wrapped at ``width``
    columns, or with each paragraph on one line (width None, for email)."""
    parts: list[list[str]] = [
        _party_lines(letter.sender),
        # The recipient too, even in a web form: a complete letter names who it is for.
        [one_line(x) for x in window_lines(letter.recipient)],
        _wrap(letter.place_date or letter.date_text, width=width),
        _wrap(f"{letter.reference_label}: {letter.reference}", width=width),
        _wrap(letter.subject, width=width),
        _wrap(letter.salutation, width=width),
    ]
    parts.extend(_block_lines(block, width) for block in letter.blocks)
    parts.append(_wrap(letter.closing, width=width) + [""] + _wrap(letter.signature, width=width))
    if letter.enclosures:
        enclosures = (_wrap(letter.enclosures_heading, width=width)
                      if letter.enclosures_heading else [])
        for item in letter.enclosures:
            enclosures.extend(_wrap(item, "- ", "  ", width))
        parts.append(enclosures)
    paragraphs = ["\n".join(lines).rstrip() for lines in parts if lines]
    return "\n\n".join(p for p in paragraphs if p) + "\n"
