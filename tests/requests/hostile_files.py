"""Hostile files made small: a PNG whose header declares a huge image (a decompression
bomb), and PDFs that break parsers (a page tree nested far too deep, a cyclic page tree)."""

from __future__ import annotations

import io
import struct
import zlib


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def bomb_png(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG of ``width`` x ``height`` white-less pixels: a few hundred
    kilobytes on disk, width*height bytes once Pillow decodes it (mode "1" keeps a byte per
    pixel). Written row by row, so making it never holds the image in memory."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    packer = zlib.compressobj(9)
    idat = []
    for start in range(0, height, 1000):
        idat.append(packer.compress(row * min(1000, height - start)))
    idat.append(packer.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", b"".join(idat))
            + _png_chunk(b"IEND", b""))


def _pdf(objects: dict[int, bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    start, size = out.tell(), max(objects) + 1
    out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
    for number in range(1, size):
        out.write(f"{offsets.get(number, 0):010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{start}\n%%EOF\n".encode())
    return out.getvalue()


def deeply_nested_pdf(depth: int = 5000) -> bytes:
    """One page at the bottom of ``depth`` nested /Pages nodes."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    for n in range(2, depth + 2):
        objects[n] = f"<< /Type /Pages /Kids [{n + 1} 0 R] /Count 1 >>".encode()
    objects[depth + 2] = f"<< /Type /Page /Parent {depth + 1} 0 R /MediaBox [0 0 10 10] >>".encode()
    return _pdf(objects)


def cyclic_pdf() -> bytes:
    """A page tree whose only kid is its own parent."""
    return _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 3: b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>"})
