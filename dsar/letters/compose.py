"""compose(): a request in plain values → one immutable, localised Letter.

The legal wording comes from the templates in ``letters/`` (translated through the
``letters`` Babel domain). Templates do not emit text: they call a small builder
(``p``, ``h``, ``ol``, ``ul``, ``quote``, ``subject``, ``enclose``) so that a person's text is
always data inside a block and can never turn into structure or markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.support import NullTranslations, Translations
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from dsar import deadlines
from dsar.letters.model import Block, Letter, Party
from dsar.letters.text import clean_text
from dsar.rights import CONTROLLER_COMPLAINTS_FROM, get_right

LETTERS_DIR = Path(__file__).resolve().parent.parent.parent / "letters"
TRANSLATIONS_DIR = LETTERS_DIR / "translations"
LETTER_LOCALES = ("en", "cy", "de", "fr", "es", "it", "nl", "pl")
CHANNELS = ("letter", "email", "webform")


class ComposeError(ValueError):
    """The request cannot become a letter (unknown language, missing required detail)."""


@dataclass(frozen=True)
class Person:
    name: str
    address: tuple[str, ...]
    email: str = ""
    date_of_birth: date | None = None
    previous_addresses: tuple[tuple[str, ...], ...] = ()
    customer_numbers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Recipient:
    name: str
    address: tuple[str, ...] = ()
    email: str = ""
    categories: tuple[str, ...] = ()
    country: str = "gb"
    holiday_region: str = "england"


@dataclass(frozen=True)
class LetterRequest:
    right: str
    jurisdiction: str
    locale: str
    reference: str
    person: Person
    recipient: Recipient
    today: date
    channel: str = "letter"
    reasons: str = ""
    corrections: tuple[str, ...] = ()
    erasure_ground: str = ""
    restriction_ground: str = ""
    decision: str = ""


class _Builder:
    """Collects the blocks a template produces. Methods return '' so ``{{ }}`` also works."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.subject_text = ""
        self.enclosures: list[str] = []

    def p(self, text: str) -> str:
        self.blocks.append(Block("paragraph", text=str(text)))
        return ""

    def h(self, text: str) -> str:
        self.blocks.append(Block("heading", text=str(text)))
        return ""

    def quote(self, text: str) -> str:
        if text:
            self.blocks.append(Block("quote", text=str(text)))
        return ""

    def ol(self, items, labels=()) -> str:
        self.blocks.append(
            Block("numbered", items=tuple(str(i) for i in items), labels=tuple(labels))
        )
        return ""

    def ul(self, items) -> str:
        items = tuple(str(i) for i in items)
        if items:
            self.blocks.append(Block("bullets", items=items))
        return ""

    def subject(self, text: str) -> str:
        self.subject_text = str(text)
        return ""

    def enclose(self, text: str) -> str:
        self.enclosures.append(str(text))
        return ""


@cache
def _compiled_once() -> None:
    # Installing and running compiles the catalogs: nobody commits or builds .mo by hand.
    from dsar.i18n import LETTERS, ensure_compiled

    ensure_compiled((LETTERS,))


@cache
def available_locales() -> tuple[str, ...]:
    """Letter languages whose catalog is complete (English is the source and always there).

    A half-translated letter would mix languages, so an incomplete catalog is not offered."""
    from dsar.i18n import LETTERS, catalog_complete

    _compiled_once()
    return tuple(
        code for code in LETTER_LOCALES
        if code == "en" or (LETTERS.mo(code).exists() and catalog_complete(LETTERS, code))
    )


@cache
def translations(locale: str) -> NullTranslations:
    if locale == "en":
        return NullTranslations()
    _compiled_once()
    loaded = Translations.load(str(TRANSLATIONS_DIR), [locale], domain="letters")
    if not isinstance(loaded, Translations):
        raise ComposeError(f"no compiled letter catalog for language {locale!r}")
    return loaded


@cache
def _environment(locale: str) -> ImmutableSandboxedEnvironment:
    # Sandboxed and fed only plain values: a template (or a translation) cannot reach Python.
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(LETTERS_DIR)),
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
        undefined=StrictUndefined,
        autoescape=False,  # output is builder calls, never markup; renderers escape
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(locale), newstyle=True)
    env.globals["split_article"] = split_article
    return env


_CITATION = re.compile(r"(?P<number>\d+[A-Z]?)(?:\((?P<paragraph>\d+[A-Z]?)\))?(?:\((?P<point>[a-z]+)\))?")


def split_article(citation: str) -> dict[str, str]:
    """'15(1)(h)' → number 15, paragraph 1, point h (for each language's citation style)."""
    match = _CITATION.fullmatch(citation)
    if match is None:
        raise ValueError(f"not an article citation: {citation!r}")
    return {k: v or "" for k, v in match.groupdict().items()}


def received_date(request: LetterRequest) -> date:
    """When the organisation is taken to receive the letter (Interpretation Act 1978 s.7; CPR 6.26)."""
    if request.channel == "letter":
        return deadlines.deemed_receipt(request.today, **calendar_for(request.recipient))
    return request.today


def calendar_for(recipient: Recipient) -> dict[str, str]:
    """The holiday calendar of the organisation's location (ICO guidance; Regulation 1182/71 Art 3(4)).

    UK and EU counting give the same calendar date; only the holidays differ, so the
    calendar follows where the organisation is. Outside the UK and the EU/EEA we fall back
    to the England and Wales calendar (weekends always count as non-working days)."""
    if recipient.country in deadlines.EU_COUNTRIES or recipient.country in deadlines._EU_ALIASES:
        return {"jurisdiction": "eu", "region": recipient.country}
    region = recipient.holiday_region if recipient.country == "gb" else "england"
    return {"jurisdiction": "uk", "region": region if region in deadlines.UK_REGIONS else "england"}


def _clean(value: str) -> str:
    return clean_text(value).strip()


def compose(request: LetterRequest) -> Letter:
    if request.locale not in LETTER_LOCALES:
        raise ComposeError(f"unknown letter language {request.locale!r}")
    if request.jurisdiction not in ("uk", "eu"):
        raise ComposeError(f"unknown jurisdiction {request.jurisdiction!r}")
    if request.channel not in CHANNELS:
        raise ComposeError(f"unknown channel {request.channel!r}")
    right = get_right(request.right)
    for need in right.needs:
        value = getattr(request, need)
        if not value or (isinstance(value, str) and not value.strip()):
            raise ComposeError(f"{need.replace('_', ' ')} is required for {right.key}")

    due = deadlines.compute_deadline(received_date(request), **calendar_for(request.recipient)).due
    env = _environment(request.locale)
    builder = _Builder()
    person = request.person
    fmt = _date_formatter(request.locale)
    context = {
        "uk": request.jurisdiction == "uk",
        "eu": request.jurisdiction == "eu",
        "right": right.key,
        "parts": right.parts,
        "is_pack": right.is_pack,
        "channel": request.channel,
        "reference": request.reference,
        "due_date": fmt(due),
        "is_cra": "credit_reference_agency" in request.recipient.categories,
        "person_name": _clean(person.name),
        "person_email": _clean(person.email),
        "date_of_birth": fmt(person.date_of_birth) if person.date_of_birth else "",
        "previous_addresses": [", ".join(_clean(x) for x in a) for a in person.previous_addresses],
        "customer_numbers": [(_clean(k), _clean(v)) for k, v in person.customer_numbers],
        "reasons": _clean(request.reasons),
        "corrections": [_clean(c) for c in request.corrections if c.strip()],
        "erasure_ground": request.erasure_ground,
        "restriction_ground": request.restriction_ground,
        "decision": _clean(request.decision),
        "recipient_email": request.recipient.email,
        "complaints_to_controller": request.today >= CONTROLLER_COMPLAINTS_FROM,
        "p": builder.p, "h": builder.h, "ol": builder.ol, "ul": builder.ul,
        "quote": builder.quote, "subject": builder.subject, "enclose": builder.enclose,
    }
    env.get_template("letter.j2").render(context)
    return render_letter(
        env, builder, context, kind=right.key, locale=request.locale,
        jurisdiction=request.jurisdiction, reference=request.reference, person=person,
        recipient=Party(_clean(request.recipient.name),
                        tuple(_clean(x) for x in request.recipient.address),
                        request.recipient.email),
        today=request.today, due=due,
    )


def render_letter(env, builder: _Builder, context: dict, *, kind: str, locale: str,
                  jurisdiction: str, reference: str, person: Person, recipient: Party,
                  today: date, due: date | None) -> Letter:
    """Assemble the Letter from what a template put in the builder, with the shared labels.
    Used by compose() and by the follow-up letters, so every letter has the same frame."""
    labels = _labels(env, context)
    fmt = _date_formatter(locale)
    return Letter(
        kind=kind,
        locale=locale,
        jurisdiction=jurisdiction,
        reference=reference,
        sender=Party(_clean(person.name), tuple(_clean(x) for x in person.address),
                     _clean(person.email)),
        recipient=recipient,
        date=today,
        date_text=fmt(today),
        place_date=fmt(today),
        subject=builder.subject_text,
        salutation=labels["salutation"],
        blocks=tuple(builder.blocks),
        closing=labels["closing"],
        signature=_clean(person.name),
        enclosures=tuple(builder.enclosures),
        enclosures_heading=labels["enclosures"],
        reference_label=labels["reference"],
        page_label=labels["page"],
        due_date=due,
        labels=labels,
    )


def _labels(env: ImmutableSandboxedEnvironment, context: dict) -> dict[str, str]:
    """Short translated labels the renderers print (salutation, 'Page 1 of 2' …)."""
    module = env.get_template("labels.j2").make_module(context)
    return {
        name: str(getattr(module, name)).strip()
        for name in ("salutation", "closing", "enclosures", "reference", "page")
    }


# Letters in English go to UK organisations first: write dates the British way.
BABEL_LOCALES = {"en": "en_GB"}


def _date_formatter(locale: str):
    babel_locale = BABEL_LOCALES.get(locale, locale)

    def fmt(value: date) -> str:
        return format_date(value, format="long", locale=babel_locale)

    return fmt
