"""The translation workflow: extract, update and compile the two sets of catalogs.

- UI catalogs (domain ``messages``) in ``dsar/translations/<lang>/LC_MESSAGES/``: page
  templates and Python strings.
- Letter catalogs (domain ``letters``) in ``letters/translations/<lang>/LC_MESSAGES/``: the
  legal text of every letter template.

Only ``.po`` files are committed, and nothing is ever written into the source tree at run
time (the app may run from a read-only checkout):
- the UI catalogs are compiled by the bootstrap step (``python run.py``, ``python run.py db
  upgrade``) into the instance folder, where Flask-Babel reads them;
- the letter catalogs are read straight from their ``.po`` files into memory
  (``load_translations``), because composing a letter is pure and knows no instance folder.
``python run.py i18n extract|update|compile`` runs the translator's steps.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import Translations

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


@dataclass(frozen=True)
class Domain:
    name: str
    source_dirs: tuple[Path, ...]
    catalog_dir: Path
    locales: tuple[str, ...]
    method_map: tuple[tuple[str, str], ...]
    options: dict

    @property
    def template(self) -> Path:
        return self.catalog_dir / f"{self.name}.pot"

    def po(self, locale: str) -> Path:
        return self.catalog_dir / locale / "LC_MESSAGES" / f"{self.name}.po"

    def mo(self, locale: str, compiled_root: Path) -> Path:
        """Where the compiled catalog goes under ``compiled_root`` (Babel's directory layout)."""
        return compiled_root / locale / "LC_MESSAGES" / f"{self.name}.mo"


UI = Domain(
    name="messages",
    # The wizard's label and hint of each letter kind sit in its letters/kinds/*/kind.toml.
    source_dirs=(ROOT / "dsar", ROOT / "templates", ROOT / "letters" / "kinds"),
    catalog_dir=ROOT / "dsar" / "translations",
    locales=("cy", "de"),
    method_map=(("**.py", "python"), ("**.html", "jinja2"), ("**.txt", "jinja2"),
                ("**/kind.toml", "dsar.rights:extract_ui_text")),
    options={"**.html": {"extensions": "jinja2.ext.i18n"}, "**.txt": {"extensions": "jinja2.ext.i18n"}},
)
LETTERS = Domain(
    name="letters",
    source_dirs=(ROOT / "letters",),
    catalog_dir=ROOT / "letters" / "translations",
    locales=("cy", "de", "fr", "es", "it", "nl", "pl"),
    method_map=(("**.j2", "jinja2"),),
    options={"**.j2": {"extensions": "jinja2.ext.i18n,jinja2.ext.do", "trimmed": "false"}},
)
DOMAINS = (UI, LETTERS)


def extract(domain: Domain) -> Catalog:
    catalog = Catalog(project="dsar", msgid_bugs_address="", charset="utf-8",
                      creation_date=datetime(2026, 1, 1))
    for source in domain.source_dirs:
        for filename, lineno, message, comments, context in extract_from_dir(
            str(source), method_map=list(domain.method_map), options_map=domain.options,
            keywords=KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True,
        ):
            location = (str((source / filename).relative_to(ROOT)), lineno)
            catalog.add(message, None, [location], auto_comments=comments, context=context)
    domain.template.parent.mkdir(parents=True, exist_ok=True)
    with domain.template.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=True)
    return catalog


def update(domain: Domain) -> None:
    """Merge the template into every language's catalog (new messages arrive untranslated)."""
    with domain.template.open("rb") as fh:
        template = read_po(fh)
    for locale in domain.locales:
        path = domain.po(locale)
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
        else:
            catalog = Catalog(locale=locale, project="dsar", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=True, ignore_obsolete=True)


def _mo_bytes(domain: Domain, locale: str) -> bytes:
    with domain.po(locale).open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_catalog(domain: Domain, locale: str, compiled_root: Path) -> Path:
    """Write one compiled catalog atomically (several processes may bootstrap at once)."""
    target = domain.mo(locale, compiled_root)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(_mo_bytes(domain, locale))
    os.replace(tmp, target)
    return target


def ensure_compiled(compiled_root: Path, domains: tuple[Domain, ...] = (UI,)) -> list[Path]:
    """Compile every catalog whose compiled copy under ``compiled_root`` is missing or older
    than its .po; return the files written."""
    compiled = []
    for domain in domains:
        for locale in domain.locales:
            po, mo = domain.po(locale), domain.mo(locale, compiled_root)
            if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
                compiled.append(compile_catalog(domain, locale, compiled_root))
    return compiled


def load_translations(domain: Domain, locale: str) -> Translations | None:
    """A catalog read from its .po into memory (no file written), or None if there is none."""
    if not domain.po(locale).exists():
        return None
    return Translations(io.BytesIO(_mo_bytes(domain, locale)), domain=domain.name)


def catalog_complete(domain: Domain, locale: str) -> bool:
    """Every message translated and none fuzzy."""
    path = domain.po(locale)
    if not path.exists():
        return False
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            return False
    return True
