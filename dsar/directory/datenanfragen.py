"""The datenanfragen.de record format ↔ ours, both ways (pure: no Flask, no SQLAlchemy).

Import (``to_record``) maps their fields to ours and keeps the original record in
``OrgRecord.upstream``; export (``to_datenanfragen``) writes our fields back, and for every
field whose source on our side has not changed since the import it gives back upstream's
original value. So theirs → ours → theirs is exact, and only our corrections differ.

Decisions (documented here because they are choices, not facts):
- Country: the last address line names the country (their schema requires it); failing that
  a single relevant country, the slug's "-cc" suffix, else "zz" (unknown). Their
  ``relevant-countries`` (which may be ["all"]) is kept in ``relevant_countries`` unless it is
  just the record's own country, so a company relevant to "all" is found by every country filter.
- UK addresses are stored without the "United Kingdom" line, like our curated UK records
  (letters between UK addresses do not need it); other countries keep the country line.
- Categories map by meaning; theirs without an equivalent become "other".
- Quality is "imported" for every imported record; upstream's own mark is kept for export.
- Channel: fax becomes letter (dsar does not send faxes); the fax number is kept.
- A website that is not an http(s) link is left out (kept in ``upstream``).
- Sources must be URLs upstream: our named sources travel as "Source: …" comments, and each
  imported record names its upstream record in its sources, the way our curated ones do.
"""

from __future__ import annotations

import re

from dsar.directory.countries import UNKNOWN_COUNTRY, country_from_line, country_line
from dsar.directory.schema import OrgRecord, parse_record

COMPANIES = "companies"
AUTHORITIES = "supervisory-authorities"
REQUIRED = {
    COMPANIES: ("slug", "relevant-countries", "name", "address", "sources", "quality"),
    AUTHORITIES: ("slug", "relevant-countries", "name", "address", "sources"),
}
# Their countries enum (companies); anything else is written as "all".
THEIR_COUNTRIES = frozenset(
    "at be bg hr cy cz dk ee fi fr de gr hu ie it lv lt lu mt nl pl pt ro sk si es se gb no is li ch".split()
)

CATEGORIES_IN = {
    "credit agency": ("credit_reference_agency",),
    "addresses": ("data_broker", "marketing_lists"),  # address and list brokers
    "ads": ("adtech_identity_graph",),
    "commerce": ("retail_loyalty",),
    "finance": ("financial",),
    "collection agency": ("financial",),
    "insurance": ("insurance_data",),
    "telecommunication": ("telecom",),
    "public body": ("public_body",),
    "social media": ("social_platform",),
    "health": ("health",),
}
CATEGORIES_OUT = {
    "credit_reference_agency": "credit agency",
    "data_broker": "addresses",
    "marketing_lists": "addresses",
    "adtech_identity_graph": "ads",
    "retail_loyalty": "commerce",
    "financial": "finance",
    "insurance_data": "insurance",
    "telecom": "telecommunication",
    "public_body": "public body",
    "social_platform": "social media",
    "health": "health",
}
ELEMENT_IN = {"name": "name", "email": "email", "address": "address", "birthdate": "date_of_birth"}
ELEMENT_OUT = {
    "name": "name", "email": "email", "address": "address", "previous_addresses": "address",
    "date_of_birth": "birthdate",
}
# Their "desc" is required; these are written when ours has no description of its own, and an
# imported desc equal to one of them is not kept as a description (so both ways are lossless).
DEFAULT_DESC = {
    "name": "Name", "email": "Email address", "address": "Postal address",
    "previous_addresses": "Previous addresses", "date_of_birth": "Date of birth",
    "phone": "Phone number", "customer_number": "Customer number", "id_document": "ID document",
    "signature": "Signature", "other": "Other information",
}
CHANNEL_IN = {"email": "email", "letter": "letter", "webform": "webform", "fax": "letter"}
QUALITY_OUT = {"verified": "verified", "unverified": "imported", "imported": "imported"}
SOURCE_PREFIX = "Source: "
REFERENCE_RE = re.compile(
    r"^datenanfragen\.de (?:company|supervisory-authority) database, record ([a-z0-9-]+)\b"
)
# Which of our fields each of their fields is made from: if none of them changed since the
# import, the export gives back upstream's own value.
SOURCE_FIELDS = {
    "relevant-countries": ("relevant_countries", "country"),
    "categories": ("categories",),
    "name": ("name",),
    "runs": ("brands",),
    "address": ("address", "country"),
    "phone": ("phone",),
    "fax": ("fax",),
    "email": ("email",),
    "webform": ("webform",),
    "web": ("web",),
    "sources": ("sources",),
    "required-elements": ("identity",),
    "needs-id-document": ("identity",),
    "request-language": ("request_language",),
    "complaint-language": ("complaint_language",),
    "suggested-transport-medium": ("suggested_channel",),
    "comments": ("notes", "sources"),
    "quality": ("quality",),
}
KEY_ORDER = (
    "slug", "relevant-countries", "categories", "name", "runs", "address", "phone", "fax", "email",
    "webform", "pgp-fingerprint", "pgp-url", "web", "sources", "required-elements", "request-language",
    "complaint-language", "custom-access-template", "custom-erasure-template",
    "custom-rectification-template", "custom-objection-template", "needs-id-document",
    "suggested-transport-medium", "comments", "quality", "facet-group", "nsfw",
)


class MappingError(ValueError):
    """A datenanfragen record we cannot map; the message says why."""


def reference_line(folder: str, slug: str) -> str:
    kind = "supervisory-authority" if folder == AUTHORITIES else "company"
    return f"datenanfragen.de {kind} database, record {slug} (CC0)"


def upstream_slugs(sources) -> list[str]:
    """The datenanfragen records a record names in its sources, primary first."""
    return [m.group(1) for s in sources if (m := REFERENCE_RE.match(s))]


def _guess_country(data: dict, lines: list[str]) -> str:
    if lines and (code := country_from_line(lines[-1])):
        return code
    relevant = [c for c in data.get("relevant-countries") or () if c != "all"]
    if len(relevant) == 1:
        return relevant[0]
    suffix = re.search(r"-([a-z]{2})$", str(data.get("slug", "")))
    return suffix.group(1) if suffix else UNKNOWN_COUNTRY


def _identity(data: dict) -> list[dict]:
    out = []
    for element in data.get("required-elements") or ():
        if not isinstance(element, dict):
            raise MappingError("required-elements: expected objects")
        ours = ELEMENT_IN.get(element.get("type", "input"), "other")
        desc = str(element.get("desc", "")).strip()
        item = {"field": ours, "optional": bool(element.get("optional", False))}
        if desc and desc != DEFAULT_DESC[ours]:
            item["description"] = desc
        out.append(item)
    if data.get("needs-id-document") is True:
        out.append({"field": "id_document"})
    return out


def _default_channel(data: dict, folder: str) -> str:
    if folder == AUTHORITIES:  # complaints: their form first, as the ICO asks
        return "webform" if data.get("webform") else "email" if data.get("email") else "letter"
    return "email" if data.get("email") else "letter" if data.get("address") else "webform"


def to_mapping(data: dict, folder: str) -> dict:
    """Their record as our record's fields (not yet validated); raise MappingError."""
    if not isinstance(data, dict):
        raise MappingError("not a JSON object")
    missing = [name for name in REQUIRED[folder] if data.get(name) in (None, "", [])]
    if missing:
        raise MappingError(f"required field(s) missing: {', '.join(missing)}")
    for name in ("address", "name", "slug"):
        if not isinstance(data[name], str):
            raise MappingError(f"{name}: expected text")
    for name in ("sources", "relevant-countries", "categories", "runs", "comments"):
        if not isinstance(data.get(name, []), list):
            raise MappingError(f"{name}: expected a list")
    lines = [line.strip() for line in data["address"].split("\n") if line.strip()]
    country = _guess_country(data, lines)
    if lines and country_from_line(lines[-1]) == country and (country == "gb" or len(lines) == 1):
        lines = lines[:-1]
    relevant = list(data["relevant-countries"])
    comments = [str(c) for c in data.get("comments") or ()]
    named = [c[len(SOURCE_PREFIX):] for c in comments if c.startswith(SOURCE_PREFIX)]
    notes = [c for c in comments if not c.startswith(SOURCE_PREFIX)]
    if folder == AUTHORITIES:
        categories = ["supervisory_authority", "public_body"]
    else:
        categories = [c for cat in data.get("categories") or () for c in CATEGORIES_IN.get(cat, ("other",))]
        categories = list(dict.fromkeys(categories)) or ["other"]
    out = {
        "slug": data["slug"],
        "name": data["name"],
        "kind": "supervisory_authority" if folder == AUTHORITIES else "company",
        "country": country,
        "relevant_countries": [] if relevant == [country] else relevant,
        "address": lines,
        "categories": categories,
        "brands": data.get("runs") or [],
        "sources": named + list(data["sources"]) + [reference_line(folder, data["slug"])],
        "quality": "imported",
        "identity": _identity(data),
        "suggested_channel": CHANNEL_IN.get(data.get("suggested-transport-medium"))
        or _default_channel(data, folder),
        "notes": "\n\n".join(notes),
        "upstream": data,
    }
    for theirs, ours in (("email", "email"), ("webform", "webform"), ("web", "web"), ("phone", "phone"),
                         ("fax", "fax"), ("request-language", "request_language"),
                         ("complaint-language", "complaint_language")):
        if data.get(theirs):
            out[ours] = data[theirs]
    # A website that is not an http(s) link (upstream has one "httsp://") is no use as a link;
    # it stays in ``upstream`` and goes back on export, and the contact details still count.
    if not str(out.get("web", "")).startswith(("https://", "http://")):
        out.pop("web", None)
    return out


def to_record(data: dict, folder: str) -> OrgRecord:
    """Map and validate; raise MappingError or schema.RecordError."""
    return parse_record(to_mapping(data, folder))


def _fresh(record: OrgRecord, slug: str) -> dict:
    """Our record in their format, from our fields alone."""
    authority = record.is_authority
    address = list(record.address)
    if not address or country_from_line(address[-1]) is None:
        address.append(country_line(record.country))
    urls = [s for s in record.sources if s.startswith(("https://", "http://"))]
    # The record we export as is named by the file itself; other upstream records a curated one
    # stands for (Meta: facebook and instagram) travel as named sources.
    primary = reference_line(AUTHORITIES if record.is_authority else COMPANIES, slug)
    named = [s for s in record.sources if s not in urls and s != primary]
    comments = ([record.notes] if record.notes else []) + [SOURCE_PREFIX + s for s in named]
    elements = [
        {"desc": i.description or DEFAULT_DESC[i.field], "type": ELEMENT_OUT.get(i.field, "input")}
        | ({"optional": True} if i.optional else {})
        for i in record.identity
        if not (i.field == "id_document" and not i.optional)
    ]
    relevant = list(record.relevant_countries) or [
        record.country if record.country in THEIR_COUNTRIES else "all"
    ]
    out = {
        "slug": slug,
        "relevant-countries": relevant,
        "categories": [] if authority else list(dict.fromkeys(
            CATEGORIES_OUT[c] for c in record.categories if c in CATEGORIES_OUT
        )),
        "name": record.name,
        "runs": list(record.brands),
        "address": "\n".join(address),
        "phone": record.phone,
        "fax": record.fax,
        "email": record.email,
        "webform": record.webform,
        "web": record.web,
        "sources": urls or ([record.web] if record.web else []),
        "required-elements": [] if authority else elements,
        "request-language": "" if authority else record.request_language,
        "complaint-language": record.complaint_language if authority else "",
        "needs-id-document": not authority and any(
            i.field == "id_document" and not i.optional for i in record.identity
        ),
        "suggested-transport-medium": record.suggested_channel,
        "comments": comments,
        "quality": "" if authority else QUALITY_OUT.get(record.quality, "verified"),
    }
    return {k: v for k, v in out.items() if v not in ("", [], False, None)}


def to_datenanfragen(record: OrgRecord) -> tuple[str, dict]:
    """(folder, their record) for one of ours; upstream's values survive where we changed nothing."""
    folder = AUTHORITIES if record.is_authority else COMPANIES
    upstream = record.upstream
    slug = str(upstream.get("slug") or next(iter(upstream_slugs(record.sources)), record.slug))
    fresh = _fresh(record, slug)
    if not upstream:
        return folder, {k: fresh[k] for k in KEY_ORDER if k in fresh}
    try:
        before = to_record(upstream, folder)
    except ValueError:  # upstream's record no longer maps (cannot happen for imported ones)
        return folder, {k: fresh[k] for k in KEY_ORDER if k in fresh}
    out = {}
    for key in dict.fromkeys([*upstream, *KEY_ORDER]):
        ours = SOURCE_FIELDS.get(key, ())
        changed = any(getattr(record, f) != getattr(before, f) for f in ours)
        value = fresh.get(key) if changed or key == "slug" else upstream.get(key)
        if value is not None:
            out[key] = value
    return folder, out

