"""Cheap checks on an uploaded file, before any rendering or OCR.

:func:`preflight` looks at the magic bytes, the image headers and the PDF's page tree
only; it never decodes pixels, so a 20,000 × 20,000 px PNG or a 10,000-page PDF is
rejected in milliseconds. It raises a subclass of :class:`ocr.errors.InputError`
carrying an ASCII code and a Thai message for the person who sent the file.

Limits (module constants, change them here):

* :data:`MAX_PIXELS` = 40 megapixels per page (an A4 page at 300 dpi is 8.7 MP, at
  600 dpi 35 MP; an A2 sheet at 300 dpi 35 MP). A PDF page counts as its size rendered at
  :data:`RENDER_DPI`.
* :data:`MAX_PAGES` = 200 pages per file.

Pillow's own decompression-bomb guard is set to the same limit
(``Image.MAX_IMAGE_PIXELS = MAX_PIXELS``; Pillow raises above twice that and warns
above it), so no other code path in this process decodes a larger image either.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .errors import (
    BrokenFile,
    EmptyFile,
    EncryptedFile,
    ImageTooLarge,
    TooManyPages,
    UnsupportedType,
)

__all__ = ["FileInfo", "preflight", "sniff", "MAX_PIXELS", "MAX_PAGES", "RENDER_DPI"]

#: Largest page accepted, in pixels (width × height).
MAX_PIXELS = 40_000_000
#: Most pages accepted in one file.
MAX_PAGES = 200
#: Resolution PDF pages are rendered at for OCR (dots per inch).
RENDER_DPI = 300

Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_MIME = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "tiff": "image/tiff",
}


@dataclass(frozen=True)
class FileInfo:
    """What preflight learnt about a file.

    Attributes:
        kind: ``"pdf"``, ``"png"``, ``"jpeg"`` or ``"tiff"`` (from the magic bytes).
        mime: the matching MIME type, e.g. ``"application/pdf"``.
        pages: number of pages (frames for TIFF; 1 for PNG and JPEG).
        size_bytes: file size in bytes.
    """

    kind: str
    mime: str
    pages: int
    size_bytes: int


def sniff(head: bytes) -> str | None:
    """Kind of a file from its first bytes (at least 8, ideally 1024), or None.

    PDF: ``%PDF-`` within the first 1024 bytes (readers tolerate leading junk, ISO
    32000-1 §7.5.2 note); PNG: the 8-byte signature; JPEG: ``FF D8 FF``; TIFF: ``II*\\0``
    or ``MM\\0*`` (and BigTIFF ``II+\\0`` / ``MM\\0+``).
    """
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    return None


def preflight(path: str | os.PathLike[str]) -> FileInfo:
    """Check a file cheaply and describe it, before any expensive work.

    Args:
        path: the file to check (it is only read, never modified).

    Returns:
        A :class:`FileInfo`.

    Raises:
        EmptyFile: the file has 0 bytes.
        UnsupportedType: the content is not PDF, PNG, JPEG or TIFF (the extension is
            ignored).
        BrokenFile: the PDF cannot be opened by pdfium, an image header is unreadable,
            or an image is truncated (PNG without IEND, JPEG without EOI, TIFF strips
            past the end of the file). :class:`EncryptedFile` (a BrokenFile) for
            password-protected PDFs.
        ImageTooLarge: a page exceeds :data:`MAX_PIXELS` (a PDF page: at
            :data:`RENDER_DPI`).
        TooManyPages: more than :data:`MAX_PAGES` pages.
        FileNotFoundError: the path does not exist (a programming error, not the
            user's).
    """
    p = Path(path)
    size = p.stat().st_size
    if size == 0:
        raise EmptyFile()
    with p.open("rb") as fh:
        head = fh.read(1024)
    kind = sniff(head)
    if kind is None:
        raise UnsupportedType(detail=f"magic bytes {head[:8]!r}")
    if kind == "pdf":
        pages = _check_pdf(p)
    else:
        pages = _check_image(p, kind, size)
    return FileInfo(kind=kind, mime=_MIME[kind], pages=pages, size_bytes=size)


def _check_pdf(p: Path) -> int:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(p))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedFile(detail=str(exc)) from exc
        raise BrokenFile(detail=str(exc)) from exc
    try:
        n = len(pdf)
        if n == 0:
            raise BrokenFile(detail="PDF has no pages")
        if n > MAX_PAGES:
            raise TooManyPages(detail=f"{n} pages > {MAX_PAGES}")
        scale = RENDER_DPI / 72.0
        for i in range(n):
            try:
                w, h = pdf.get_page_size(i)
            except Exception as exc:  # pdfium raises plain errors on broken page trees
                raise BrokenFile(detail=f"page {i + 1}: {exc}") from exc
            if w <= 0 or h <= 0:
                raise BrokenFile(detail=f"page {i + 1} has size {w}x{h}")
            if (w * scale) * (h * scale) > MAX_PIXELS:
                raise ImageTooLarge(detail=f"page {i + 1}: {w:.0f}x{h:.0f} pt")
        return n
    finally:
        pdf.close()


def _open_image(p: Path) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(p)  # lazy: reads the header only
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(detail=str(exc)) from exc
    except Exception as exc:  # UnidentifiedImageError, OSError, SyntaxError, struct.error
        raise BrokenFile(detail=f"{type(exc).__name__}: {exc}") from exc


def _check_image(p: Path, kind: str, size: int) -> int:
    im = _open_image(p)
    try:
        frames = 1
        if kind == "tiff":
            try:
                frames = getattr(im, "n_frames", 1)
            except Exception as exc:
                raise BrokenFile(detail=f"TIFF IFD chain: {exc}") from exc
            if frames > MAX_PAGES:
                raise TooManyPages(detail=f"{frames} frames > {MAX_PAGES}")
        for i in range(frames):
            if frames > 1:
                try:
                    im.seek(i)
                except Exception as exc:
                    raise BrokenFile(detail=f"TIFF frame {i + 1}: {exc}") from exc
            w, h = im.size
            if w <= 0 or h <= 0:
                raise BrokenFile(detail=f"image size {w}x{h}")
            if w * h > MAX_PIXELS:
                raise ImageTooLarge(detail=f"frame {i + 1}: {w}x{h} px")
            if kind == "tiff":
                _check_tiff_frame(im, size)
        if kind == "png":
            _check_png_end(p, size)
        elif kind == "jpeg":
            _check_jpeg_end(p, size)
        return frames
    finally:
        im.close()


def _check_png_end(p: Path, size: int) -> None:
    # A complete PNG ends with the IEND chunk: length 0, "IEND", CRC AE 42 60 82.
    with p.open("rb") as fh:
        fh.seek(max(0, size - 64))
        tail = fh.read()
    if b"IEND" not in tail:
        raise BrokenFile(detail="PNG has no IEND chunk (truncated)")


def _check_jpeg_end(p: Path, size: int) -> None:
    # A complete JPEG ends with the EOI marker FF D9 (some writers append padding or
    # trailers, so look in the last 4 KiB).
    with p.open("rb") as fh:
        fh.seek(max(0, size - 4096))
        tail = fh.read()
    if b"\xff\xd9" not in tail:
        raise BrokenFile(detail="JPEG has no EOI marker (truncated)")


def _check_tiff_frame(im: Image.Image, size: int) -> None:
    # Strip (273/279) or tile (324/325) offsets plus byte counts must lie inside the file.
    tags = getattr(im, "tag_v2", None)
    if tags is None:
        return
    for off_tag, cnt_tag in ((273, 279), (324, 325)):
        offs, cnts = tags.get(off_tag), tags.get(cnt_tag)
        if offs is None or cnts is None:
            continue
        offs = offs if isinstance(offs, (tuple, list)) else (offs,)
        cnts = cnts if isinstance(cnts, (tuple, list)) else (cnts,)
        for o, c in zip(offs, cnts):
            if int(o) + int(c) > size:
                raise BrokenFile(detail="TIFF strip past end of file (truncated)")

