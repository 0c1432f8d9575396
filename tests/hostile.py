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


def forbid_decoding(monkeypatch) -> list:
    """From now on, decoding pixels (Pillow) or rendering a PDF page (pdfium) raises and
    is recorded in the returned list, which the test asserts empty: a file "rejected
    before any expensive work" must be rejected from its headers alone. A deterministic
    check, where a time limit would depend on how busy the machine is. (Recorded as
    well as raised: the code under test may turn any exception into its own error.)"""
    import pypdfium2
    from PIL import Image, ImageFile

    attempts: list = []

    def refuse(self, *args, **kwargs):
        attempts.append(repr(self))
        raise AssertionError(f"expensive work was done on a file that should have been refused: {self!r}")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    monkeypatch.setattr(Image.Image, "load", refuse)
    monkeypatch.setattr(pypdfium2.PdfPage, "render", refuse)
    return attempts


def finishes(call, *, within: float = 120.0):
    """``call()``'s result (or its exception, raised again), failing the test if it has
    not returned after ``within`` seconds — a guard against a hang (an endless loop),
    not a speed test: the bound is far above any machine's time for the work."""
    import threading

    outcome: dict = {}

    def run():
        try:
            outcome["value"] = call()
        except BaseException as exc:  # noqa: BLE001 — handed back to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(within)
    assert not thread.is_alive(), f"still running after {within:g} s: an endless loop?"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
