"""Letters of authority: generated for a client to sign, the signed copy stored, and the one
check every letter written for the client passes first.

An organisation may wait for proof that a representative is authorised before it answers,
and the month runs from the day it has that proof (ICO right-of-access guidance; UK GDPR
Art 12(6)). So a letter goes out on the client's behalf only under a signed authority that
names the organisation and the request and has not expired; it is enclosed with the letter.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from dsar.casework.models import Authority, Client
from dsar.directory.services import get_organisation
from dsar.letters.authority import AuthorityDocument, compose_authority
from dsar.letters.model import Letter, Person, Representative
from dsar.requests import uploads
from dsar.rights import Right
from dsar.teams.models import Team

DEFAULT_MONTHS = 12
MAX_MONTHS = 60
# A signed copy is a scan or a photograph of a signed page, or a signed PDF; nothing else.
SIGNED_COPY_TYPES = ("application/pdf", "image/png", "image/jpeg")
# The three UK credit reference agencies (a preset on the forms).
CREDIT_REFERENCE_AGENCIES = ("experian-gb", "equifax-gb", "transunion-gb")


class AuthorityProblem(ValueError):
    """Letters cannot go out for this client; the message (translatable) says why and what
    to do."""


def check_team_address(team: Team) -> None:
    """The team is the sender and reply address of the client's letters and is named in the
    authority: without its postal address neither can be written."""
    if not team.address:
        raise AuthorityProblem(_l(
            "The team's postal address is missing. An administrator can add it in the team's "
            "settings; letters for clients give it as the address for replies."))


def generate(session: Session, client: Client, *, organisations: list[str], rights: list[str],
             expires_on: date, today: date) -> Authority:
    """A new authority for the client to sign (not yet valid: it has no signed copy)."""
    authority = Authority(client_id=client.id, organisations=organisations, rights=rights,
                          expires_on=expires_on, issued_on=today,
                          language=client.preferred_language or "en")
    session.add(authority)
    session.flush()
    return authority


def team_representative(team: Team, client: Client, expires_on: date | None) -> Representative:
    """The team as the sender of the client's letters (and the party the authority names)."""
    return Representative(name=team.name, address=tuple(team.address), email=team.email,
                          authority_expires_on=expires_on, safe_contact=client.safe_contact)


def client_person(client: Client) -> Person:
    """The client as the data subject of a letter, with every identifier: the letter service
    (dsar.letters.identifiers.disclosed_to) then keeps only what each organisation is told —
    numbers filed under one organisation go to that one only."""
    identifiers = client.identifiers or {}
    return Person(
        name=client.name, address=tuple(client.address), email=client.email,
        date_of_birth=client.date_of_birth,
        previous_addresses=tuple(tuple(a) for a in client.previous_addresses),
        customer_numbers=tuple(identifiers.get("", {}).items()),
        org_numbers=tuple((slug, label, number) for slug, numbers in identifiers.items() if slug
                          for label, number in numbers.items()),
    )


def organisation_name(session: Session, slug: str) -> str:
    record = get_organisation(session, slug)
    return record.name if record else slug


def document(session: Session, team: Team, client: Client, authority: Authority) -> Letter:
    """The authority as the client signs it (the same words every time it is downloaded)."""
    return compose_authority(AuthorityDocument(
        client=client_person(client), team=team_representative(team, client, authority.expires_on),
        organisations=tuple(organisation_name(session, s) for s in authority.organisations),
        rights=tuple(authority.rights), expires_on=authority.expires_on,
        today=authority.issued_on or authority.expires_on, locale=authority.language,
        reference=authority.public_id, safe_contact=client.safe_contact,
    ))


def awaiting_signature(client: Client) -> list[Authority]:
    return [a for a in client.authorities if not a.stored_name]


def signed(client: Client) -> list[Authority]:
    return [a for a in client.authorities if a.stored_name and a.signed_on]


def attach_signed_copy(authority: Authority, incoming: uploads.IncomingFile, *, signed_on: date,
                       expires_on: date, uploads_dir: Path) -> None:
    """Check the file as every upload is checked (sniffed type, size, image dimensions),
    accept only PDF, PNG or JPEG, and store it under a random name; UploadError if not."""
    [(item, media_type)] = uploads.check([incoming])
    if media_type not in SIGNED_COPY_TYPES:
        raise uploads.UploadError(_l("%(name)s is not a PDF, PNG or JPEG file",
                                     name=uploads.clean_filename(incoming.name)))
    uploads_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    # As uploads.store writes a request's files: a random name, never overwriting, mode 0600.
    name = secrets.token_hex(16)
    fd = os.open(uploads_dir / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(item.content)
    authority.stored_name, authority.media_type = name, media_type
    authority.size, authority.sha256 = len(item.content), hashlib.sha256(item.content).hexdigest()
    authority.signed_on, authority.expires_on = signed_on, expires_on


def signed_copy_path(authority: Authority, uploads_dir: Path) -> Path:
    if not authority.stored_name or len(authority.stored_name) != 32 or not set(
            authority.stored_name) <= set("0123456789abcdef"):
        raise uploads.UploadError("stored file name is malformed")
    return uploads_dir / authority.stored_name


@dataclass(frozen=True)
class Permission:
    """Under which authority a letter to one organisation goes out (None: the client writes
    in their own name)."""

    org_slug: str
    authority: Authority | None


def covering(client: Client, org_slug: str, right: Right, today: date) -> Authority | None:
    """The signed, unexpired authority naming this organisation (or any) and every part of
    this request, the one that lasts longest."""
    fitting = [a for a in signed(client) if a.expires_on >= today
               and (not a.organisations or org_slug in a.organisations)
               and set(right.parts) <= set(a.rights)]
    return max(fitting, key=lambda a: a.expires_on, default=None)


def permissions(session: Session, client: Client, org_slugs: list[str], right: Right,
                today: date) -> list[Permission]:
    """May letters of this kind go to these organisations for this client? AuthorityProblem
    with the first reason they may not."""
    if client.acting_mode == "own_name":
        return [Permission(slug, None) for slug in org_slugs]
    held = signed(client)
    if not held:
        raise AuthorityProblem(_l(
            "There is no signed letter of authority for this client. Generate it, have the client "
            "sign it and upload the signed copy, or record that the client writes in their own name."))
    if all(a.expires_on < today for a in held):
        latest = max(a.expires_on for a in held)
        raise AuthorityProblem(_l(
            "The client's letter of authority expired on %(date)s. Ask the client to sign a new one.",
            date=format_date(latest, format="long")))
    found = []
    for slug in org_slugs:
        authority = covering(client, slug, right, today)
        if authority is None:
            raise AuthorityProblem(_l(
                "The client's signed authority does not cover %(organisation)s for this request. "
                "Generate a new letter of authority that names it.",
                organisation=organisation_name(session, slug)))
        found.append(Permission(slug, authority))
    return found
