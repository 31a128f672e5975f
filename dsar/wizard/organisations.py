"""The lists the organisation step offers: the organisations most asked about, every company
in the directory page by page, and search results page by page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dsar.directory.models import Organisation
from dsar.directory.schema import OrgRecord
from dsar.directory.services import get_organisation

# The organisations people worried about their data ask about most: the three credit
# reference agencies, the fraud-prevention database and the biggest data brokers. The
# organisation step offers them before the full list.
MOST_ASKED = ("experian-gb", "equifax-gb", "transunion-gb", "cifas-gb", "acxiom-gb",
              "liveramp-gb", "epsilon-gb")
PAGE_SIZE = 25


@dataclass(frozen=True)
class Listing:
    """One page of a list of organisations, and where it sits in the whole list."""

    items: list[OrgRecord]
    number: int  # this page, from 1
    pages: int
    total: int

    @property
    def first(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return (self.number - 1) * PAGE_SIZE + len(self.items)


def _page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def page_of(records: list[OrgRecord], number: int) -> Listing:
    """A page of an already ranked list (search results); a page past the end is the last."""
    number = min(max(number, 1), _page_count(len(records)))
    start = (number - 1) * PAGE_SIZE
    return Listing(records[start:start + PAGE_SIZE], number, _page_count(len(records)), len(records))


def browse_organisations(session: Session, number: int) -> Listing:
    """A page of every company in the directory, A to Z (regulators are not written to)."""
    company = Organisation.kind == "company"
    total = session.scalar(select(func.count()).select_from(Organisation).where(company)) or 0
    number = min(max(number, 1), _page_count(total))
    rows = session.scalars(
        select(Organisation).where(company).order_by(func.lower(Organisation.name), Organisation.slug)
        .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return Listing([row.to_record() for row in rows], number, _page_count(total), total)


def most_asked(session: Session) -> list[OrgRecord]:
    """MOST_ASKED as records (one missing from this directory is left out)."""
    return [record for record in (get_organisation(session, slug) for slug in MOST_ASKED) if record]
