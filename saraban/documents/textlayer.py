"""Repair the Thai text layer of PDFs written by WeasyPrint.

WeasyPrint (70) maps every glyph to Unicode once, from the characters of the first
cluster it is drawn in, taken in text order. Thai shaping breaks that in two ways:

* SARA AM (ำ, U+0E33) is drawn as two glyphs, NIKHAHIT + SARA AA, in one cluster: the
  first ำ of a document maps the SARA AA glyph to "ำ" and NIKHAHIT to nothing, so every
  later า copies as ำ ("กองกลาง" → "กองกลำง"); or, when า came first, every ำ as า.
* Marks are drawn in another order than typed: TH Sarabun/TLWG fonts draw "ผู้" as
  ผ + low MAI THO (a private-use glyph, U+F70B) + SARA UU, so the low MAI THO glyph is
  mapped to "ู" and every later "หน้า" copies as "หนูา".

Known upstream as Kozea/WeasyPrint#2841 (wrong and empty ToUnicode entries of shaped
text); pdf.js took the same way out for ำ in mozilla/pdf.js#5882.

:func:`repair_thai_to_unicode` rewrites each embedded font's ToUnicode map so that every
glyph the font's own cmap (or glyph name) gives to a Thai character, or to one of the
Thai presentation forms at U+F700–U+F71A, maps to that one Thai character. Text then
extracts in drawing order: ำ as NIKHAHIT + SARA AA (``"ํา"``) and "ผู้" as ``"ผู้"``,
which look the same and which :func:`ocr.thai.normalize` (and so the search index)
turns back into ``"ำ"`` and ``"ผู้"``.
"""

from __future__ import annotations

import io
import logging
import re
from collections import defaultdict

__all__ = ["repair_thai_to_unicode"]

logger = logging.getLogger(__name__)

_BFCHAR_BLOCK = re.compile(r"beginbfchar(.*?)endbfchar", re.DOTALL)
_BFCHAR = re.compile(r"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]*)>")
_UNI_NAME = re.compile(r"uni([0-9A-F]{4})(?:\.|$)")

#: Thai presentation forms U+F700–U+F71A (the Microsoft/WTT private-use glyphs of TH
#: SarabunPSK and the TLWG fonts: shifted, lowered or tailless variants) → the character.
_PUA = "ฐ" "ิีึื" "่้๊๋์" "่้๊๋์" "ญ" "ัํ็" "่้๊๋์" "ฺุู"


def _thai(code: int) -> str | None:
    """The Thai character a code point shows (presentation forms folded), or None."""
    if 0x0E01 <= code <= 0x0E7F:
        return chr(code)
    if 0xF700 <= code < 0xF700 + len(_PUA):
        return _PUA[code - 0xF700]
    return None


def _glyph_chars(font_file: bytes) -> dict[int, str]:
    """glyph id → the one Thai character the (subset) font gives it, by cmap or name."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(font_file), lazy=True)
    order = font.getGlyphOrder()
    ids = {name: gid for gid, name in enumerate(order)}
    found: dict[int, set[str]] = defaultdict(set)
    for code, name in (font.getBestCmap() or {}).items():
        if name in ids and (ch := _thai(code)):
            found[ids[name]].add(ch)
    for gid, name in enumerate(order):
        m = _UNI_NAME.match(name)
        if gid not in found and m and (ch := _thai(int(m.group(1), 16))):
            found[gid].add(ch)
    return {gid: next(iter(chs)) for gid, chs in found.items() if len(chs) == 1}


def _repair_cmap(text: str, chars: dict[int, str]) -> str:
    def entry(m: re.Match) -> str:
        own = chars.get(int(m.group(1), 16))
        if own is None or bytes.fromhex(m.group(2)).decode("utf-16-be", "replace") == own:
            return m.group(0)
        return f"<{m.group(1)}> <{own.encode('utf-16-be').hex()}>"

    return _BFCHAR_BLOCK.sub(lambda b: "beginbfchar" + _BFCHAR.sub(entry, b.group(1)) + "endbfchar", text)


def repair_thai_to_unicode(pdf: bytes) -> bytes:
    """The PDF with the ToUnicode maps of its Type0 fonts repaired (see the module).

    Only entries of glyphs that the embedded font gives to one Thai character change;
    a PDF needing no change is returned as it was. A font it cannot read is left
    alone (and logged); it raises only for bytes pypdf cannot read as a PDF.

    Args:
        pdf: a PDF's bytes (as written by WeasyPrint).

    Returns:
        The PDF's bytes.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    seen: set[int] = set()
    changed = False
    for page in writer.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        for ref in (fonts.get_object().values() if fonts is not None else ()):
            font = ref.get_object()
            if id(font) in seen or font.get("/Subtype") != "/Type0" or "/ToUnicode" not in font:
                continue
            seen.add(id(font))
            try:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
                file = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
                chars = _glyph_chars(file.get_object().get_data())
                stream = font["/ToUnicode"].get_object()
                old = stream.get_data().decode("latin-1")
            except Exception:  # an unreadable font keeps its map; the PDF is still good
                logger.warning("cannot read font %s to repair its ToUnicode map", font.get("/BaseFont"), exc_info=True)
                continue
            new = _repair_cmap(old, chars)
            if new != old:
                stream.set_data(new.encode("latin-1"))
                changed = True
    if not changed:
        return pdf
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
