"""Opening a ZIP that came with a reply, without trusting it.

An archive is refused as a whole, before anything is stored, when any entry has an absolute
path or a ``..`` part, is a symbolic link or encrypted, when there are too many entries, or
when the sizes its headers declare add up to too much. Headers can lie, so the bytes are
also counted while they are read, and reading stops at the same limits.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from dsar.requests.uploads import MAX_UPLOAD_BYTES, UploadError

MAX_ENTRIES = 200
MAX_EXPANDED_BYTES = 100 * 1024 * 1024  # everything in one archive, once expanded
MAX_ENTRY_BYTES = MAX_UPLOAD_BYTES  # one entry: the same limit as a file uploaded on its own
_CHUNK = 64 * 1024
_DRIVE = re.compile(r"[A-Za-z]:")


@dataclass(frozen=True)
class Entry:
    name: str  # the path inside the archive, as stored
    content: bytes


def _unsafe_name(name: str) -> bool:
    """Absolute (``/x``, ``\\x``, ``C:x``) or climbing out (a ``..`` part)."""
    path = name.replace("\\", "/")
    return path.startswith("/") or bool(_DRIVE.match(path)) or ".." in path.split("/")


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def checked_members(archive: zipfile.ZipFile, shown: str) -> list[zipfile.ZipInfo]:
    """The file entries (not folders) of ``archive``, or UploadError naming what is wrong."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise UploadError(_l("%(name)s holds more than %(n)s files: unpack it and send the files "
                             "you need", name=shown, n=MAX_ENTRIES))
    declared = 0
    for info in infos:
        if _unsafe_name(info.filename) or _is_symlink(info):
            raise UploadError(_l("%(name)s was refused: it contains a file that would be unpacked "
                                 "outside its folder (%(entry)s)", name=shown, entry=info.filename[:80]))
        if info.flag_bits & 0x1:
            raise UploadError(_l("%(name)s is protected by a password: unpack it and send the files",
                                 name=shown))
        declared += info.file_size
    if declared > MAX_EXPANDED_BYTES:
        raise UploadError(_l("%(name)s was refused: unpacked, it would take more than %(n)s MB",
                             name=shown, n=MAX_EXPANDED_BYTES // (1024 * 1024)))
    return [info for info in infos if not info.is_dir()]


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, shown: str) -> bytes:
    """The entry's bytes, counted as they come: never more than ``budget`` or one entry's limit."""
    limit = min(budget, MAX_ENTRY_BYTES)
    chunks, total = [], 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            total += len(chunk)
            if total > MAX_ENTRY_BYTES:
                raise UploadError(_l("%(name)s was refused: a file in it is larger than 20 MB", name=shown))
            if total > limit:
                raise UploadError(_l("%(name)s was refused: unpacked, it would take more than %(n)s MB",
                                     name=shown, n=MAX_EXPANDED_BYTES // (1024 * 1024)))
            chunks.append(chunk)
    return b"".join(chunks)


def entries(content: bytes, shown: str) -> list[Entry]:
    """Every file in the ZIP ``content``, read within the limits, or UploadError."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = checked_members(archive, shown)
            budget, found = MAX_EXPANDED_BYTES, []
            for info in members:
                data = _read(archive, info, budget, shown)
                budget -= len(data)
                found.append(Entry(info.filename, data))
            return found
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError,
            RuntimeError, ValueError) as exc:
        if isinstance(exc, UploadError):
            raise
        raise UploadError(_l("%(name)s is a damaged ZIP file", name=shown)) from None
