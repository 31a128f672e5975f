"""The letter of authority a client signs so that a team may act for them: plain values in,
one Letter out (the same model every renderer reads), its words in
``letters/kinds/letter_of_authority/``.

It is a document, not a request: it is addressed to whom it may concern, has no deadline
and no salutation; its sign-off is the space where the client signs, and the date line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from dsar.letters.compose import (
    LETTER_LOCALES,
    ComposeError,
    LetterBuilder,
    clean,
    date_formatter,
    environment,
    render_letter,
)
from dsar.letters.model import Letter, Party, Person, Representative
from dsar.rights import CATALOGUE, Catalogue, UnknownRight

KIND = "letter_of_authority"


@dataclass(frozen=True)
class AuthorityDocument:
    """What the authority says: who authorises whom, for which organisations (their names)
    and which request kinds, until when."""

    client: Person
    team: Representative
    organisations: tuple[str, ...]
    rights: tuple[str, ...]
    expires_on: date
    today: date
    locale: str = "en"
    reference: str = ""
    safe_contact: bool = False


def compose_authority(document: AuthorityDocument, catalogue: Catalogue = CATALOGUE) -> Letter:
    if document.locale not in LETTER_LOCALES:
        raise ComposeError(f"unknown letter language {document.locale!r}")
    try:
        catalogue.document(KIND)
        kinds = [catalogue.get(key) for key in document.rights]
    except UnknownRight as exc:
        raise ComposeError(f"unknown letter kind {exc.args[0]!r}") from None
    if not document.organisations or not kinds:
        raise ComposeError("a letter of authority names at least one organisation and one request")
    env = environment(document.locale, catalogue.kinds_dirs)
    builder = LetterBuilder()
    fmt = date_formatter(document.locale)
    client, team = document.client, document.team
    context = {
        "uk": True, "eu": False,  # citations are not used; a fallback title may cite
        "client_name": clean(client.name),
        "team_name": clean(team.name),
        "team_address": ", ".join(clean(x) for x in team.address),
        "date_of_birth": fmt(client.date_of_birth) if client.date_of_birth else "",
        "client_address": ", ".join(clean(x) for x in client.address),
        "previous_addresses": [", ".join(clean(x) for x in a) for a in client.previous_addresses],
        "safe_contact": document.safe_contact,
        "organisations": [clean(name) for name in document.organisations],
        # Packs are authorised part by part, so each kind is named once.
        "rights": list(dict.fromkeys(part for kind in kinds for part in kind.parts)),
        "expires_on": fmt(document.expires_on),
        **builder.functions(),
    }
    titles = env.get_template(f"kinds/{KIND}/titles.j2").make_module(context)
    builder.subject(titles.subject_line)
    part = env.get_template(f"kinds/{KIND}/part.j2").make_module(context)
    # The client's address is in the body (left out with safe contact), never in a sender
    # block that could be read as a return address.
    letter = render_letter(
        env, builder, context, kind=KIND, locale=document.locale, jurisdiction="uk",
        reference=document.reference, sender=Party(clean(client.name), ()),
        recipient=Party(str(titles.addressee)), today=document.today, due=None,
    )
    return replace(letter, salutation="", closing=str(part.signature_label).strip(),
                   signature=str(part.date_line).strip())
