"""Which supervisory authority a complaint goes to (GDPR Art 77; the ICO in the UK).

UK cases go to the ICO (our curated ``ico-gb``). EU/EEA cases go, by default, to the authority
of the person's country of residence (GDPR Art 77: residence, place of work or place of the
infringement; the person may choose, hence ``override_slug``). When the person lives outside
the EU/EEA (a UK resident writing to a German company) the organisation's country stands in:
the place of the infringement.

The EU/EEA authorities come from the datenanfragen.de import (``orgs import-datenanfragen``);
without it only the ICO is known and EU cases raise ``NoAuthority``.

Countries with several authorities: Germany has a federal commissioner (BfDI), one authority
per Land (two in Bavaria), church and broadcasting authorities. We pick the BfDI: it accepts
complaints from anyone and passes those about private companies to the competent Land
authority, so a complaint sent there is never wrong, only sometimes forwarded. A person who
knows the Land authority of the company's seat can choose it with ``override_slug``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.directory.models import Organisation
from dsar.directory.schema import OrgRecord
from dsar.directory.services import get_organisation

ICO_SLUG = "ico-gb"
# The national authority where a country has several (see above).
NATIONAL = {"de": "debfdi"}
_COUNTRY_ALIASES = {"uk": "gb", "el": "gr"}


class NoAuthority(LookupError):
    """No supervisory authority is known for the case; the message says which."""


def authorities_in(session: Session, country: str) -> list[OrgRecord]:
    """Every authority based in ``country``, the national one first, then by name."""
    rows = session.scalars(
        select(Organisation).where(Organisation.kind == "supervisory_authority",
                                   Organisation.country == country)
    )
    records = [org.to_record() for org in rows]
    national = NATIONAL.get(country)
    return sorted(records, key=lambda r: (r.slug != national, r.name.lower()))


def list_authorities(session: Session) -> list[OrgRecord]:
    statement = select(Organisation).where(Organisation.kind == "supervisory_authority")
    rows = session.scalars(statement.order_by(Organisation.country, Organisation.name))
    return [org.to_record() for org in rows]


def pick_authority(
    session: Session, *, jurisdiction: str, residence_country: str, override_slug: str | None = None,
    org_country: str | None = None,
) -> OrgRecord:
    """The authority to complain to; raise NoAuthority (a LookupError) when none is known and
    ValueError for a jurisdiction other than "uk" or "eu"."""
    if override_slug:
        record = get_organisation(session, override_slug)
        if record is None or not record.is_authority:
            raise NoAuthority(f"{override_slug}: not a supervisory authority in the directory")
        return record
    if jurisdiction == "uk":
        record = get_organisation(session, ICO_SLUG)
        if record is None:
            raise NoAuthority(f"{ICO_SLUG}: the ICO's record is missing")
        return record
    if jurisdiction != "eu":
        raise ValueError(f"jurisdiction: {jurisdiction!r} is neither 'uk' nor 'eu'")
    tried = []
    for country in (residence_country, org_country):
        country = _COUNTRY_ALIASES.get((country or "").lower(), (country or "").lower())
        if not country or country == "gb" or country in tried:
            continue  # the ICO is not an EU authority: fall through to the organisation's country
        tried.append(country)
        candidates = authorities_in(session, country)
        if candidates:
            return candidates[0]
    where = ", ".join(tried) or "no EU/EEA country given"
    raise NoAuthority(f"no supervisory authority known for {where} (import the datenanfragen.de directory)")
