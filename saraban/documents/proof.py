"""Proof a PDF as a reader sees it: are its fonts drawn as laid out, and can its pages be read?

Text extraction alone proves nothing about print: a PDF whose width tables disagree
with its embedded font still yields the right text, while on paper every letter is
drawn over its neighbour (issue 15: the forms came out 34% off when fontconfig had
shrunk the layout font). So two checks, both on the finished file:

1. :func:`font_widths` — for every embedded font, each advance in the PDF's width table
   (``/W`` or ``/Widths``, in 1/1000 em) against the embedded font program's own
   advance (``hmtx``, read with fontTools). A viewer places each glyph by the table and
   draws it with the program, so they must agree; :data:`WIDTH_TOLERANCE` is 1%.
2. :func:`read_back` — each page rendered to an image with pdfium (annotations such as
   the receive stamp and signature appearances included) and read by the project's own
   reader (:func:`ocr.read`, Tesseract and the Thai repairs); the share of the source
   text's character trigrams found in the reading, in any order (a table is read cell
   by cell, a page in the reader's order). :data:`LEGIBLE` is the threshold.

No Django: bytes in, plain results out. Used by the tests of every kind of PDF the
service makes and by ``manage.py demo`` on its own output.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "LEGIBLE",
    "READ_DPI",
    "WIDTH_TOLERANCE",
    "FontWidths",
    "Proof",
    "Reading",
    "font_widths",
    "proof_pdf",
    "read_back",
    "score",
    "text_layer",
]

#: Largest relative difference allowed between a width-table entry and the font
#: program's advance (relative to the advance; to 1 em for zero-width marks).
WIDTH_TOLERANCE = 0.01
#: Smallest share of the source's character trigrams a legible page gives back. Set from
#: clean renders of every kind of PDF the service makes (tests/documents/test_print.py:
#: 0.78 the lowest, a stamped letter (form 3) with its stamp circle; most 0.85–0.97)
#: against the forms of before issue 15, whose letters overlapped (0.00–0.09).
LEGIBLE = 0.70
#: Resolution pages are rendered at for reading, dots per inch.
READ_DPI = 200


@dataclass(frozen=True)
class FontWidths:
    """One font of a PDF as :func:`font_widths` found it.

    ``name``: the BaseFont (``"ABCDEF+Saraban-Laksaman"``); ``embedded``: whether it
    carries a font program; ``compared``: width entries compared with the program;
    ``worst``: the largest relative difference (0.34 = 34%); ``worst_glyph``: the glyph
    id where it is; ``off``: entries off by more than :data:`WIDTH_TOLERANCE`;
    ``note``: why nothing could be compared (a Type 3 font, an unmapped encoding).
    """

    name: str
    embedded: bool
    compared: int
    worst: float
    worst_glyph: int | None
    off: int
    note: str = ""

    @property
    def ok(self) -> bool:
        """Embedded, and every compared width within :data:`WIDTH_TOLERANCE`."""
        return self.embedded and self.worst <= WIDTH_TOLERANCE


@dataclass(frozen=True)
class Reading:
    """What :func:`read_back` found: ``score`` (0–1, the share of the source's
    character trigrams found in the reading), ``text`` (what was read, pages joined),
    ``pages`` (page indexes read), ``compared`` (the source's trigrams; 0 when there
    was no text to compare with, which proves nothing)."""

    score: float
    text: str
    pages: tuple[int, ...]
    compared: int = 0

    @property
    def legible(self) -> bool:
        """There was text to compare with, and ``score`` reaches :data:`LEGIBLE`."""
        return self.compared > 0 and self.score >= LEGIBLE


# ---------------------------------------------------------------------------- check 1


def font_widths(pdf: bytes) -> list[FontWidths]:
    """Every font dictionary in ``pdf`` (pages, form XObjects, annotation appearances,
    earlier revisions' objects that are still referenced), each compared once.

    Composite fonts (Type0 over CIDFontType2, ``/W`` and ``/CIDToGIDMap``) and simple
    TrueType fonts (``/FirstChar`` and ``/Widths``, codes mapped through the program's
    (3,0) or (1,0) cmap) with an embedded ``/FontFile2`` are compared; a font with no
    program is reported not embedded; Type 3 and CFF programs are listed with a note.

    Raises:
        pypdf.errors.PdfReadError: ``pdf`` is not a readable PDF.
    """
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    reader = PdfReader(io.BytesIO(pdf))
    found: list[FontWidths] = []
    seen: set[int] = set()
    for number, generation in _object_ids(reader):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: BLE001 — a free or broken entry is not a font
            continue
        if not isinstance(obj, DictionaryObject) or obj.get("/Type") != "/Font" or obj.get("/Subtype") == "/CIDFontType2":
            continue
        if number in seen:
            continue
        seen.add(number)
        found.append(_check_font(obj))
    return found


def _object_ids(reader) -> list[tuple[int, int]]:
    ids = set()
    for generation, table in reader.xref.items():
        ids.update((number, generation) for number in table)
    ids.update((number, 0) for number in getattr(reader, "xref_objStm", {}))
    return sorted(ids)


def _check_font(font) -> FontWidths:
    name = str(font.get("/BaseFont", "?")).lstrip("/")
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return FontWidths(name, True, 0, 0.0, None, 0, note="Type 3: glyphs drawn by the PDF itself")
    if subtype == "/Type0":
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant.get("/FontDescriptor")
        widths = _cid_widths(descendant)
        gid_of = _cid_to_gid(descendant)
    else:
        descriptor = font.get("/FontDescriptor")
        widths = {int(font.get("/FirstChar", 0)) + i: float(w) for i, w in enumerate(font.get("/Widths") or [])}
        gid_of = None
    descriptor = descriptor.get_object() if descriptor is not None else {}
    program = descriptor.get("/FontFile2")
    if program is None:
        embedded = any(k in descriptor for k in ("/FontFile", "/FontFile3"))
        note = "CFF or Type 1 program: not compared" if embedded else "no font program embedded"
        return FontWidths(name, embedded, 0, 0.0, None, 0, note=note)
    from fontTools.ttLib import TTFont

    tt = TTFont(io.BytesIO(program.get_object().get_data()), lazy=True)
    upem = tt["head"].unitsPerEm
    order = tt.getGlyphOrder()
    hmtx = tt["hmtx"]
    if gid_of is None:
        gid_of = _simple_code_to_gid(tt)
        if gid_of is None:
            return FontWidths(name, True, 0, 0.0, None, 0, note="simple font without a usable cmap: not compared")
    worst, worst_glyph, off, compared = 0.0, None, 0, 0
    for code, width in widths.items():
        gid = gid_of(code)
        if gid is None or gid >= len(order):
            continue
        advance = hmtx[order[gid]][0] * 1000 / upem
        diff = abs(width - advance) / (advance if advance > 0 else 1000)
        compared += 1
        off += diff > WIDTH_TOLERANCE
        if diff > worst:
            worst, worst_glyph = diff, gid
    return FontWidths(name, True, compared, worst, worst_glyph, off)


def _cid_widths(descendant) -> dict[int, float]:
    """``/W`` of a CIDFont as {cid: width}; missing CIDs take ``/DW`` and are not listed."""
    spec = [x.get_object() if hasattr(x, "get_object") else x for x in (descendant.get("/W") or [])]
    widths: dict[int, float] = {}
    i = 0
    while i + 1 < len(spec):
        first, nxt = int(spec[i]), spec[i + 1]
        if isinstance(nxt, list):
            for k, w in enumerate(nxt):
                widths[first + k] = float(w)
            i += 2
        else:
            for cid in range(first, int(nxt) + 1):
                widths[cid] = float(spec[i + 2])
            i += 3
    return widths


def _cid_to_gid(descendant):
    mapping = descendant.get("/CIDToGIDMap", "/Identity")
    if not hasattr(mapping, "get_object") or str(mapping) == "/Identity":
        return lambda cid: cid
    data = mapping.get_object().get_data()
    return lambda cid: int.from_bytes(data[2 * cid:2 * cid + 2], "big") if 2 * cid + 2 <= len(data) else None


def _simple_code_to_gid(tt):
    if "cmap" not in tt:
        return None
    order = {name: gid for gid, name in enumerate(tt.getGlyphOrder())}
    for platform, encoding, offset in ((3, 0, 0xF000), (1, 0, 0), (3, 1, 0)):
        table = tt["cmap"].getcmap(platform, encoding)
        if table is not None:
            cmap = table.cmap
            return lambda code: order.get(cmap.get(code + offset) or cmap.get(code))
    return None


# ---------------------------------------------------------------------------- check 2


def text_layer(pdf: bytes, pages: Iterable[int] | None = None) -> str:
    """The text of ``pages`` (0-based; all when None) as a viewer would copy it,
    Thai-normalised (:func:`ocr.thai.normalize`)."""
    from pypdf import PdfReader

    from ocr.thai import normalize

    reader = PdfReader(io.BytesIO(pdf))
    wanted = range(len(reader.pages)) if pages is None else pages
    return "\n".join(normalize(reader.pages[i].extract_text() or "") for i in wanted)


#: Dotted or ruled leaders (the blanks of a form: "ลงชื่อ ........", "______") carry no text.
_LEADERS = re.compile(r"[.…_\-–—]{3,}")


def _trigrams(text: str) -> Counter:
    from ocr.thai import fold_digits, normalize

    flat = re.sub(r"\s+", "", _LEADERS.sub(" ", fold_digits(normalize(text))))
    return Counter(flat[i:i + 3] for i in range(len(flat) - 2))


def score(source: str, reading: str) -> float:
    """The share of ``source``'s character trigrams (whitespace and leaders such as
    "……" or "____" removed, Thai-normalised, Thai digits folded to Arabic) that
    ``reading`` has, counted with multiplicity; 1.0 for a source under three characters."""
    want = _trigrams(source)
    total = sum(want.values())
    if not total:
        return 1.0
    return sum((want & _trigrams(reading)).values()) / total


def read_back(pdf: bytes, source: str | Iterable[str] | None = None, *, pages: Iterable[int] | None = (0,),
              dpi: int = READ_DPI) -> Reading:
    """Render ``pages`` of ``pdf`` (0-based; None: all) and read them with :func:`ocr.read`.

    Args:
        pdf: the file.
        source: the text the pages were made from (a string or strings, any order);
            None: the PDF's own text layer of those pages (:func:`text_layer`).
        pages: which pages; the first by default.
        dpi: the rendering resolution.

    Returns:
        A :class:`Reading` whose ``score`` is :func:`score` of the source against
        everything read.

    Raises:
        ocr.ReadError: Tesseract is missing or fails.
        pypdfium2.PdfiumError: ``pdf`` cannot be opened.
    """
    import pypdfium2 as pdfium

    import ocr

    document = pdfium.PdfDocument(pdf)
    indexes = tuple(range(len(document))) if pages is None else tuple(pages)
    if source is None:
        source = text_layer(pdf, indexes)
    elif not isinstance(source, str):
        source = "\n".join(source)
    texts = []
    with tempfile.TemporaryDirectory(prefix="saraban-proof-") as tmp:
        for index in indexes:
            image = document[index].render(scale=dpi / 72, draw_annots=True).to_pil().convert("RGB")
            path = Path(tmp) / f"page-{index}.png"
            image.save(path, dpi=(dpi, dpi))
            texts.append(ocr.read(path, searchable_pdf=False, workers=1).text)
    document.close()
    text = "\n".join(texts)
    return Reading(score(source, text), text, indexes, sum(_trigrams(source).values()))


# ---------------------------------------------------------------------------- both


@dataclass(frozen=True)
class Proof:
    """Both checks on one file: ``fonts`` (:func:`font_widths`) and ``reading``
    (:func:`read_back` of every page)."""

    fonts: list[FontWidths]
    reading: Reading

    @property
    def ok(self) -> bool:
        """Every font agrees with its width table and the pages read back legibly."""
        return all(f.ok for f in self.fonts) and self.reading.legible

    def summary(self) -> str:
        """One Thai line: ``"แบบอักษร 2 ชุด ความกว้างตรงกัน (คลาดสูงสุด 0.3%) · อ่านกลับได้ 88% ของข้อความ · ผ่าน"``."""
        worst = max((f.worst for f in self.fonts), default=0.0)
        fonts = (f"แบบอักษร {len(self.fonts)} ชุด " + ("ความกว้างตรงกัน" if all(f.ok for f in self.fonts)
                                                      else "ความกว้างไม่ตรงกับแบบอักษร ตัวอักษรจะพิมพ์ทับกัน")
                 + f" (คลาดสูงสุด {worst:.1%})") if self.fonts else "ไม่มีแบบอักษร (ภาพสแกน)"
        read = (f"อ่านกลับได้ {self.reading.score:.0%} ของข้อความ ({len(self.reading.pages)} หน้า)"
                if self.reading.compared else "ไม่มีข้อความต้นทางให้เทียบ อ่านกลับไม่ได้ว่าถูกหรือไม่")
        return f"{fonts} · {read} · {'ผ่าน' if self.ok else 'ไม่ผ่าน'}"


def proof_pdf(pdf: bytes, source: str | Iterable[str] | None = None, *, pages: Iterable[int] | None = None) -> Proof:
    """:func:`font_widths` and :func:`read_back` (all pages by default) of ``pdf``.

    Raises: as :func:`font_widths` and :func:`read_back`.
    """
    return Proof(font_widths(pdf), read_back(pdf, source, pages=pages))
