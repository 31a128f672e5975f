"""A finished run's two files for the mailing house, beside its ``letters/`` folder:

- ``print.pdf``: every letter, each starting on a new sheet (a letter with an odd number
  of pages is followed by a blank page, for double-sided printing), joined by streaming
  the letters' files one at a time (``bulk.print_file``);
- ``manifest.csv``: ``reference,participant,organisation,pages,file``, one row per letter in
  the print file's order. The participant is named by their public id, never their name.

Both are written under a temporary name and renamed into place. Letters are ordered by
participant (in the order they joined), then by the campaign's order of targets, so each
person's letters lie together.
"""

from __future__ import annotations

import csv
import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.campaigns.models import CampaignLetter, CampaignTarget, Participant
from dsar.campaigns.render_model import TEMP_PREFIX, RenderRun, letter_file, letters_dir
from dsar.letters import bulk
from dsar.requests.models import DataRequest

MANIFEST_COLUMNS = ("reference", "participant", "organisation", "pages", "file")


def cell(text: str) -> str:
    """Text that a spreadsheet would run as a formula is kept as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _rows(session: Session, run: RenderRun) -> Iterator[tuple[str, str, str]]:
    """(reference, participant's public id, organisation) of every letter of the run."""
    query = (select(DataRequest.reference, Participant.public_id, DataRequest.recipient)
             .select_from(CampaignLetter)
             .join(Participant, Participant.id == CampaignLetter.participant_id)
             .join(CampaignTarget, CampaignTarget.id == CampaignLetter.target_id)
             .join(DataRequest, DataRequest.id == CampaignLetter.request_id)
             .where(Participant.campaign_id == run.campaign_id, CampaignLetter.id <= run.last_letter_id)
             .order_by(Participant.id, CampaignTarget.position, CampaignLetter.id))
    for reference, participant, recipient in session.execute(query).yield_per(500):
        yield reference, participant, str((recipient or {}).get("name") or "")


def write_outputs(session: Session, run: RenderRun) -> int:
    """Write the print file and the manifest; the print file's page count (0: no letters,
    and then no print file)."""
    out = Path(run.out_dir)
    manifest = out / "manifest.csv"
    part = out / "manifest.csv.part"

    def rendered(writer) -> Iterator[bulk.RenderedLetter]:
        for index, (reference, participant, organisation) in enumerate(_rows(session, run)):
            path = letter_file(out, reference)
            pages = len(PdfReader(path).pages)
            writer.writerow([cell(reference), cell(participant), cell(organisation), pages,
                             f"letters/{path.name}"])
            yield bulk.RenderedLetter(index, str(path), pages, path.stat().st_size)

    pages = 0
    try:
        with part.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(MANIFEST_COLUMNS)
            stream = rendered(writer)
            first = next(stream, None)
            if first is not None:
                pages = bulk.print_file(itertools.chain([first], stream), out / "print.pdf", duplex=True)
        os.replace(part, manifest)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    # Temporary folders a killed chunk left behind (a finished run needs none of them).
    for leftover in letters_dir(out).glob(TEMP_PREFIX + "*"):
        shutil.rmtree(leftover, ignore_errors=True)
    return pages
