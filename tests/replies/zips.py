"""ZIP files built in the tests: ordinary ones, one climbing out of its folder, and a bomb
that expands to 1 GB from a few kilobytes."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

MB = 1 << 20


def zip_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buf.getvalue()


def bomb(expanded: int = 1024 * MB, name: str = "zeros.txt") -> bytes:
    """A real deflate stream of ``expanded`` zero bytes. Compressing a gigabyte takes
    seconds, so one megabyte is compressed once, flushed to a byte boundary with an empty
    dictionary (every repeat compresses to the same bytes), and repeated."""
    chunk = bytes(MB)
    piece = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = piece.compress(chunk) + piece.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty last block
    count = expanded // MB
    data = block * count + final
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    encoded = name.encode()
    header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data),
                         count * MB, len(encoded), 0) + encoded
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data),
                          count * MB, len(encoded), 0, 0, 0, 0, 0, 0) + encoded
    offset = len(header) + len(data)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), offset, 0)
    return header + data + central + end
