"""Hostile files the tests make themselves (no fixture files in the repository)."""

from __future__ import annotations

import struct
import zlib


def png_bytes(width: int, height: int, idat: bytes) -> bytes:
    """A grey 8-bit PNG whose header claims ``width`` × ``height`` with ``idat`` as its
    (compressed) pixel data — which need not hold that many pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width × height pixels with almost no pixel data."""
    return png_bytes(width, height, zlib.compress(b"\x00" * 64))
