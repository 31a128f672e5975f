"""The organisation record format and its validation (pure: no Flask, no SQLAlchemy).

One YAML file per organisation under ``dsar/directory/records/``. The field names follow
the datenanfragen.de schema in spirit (``slug``, ``name``, ``address``, ``email``, ``webform``,
``sources``, ``quality``) so mapping both ways keeps the common fields intact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date

from dsar.validation import Problem, check_address, check_email, check_name

CATEGORIES = (
    "credit_reference_agency",
    "data_broker",
    "scoring_analytics",
    "identity_verification",
    "fraud_prevention",
    "adtech_identity_graph",
    "marketing_lists",
    "insurance_data",
    "telecom",
    "retail_loyalty",
    "social_platform",
    "public_body",
    "health",
    "employer",
    "financial",
    "supervisory_authority",
    "other",
)

UK_NATIONS = ("england", "wales", "scotland", "northern-ireland")
CHANNELS = ("letter", "email", "webform")
QUALITIES = ("verified", "unverified", "imported")
IDENTITY_FIELDS = (
    "name",
    "address",
    "previous_addresses",
    "date_of_birth",
    "email",
    "phone",
    "customer_number",
    "id_document",
    "signature",
    "other",
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A loose shape check for callers that only need "looks like an address"; records and people's
# details are checked with dsar/validation.py's stricter rule, the email renderer's.
# Domain labels may be internationalised (datenschutz@günstiger-reisen.de is a real address).
_DOMAIN_LABEL = r"[^\W_](?:(?:[^\W_]|-)*[^\W_])?"
EMAIL_RE = re.compile(rf"^[^@\s<>\"']+@{_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})+$")
# Royal Mail postcode shape (outward + inward code); BFPO and GIR 0AA are not needed here.
UK_POSTCODE_RE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b")


class RecordError(ValueError):
    """A record that breaks the schema; the message names the field first ("email: …"), and
    ``field`` holds that name for an importer to point at."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field if field is not None else message.partition(":")[0]
        self.problem: Problem | None = None

    @classmethod
    def of(cls, problem: Problem) -> RecordError:
        error = cls(problem.english(), field=problem.field)
        error.problem = problem
        return error


@dataclass(frozen=True)
class IdentityField:
    field: str
    optional: bool = False
    description: str = ""


@dataclass(frozen=True)
class OrgRecord:
    slug: str
    name: str
    country: str
    address: tuple[str, ...]
    categories: tuple[str, ...]
    sources: tuple[str, ...]
    quality: str
    last_checked: date | None = None
    aliases: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    description: str = ""
    web: str = ""
    uk_nation: str = ""
    # ISO 3166-2 code ("de-by") where the controller acts, for regional holidays (EU only;
    # the UK uses uk_nation).
    subdivision: str = ""
    email: str = ""
    webform: str = ""
    phone: str = ""
    dpo_name: str = ""
    ico_registration: str = ""
    identity: tuple[IdentityField, ...] = ()
    suggested_channel: str = "letter"
    request_language: str = "en"
    complaint_language: str = ""
    notes: str = ""
    kind: str = "company"  # or "supervisory_authority"
    relevant_countries: tuple[str, ...] = field(default=())
    fax: str = ""
    # The datenanfragen.de record this one was imported from, verbatim, so an export gives
    # upstream back exactly what it gave us except where we changed something (datenanfragen.py).
    # Excluded from hashing: a dict is not hashable, and the mapped fields identify the record.
    upstream: dict = field(default_factory=dict, hash=False)

    @property
    def is_authority(self) -> bool:
        return self.kind == "supervisory_authority"

    @property
    def holiday_region(self) -> str:
        """The calendar used for this organisation's deadlines: its UK nation, or its country
        or region (Regulation 1182/71 Art 2(1) counts the holidays where the act is done)."""
        if self.country == "gb":
            return self.uk_nation or "england"
        return self.subdivision or self.country

    def to_dict(self) -> dict:
        out: dict = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "identity":
                value = [
                    {k: v for k, v in vars(i).items() if v not in ("", False)} | {"field": i.field}
                    for i in value
                ]
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, dict):
                value = dict(value)
            empty = value == {} or value in ("", [], None)
            if empty and f.name not in ("address", "sources", "categories"):
                continue
            out[f.name] = value
        return out


_TUPLE_FIELDS = {"address", "categories", "sources", "aliases", "brands", "relevant_countries"}
_STR_FIELDS = {
    "slug", "name", "country", "quality", "description", "web", "uk_nation", "subdivision",
    "email", "webform",
    "phone", "dpo_name", "ico_registration", "suggested_channel", "request_language",
    "complaint_language", "notes", "kind", "fax",
}
_KNOWN = _TUPLE_FIELDS | _STR_FIELDS | {"last_checked", "identity", "upstream"}


def _text(value, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise RecordError(f"{name}: expected text, got {type(value).__name__}")
    return str(value).strip()


def _texts(value, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise RecordError(f"{name}: expected a list")
    out = tuple(_text(v, name) for v in value)
    if any(not v for v in out):
        raise RecordError(f"{name}: empty entry")
    return out


def parse_record(data: dict, *, contents: bool = True) -> OrgRecord:
    """Validate a mapping (from YAML, an import or a correction) and return the record, or
    raise RecordError. ``contents=False`` skips ``check_contents`` (see ``load_record``)."""
    if not isinstance(data, dict):
        raise RecordError("record: expected a mapping")
    unknown = set(data) - _KNOWN
    if unknown:
        raise RecordError(f"unknown field(s): {', '.join(sorted(unknown))}")
    values: dict = {}
    for name in _STR_FIELDS:
        if name in data:
            values[name] = _text(data[name], name)
    for name in _TUPLE_FIELDS:
        if name in data:
            values[name] = _texts(data[name], name)
    checked = data.get("last_checked")
    if isinstance(checked, str):
        try:
            checked = date.fromisoformat(checked)
        except ValueError as exc:
            raise RecordError("last_checked: not a YYYY-MM-DD date") from exc
    if checked is not None and not isinstance(checked, date):
        raise RecordError("last_checked: not a date")
    values["last_checked"] = checked
    identity = []
    for item in data.get("identity") or []:
        if isinstance(item, str):
            item = {"field": item}
        if not isinstance(item, dict) or item.get("field") not in IDENTITY_FIELDS:
            raise RecordError(f"identity: unknown field {item!r}")
        identity.append(
            IdentityField(
                field=item["field"],
                optional=bool(item.get("optional", False)),
                description=_text(item.get("description"), "identity.description"),
            )
        )
    values["identity"] = tuple(identity)
    upstream = data.get("upstream")
    if upstream is not None and not isinstance(upstream, dict):
        raise RecordError("upstream: expected a mapping")
    values["upstream"] = dict(upstream or {})
    for required in ("slug", "name", "country", "quality"):
        if not values.get(required):
            raise RecordError(f"{required}: missing")
    values.setdefault("address", ())
    values.setdefault("categories", ())
    values.setdefault("sources", ())
    record = OrgRecord(**values)
    validate(record)
    if contents:
        check_contents(record)
    return record


def check_contents(record: OrgRecord) -> None:
    """The rules a person's details follow too (dsar/validation.py): an email the email
    renderer would refuse, or an over-long name or address, must not reach a letter."""
    problems = [*check_name("name", record.name), *check_address("address", record.address, required=False),
                *check_email("email", record.email)]
    if problems:
        raise RecordError.of(problems[0])


def load_record(data: dict) -> OrgRecord:
    """A record as stored in the database. Its shape is checked, not its contents: a record
    saved under older rules still loads (so its pages work), and whatever uses a value
    checks it again where it matters (an email address before a mailto: link)."""
    return parse_record(data, contents=False)


def validate(record: OrgRecord) -> None:
    if not SLUG_RE.match(record.slug):
        raise RecordError(f"slug: {record.slug!r} is not lower-case words joined by hyphens")
    if not re.fullmatch(r"[a-z]{2}", record.country):
        raise RecordError(f"country: {record.country!r} is not a two-letter ISO code")
    if record.quality not in QUALITIES:
        raise RecordError(f"quality: must be one of {', '.join(QUALITIES)}")
    for cat in record.categories:
        if cat not in CATEGORIES:
            raise RecordError(f"categories: unknown category {cat!r}")
    if not record.categories:
        raise RecordError("categories: at least one is needed")
    if record.uk_nation and record.uk_nation not in UK_NATIONS:
        raise RecordError(f"uk_nation: must be one of {', '.join(UK_NATIONS)}")
    if record.uk_nation and record.country != "gb":
        raise RecordError("uk_nation: only for country gb")
    if record.subdivision:
        _validate_subdivision(record)
    if record.suggested_channel not in CHANNELS:
        raise RecordError(f"suggested_channel: must be one of {', '.join(CHANNELS)}")
    for url_field in ("web", "webform"):
        value = getattr(record, url_field)
        if value and not value.startswith(("https://", "http://")):
            raise RecordError(f"{url_field}: must be an http(s) URL")
    if not (record.address or record.email or record.webform):
        raise RecordError("address: a postal address, an email or a web form is needed")
    if record.kind not in ("company", "supervisory_authority"):
        raise RecordError("kind: must be company or supervisory_authority")


def _validate_subdivision(record: OrgRecord) -> None:
    if not re.fullmatch(r"[a-z]{2}-[a-z0-9]{1,3}", record.subdivision):
        raise RecordError(
            f"subdivision: {record.subdivision!r} is not a lower-case ISO 3166-2 code such as de-by"
        )
    if not record.subdivision.startswith(f"{record.country}-"):
        raise RecordError(f"subdivision: {record.subdivision!r} is not in country {record.country!r}")
    from dsar.deadlines import EU_COUNTRIES, DeadlineError, calendar_location

    if record.country not in EU_COUNTRIES:
        raise RecordError("subdivision: only for EU/EEA countries (gb uses uk_nation)")
    try:
        calendar_location("eu", record.subdivision)
    except DeadlineError as exc:
        raise RecordError(f"subdivision: {exc}") from None


def uk_postcode(address: tuple[str, ...]) -> str | None:
    """The UK postcode in an address, or None."""
    for line in reversed(address):
        match = UK_POSTCODE_RE.search(line.upper())
        if match:
            return f"{match.group(1)} {match.group(2)}"
    return None
