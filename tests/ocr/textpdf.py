"""Born-digital test PDFs with a real Thai text layer, written with pdfium.

pdfium embeds an OS font (TLWG Laksaman, TrueType) as a CID font with its own ToUnicode
map, so the text written here comes back from the page's text layer exactly; each run
can be drawn in any colour (white = invisible on the page) or with text render mode 3
(invisible, like a scanner's OCR layer). No shaping is done: Thai marks are not
repositioned, which does not matter to text extraction.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from ocr.render import find_font

A4_PT = (595.0, 842.0)


@dataclass
class Run:
    """One line of text on the page: ``x``/``y`` in points from the top-left corner
    (``y`` = baseline), ``size`` in points, ``rgb`` 0..255, ``invisible`` = render
    mode 3."""

    text: str
    x: float
    y: float
    size: float = 16.0
    rgb: tuple[int, int, int] = (0, 0, 0)
    invisible: bool = False
    standard_font: str = ""  # e.g. "Helvetica": one of the 14 standard fonts (WinAnsi), no Thai


def text_pdf(path: str | Path, pages: list[list[Run]]) -> Path:
    """Write a PDF of A4 pages, each drawing its runs in Laksaman; return ``path``."""
    font_bytes = find_font("Laksaman").read_bytes()
    pdf = pdfium.PdfDocument.new()
    buf = ctypes.create_string_buffer(font_bytes, len(font_bytes))
    font = raw.FPDFText_LoadFont(pdf.raw, ctypes.cast(buf, ctypes.POINTER(ctypes.c_uint8)),
                                 len(font_bytes), raw.FPDF_FONT_TRUETYPE, 1)
    assert font, "pdfium could not load the font"
    try:
        for runs in pages:
            page = pdf.new_page(*A4_PT)
            for run in runs:
                if run.standard_font:
                    obj = raw.FPDFPageObj_NewTextObj(pdf.raw, run.standard_font.encode(), ctypes.c_float(run.size))
                else:
                    obj = raw.FPDFPageObj_CreateTextObj(pdf.raw, font, ctypes.c_float(run.size))
                units = (run.text + "\0").encode("utf-16-le")
                wide = ctypes.create_string_buffer(units, len(units))
                raw.FPDFText_SetText(obj, ctypes.cast(wide, ctypes.POINTER(raw.FPDF_WCHAR)))
                raw.FPDFPageObj_SetFillColor(obj, *run.rgb, 255)
                if run.invisible:
                    raw.FPDFTextObj_SetTextRenderMode(obj, raw.FPDF_TEXTRENDERMODE_INVISIBLE)
                raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, run.x, A4_PT[1] - run.y)
                raw.FPDFPage_InsertObject(page.raw, obj)
            assert raw.FPDFPage_GenerateContent(page.raw)
            page.close()
        pdf.save(str(path))
    finally:
        raw.FPDFFont_Close(font)
        pdf.close()
    return Path(path)


def letter_runs(lines: list[str], *, top: float = 90, left: float = 85, pitch: float = 26,
                size: float = 16) -> list[Run]:
    """Lines of a letter as runs, one under the other."""
    return [Run(text, left, top + i * pitch, size) for i, text in enumerate(lines) if text]
