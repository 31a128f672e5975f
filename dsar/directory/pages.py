"""What the organisation page says beyond the record itself (pure: plain values only)."""

from __future__ import annotations

from datetime import date

from dsar.directory.schema import OrgRecord

# A record not checked for this long may be out of date: the page says so.
STALE_AFTER_DAYS = 365

# The requests that usually make sense for each kind of organisation, most useful first
# (the keys are the rights catalogue's, dsar/rights.py).
RIGHTS_BY_CATEGORY = {
    "credit_reference_agency": ("access", "score_pack", "rectification"),
    "scoring_analytics": ("score_pack", "automated_decision", "object_processing"),
    "data_broker": ("profiling_pack", "object_marketing", "erasure"),
    "marketing_lists": ("profiling_pack", "object_marketing", "erasure"),
    "adtech_identity_graph": ("profiling_pack", "object_marketing", "erasure"),
    "identity_verification": ("access", "rectification"),
    "fraud_prevention": ("access", "rectification"),
    "insurance_data": ("access", "rectification", "automated_decision"),
    "financial": ("access", "automated_decision", "rectification"),
    "telecom": ("access", "object_marketing", "erasure"),
    "retail_loyalty": ("access", "object_marketing", "erasure"),
    "social_platform": ("access", "portability", "object_marketing", "erasure"),
    "public_body": ("access", "rectification"),
    "health": ("access", "rectification"),
    "employer": ("access", "rectification"),
    "other": ("access", "erasure"),
}
MAX_SUGGESTED = 5


def suggested_rights(record: OrgRecord) -> tuple[str, ...]:
    """Requests worth making to this organisation; none for a regulator (one complains to it)."""
    if record.is_authority:
        return ()
    keys = [key for category in record.categories for key in RIGHTS_BY_CATEGORY.get(category, ())]
    return tuple(dict.fromkeys(keys or ["access"]))[:MAX_SUGGESTED]


def is_stale(last_checked: date | None, today: date) -> bool:
    """Checked more than a year ago (an unchecked record is shown as unchecked, not stale)."""
    return last_checked is not None and (today - last_checked).days > STALE_AFTER_DAYS


def source_links(sources: tuple[str, ...]) -> list[tuple[str, bool]]:
    """(source, is_link): web addresses become links, named sources stay text."""
    return [(s, s.startswith(("https://", "http://"))) for s in sources]
