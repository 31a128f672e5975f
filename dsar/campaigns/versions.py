"""What a campaign version freezes: everything that shapes its letters.

The snapshot is plain JSON: the kind, the campaign's law and language choices, each target
with the law and letter language its letters are written under (resolved from the directory
when the version is made, so a later directory change does not move participants silently),
the organiser's paragraph, and a digest of the letter templates' text. The templates are
files, not data: the digest is how a changed template becomes visible (a new version)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from dsar.directory.schema import OrgRecord
from dsar.letters.compose import LETTERS_DIR
from dsar.letters.inputs import default_letter_language
from dsar.rights import CATALOGUE, jurisdiction_for_country

# The settings a participant's letter depends on; an edit of any other field (the title,
# the description, the dates) keeps the version.
LETTER_FIELDS = ("right", "jurisdiction", "language", "organiser_paragraph")


def template_files(right: str, languages: Iterable[str]) -> list[Path]:
    """The files whose text makes this kind's letter: the frame, the shared fragments, the
    kind's (and a pack's parts') folders, and the letter catalog of each non-English language."""
    kind = CATALOGUE.get(right)
    files = [LETTERS_DIR / "letter.j2", LETTERS_DIR / "labels.j2",
             *sorted((LETTERS_DIR / "fragments").glob("*.j2"))]
    for key in dict.fromkeys((kind.key, *kind.parts)):
        for kinds_dir in CATALOGUE.kinds_dirs:
            folder = Path(kinds_dir) / key
            if folder.is_dir():
                files += sorted(p for p in folder.iterdir() if p.suffix in (".toml", ".j2"))
    for language in sorted(set(languages) - {"en"}):
        files.append(LETTERS_DIR / "translations" / language / "LC_MESSAGES" / "letters.po")
    return [f for f in files if f.is_file()]


def template_digest(right: str, languages: Iterable[str]) -> str:
    """SHA-256 over the names and bytes of ``template_files``."""
    digest = hashlib.sha256()
    for path in template_files(right, languages):
        name = path.relative_to(LETTERS_DIR.parent) if path.is_relative_to(LETTERS_DIR.parent) else path
        digest.update(str(name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def target_entry(record: OrgRecord, jurisdiction: str, language: str) -> dict:
    """One target as frozen: the campaign's law and language, or else the organisation's."""
    return {
        "slug": record.slug,
        "name": record.name,
        "jurisdiction": jurisdiction or jurisdiction_for_country(record.country),
        "language": language or default_letter_language(record),
    }


def letter_snapshot(*, right: str, jurisdiction: str, language: str, organiser_paragraph: str,
                    targets: list[OrgRecord]) -> dict:
    entries = [target_entry(record, jurisdiction, language) for record in targets]
    return {
        "right": right,
        "jurisdiction": jurisdiction,
        "language": language,
        "organiser_paragraph": organiser_paragraph,
        "targets": entries,
        "template_digest": template_digest(right, (t["language"] for t in entries)),
    }


def changed_fields(old: dict, new: dict) -> list[str]:
    """What differs between two snapshots, by name ("targets", "template_digest", …)."""
    return [key for key in (*LETTER_FIELDS, "targets", "template_digest") if old.get(key) != new.get(key)]
