"""compose(): a request in plain values → one immutable, localised Letter.

The legal wording comes from the templates in ``letters/`` (translated through the
``letters`` Babel domain). Templates do not emit text: they call a small builder
(``p``, ``h``, ``ol``, ``ul``, ``quote``, ``subject``, ``enclose``) so that a person's text is
always data inside a block and can never turn into structure or markup.

A kind's own templates (subject line, part) sit in its folder of the rights catalogue
(``letters/kinds/<kind>/``, see dsar/rights.py); ``compose(request, catalogue)`` also writes
kinds from a catalogue extended with another folder. ``LetterBuilder``, ``environment``,
``render_letter``, ``date_formatter`` and ``clean`` are the machinery the follow-up letters
share.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.support import NullTranslations
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from dsar import deadlines
from dsar.letters.model import Block, Letter, LetterRequest, Party, Person, Recipient
from dsar.letters.postal import is_international, recipient_address, sender_address
from dsar.letters.text import clean_text
from dsar.rights import (
    ACCESS_ITEMS,
    CATALOGUE,
    CCA_S159_REPLY_DAYS,
    CONTROLLER_COMPLAINTS_FROM,
    JURISDICTIONS,
    Catalogue,
    UnknownRight,
    missing_details,
)

LETTERS_DIR = Path(__file__).resolve().parent.parent.parent / "letters"
LETTER_LOCALES = ("en", "cy", "de", "fr", "es", "it", "nl", "pl")
CHANNELS = ("letter", "email", "webform")
# The word a letter's first sentence opens with, written in lower case after the salutation's
# comma in that language (German letters open "hiermit …", DIN 5008).
OPENING_AFTER_SALUTATION = {"de": "Hiermit"}


class ComposeError(ValueError):
    """The request cannot become a letter (unknown language, missing required detail)."""


class LetterBuilder:
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

    def functions(self) -> dict:
        """What a template calls to write the letter (put these in its context)."""
        return {"p": self.p, "h": self.h, "ol": self.ol, "ul": self.ul, "quote": self.quote,
                "subject": self.subject, "enclose": self.enclose}


@cache
def available_locales() -> tuple[str, ...]:
    """Letter languages whose catalog is complete (English is the source and always there).

    A half-translated letter would mix languages, so an incomplete catalog is not offered."""
    from dsar.i18n import LETTERS, catalog_complete

    return tuple(code for code in LETTER_LOCALES if code == "en" or catalog_complete(LETTERS, code))


@cache
def translations(locale: str) -> NullTranslations:
    if locale == "en":
        return NullTranslations()
    from dsar.i18n import LETTERS, load_translations

    loaded = load_translations(LETTERS, locale)
    if loaded is None:
        raise ComposeError(f"no letter catalog for language {locale!r}")
    return loaded


@cache
def environment(locale: str, kinds_dirs: tuple[Path, ...] = CATALOGUE.kinds_dirs,
                ) -> ImmutableSandboxedEnvironment:
    """The letters' template environment in ``locale``. A kind's templates are found as
    ``kinds/<kind>/…`` in whichever of ``kinds_dirs`` holds that kind; everything else
    (fragments, follow-ups, labels) in ``letters/``."""
    # Sandboxed and fed only plain values: a template (or a translation) cannot reach Python.
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader([
            PrefixLoader({"kinds": FileSystemLoader([str(d) for d in kinds_dirs])}),
            FileSystemLoader(str(LETTERS_DIR)),
        ]),
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
    """When the organisation is taken to receive the letter (Interpretation Act 1978 s.7; CPR 6.26).

    Nothing fixes a figure for post abroad, so a letter that crosses a border allows
    INTERNATIONAL_POST_DAYS working days and says that its month counts from receipt."""
    if request.channel != "letter":
        return request.today
    days = (deadlines.INTERNATIONAL_POST_DAYS if sent_abroad(request)
            else deadlines.FIRST_CLASS_POST_DAYS)
    return deadlines.deemed_receipt(request.today, **calendar_for(request.recipient),
                                    working_days=days)


def sent_abroad(request: LetterRequest) -> bool:
    return is_international(request.person.country, request.recipient.country)


def postal_parties(person: Person, recipient: Recipient) -> tuple[Party, Party]:
    """Sender and recipient as the post needs them (country lines only across a border)."""
    sender = Party(clean(person.name),
                   tuple(clean(x) for x in sender_address(person, recipient.country)),
                   clean(person.email))
    return sender, Party(clean(recipient.name),
                         tuple(clean(x) for x in recipient_address(recipient, person.country)),
                         recipient.email)


def calendar_for(recipient: Recipient) -> dict[str, str]:
    """The holiday calendar of the organisation's location (ICO guidance; Regulation 1182/71 Art 3(4)).

    UK and EU counting give the same calendar date; only the holidays differ, so the
    calendar follows where the organisation is. Outside the UK and the EU/EEA we fall back
    to the England and Wales calendar (weekends always count as non-working days)."""
    if recipient.country in deadlines.EU_COUNTRIES or recipient.country in deadlines._EU_ALIASES:
        return {"jurisdiction": "eu", "region": recipient.country}
    region = recipient.holiday_region if recipient.country == "gb" else "england"
    return {"jurisdiction": "uk", "region": region if region in deadlines.UK_REGIONS else "england"}


def clean(value: str) -> str:
    """A person's or organisation's text as a letter prints it (no hidden controls, trimmed)."""
    return clean_text(value).strip()


def compose(request: LetterRequest, catalogue: Catalogue = CATALOGUE) -> Letter:
    if request.locale not in LETTER_LOCALES:
        raise ComposeError(f"unknown letter language {request.locale!r}")
    if request.jurisdiction not in JURISDICTIONS:
        raise ComposeError(f"unknown jurisdiction {request.jurisdiction!r}")
    if request.channel not in CHANNELS:
        raise ComposeError(f"unknown channel {request.channel!r}")
    try:
        right = catalogue.get(request.right)
    except UnknownRight:
        raise ComposeError(f"unknown letter kind {request.right!r}") from None
    missing = missing_details(right, vars(request))
    if missing:
        raise ComposeError(f"{missing[0].replace('_', ' ')} is required for {right.key}")

    received = received_date(request)
    due = deadlines.compute_deadline(received, **calendar_for(request.recipient)).due
    env = environment(request.locale, catalogue.kinds_dirs)
    builder = LetterBuilder()
    person = request.person
    fmt = date_formatter(request.locale)
    representative = request.representative
    context = {
        "uk": request.jurisdiction == "uk",
        "eu": request.jurisdiction == "eu",
        "right": right.key,
        "parts": right.parts,
        "is_pack": right.is_pack,
        "says_free_of_charge": right.says_free_of_charge,
        "channel": request.channel,
        "international_post": request.channel == "letter" and sent_abroad(request),
        "reference": request.reference,
        "due_date": fmt(due),
        "is_cra": "credit_reference_agency" in request.recipient.categories,
        # German credit agencies score under § 31 BDSG, which C-634/21 called into question.
        "is_german_credit_agency": request.recipient.country == "de"
        and "credit_reference_agency" in request.recipient.categories,
        "trading_names": [clean(n) for n in request.recipient.trading_names if clean(n)],
        "access_items": ACCESS_ITEMS,
        "cca_reply_by": fmt(received + timedelta(days=CCA_S159_REPLY_DAYS)),
        "person_name": clean(person.name),
        # Replies go to whoever writes: the person, or their representative.
        "person_email": clean(representative.email if representative else person.email),
        "date_of_birth": fmt(person.date_of_birth) if person.date_of_birth else "",
        "previous_addresses": [", ".join(clean(x) for x in a) for a in person.previous_addresses],
        "customer_numbers": [(clean(k), clean(v)) for k, v in person.customer_numbers],
        "reasons": clean(request.reasons),
        "corrections": [clean(c) for c in request.corrections if c.strip()],
        "erasure_ground": request.erasure_ground,
        "restriction_ground": request.restriction_ground,
        "decision": clean(request.decision),
        "recipient_email": request.recipient.email,
        "complaints_to_controller": request.today >= CONTROLLER_COMPLAINTS_FROM,
        "representative": representative_context(representative, fmt),
        "person_address": ", ".join(clean(x) for x in person.address),
        # A repeated request names the previous one (letters/fragments/previous_request.j2).
        "previous_request_on": fmt(request.previous_request_on) if request.previous_request_on else "",
        "previous_reference": clean(request.previous_reference),
        **builder.functions(),
    }
    env.get_template("letter.j2").render(context)
    # A representative is the sender and signs; the person is named in the body.
    writer = (Person(representative.name, representative.address, representative.email,
                     country=person.country) if representative else person)
    sender, recipient = postal_parties(writer, request.recipient)
    return render_letter(
        env, builder, context, kind=right.key, locale=request.locale,
        jurisdiction=request.jurisdiction, reference=request.reference, sender=sender,
        recipient=recipient, today=request.today, due=due,
    )


def representative_context(representative, fmt) -> dict | None:
    """What fragments/representative.j2 reads (None when the person writes themselves)."""
    if representative is None:
        return None
    expires = representative.authority_expires_on
    return {"name": clean(representative.name), "safe_contact": representative.safe_contact,
            "authority_expires_on": fmt(expires) if expires else ""}


def render_letter(env: ImmutableSandboxedEnvironment, builder: LetterBuilder, context: dict, *,
                  kind: str, locale: str, jurisdiction: str, reference: str, sender: Party,
                  recipient: Party, today: date, due: date | None) -> Letter:
    """Assemble the Letter from what a template put in the builder, with the shared labels.
    Used by compose() and by the follow-up letters, so every letter has the same frame."""
    labels = frame_labels(env, context)
    fmt = date_formatter(locale)
    blocks = tuple(builder.blocks)
    opening = OPENING_AFTER_SALUTATION.get(locale)
    if opening and blocks and blocks[0].kind == "paragraph" and blocks[0].text.startswith(opening):
        # Only the letter's opening: the same sentence after a heading in a pack keeps its capital.
        blocks = (replace(blocks[0], text=opening.lower() + blocks[0].text[len(opening):]),
                  *blocks[1:])
    return Letter(
        kind=kind,
        locale=locale,
        jurisdiction=jurisdiction,
        reference=reference,
        sender=sender,
        recipient=recipient,
        date=today,
        date_text=fmt(today),
        place_date=fmt(today),
        subject=builder.subject_text,
        salutation=labels["salutation"],
        blocks=blocks,
        closing=labels["closing"],
        signature=sender.name,
        enclosures=tuple(builder.enclosures),
        enclosures_heading=labels["enclosures"],
        reference_label=labels["reference"],
        page_label=labels["page"],
        due_date=due,
        labels=labels,
    )


def frame_labels(env: ImmutableSandboxedEnvironment, context: dict) -> dict[str, str]:
    """Short translated labels the renderers print (salutation, 'Page 1 of 2' …)."""
    module = env.get_template("labels.j2").make_module(context)
    return {
        name: str(getattr(module, name)).strip()
        for name in ("salutation", "closing", "enclosures", "reference", "page")
    }


# Letters in English go to UK organisations first: write dates the British way.
BABEL_LOCALES = {"en": "en_GB"}


def date_formatter(locale: str):
    """A function writing a date the long way in the letter's language."""
    babel_locale = BABEL_LOCALES.get(locale, locale)

    def fmt(value: date) -> str:
        return format_date(value, format="long", locale=babel_locale)

    return fmt
