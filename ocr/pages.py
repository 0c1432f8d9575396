"""Load the pages of a checked file: pixels for OCR, and a PDF's own text layer.

Coordinates: every box produced here is ``(left, top, right, bottom)`` in pixels of the
page image at :data:`ocr.preflight.RENDER_DPI` (300 dpi), origin top-left, so text-layer
lines and OCR lines can be compared. Images whose resolution is below
:data:`MIN_OCR_DPI` are upscaled to 300 dpi before OCR (Thai marks are small;
Tesseract's ``tha`` model reads them better at 300 dpi).

Functions here never modify the original file.
"""

from __future__ import annotations

import math
import os
import re
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from .errors import BrokenFile
from .preflight import RENDER_DPI
from .thai import normalize, word_quality

__all__ = [
    "PageImage",
    "MIN_OCR_DPI",
    "load_page",
    "to_gray",
    "deskew_angle",
    "rotate",
    "ink_mask",
    "remove_leaders_and_rules",
    "pdf_page_text",
    "judge_text_layer",
    "repair_sara_am",
]

#: Images below this resolution are upscaled to RENDER_DPI for OCR.
MIN_OCR_DPI = 250


@dataclass
class PageImage:
    """One page's pixels, ready for OCR.

    Attributes:
        rgb: H × W × 3 uint8 array (RGB), at :data:`RENDER_DPI` after any upscaling.
        dpi: resolution of ``rgb`` in dots per inch (300 for rendered PDF pages and
            upscaled images; the file's own resolution when it is higher).
        source_dpi: resolution of the file's own image (for PDFs: the render dpi).
        size_in: page size in inches (width, height), for the searchable PDF.
    """

    rgb: np.ndarray
    dpi: float
    source_dpi: float
    size_in: tuple[float, float]


def _image_dpi(im: Image.Image) -> float:
    """Resolution of an image from its header, or an estimate assuming A4 paper.

    Headers saying less than 100 or more than 1200 dpi (phones write 72) are ignored;
    then the long side is taken as 11.69 in (A4), clamped to 150–600 dpi.
    """
    dpi = im.info.get("dpi")
    if dpi:
        try:
            d = float(dpi[0] if isinstance(dpi, (tuple, list)) else dpi)
            if 100 <= d <= 1200:
                return d
        except (TypeError, ValueError):
            pass
    return float(min(600.0, max(150.0, max(im.size) / 11.69)))


def load_page(path: str | os.PathLike[str], kind: str, index: int) -> PageImage:
    """Render or decode page ``index`` (0-based) of a checked file as RGB pixels.

    PDF pages are rendered by pdfium at :data:`RENDER_DPI` (page /Rotate applied);
    image pages (PNG, JPEG, TIFF frames) are decoded with Pillow, EXIF orientation
    applied, converted to RGB (alpha composited on white), and upscaled to
    :data:`RENDER_DPI` when their resolution is below :data:`MIN_OCR_DPI`.

    Args:
        path: file already accepted by :func:`ocr.preflight`.
        kind: its kind from preflight (``"pdf"``, ``"png"``, ``"jpeg"``, ``"tiff"``).
        index: page number, 0-based.

    Returns:
        A :class:`PageImage`.

    Raises:
        BrokenFile: the page cannot be rendered or decoded (e.g. damaged image data
            that the header check could not see).
    """
    if kind == "pdf":
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(str(path))
            try:
                page = pdf[index]
                w_pt, h_pt = page.get_size()
                bitmap = page.render(scale=RENDER_DPI / 72.0)
                rgb = np.array(bitmap.to_pil().convert("RGB"))
                rot = page.get_rotation()
            finally:
                pdf.close()
        except Exception as exc:
            raise BrokenFile(detail=f"render page {index + 1}: {exc}") from exc
        size_in = (w_pt / 72.0, h_pt / 72.0)
        if rot in (90, 270):
            size_in = size_in[::-1]
        return PageImage(rgb=rgb, dpi=RENDER_DPI, source_dpi=RENDER_DPI, size_in=size_in)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(path)
            if index:
                im.seek(index)
            dpi = _image_dpi(im)
            im = ImageOps.exif_transpose(im) if index == 0 else im.copy()
            if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
                im = im.convert("RGBA")
                bg = Image.new("RGBA", im.size, (255, 255, 255, 255))
                im = Image.alpha_composite(bg, im)
            if im.mode in ("I;16", "I;16B", "I;16L", "I"):
                arr = np.asarray(im, dtype=np.float64)
                arr = (255.0 * (arr - arr.min()) / max(1.0, float(arr.max() - arr.min())))
                im = Image.fromarray(arr.astype(np.uint8))
            im = im.convert("RGB")
            rgb = np.array(im)
    except Exception as exc:
        raise BrokenFile(detail=f"decode page {index + 1}: {exc}") from exc
    h, w = rgb.shape[:2]
    size_in = (w / dpi, h / dpi)
    out_dpi = dpi
    if dpi < MIN_OCR_DPI:
        import cv2

        f = RENDER_DPI / dpi
        rgb = cv2.resize(rgb, (round(w * f), round(h * f)), interpolation=cv2.INTER_CUBIC)
        out_dpi = RENDER_DPI
    return PageImage(rgb=rgb, dpi=out_dpi, source_dpi=dpi, size_in=size_in)


def to_gray(rgb: np.ndarray) -> np.ndarray:
    """Grayscale (H × W uint8) of an RGB page, ITU-R BT.601 luma."""
    import cv2

    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def deskew_angle(gray: np.ndarray, *, max_angle: float = 5.0) -> float:
    """Small skew of a text page, in degrees (positive = text rises to the right).

    Method: Otsu-binarise a copy scaled to ~1000 px height, then find the rotation in
    ``±max_angle`` whose horizontal projection profile has the largest variance
    (sharpest text lines), coarse 0.5° steps then fine 0.05° steps. Rotating the page
    by the returned angle (:func:`rotate`) levels the lines. Pages with little text
    return 0.0.

    Args:
        gray: H × W uint8 page.
        max_angle: search range in degrees.

    Returns:
        The angle in degrees, 0.0 when undecidable.
    """
    import cv2

    h, w = gray.shape[:2]
    f = 1000.0 / max(h, 1)
    small = cv2.resize(gray, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
    _, bw = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if bw.mean() < 0.5:  # fewer than ~0.2 % ink pixels
        return 0.0
    bw = bw.astype(np.float32)
    hh, ww = bw.shape
    centre = (ww / 2.0, hh / 2.0)

    def score(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        r = cv2.warpAffine(bw, m, (ww, hh), flags=cv2.INTER_NEAREST, borderValue=0)
        prof = r.sum(axis=1)
        return float(np.var(prof))

    best = max(np.arange(-max_angle, max_angle + 1e-9, 0.5), key=score)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    best = float(max(fine, key=score))
    if abs(best) < 0.05:
        return 0.0
    # cv2 angles are counter-clockwise; rotating by +best levels the page
    return round(best, 2)


def rotate(img: np.ndarray, angle: float, *, border: int = 255) -> np.ndarray:
    """Rotate an image by ``angle`` degrees counter-clockwise about its centre.

    Same size out as in; uncovered corners filled with ``border`` (white).
    Multiples of 90° are exact (no interpolation) and swap width and height.
    """
    import cv2

    a = angle % 360
    if a == 0:
        return img
    if a in (90, 180, 270):
        k = int(a // 90)
        return np.ascontiguousarray(np.rot90(img, k))
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    bv = (border,) * (img.shape[2] if img.ndim == 3 else 1)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=bv)


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Dark pixels (text ink) of a grayscale page: H × W bool, True below Otsu's
    threshold (at most 200, so that a nearly blank page's paper grain is not ink)."""
    import cv2

    t, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return gray < min(t, 200)


def remove_leaders_and_rules(gray: np.ndarray, *, dpi: float = RENDER_DPI) -> np.ndarray:
    """Whiten the dotted leaders and the table/form rules of a page before recognition.

    Thai memos print their header lines over dotted leaders (``ส่วนราชการ.......``,
    ``ที่.......``, ``เรื่อง.......``, form 1 of the correspondence regulation) and
    message forms are ruled tables; Tesseract's layout analysis reads a leader as a row
    of ``.``/``๐``/``o`` or drops the whole header line as an image. Removed here:

    * **rules**: ink that survives a morphological opening with a horizontal segment a
      twelfth of the page wide (horizontal rules) or a vertical one a fifteenth of the
      page high (vertical rules), and at least 0.6 inch either way — no glyph of a text
      line is that long, and a cut-out line image keeps its letters;
    * **dotted leaders**: dot-sized connected components (at most 0.04 inch, aspect at
      most 3:1) that lie in a horizontal chain of at least six dots, each within
      0.09 inch of the next, the chain at least 0.4 inch long. Single periods
      (``พ.ศ.``) and the small marks above and below Thai letters never chain like that.

    The whitened mask is grown by 2 px so that the grey anti-aliased rims of the dots do
    not stay behind as faint rings.

    Args:
        gray: H × W uint8 page, deskewed, text dark on light.
        dpi: the image's resolution (sizes above scale with it).

    Returns:
        A new H × W uint8 image; ``gray`` itself is not modified. A page with no ink
        comes back unchanged (a copy).
    """
    import cv2

    H, W = gray.shape[:2]
    out = gray.copy()
    if H < 50 or W < 50:
        return out
    k = dpi / 300.0
    ink = ink_mask(gray).astype(np.uint8)
    if not ink.any():
        return out
    rule = round(0.6 * dpi)  # no glyph of a text line is 0.6 inch long
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (max(rule, W // 12), 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(rule, H // 15)))
    kill = (cv2.morphologyEx(ink, cv2.MORPH_OPEN, hk) | cv2.morphologyEx(ink, cv2.MORPH_OPEN, vk)) > 0

    n, lab, st, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w, h, a = st[:, 2], st[:, 3], st[:, 4]
    dmax = max(4, round(12 * k))
    dots = (w <= dmax) & (h <= dmax) & (a >= 2) & (w <= 3 * h) & (h <= 3 * w)
    dots[0] = False
    idx = np.nonzero(dots)[0]
    if len(idx) >= 6:
        chain = cv2.dilate(dots[lab].astype(np.uint8),
                           cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, round(28 * k)), 3)))
        m, clab, cst, _ = cv2.connectedComponentsWithStats(chain, connectivity=8)
        cy = np.clip(st[idx, 1] + st[idx, 3] // 2, 0, H - 1)
        cx = np.clip(st[idx, 0] + st[idx, 2] // 2, 0, W - 1)
        chain_of = clab[cy, cx]
        count = np.bincount(chain_of, minlength=m)
        leader = (count >= 6) & (cst[:, 2] >= 120 * k) & (cst[:, 3] <= 3 * dmax)
        leader[0] = False
        comp = np.zeros(n, bool)
        comp[idx[leader[chain_of]]] = True
        kill |= comp[lab]
    if kill.any():
        kill = cv2.dilate(kill.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        out[kill] = 255
    return out


# --------------------------------------------------------------------------- text layer

@dataclass
class TextRun:
    """A word of a PDF text layer: its text, box in 300-dpi pixels and line number."""

    text: str
    box: tuple[int, int, int, int]
    line: int = 0


def pdf_page_text(path: str | os.PathLike[str], index: int) -> tuple[str, list[TextRun], int]:
    """The text layer of PDF page ``index``: plain text, positioned words and /Rotate.

    Uses pdfium's text page: ``get_text_range()`` for the text in pdfium's reading
    order (``\r\n`` → ``\n``), and each character's box (``get_charbox``) to give
    every whitespace-delimited word of every line a box, converted from PDF points
    (origin bottom-left) to 300-dpi pixels (origin top-left) of the unrotated page.

    Args:
        path: a PDF accepted by preflight.
        index: 0-based page number.

    Returns:
        ``(text, runs, rotation)``: ``runs`` are the words, each a :class:`TextRun`
        with ``line`` = its line number in reading order; text is ``""`` when the page
        has no text layer.

    Raises:
        BrokenFile: pdfium cannot load the page.
    """
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception as exc:
        raise BrokenFile(detail=str(exc)) from exc
    try:
        page = pdf[index]
        rotation = page.get_rotation()
        _, h_pt = page.get_size()
        tp = page.get_textpage()
        n = tp.count_chars()
        raw = tp.get_text_range(0, n) if n else ""
        text = raw.replace("\r\n", "\n").replace("\r", "\n")
        s = RENDER_DPI / 72.0
        runs: list[TextRun] = []
        if len(raw) == n:
            chars: list[tuple[str, tuple[float, float, float, float] | None]] = []
            for i, ch in enumerate(raw):
                box = None
                if not ch.isspace():
                    try:
                        l, b, r, t = tp.get_charbox(i)
                        box = (l, b, r, t) if r > l and t > b else None
                    except Exception:
                        box = None
                chars.append((ch, box))
            chars = repair_sara_am(decode_legacy_thai(chars))
            text = "".join(c for c, _ in chars).replace("\r\n", "\n").replace("\r", "\n")
            line_no = 0
            cur: list[tuple[str, tuple[float, float, float, float] | None]] = []

            def flush_word() -> None:
                word = "".join(c for c, _ in cur)
                boxes = [b for _, b in cur if b is not None]
                if word.strip() and boxes:
                    l = min(b[0] for b in boxes)
                    bt = min(b[1] for b in boxes)
                    r = max(b[2] for b in boxes)
                    t = max(b[3] for b in boxes)
                    runs.append(TextRun(text=word, box=(int(l * s), int((h_pt - t) * s),
                                                        int(math.ceil(r * s)),
                                                        int(math.ceil((h_pt - bt) * s))),
                                        line=line_no))
                cur.clear()

            for ch, box in chars:
                if ch in "\r\n":
                    flush_word()
                    if ch == "\n":
                        line_no += 1
                    continue
                if ch.isspace():
                    flush_word()
                    continue
                cur.append((ch, box))
            flush_word()
        return text, runs, rotation
    except Exception as exc:
        raise BrokenFile(detail=f"text layer of page {index + 1}: {exc}") from exc
    finally:
        pdf.close()


#: Thai letters in a legacy 8-bit encoding read as Latin-1/Windows-1252: TIS-620 and
#: Windows-874 put ก…๛ at 0xA1–0xFB, which a font without a Unicode map extracts as
#: "¡" … "û" ("¡ÃÁ¡ÒÃ»¡¤Ãͧ" for "กรมการปกครอง").
_LEGACY_RANGE = re.compile(r"[\u00a1-\u00fb]")


def decode_legacy_thai(chars: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """Decode a page whose Thai came out in a legacy 8-bit encoding (TIS-620/Windows-874).

    Old Thai fonts (the ``…UPC`` and ``PSK`` families of before Unicode) draw Thai at the
    codes 0xA1–0xFB and often carry no Unicode map, so a PDF's text layer then reads as
    Latin-1 letters. When such characters make at least 20 and outnumber the page's
    Thai and ASCII letters two to one, each of them is decoded as the TIS-620 byte it
    is (codes TIS-620 leaves undefined stay as they are); the boxes are kept. A page of
    French or German has far more ASCII letters than accented ones and is left alone.

    Args:
        chars: the page's characters with their boxes, in text order.

    Returns:
        The same list, decoded when it is legacy Thai.
    """
    text = "".join(c for c, _ in chars)
    legacy = len(_LEGACY_RANGE.findall(text))
    others = len(re.findall(r"[A-Za-z\u0e01-\u0e5b]", text))
    if legacy < 20 or legacy < 2 * others:
        return chars
    out = []
    for c, box in chars:
        if _LEGACY_RANGE.fullmatch(c):
            try:
                c = bytes([ord(c)]).decode("tis-620")
            except UnicodeDecodeError:
                pass
        out.append((c, box))
    return out


_THAI_CONSONANT_OR_MARK = re.compile(r"[\u0e01-\u0e2e\u0e31\u0e34-\u0e3a\u0e47-\u0e4c]")


def repair_sara_am(chars: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """Undo the sara-am mojibake of Thai PDFs whose font has a broken ToUnicode map.

    Word processors embedding a TH Sarabun-family font often map the glyph of sara aa
    (``า``) to sara am (``ำ``) and drop the nikhahit of a real sara am to a space, so
    the text layer says ``ทหำร`` for ``ทหาร`` and ``น ำเสนอ`` or ``ล าดับ`` for
    ``นำเสนอ``/``ลำดับ``. Thai spelling never puts ``า``/``ำ`` after a space, so:

    1. a Thai consonant or mark, a space, then ``า`` or ``ำ`` → the consonant and ``ำ``
       (the space and the vowel become one ``ำ`` that keeps the vowel's box);
    2. on each line, every other ``ำ`` becomes ``า`` when that raises the share of the
       line's Thai letters in dictionary words (:func:`ocr.thai.word_quality`) — a line
       of a correctly mapped font keeps its ``ำ``.

    Args:
        chars: the page's characters in reading order, each ``(char, box or None)``.

    Returns:
        A new list in the same shape (one entry shorter per joined space). Pages
        without the pattern come back equal.
    """
    from .thai import word_quality

    joined: list[tuple[str, object]] = []
    restored: set[int] = set()
    i = 0
    while i < len(chars):
        ch, box = chars[i]
        if (ch == " " and joined and i + 1 < len(chars) and chars[i + 1][0] in "\u0e32\u0e33"
                and _THAI_CONSONANT_OR_MARK.match(joined[-1][0])):
            restored.add(len(joined))
            joined.append(("\u0e33", chars[i + 1][1]))
            i += 2
            continue
        joined.append((ch, box))
        i += 1
    if not any(c == "\u0e33" for k, (c, _) in enumerate(joined) if k not in restored):
        return joined
    out = list(joined)
    start = 0
    for end in [k for k, (c, _) in enumerate(joined) if c == "\n"] + [len(joined)]:
        cand = [k for k in range(start, end) if joined[k][0] == "\u0e33" and k not in restored]
        if cand:
            line = "".join(c for c, _ in joined[start:end])
            alt = "".join("\u0e32" if k in cand else joined[k][0] for k in range(start, end))
            if word_quality(alt) > word_quality(line):
                for k in cand:
                    out[k] = ("\u0e32", joined[k][1])
        start = end + 1
    return out


_GARBAGE = re.compile(r"\(cid:\d+\)|\ufffd|[\ue000-\uf8ff]|[\x00-\x08\x0b\x0c\x0e-\x1f]")


def pdf_layer_is_scanners(path: str | os.PathLike[str], index: int) -> bool:
    """Whether the text of PDF page ``index`` is a scanner's OCR layer: most of its text
    objects are drawn invisible (PDF text render mode 3, ISO 32000-1 §9.3.6, how OCR
    software lays its text over the page image), unlike born-digital text, which is
    drawn. False for a page without text or that pdfium cannot read."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception:
        return False
    try:
        modes = [pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw)
                 for obj in pdf[index].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT])]
    except Exception:
        return False
    finally:
        pdf.close()
    return bool(modes) and sum(m == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE for m in modes) > len(modes) / 2


def judge_text_layer(text: str) -> tuple[bool, float]:
    """Decide whether a PDF page's own text layer is good enough to use instead of OCR.

    Good means all of:

    * at least 40 Thai or Latin letters (else the page is an image with a stray label);
    * under 1 % garbage characters: ``(cid:N)`` escapes, U+FFFD, private-use code points
      (unmapped font glyphs) and control characters;
    * :func:`ocr.thai.word_quality` ≥ 0.80 (four fifths of the Thai letters in
      dictionary words), the score of clean born-digital Thai pages being 0.9–1.0;
    * no sara-am mojibake: fonts with a broken ToUnicode map print ``ทหำร`` for ``ทหาร``;
      when replacing ``ำ`` by ``า`` raises the word quality by more than 0.03, the layer is
      rejected.

    Args:
        text: the page text (raw from the PDF).

    Returns:
        ``(ok, score)`` with score in 0..1 (the word quality, 0 when rejected for
        garbage or length), used as the page confidence when ok.
    """
    letters = re.findall(r"[A-Za-z\u0e01-\u0e4e]", text or "")
    if len(letters) < 40:
        return False, 0.0
    if len(_GARBAGE.findall(text)) > 0.01 * len(text):
        return False, 0.0
    norm = normalize(text)
    q = word_quality(norm)
    if "\u0e33" in norm:
        q2 = word_quality(norm.replace("\u0e33", "\u0e32"))
        if q2 - q > 0.03:
            return False, q
    return q >= 0.80, q
