"""Import and export of datenanfragen.de directories (DIR/companies, DIR/supervisory-authorities).

Import validates every file, reports each bad one with its file name, the line of the field
at fault and the reason (nothing of a bad file is stored), and upserts
the good ones by slug in bulk, in the caller's transaction, then rebuilds the search index
once. Re-running it changes nothing. Our own records win over imported ones unless the
operator says otherwise (``prefer_import``); accepted corrections are never overwritten.
Upstream records our curated ones stand for (they name them in their sources) are not
imported a second time under upstream's slug.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from dsar.directory.datenanfragen import (
    AUTHORITIES,
    COMPANIES,
    MappingError,
    to_datenanfragen,
    to_record,
    upstream_slugs,
)
from dsar.directory.models import Organisation
from dsar.directory.schema import RecordError
from dsar.directory.search import search_index
from dsar.directory.services import HAND_MAINTAINED

FOLDERS = (COMPANIES, AUTHORITIES)


class DirectoryError(ValueError):
    """The directory itself is missing or unusable (one line, exit status 2)."""


@dataclass
class ImportReport:
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_curated: int = 0
    invalid: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)

    def summary(self) -> str:
        return (f"read {self.read}, imported new {self.new}, updated {self.updated}, "
                f"unchanged {self.unchanged}, kept curated {self.kept_curated}, invalid {len(self.invalid)}")


def _folders(directory: Path) -> list[tuple[str, Path]]:
    try:
        if not directory.is_dir():
            raise DirectoryError(f"{directory}: no such directory")
        found = [(name, directory / name) for name in FOLDERS if (directory / name).is_dir()]
        if not found:
            raise DirectoryError(f"{directory}: has neither companies/ nor supervisory-authorities/")
        for _name, path in found:
            next(path.iterdir(), None)  # readable?
    except PermissionError as exc:
        raise DirectoryError(f"{directory}: cannot be read ({exc.strerror})") from exc
    return found


def _where(text: str, field: str) -> str:
    """ "line N: " for the line of the JSON file where ``field`` is given, or nothing."""
    if field:
        for number, line in enumerate(text.splitlines(), 1):
            if f'"{field}"' in line:
                return f"line {number}: "
    return ""


def read_records(directory: Path, report: ImportReport) -> list:
    """Every valid record as (folder, upstream slug, OrgRecord); bad files go to report.invalid."""
    records = []
    for folder, path in _folders(Path(directory)):
        for file in sorted(path.glob("*.json")):
            name = f"{folder}/{file.name}"
            report.read += 1
            text = ""
            try:
                text = file.read_text(encoding="utf-8")
                data = json.loads(text)
                if isinstance(data, dict) and data.get("slug") and data.get("slug") != file.stem:
                    raise MappingError(f"slug {data.get('slug')!r} does not match the file name")
                records.append((folder, data["slug"], to_record(data, folder)))
            except json.JSONDecodeError as exc:
                where = f"line {exc.lineno}, column {exc.colno}"
                report.invalid.append((name, f"not valid JSON: {exc.msg} ({where})"))
            except UnicodeDecodeError:
                report.invalid.append((name, "not UTF-8 text"))
            except OSError as exc:
                report.invalid.append((name, f"cannot be read ({exc.strerror})"))
            except (MappingError, RecordError) as exc:
                report.invalid.append((name, _where(text, getattr(exc, "field", "")) + str(exc)))
    return records


def import_datenanfragen(session: Session, directory: Path, *, prefer_import: bool = False) -> ImportReport:
    report = ImportReport()
    records = read_records(directory, report)
    rows = {
        slug: (org_id, origin, record)
        for org_id, slug, origin, record in session.execute(
            select(Organisation.id, Organisation.slug, Organisation.origin, Organisation.record)
        )
    }
    # Upstream slug -> our slug, for upstream records a hand-maintained one stands for (or an
    # import that replaced one); only the first (primary) may replace it with --prefer-import.
    stands_for: dict[str, tuple[str, bool]] = {}
    for slug, (_id, origin, record) in rows.items():
        if origin in HAND_MAINTAINED or origin == "preferred_import":
            for i, theirs in enumerate(upstream_slugs(record.get("sources", ()))):
                stands_for.setdefault(theirs, (slug, i == 0))
    inserts, updates, seen = [], [], set()
    for _folder, theirs, record in records:
        slug, primary = stands_for.get(theirs, (theirs, True))
        if slug in seen:  # two upstream files for one record of ours: the first one counts
            report.kept_curated += 1
            continue
        seen.add(slug)
        current = rows.get(slug)
        origin = current[1] if current is not None else "imported"
        if origin == "corrected" or (origin == "curated" and not (prefer_import and primary)):
            report.kept_curated += 1
            continue
        if origin == "curated":
            origin = "preferred_import"
        if slug != record.slug:  # replacing the curated record that stands for it; export uses theirs
            record = replace(record, slug=slug)
        data = record.to_dict()
        values = {"slug": slug, "name": record.name, "kind": record.kind, "country": record.country,
                  "quality": record.quality, "origin": origin, "record": data}
        if current is None:
            inserts.append(values)
            report.new += 1
        elif current[2] == data and current[1] == origin:
            report.unchanged += 1
        else:
            updates.append(values | {"id": current[0]})
            report.updated += 1
    if inserts:
        session.execute(insert(Organisation), inserts)
    if updates:
        session.execute(update(Organisation), updates)
    if inserts or updates:
        search_index(session).rebuild(session)
    return report


@dataclass
class ExportReport:
    companies: int = 0
    authorities: int = 0


def export_datenanfragen(session: Session, directory: Path, *, curated_only: bool = False) -> ExportReport:
    """Write our records as datenanfragen JSON files, one per record, named by upstream slug."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise DirectoryError(f"{directory}: exists and is not a directory")
    statement = select(Organisation).order_by(Organisation.slug)
    if curated_only:
        statement = statement.where(Organisation.origin.in_(HAND_MAINTAINED))
    written: dict[tuple[str, str], tuple[bool, dict]] = {}
    for org in session.scalars(statement):
        folder, data = to_datenanfragen(org.to_record())
        hand = org.origin in HAND_MAINTAINED
        key = (folder, data["slug"])
        # One file per upstream slug: where an import and our own record both claim it, ours wins.
        if key not in written or (hand and not written[key][0]):
            written[key] = (hand, data)
    try:
        for folder in FOLDERS:
            (directory / folder).mkdir(parents=True, exist_ok=True)
        for (folder, slug), (_hand, data) in sorted(written.items()):
            text = json.dumps(data, indent=4, ensure_ascii=False) + "\n"
            (directory / folder / f"{slug}.json").write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DirectoryError(f"{directory}: cannot be written ({exc.strerror})") from exc
    report = ExportReport()
    report.companies = sum(1 for folder, _slug in written if folder == COMPANIES)
    report.authorities = len(written) - report.companies
    return report
