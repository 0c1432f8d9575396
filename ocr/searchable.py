"""The searchable PDF: each original page with the corrected text laid over it, invisible.

* ``_text_overlay`` turns Tesseract's text-only page (``textonly_pdf``) into one whose
  invisible text is the corrected lines, so that searching and copying give the same
  text as :attr:`ocr.pipeline.Reading.text`;
* ``_image_page_pdf`` makes a one-page PDF of an image page at its physical size (JPEG
  embedded as it is, other images losslessly);
* ``_assemble_pdf`` puts the pages together: PDF pages copied as they are (or rendered
  when pypdf cannot parse the file), image pages embedded, each with its overlay turned
  back by the page's deskew angle and scaled onto the page.

The original file is only read, never modified. Line boxes are page-image pixels
(:data:`ocr.layout.Box`); PDF units are points.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from .layout import Line
from .pages import load_page
from .preflight import FileInfo
from .thai import normalize

if TYPE_CHECKING:
    from .pipeline import _PageResult


def _text_overlay(tesseract_pdf: bytes, lines: list[Line], image_size: tuple[int, int]) -> bytes:
    """Tesseract's text-only page with its text replaced by the corrected lines.

    Tesseract writes one glyph cluster per "word" (``ศู น ย ์``) with its raw marks and
    digits, which a PDF viewer cannot search. This keeps its page and its
    ``GlyphLessFont`` (Identity-H, codes = Unicode, 500 units wide, identity
    ToUnicode) and writes each corrected line as one invisible run (``3 Tr``) stretched
    (``Tz``) over the line's box, so that searching and copying give the same text as
    :attr:`ocr.pipeline.Reading.text`. ``image_size`` is (width, height) in pixels of
    the image the line boxes refer to. Returns the new page as PDF bytes.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(tesseract_pdf)))
    page = writer.pages[0]
    fonts = page["/Resources"]["/Font"]
    font = next(iter(fonts.keys()))
    width_px, height_px = image_size
    sx = float(page.mediabox.width) / max(width_px, 1)
    sy = float(page.mediabox.height) / max(height_px, 1)
    ops = []
    for ln in lines:
        text = " ".join(normalize(ln.text).split())
        if not text:
            continue
        left, top, right, bottom = ln.box
        size = max(1.0, (bottom - top) * sy)
        natural = len(text) * size * 0.5  # DW 500/1000 em per code
        stretch = 100.0 * max(1.0, (right - left) * sx) / natural
        code = text.encode("utf-16-be").hex().upper()
        ops.append(f"BT 3 Tr /{font[1:]} {size:.2f} Tf {stretch:.3f} Tz 1 0 0 1 {left * sx:.2f} "
                   f"{(height_px - bottom) * sy:.2f} Tm <{code}> Tj ET")
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("ascii"))
    page.replace_contents(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image_page_pdf(path: str, kind: str, index: int, size_in: tuple[float, float]) -> bytes:
    """A one-page PDF showing image page ``index`` at its physical size.

    JPEG files are embedded as they are (no re-compression: Pillow's PDF writer copies
    the JPEG stream when saving a JPEG-decoded image untouched); other images are
    stored losslessly (Flate), 1-bit images as 1-bit.
    """
    from PIL import Image, ImageOps

    with Image.open(path) as im:
        if index:
            im.seek(index)
        frame = im if kind == "jpeg" and index == 0 and im.getexif().get(0x0112, 1) == 1 else None
        if frame is None:
            frame = ImageOps.exif_transpose(im) if index == 0 else im.copy()
            if frame.mode not in ("1", "L", "RGB", "CMYK"):
                frame = frame.convert("RGB")
        buf = io.BytesIO()
        res = frame.size[0] / size_in[0]
        frame.save(buf, format="PDF", resolution=res)
    return buf.getvalue()


def _assemble_pdf(path: str, info: FileInfo, results: list[_PageResult]) -> bytes:
    """The searchable PDF of ``path`` (checked by :func:`ocr.preflight`, ``info``) from
    its pages' results, in the order given: each original page with the result's
    overlay (if any) merged over it. Returns the PDF bytes; pypdf's errors propagate
    (:func:`ocr.pipeline.read` turns them into a ``ReadError``)."""
    from pypdf import PdfReader, PdfWriter, Transformation

    writer = PdfWriter()
    base_reader = None
    if info.kind == "pdf":
        try:
            base_reader = PdfReader(path, strict=False)
            if len(base_reader.pages) != info.pages:
                base_reader = None
        except Exception:
            base_reader = None
    for res in results:
        if base_reader is not None:
            writer.add_page(base_reader.pages[res.index])
            page = writer.pages[-1]
            if page.rotation:
                page.transfer_rotation_to_content()
        else:
            if info.kind == "pdf":
                # pypdf cannot parse the file (pdfium could): embed the rendered page
                from PIL import Image

                img = load_page(path, info.kind, res.index)
                buf = io.BytesIO()
                Image.fromarray(img.rgb).save(buf, format="PDF", resolution=img.dpi)
                data = buf.getvalue()
            else:
                data = _image_page_pdf(path, info.kind, res.index, res.size_in)
            writer.add_page(PdfReader(io.BytesIO(data)).pages[0])
            page = writer.pages[-1]
        if res.overlay is None:
            continue
        ov = PdfReader(io.BytesIO(res.overlay)).pages[0]
        box = page.mediabox
        W, Hh = float(box.width), float(box.height)
        ow, oh = float(ov.mediabox.width), float(ov.mediabox.height)
        if ow <= 0 or oh <= 0:
            continue
        a = res.angle % 360
        quarter = int(round(a / 90.0)) % 4 if abs(a / 90.0 - round(a / 90.0)) < 1e-6 and a else 0
        small = a if not quarter else 0.0
        if small > 180:
            small -= 360
        t = Transformation()
        # undo the deskew (the OCR image was the page turned by `angle` ccw)
        if small:
            t = t.translate(-ow / 2, -oh / 2).rotate(-small).translate(ow / 2, oh / 2)
        if quarter:
            t = t.rotate(-90 * quarter)
            if quarter == 1:
                t = t.translate(0, ow)
            elif quarter == 2:
                t = t.translate(ow, oh)
            elif quarter == 3:
                t = t.translate(oh, 0)
            ow, oh = (oh, ow) if quarter % 2 else (ow, oh)
        t = t.scale(W / ow, Hh / oh).translate(float(box.left), float(box.bottom))
        page.merge_transformed_page(ov, t, over=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
