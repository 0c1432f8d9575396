"""``ocr.read``: preflight, per-page reading in parallel, fields, searchable PDF.

For each page (in a process pool sized to the cores; serially for one page):

1. PDF pages: take the page's own text layer (sara-am mojibake repaired,
   :func:`ocr.pages.repair_sara_am`) when :func:`ocr.pages.judge_text_layer` says it
   is good, then check it against the page's ink (:func:`_reconcile_layer`: invisible
   words dropped, Latin junk re-read, uncovered ink read); otherwise, and for images,
   OCR.
2. OCR: render at 300 dpi (pdfium) or decode the image, grayscale, deskew (±5°),
   whiten dotted leaders and rules (:func:`ocr.pages.remove_leaders_and_rules`), run
   Tesseract once (TSV + text + invisible-text PDF page), rebuild lines of
   space-delimited words, re-read every word holding digits with the digit
   classifier (:func:`ocr.digits.reread_digits`) on its crop of the page image,
   merge fragments Tesseract split off (:func:`_merge_fragments`), repair the marks of
   unsure words (:func:`_repair_low_confidence`), normalise the Thai
   (:func:`ocr.thai.normalize`). A page that reads as nonsense is checked with
   Tesseract's orientation detection (OSD) and re-read turned by 90/180/270° when OSD
   is confident.
3. Red stamps: on colour pages, red ink (HSV mask) is grouped into regions, each OCR'd
   alone (Thai); they become ``source="stamp"`` lines for urgency/secrecy, and join the
   page text where they stand (:func:`_with_stamps`).

Then :func:`ocr.fields.review_fields` runs on all lines, and the searchable PDF is
assembled with pypdf: each original page (PDF pages copied as they are, images
embedded at their own resolution) with the invisible OCR text laid over it. The
original file is never modified.
"""

from __future__ import annotations

import io
import os
import re
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from .errors import OcrError, ReadError
from .fields import FIELD_NAMES, Box, Line, Word, review_fields, widen_box
from .pages import (PageImage, deskew_angle, ink_mask, judge_text_layer, load_page,
                    pdf_page_text, remove_leaders_and_rules, rotate, to_gray)
from .preflight import RENDER_DPI, FileInfo, preflight
from .thai import normalize, repair_marks, word_quality

__all__ = ["PageReading", "Reading", "read", "read_line", "PAGE_SEPARATOR", "find_red_regions"]

#: Separator between pages in :attr:`Reading.text`: a form feed on its own line, so
#: ``text.split(PAGE_SEPARATOR)`` gives the pages back and plain-text tools see a page
#: break.
PAGE_SEPARATOR = "\n\f\n"

_THAI_DIGIT_CHARS = "๐๑๒๓๔๕๖๗๘๙"
_HAS_DIGIT = re.compile(r"[0-9๐-๙]")


@dataclass
class PageReading:
    """The text of one page.

    Attributes:
        text: the page's text, lines separated by ``\\n``, paragraphs by a blank line.
        confidence: 0..1 — OCR: mean Tesseract word confidence (letters weighted)
            times the digit classifier's share; text layer: its word quality
            (:func:`ocr.pages.judge_text_layer`).
        source: ``"text_layer"`` (the PDF's own text) or ``"ocr"``.
    """

    text: str
    confidence: float
    source: str


@dataclass
class Reading:
    """Everything read from one file.

    Attributes:
        pages: one :class:`PageReading` per page, in order.
        fields: the header fields (keys :data:`ocr.fields.FIELD_NAMES`; None when
            absent), see :func:`ocr.fields.extract_fields`.
        field_confidence: 0..1 per field name.
        searchable_pdf: the original pages with invisible text (PDF bytes), or None
            when not requested.
        needs_review: names of the fields a person must check before they are
            confirmed (an uncertain secrecy or urgency mark), see
            :func:`ocr.fields.review_fields`.
    """

    pages: list[PageReading]
    fields: dict
    field_confidence: dict[str, float]
    searchable_pdf: bytes | None = None
    needs_review: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All pages' text joined by :data:`PAGE_SEPARATOR` (``"\\n\\f\\n"``)."""
        return PAGE_SEPARATOR.join(p.text for p in self.pages)

    def to_dict(self) -> dict:
        """The JSON object printed by ``python -m ocr``::

            {"text": str, "pages": [{"text", "confidence", "source"}],
             "fields": {every name of FIELD_NAMES: value or null},
             "field_confidence": {name: 0..1},
             "needs_review": [field names a person must check]}
        """
        return {
            "text": self.text,
            "pages": [{"text": p.text, "confidence": round(float(p.confidence), 3),
                       "source": p.source} for p in self.pages],
            "fields": {k: self.fields.get(k) for k in FIELD_NAMES},
            "field_confidence": {k: round(float(self.field_confidence.get(k, 0.0)), 3)
                                 for k in FIELD_NAMES},
            "needs_review": list(self.needs_review),
        }


# --------------------------------------------------------------------------- digits

def _digits_module():
    """The digit classifier module, or None when it or its model file is missing."""
    try:
        from . import digits  # noqa: PLC0415

        digits.load_model()
        return digits
    except Exception:  # ImportError, FileNotFoundError, a broken weights file
        return None


def _crop(gray: np.ndarray, box: Box, pad: int = 6) -> np.ndarray:
    h, w = gray.shape[:2]
    l, t, r, b = box
    return gray[max(0, t - pad):min(h, b + pad), max(0, l - pad):min(w, r + pad)]


_NUMBER_ONLY = re.compile(r"[0-9๐-๙/.,:\-()]+")
_LATIN_JUNK = re.compile(r"[A-Za-z()\[\]{}|!:;'\"`~^_=+*<>?.,/-]{1,6}")
#: a short dotted leader (``.....`` of a form's blank) is punctuation, never a number
_LEADER = re.compile(r"[.,:\-–_]+")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’.,:;!?()-]*")
_THAI_LETTER = re.compile(r"[\u0e01-\u0e2e]")
#: what a comparison of readings ignores: spaces and punctuation
_SPACE_PUNCT = re.compile(r"[\s.,:;()/-]")


def _plausible_number_read(num: str, tesseract_text: str) -> bool:
    """A classifier reading of a whole token is trusted only when it has no gap inside
    (a gap means a glyph was dropped, e.g. two touching digits) and about as many
    digits as Tesseract saw."""
    if not _HAS_DIGIT.search(num) or re.search(r"[0-9๐-๙]\s+[0-9๐-๙]", num):
        return False
    n_new = len(_HAS_DIGIT.findall(num))
    n_old = len(_HAS_DIGIT.findall(tesseract_text))
    return n_old == 0 or abs(n_new - n_old) <= 1


def _reread_page_digits(gray: np.ndarray, tp) -> None:
    """Re-read the digits of a whole Tesseract page, line by line, with the digit
    classifier (:func:`ocr.digits.reread_tesseract_data`), updating the TSV words in
    place (text and ``digit_conf``). No-op without the classifier."""
    digits = _digits_module()
    if digits is None or not tp.words:
        return
    try:
        texts, confs = digits.reread_tesseract_data(gray, tp.data)
    except Exception:
        return
    for w in tp.words:
        new = normalize(texts[w.row]).strip()
        if _HAS_DIGIT.search(new):
            w.digit_conf = float(confs[w.row])
        w.text = new


def _reread_words(gray: np.ndarray, lines: list[Line], *, only_unread: bool = False) -> None:
    """Re-read, in place, the digits of every token holding digits (and of short Latin
    junk, which is often a misread number) with the digit classifier, on the token's
    crop widened sideways (:func:`ocr.fields.widen_box`) and spanning its line's
    height. ``only_unread``: skip tokens whose digits were already re-read with
    confidence (by :func:`_reread_page_digits`)."""
    digits = _digits_module()
    if digits is None:
        return
    width = gray.shape[1]
    for ln in lines:
        for i, w in enumerate(ln.words):
            if not _HAS_DIGIT.search(w.text) and (not _LATIN_JUNK.fullmatch(w.text)
                                                  or _LEADER.fullmatch(w.text)):
                continue
            if only_unread and w.digit_conf is not None and w.digit_conf > 0.0:
                continue
            l, _, r, _ = widen_box(ln.words, i, width)
            crop = _crop(gray, (l, ln.box[1], r, ln.box[3]), pad=4)
            if crop.size == 0:
                continue
            try:
                text, conf = digits.reread_digits(crop, w.text)
                if conf == 0.0 and _NUMBER_ONLY.fullmatch(w.text) and _HAS_DIGIT.search(w.text):
                    # Tesseract split or merged glyphs, so the digits do not line up: a
                    # token made only of digits and separators is read by the classifier
                    # alone when it is sure of every glyph
                    num, nconf = digits.read_number(crop)
                    if nconf >= 0.9 and _plausible_number_read(num, w.text):
                        text, conf = num, nconf
            except Exception:
                continue
            if _HAS_DIGIT.search(text):
                w.digit_conf = float(conf)
            w.text = normalize(text)
        ln.text = " ".join(w.text for w in ln.words)


# --------------------------------------------------------------------------- regions

_PAGE_CACHE: "OrderedDict[tuple, np.ndarray]" = OrderedDict()


def _cache_put(key: tuple, img: np.ndarray) -> None:
    _PAGE_CACHE[key] = img
    _PAGE_CACHE.move_to_end(key)
    while len(_PAGE_CACHE) > 2:
        _PAGE_CACHE.popitem(last=False)


@dataclass
class PageRegionReader:
    """Re-reads regions of one OCR'd page (implements :class:`ocr.fields.RegionReader`).

    Picklable (path, page and transform only); the page image is rebuilt on first use
    (rendered, grayscaled, rotated by ``angle``) and kept in a small per-process cache.
    Boxes are in the coordinates of the image Tesseract saw.
    """

    path: str
    kind: str
    index: int
    angle: float

    def _image(self) -> np.ndarray:
        key = (self.path, self.kind, self.index, self.angle)
        img = _PAGE_CACHE.get(key)
        if img is None:
            page = load_page(self.path, self.kind, self.index)
            img = remove_leaders_and_rules(rotate(to_gray(page.rgb), self.angle), dpi=page.dpi)
            _cache_put(key, img)
        return img

    def read_digits(self, box: Box) -> tuple[str, float]:
        """Read ``box`` as a number with the digit classifier (Tesseract with a digit
        whitelist when the classifier is missing, at half confidence). Callers widen
        the box sideways (Tesseract's boxes clip the first digit): see
        :func:`ocr.fields.widen_box`."""
        crop = _crop(self._image(), box, pad=8)
        if crop.size == 0:
            return "", 0.0
        digits = _digits_module()
        if digits is not None:
            text, conf = digits.read_number(crop)
            return normalize(text), float(conf)
        from .tesseract import run_region

        text, conf, _ = run_region(crop, lang="tha", psm=7,
                                   whitelist=_THAI_DIGIT_CHARS + "0123456789/.")
        return text, 0.5 * conf

    def read_line(self, box: Box, *, lang: str = "tha", psm: int = 7) -> Line | None:
        """OCR ``box`` alone as one line with ``lang`` (Thai only by default, so that
        Tesseract cannot answer in Latin letters), digits re-read by the classifier.

        Returns a :class:`ocr.fields.Line` in page coordinates (with this reader), or
        None when nothing was read.
        """
        lines = self.read_lines(box, lang=lang, psm=psm, pad=10)
        words = sorted((w for ln in lines for w in ln.words), key=lambda w: w.box[0])
        if not words:
            return None
        return Line.from_words(words, page=self.index, page_size=lines[0].page_size, reader=self)

    def read_lines(self, box: Box, *, lang: str = "tha", psm: int = 6, pad: int = 0) -> list[Line]:
        """OCR ``box`` grown by ``pad`` px (a block, ``psm`` 6, by default) and return its
        lines in page coordinates, with this reader, digits re-read by the classifier and
        specks dropped; [] when nothing was read."""
        from .tesseract import build_lines, run_region

        img = self._image()
        H, W = img.shape[:2]
        l, t, r, b = box
        x0, y0 = max(0, l - pad), max(0, t - pad)
        crop = img[y0:min(H, b + pad), x0:min(W, r + pad)]
        if crop.size == 0:
            return []
        _, _, twords = run_region(crop, lang=lang, psm=psm)
        for w in twords:
            wl, wt, wr, wb = w.box
            w.box = (wl + x0, wt + y0, wr + x0, wb + y0)
        lines = build_lines(twords, page=self.index, page_size=(W, H))
        _reread_words(img, lines)
        lines = _drop_specks(lines)
        for ln in lines:
            ln.reader = self
        return lines

    def read_text(self, box: Box, *, lang: str = "tha", psm: int = 7) -> tuple[str, float]:
        """Like :meth:`read_line`, as ``(text, confidence 0..1)`` (``("", 0.0)`` when
        nothing was read); the confidence includes the digit classifier's."""
        ln = self.read_line(box, lang=lang, psm=psm)
        if ln is None:
            return "", 0.0
        dc = [w.digit_conf for w in ln.words if w.digit_conf is not None]
        return ln.text, ln.conf * (min(dc) if dc else 1.0)


def read_line(path: str | os.PathLike[str], *, languages: str = "tha") -> tuple[str, float]:
    """Read an image holding one line of text (a cut-out header line, a table cell).

    The whole image is read as a single line (Tesseract ``--psm 7``), Thai only by
    default so that Tesseract cannot answer in Latin letters, with its digits re-read by
    the digit classifier and the same normalisation as :func:`read`. Returns
    ``(text, confidence 0..1)``; ``("", 0.0)`` when nothing was read. Raises
    :class:`ocr.errors.InputError` subclasses for files :func:`ocr.preflight` refuses
    (a PDF is refused too: it is not a line image).
    """
    info = preflight(path)
    if info.kind == "pdf":
        from .errors import UnsupportedType

        raise UnsupportedType(detail="read_line takes an image of one line, not a PDF")
    reader = PageRegionReader(path=str(path), kind=info.kind, index=0, angle=0.0)
    height, width = reader._image().shape[:2]
    text, confidence = reader.read_text((0, 0, width, height), lang=languages, psm=7)
    return normalize(text), confidence


# --------------------------------------------------------------------------- red stamps

def _red_mask(rgb: np.ndarray, *, dilate: int = 0) -> np.ndarray:
    """uint8 mask (255 = red ink): HSV hue within 12° of red, saturation ≥ 90, value
    ≥ 70 (OpenCV scales), optionally dilated by ``dilate`` px to cover anti-aliased
    edges."""
    import cv2

    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    mask = (((h <= 6) | (h >= 174)) & (s >= 90) & (v >= 70)).astype(np.uint8) * 255
    if dilate:
        mask = cv2.dilate(mask, np.ones((2 * dilate + 1, 2 * dilate + 1), np.uint8))
    return mask


def find_red_regions(rgb: np.ndarray) -> list[Box]:
    """Boxes of red ink regions (stamps) on a colour page.

    Red = HSV hue within 12° of red, saturation ≥ 90, value ≥ 70 (OpenCV scales).
    The mask is closed with a kernel about one text-line tall so a stamp's letters
    join, then connected regions at least 30 px tall and 60 px wide, covering under
    a fifth of the page, with at least 400 red pixels, are kept (at most 12, largest
    first).

    Args:
        rgb: H × W × 3 uint8 page at 300 dpi.

    Returns:
        Boxes (left, top, right, bottom) in page pixels; empty for grey pages.
    """
    import cv2

    if rgb.ndim != 3:
        return []
    small = rgb[::8, ::8].astype(np.int16)
    if np.abs(small[..., 0] - small[..., 1]).max() < 25 and np.abs(small[..., 0] - small[..., 2]).max() < 25:
        return []
    mask = _red_mask(rgb)
    if int(mask.sum()) // 255 < 400:
        return []
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (41, 15))
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, k)
    n, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    H, W = mask.shape
    out = []
    for i in range(1, n):
        x, y, w, hh, _area = stats[i]
        if hh < 30 or w < 60 or w * hh > 0.2 * W * H:
            continue
        red_px = int(mask[y:y + hh, x:x + w].sum()) // 255
        if red_px < 400:
            continue
        out.append((red_px, (int(x), int(y), int(x + w), int(y + hh))))
    out.sort(reverse=True)
    return [b for _, b in out[:12]]


def _read_stamps(rgb: np.ndarray, page: int, lang: str) -> list[Line]:
    """OCR each red region alone (red ink made dark, everything else white)."""
    from .tesseract import run_region

    boxes = find_red_regions(rgb)
    lines: list[Line] = []
    H, W = rgb.shape[:2]
    for box in boxes:
        l, t, r, b = box
        pad = 12
        crop = rgb[max(0, t - pad):min(H, b + pad), max(0, l - pad):min(W, r + pad)].astype(np.int16)
        redness = crop[..., 0] - (crop[..., 1] + crop[..., 2]) // 2
        gray = np.clip(255 - redness * 2, 0, 255).astype(np.uint8)
        try:
            text, conf, _ = run_region(gray, lang="tha", psm=6 if (b - t) > 160 else 7)
        except OcrError:
            continue
        text = normalize(text)
        if not text.strip():
            continue
        words = [Word(text=tok, box=box, conf=conf) for tok in text.split()]
        ln = Line.from_words(words, page=page, page_size=(W, H), source="stamp", red=True)
        ln.text = text
        lines.append(ln)
    return lines


#: Tesseract word confidence under which a word's marks may be corrected by the
#: dictionary (:func:`_repair_low_confidence`).
REPAIR_BELOW = float(os.environ.get("SARABAN_OCR_REPAIR_BELOW", "0.8"))


def _repair_low_confidence(lines: list[Line], *, below: float = REPAIR_BELOW) -> None:
    """Dictionary-aware correction of OCR'd words, in place, only where OCR was unsure.

    Each word Tesseract read with confidence under ``below`` goes through
    :func:`ocr.thai.repair_marks` (no deletions): one edit of a vowel or tone mark, taken when it
    turns a non-word into dictionary words or makes a far more frequent word
    (``หน้าที`` → ``หน้าที่``, ``ดวนมาก`` → ``ด่วนมาก``). Confident words, words of
    fewer than three Thai letters (``บ`` is not ``บ่``), digits and Latin text are left
    alone. The threshold (0.8, environment ``SARABAN_OCR_REPAIR_BELOW``) is the
    one at which no benchmark page's error rate rises (bench/README.md): at 0.9 the
    letters gain more, but one real scan loses a character (``ความันคง`` →
    ``คว้ามันคง``).
    """
    for ln in lines:
        touched = False
        for w in ln.words:
            if w.conf >= below or len(_THAI_LETTER.findall(w.text)) < 3:
                continue
            new = repair_marks(w.text, delete=False)
            if new != w.text:
                w.text = new
                touched = True
        if touched:
            ln.text = " ".join(w.text for w in ln.words)


def _with_stamps(lines: list[Line], stamps: list[Line], *, known: str = "") -> list[Line]:
    """The page's lines with the legible stamps put where they stand, for the page text.

    A stamp line (``ด่วนมาก`` in red) joins the text when Tesseract was at least 60 %
    sure of it, it is mostly Thai letters, and ``known`` (a text layer's own text)
    does not already hold it; it goes before the first line that starts below its
    middle or that shares its row to the right of it (``ด่วนมาก`` before the
    ``บันทึกข้อความ`` title).
    """
    out = list(lines)
    squeezed = re.sub(r"\s", "", known)
    for st in sorted(stamps, key=lambda ln: ln.box[1]):
        body = re.sub(r"\s", "", st.text)
        if (st.conf < 0.6 or len(_THAI_LETTER.findall(body)) < 0.6 * max(1, len(body))
                or (body and body in squeezed)):
            continue
        mid = (st.box[1] + st.box[3]) / 2
        at = next((k for k, ln in enumerate(out)
                   if ln.box[1] > mid or (ln.box[3] > mid and ln.box[0] > st.box[0])), len(out))
        st.para = -1000 - at
        out.insert(at, st)
    return out


# --------------------------------------------------------------------------- one page

@dataclass
class _PageResult:
    index: int
    reading: PageReading
    lines: list[Line]
    overlay: bytes | None = None  # text-only PDF page from Tesseract
    angle: float = 0.0
    size_in: tuple[float, float] = (8.27, 11.69)
    source_dpi: float = RENDER_DPI
    colour: bool = False
    extra: dict = field(default_factory=dict)


def _lines_from_runs(runs, page: int, page_size: tuple[int, int]) -> list[Line]:
    """Lines of a text layer: the words of each pdfium line, left to right. A pdfium
    "line" whose words lie at clearly different heights (form columns read across)
    is split where the vertical position jumps by more than a word height."""
    by_line: dict[int, list] = {}
    for r in runs:
        by_line.setdefault(r.line, []).append(r)
    lines: list[Line] = []
    for no in sorted(by_line):
        group = by_line[no]
        # split into vertical bands
        bands: list[list] = []
        for r in sorted(group, key=lambda r: (r.box[1] + r.box[3]) / 2):
            cy = (r.box[1] + r.box[3]) / 2
            hh = max(1, r.box[3] - r.box[1])
            if bands and abs(cy - sum((x.box[1] + x.box[3]) / 2 for x in bands[-1]) / len(bands[-1])) <= 0.6 * hh:
                bands[-1].append(r)
            else:
                bands.append([r])
        for band in bands:
            band.sort(key=lambda r: r.box[0])
            words = [Word(text=normalize(r.text), box=r.box, conf=1.0) for r in band
                     if normalize(r.text).strip()]
            if words:
                lines.append(Line.from_words(words, page=page, page_size=page_size,
                                             source="text_layer", para=no))
    lines.sort(key=lambda ln: (ln.box[1], ln.box[0]))
    return lines


def _lines_text(lines: list[Line]) -> str:
    out: list[str] = []
    prev = None
    for ln in lines:
        if prev is not None and ln.para != prev:
            out.append("")
        out.append(ln.text)
        prev = ln.para
    return "\n".join(out).strip()


def _drop_specks(lines: list[Line]) -> list[Line]:
    """Remove "words" that are specks of scan noise: a one-character digit or sign
    whose box is under a fifth of the line's median word height in both directions
    cannot be a glyph of the line's text, yet Tesseract and the digit classifier read
    such dots as ``๑`` or ``.`` (a stray ``๑`` after a subject). Thai letters are kept:
    Tesseract sometimes gives a real final glyph (``ข์``) a degenerate box. The line's box is narrowed to the remaining words (its
    height is kept); a line of specks only is dropped."""
    out: list[Line] = []
    for ln in lines:
        if not ln.words:
            continue
        hs = sorted(w.box[3] - w.box[1] for w in ln.words)
        ref = max(hs[len(hs) // 2], ln.height // 2 if len(hs) < 3 else 0, 1)
        keep = [w for w in ln.words
                if (w.box[2] - w.box[0]) > 0.2 * ref or (w.box[3] - w.box[1]) > 0.2 * ref
                or len(w.text) > 1 or re.match(r"[\u0e01-\u0e4e]", w.text)]
        if len(keep) == len(ln.words):
            out.append(ln)
            continue
        if not keep:
            continue
        ln.words = keep
        ln.text = " ".join(w.text for w in keep)
        ln.box = (min(w.box[0] for w in keep), ln.box[1], max(w.box[2] for w in keep), ln.box[3])
        out.append(ln)
    return out


def _ocr(gray: np.ndarray, dpi: float, lang: str, want_pdf: bool, index: int):
    from .tesseract import build_lines, run_page

    tp = run_page(gray, lang=lang, dpi=int(round(dpi)), want_pdf=want_pdf)
    _reread_page_digits(gray, tp)
    lines = build_lines(tp.words, page=index, page_size=(gray.shape[1], gray.shape[0]))
    _reread_words(gray, lines, only_unread=True)
    return tp, _drop_specks(lines)


def _letters(text: str) -> str:
    """Base letters and digits of a text (marks, spaces and punctuation removed)."""
    return re.sub(r"[^\u0e01-\u0e30\u0e32\u0e33\u0e40-\u0e46\u0e50-\u0e59A-Za-z0-9]", "", text)


def _merge_fragments(lines: list[Line], reader: "PageRegionReader", lang: str,
                     limit: int = 12) -> list[Line]:
    """Re-read lines that Tesseract split off as fragments.

    Tesseract's layout analysis sometimes cuts the first letters of a line — a
    consonant with stacked marks such as ``ผู้`` — into a separate "line" of junk
    (``Yo``, ``ขบ``) that overlaps the real one, and cuts the upper vowels and tone
    marks of a large bold line (the ``บันทึกข้อความ`` title) into a flat line of junk
    just above it (``aw ce 9/`` over ``บนทกขอความ``). A short line (≤ 6 characters)
    lying mostly within the height of a neighbouring line and touching it sideways, or
    (≤ 10 characters) lower than two thirds of a line's height and sitting on top of
    it, is merged: the
    union of both boxes is read again as one line (psm 7).

    Returns the new list of lines (order kept; at most ``limit`` merges).
    """
    out = list(lines)
    merges = 0
    i = 0
    while i < len(out) and merges < limit:
        a = out[i]
        size = len(re.sub(r"\s", "", a.text))
        if size > 10:
            i += 1
            continue
        partner = None
        for j, b in enumerate(out):
            if j == i or len(re.sub(r"\s", "", b.text)) <= size:
                continue
            ov = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
            hgap = max(a.box[0] - b.box[2], b.box[0] - a.box[2])
            if size <= 6 and ov >= 0.4 * min(a.height, b.height) and hgap <= 1.5 * b.height:
                partner = j
                break
            # the upper marks of a large bold line (a memo's title) cut off as a
            # flat line of their own just above it
            hov = min(a.box[2], b.box[2]) - max(a.box[0], b.box[0])
            if (a.height < 0.7 * b.height and a.box[3] <= b.box[1] + 0.5 * b.height
                    and b.box[1] - a.box[3] < 0.5 * b.height and hov >= 0.5 * (a.box[2] - a.box[0])):
                partner = j
                break
        if partner is None:
            i += 1
            continue
        b = out[partner]
        union = (min(a.box[0], b.box[0]), min(a.box[1], b.box[1]),
                 max(a.box[2], b.box[2]), max(a.box[3], b.box[3]))
        try:
            new = reader.read_line(union, lang=lang, psm=7)
        except OcrError:
            new = None
        merges += 1
        if new is None or len(_letters(new.text)) < 0.9 * len(_letters(b.text)):
            i += 1
            continue
        new.para = b.para
        out[partner] = new
        del out[i]
    return out


def _relined(ln: Line, words: list[Word]) -> Line:
    """``ln`` rebuilt from ``words`` (box and confidence recomputed), keeping its page,
    source, reader and paragraph."""
    return Line.from_words(words, page=ln.page, page_size=ln.page_size, source=ln.source,
                           reader=ln.reader, para=ln.para)


def _echoes_layer(new: Line, lines: list[Line], lh: int) -> bool:
    """Whether a reading of uncovered ink only repeats layer words next to it.

    A scanner's word boxes are often shifted by 10–25 px, so the edge of a word can lie
    outside its box and read again as ``ด้วย`` beside ``ด้วย``. The reading is an echo
    when at least 60 % of its characters (marks included, spaces and punctuation not)
    form one run inside the text of the
    layer words that share its height and lie within three line heights sideways.
    """
    from difflib import SequenceMatcher

    body = _SPACE_PUNCT.sub("", new.text)
    if not body:
        return True
    near = []
    for ln in lines:
        ov = min(new.box[3], ln.box[3]) - max(new.box[1], ln.box[1])
        if ov < 0.3 * min(new.height, ln.height):
            continue
        for w in ln.words:
            if w.box[2] >= new.box[0] - 3 * lh and w.box[0] <= new.box[2] + 3 * lh:
                near.append((w.box[0], w.text))
    if not near:
        return False
    around = _SPACE_PUNCT.sub("", "".join(t for _, t in sorted(near)))
    m = SequenceMatcher(None, body, around, autojunk=False).find_longest_match(
        0, len(body), 0, len(around))
    return m.size >= 0.6 * len(body)


_LATIN_LETTER = re.compile(r"[A-Za-z]")
#: The bands of a page where marks stand: (top, bottom, left, right) as fractions of
#: the page. Secrecy at the top and bottom centre of every page (the Secrets Regulation
#: B.E. 2544), urgency at the top, most often at the left (DOMAIN.md §2).
MARK_BANDS = ((0.0, 0.14, 0.03, 0.97), (0.85, 1.0, 0.2, 0.8))


def _uncovered_ink(gray: np.ndarray, lines: list[Line], box: Box, *, pad: int = 12, least: int = 400) -> bool:
    """Whether ``box`` of the page holds ink (at least ``least`` dark pixels) outside the
    word boxes of ``lines`` grown by ``pad``: something the page's reading skipped."""
    l, t, r, b = box
    ink = ink_mask(gray[t:b, l:r]).copy()
    for ln in lines:
        for w in ln.words:
            wl, wt, wr, wb = w.box
            if wr + pad < l or wl - pad > r or wb + pad < t or wt - pad > b:
                continue
            ink[max(0, wt - pad - t):max(0, wb + pad - t), max(0, wl - pad - l):max(0, wr + pad - l)] = False
    return int(ink.sum()) >= least


def _read_mark_bands(reader: "PageRegionReader", size: tuple[int, int], lang: str,
                     gray: np.ndarray | None = None, lines: list[Line] = ()) -> list[Line]:
    """Re-read the top band and the bottom centre band of a page (:data:`MARK_BANDS`) on
    their own and return the lines there that hold a secrecy or urgency mark (a run of
    at most four words that is the term), as ``source="mark"`` lines.

    The page's OCR can miss a mark of a few letters standing alone in a margin,
    whatever its colour; this looks at the bands where the regulation puts them. With
    ``gray`` (the page image) and ``lines`` (what its reading found), a band is re-read
    only when it holds ink outside those lines (:func:`_uncovered_ink`): the marks in
    the lines themselves are judged by :mod:`ocr.fields` already. The lines found only
    feed the fields, never the page text. ``size`` is (width, height) of the page image.
    """
    from .fields import holds_mark

    W, H = size
    found: list[Line] = []
    for top, bottom, left, right in MARK_BANDS:
        box = (int(left * W), int(top * H), int(right * W), int(bottom * H))
        if gray is not None and not _uncovered_ink(gray, list(lines), box):
            continue
        try:
            band = reader.read_lines(box, lang="tha")
        except OcrError:
            continue
        for ln in band:
            if holds_mark(ln.text):
                ln.source = "mark"
                found.append(ln)
    return found


def _latin_over_thai_ink(lines: list[Line], reader: "PageRegionReader", lang: str, *, samples: int = 3) -> bool:
    """Whether a text layer made of Latin letters lies over a page whose ink is Thai.

    A scanner that OCRs without Thai writes Latin gibberish (``NasWaUrNsAUUsENgA``) over
    a Thai page, and it scores as well as real English by its words. So a layer with
    more Latin than Thai letters is checked against the ink: its ``samples`` lines with
    the most Latin letters are read from the page (``lang``); when the ink reads with
    more Thai letters than Latin ones, the layer is refused and the page is OCR'd. A
    genuinely English page reads back Latin and keeps its layer.

    Returns:
        True to refuse the layer.
    """
    thai = sum(len(_THAI_LETTER.findall(ln.text)) for ln in lines)
    latin = sum(len(_LATIN_LETTER.findall(ln.text)) for ln in lines)
    if latin <= thai:
        return False
    ink_thai = ink_latin = 0
    for ln in sorted(lines, key=lambda x: len(_LATIN_LETTER.findall(x.text)), reverse=True)[:samples]:
        try:
            new = reader.read_line(ln.box, lang=lang, psm=7)
        except OcrError:
            continue
        if new is not None:
            ink_thai += len(_THAI_LETTER.findall(new.text))
            ink_latin += len(_LATIN_LETTER.findall(new.text))
    return ink_thai > ink_latin


def _reconcile_layer(gray: np.ndarray, shown: np.ndarray, lines: list[Line],
                     reader: "PageRegionReader", lang: str, *,
                     limit: int = 16) -> tuple[list[Line], bool]:
    """Check a PDF text layer against what the page shows, and read what it lacks.

    A text layer can say what the page does not show, and miss what it does:

    * **invisible words** (text drawn in white, clipped or covered: a drafting block
      left in a born-digital memo) have no ink under their box (under 1 % dark pixels
      in the box grown by 4 px): dropped;
    * **Latin junk** — a scanner's OCR reading a stamped or handwritten Thai number as
      ``Any on Go`` — is a run of Latin-only words on a line with at least as many
      Thai letters: the run's region is OCR'd (``lang``, digits re-read) and replaces
      it when that reading is mostly Thai letters or digits with confidence ≥ 0.6
      (real English such as ``QR Code`` reads back in Latin letters and stays);
    * **ink with no text** — a number or date written or stamped on the printout, a
      line the scanner's OCR skipped — is found as line-sized blobs of ink (leaders
      and rules already removed from ``gray``) outside every word box grown by 10 px;
      each is OCR'd as one line and kept when it reads with confidence ≥ 0.7 and is
      Thai or digits, not scribble (signatures and emblems read as low-confidence
      junk). New words join the layer line they share most of their height with, in
      left-to-right order (a scanner's boxes sit up to a third of a line off), or
      form a line of their own.

    Args:
        gray: the page at 300 dpi, grayscale, red stamp ink whitened, dotted leaders and
            rules removed, in the layer's coordinates.
        shown: H × W bool, all the ink the page shows (red included,
            :func:`ocr.pages.ink_mask` of the plain grayscale page): what makes a word
            visible.
        lines: the layer's lines (:func:`_lines_from_runs`).
        reader: re-reads regions of this page.
        lang: Tesseract languages for Latin-junk regions.
        limit: at most this many regions are OCR'd.

    Returns:
        ``(lines, changed)``: the lines in top-to-bottom order, and whether any word
        was dropped, replaced or added.
    """
    import cv2

    H, W = gray.shape[:2]
    changed = False
    kept: list[Line] = []
    for ln in lines:
        words = []
        for w in ln.words:
            l, t, r, b = w.box
            crop = shown[max(0, t - 4):min(H, b + 4), max(0, l - 4):min(W, r + 4)]
            if crop.size and crop.mean() < 0.01:
                changed = True
                continue
            words.append(w)
        if words:
            kept.append(ln if len(words) == len(ln.words) else _relined(ln, words))
    lines = kept
    reads = 0

    # Latin junk on Thai lines
    for k, ln in enumerate(lines):
        thai = sum(len(_THAI_LETTER.findall(w.text)) for w in ln.words)
        latin = [i for i, w in enumerate(ln.words) if _LATIN_WORD.fullmatch(w.text)]
        if not latin or thai < sum(len(ln.words[i].text) for i in latin):
            continue
        runs: list[list[int]] = []
        for i in latin:
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        replaced: dict[int, list[Word]] = {}  # word index -> what stands in its place
        for run in runs:
            if reads >= limit:
                break
            box = (min(ln.words[i].box[0] for i in run), ln.box[1],
                   max(ln.words[i].box[2] for i in run), ln.box[3])
            reads += 1
            try:
                new = reader.read_line(box, lang=lang, psm=7)
            except OcrError:
                new = None
            # real English (``QR Code``) reads back as Latin letters
            if (new is None or new.conf < 0.6
                    or len(_THAI_LETTER.findall(new.text)) + len(_HAS_DIGIT.findall(new.text))
                    < len(re.findall(r"[A-Za-z]", new.text))):
                continue
            replaced.update({i: [] for i in run})
            replaced[run[0]] = new.words
        if replaced:
            changed = True
            lines[k] = _relined(ln, [x for i, w in enumerate(ln.words)
                                     for x in replaced.get(i, [w])])

    # ink with no text
    if lines:
        heights = sorted(ln.height for ln in lines)
        lh = max(20, heights[len(heights) // 2])
        free = ink_mask(gray).astype(np.uint8)
        for ln in lines:
            for w in ln.words:
                l, t, r, b = w.box
                free[max(0, t - 10):min(H, b + 10), max(0, l - 10):min(W, r + 10)] = 0
        free = cv2.morphologyEx(free, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
        blobs = cv2.dilate(free, cv2.getStructuringElement(cv2.MORPH_RECT, (max(9, lh), max(3, lh // 6))))
        n, _, st, _ = cv2.connectedComponentsWithStats(blobs, connectivity=8)
        cands = []
        for j in range(1, n):
            x, y, w, h, _ = st[j]
            if not (0.5 * lh <= h <= 2.2 * lh and w >= 0.8 * lh):
                continue
            fill = free[y:y + h, x:x + w].mean()
            if fill < 0.02:
                continue
            cands.append((x, y, x + w, y + h))
        cands.sort(key=lambda b: (b[1], b[0]))
        for box in cands:
            if reads >= limit:
                break
            reads += 1
            try:
                new = reader.read_line(box, lang="tha", psm=7)
            except OcrError:
                new = None
            if new is None or new.conf < 0.7:
                continue
            body = re.sub(r"\s", "", new.text)
            if len(re.findall(r"[\u0e01-\u0e4e0-9๐-๙]", body)) < max(1, 0.8 * len(body)):
                continue
            if _echoes_layer(new, lines, lh):
                continue
            changed = True
            cy0, cy1 = new.box[1], new.box[3]
            best, best_ov = None, 0.0
            for k, ln in enumerate(lines):
                ov = min(cy1, ln.box[3]) - max(cy0, ln.box[1])
                frac = ov / max(1, min(cy1 - cy0, ln.height))
                if frac > best_ov:
                    best, best_ov = k, frac
            if best is not None and best_ov >= 0.3:
                ln = lines[best]
                lines[best] = _relined(ln, sorted(ln.words + new.words, key=lambda w: w.box[0]))
            else:
                new.source = "ocr"
                new.para = -1 - len(lines)
                lines.append(new)
    lines.sort(key=lambda ln: (ln.box[1], ln.box[0]))
    return lines, changed


def _page_gray(rgb: np.ndarray, colour: bool, gray: np.ndarray | None = None) -> np.ndarray:
    """Grayscale of a page for recognition: stamps are read on their own
    (:func:`_read_stamps`), and their red ink would garble the lines of black text they
    overlap, so on a colour page it is whitened. ``gray``: the page's plain grayscale
    when already made (it is not modified)."""
    gray = to_gray(rgb) if gray is None else gray.copy()
    if colour:
        gray[_red_mask(rgb, dilate=3) > 0] = 255
    return gray


def _osd_rotation(gray: np.ndarray) -> int:
    """Tesseract OSD's rotation (0/90/180/270, counter-clockwise to apply) or 0 when
    it is not confident (orientation confidence < 2)."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(gray, config="--psm 0 -c min_characters_to_try=20",
                                       output_type=pytesseract.Output.DICT, timeout=60)
    except Exception:
        return 0
    if float(osd.get("orientation_conf", 0)) < 2.0:
        return 0
    return int(osd.get("rotate", 0)) % 360


def _read_page(path: str, kind: str, index: int, lang: str, want_pdf: bool) -> _PageResult:
    """Read one page (runs in a worker process). See the module docstring."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    text_layer = None
    if kind == "pdf":
        text, runs, rotation = pdf_page_text(path, index)
        ok, score = judge_text_layer(text)
        if ok and rotation == 0:
            text_layer = (text, runs, score)
    page: PageImage = load_page(path, kind, index)
    rgb = page.rgb
    H, W = rgb.shape[:2]
    colour = bool(rgb.ndim == 3 and (np.abs(rgb[::8, ::8, 0].astype(np.int16) - rgb[::8, ::8, 2]).max() >= 25))
    stamps = _read_stamps(rgb, index, lang) if colour else []

    if text_layer is not None:
        text, runs, score = text_layer
        lines = _lines_from_runs(runs, index, (W, H))
        # text layers can be wrong too (a scanner's OCR): check them against the ink,
        # and let field repair re-read
        plain = to_gray(rgb)
        shown = ink_mask(plain)
        gray = remove_leaders_and_rules(_page_gray(rgb, colour, plain), dpi=page.dpi)
        _cache_put((path, kind, index, 0.0), gray)
        reader = PageRegionReader(path=path, kind=kind, index=index, angle=0.0)
        if _latin_over_thai_ink(lines, reader, lang):
            text_layer = None  # an OCR layer made without Thai: the page is read from its ink below
    if text_layer is not None:
        lines, changed = _reconcile_layer(gray, shown, lines, reader, lang)
        for ln in lines:
            ln.reader = reader
        if changed:
            text = _lines_text(lines)
        shown_lines = _with_stamps(lines, stamps, known=normalize(text))
        if len(shown_lines) != len(lines):
            text = _lines_text(shown_lines)
        reading = PageReading(text=normalize(text).strip(), confidence=round(score, 3),
                              source="text_layer")
        marks = _read_mark_bands(reader, (gray.shape[1], gray.shape[0]), lang, gray, lines + stamps)
        return _PageResult(index=index, reading=reading, lines=lines + stamps + marks, overlay=None,
                           size_in=page.size_in, source_dpi=page.source_dpi, colour=colour)

    gray = _page_gray(rgb, colour)
    del rgb
    angle = deskew_angle(gray)
    g = remove_leaders_and_rules(rotate(gray, angle), dpi=page.dpi)
    tp, lines = _ocr(g, page.dpi, lang, want_pdf, index)
    quality = word_quality(tp.text)
    if tp.mean_conf < 0.6 and quality < 0.5:
        turn = _osd_rotation(g)
        if turn:
            g2 = rotate(g, turn)
            tp2, lines2 = _ocr(g2, page.dpi, lang, want_pdf, index)
            if word_quality(tp2.text) > quality:
                g, tp, lines, angle = g2, tp2, lines2, (angle + turn) % 360
    _cache_put((path, kind, index, angle), g)
    words = [w for ln in lines for w in ln.words]
    reader = PageRegionReader(path=path, kind=kind, index=index, angle=angle)
    lines = _merge_fragments(lines, reader, lang)
    for ln in lines:
        ln.text = " ".join(w.text for w in ln.words)
        ln.reader = reader
    _repair_low_confidence(lines)
    _repair_low_confidence(stamps, below=1.01)  # a stamp is a few common words
    dconf = [w.digit_conf for w in words if w.digit_conf is not None]
    conf = tp.mean_conf
    if dconf:
        conf *= 0.8 + 0.2 * (sum(dconf) / len(dconf))
    reading = PageReading(text=_lines_text(_with_stamps(lines, stamps)), confidence=round(conf, 3),
                          source="ocr")
    overlay = _text_overlay(tp.pdf, lines, (g.shape[1], g.shape[0])) if tp.pdf else None
    marks = _read_mark_bands(reader, (g.shape[1], g.shape[0]), lang, g, lines + stamps)
    return _PageResult(index=index, reading=reading, lines=lines + stamps + marks, overlay=overlay,
                       angle=angle, size_in=page.size_in, source_dpi=page.source_dpi,
                       colour=colour)


def _read_page_safe(path: str, kind: str, index: int, lang: str, want_pdf: bool) -> _PageResult:
    try:
        return _read_page(path, kind, index, lang, want_pdf)
    except OcrError:
        raise
    except Exception as exc:
        raise ReadError(detail=f"page {index + 1}: {type(exc).__name__}: {exc}") from None


# --------------------------------------------------------------------------- searchable PDF

def _text_overlay(tesseract_pdf: bytes, lines: list[Line], image_size: tuple[int, int]) -> bytes:
    """Tesseract's text-only page with its text replaced by the corrected lines.

    Tesseract writes one glyph cluster per "word" (``ศู น ย ์``) with its raw marks and
    digits, which a PDF viewer cannot search. This keeps its page and its
    ``GlyphLessFont`` (Identity-H, codes = Unicode, 500 units wide, identity
    ToUnicode) and writes each corrected line as one invisible run (``3 Tr``) stretched
    (``Tz``) over the line's box, so that searching and copying give the same text as
    :attr:`Reading.text`. ``image_size`` is (width, height) in pixels of the image the
    line boxes refer to. Returns the new page as PDF bytes.
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


# --------------------------------------------------------------------------- read()

def read(path: str | os.PathLike[str], *, languages: str = "tha+eng",
         searchable_pdf: bool = True, progress: Callable[[int, int], None] | None = None,
         workers: int | None = None) -> Reading:
    """Read a scanned or born-digital letter: text per page, header fields, searchable PDF.

    Args:
        path: a PDF, PNG, JPEG or TIFF file. It is only read, never modified.
        languages: Tesseract languages (``"tha+eng"``: Thai letters with English parts).
        searchable_pdf: also build the searchable PDF (original pages + invisible text).
        progress: called as ``progress(done, total)`` after each page is read (in the
            calling process/thread).
        workers: processes to read pages in; default ``os.cpu_count()``; pages are read
            serially when there is one page or ``workers == 1``. Processes are forked
            (Linux, single-threaded caller) or spawned (otherwise; the caller's main
            module must then be import-safe).

    Returns:
        A :class:`Reading`.

    Raises:
        InputError: from :func:`ocr.preflight` (empty, wrong type, broken, too large,
            too many pages) before any expensive work.
        ReadError: Tesseract missing or failing, a page failing to render.
    """
    path = str(Path(path))
    info = preflight(path)
    n = info.pages
    max_workers = max(1, min(workers or os.cpu_count() or 1, n))
    want_pdf = bool(searchable_pdf)
    results: list[_PageResult] = []
    if max_workers == 1:
        for i in range(n):
            results.append(_read_page_safe(path, info.kind, i, languages, want_pdf))
            if progress:
                progress(i + 1, n)
    else:
        import multiprocessing
        import sys
        import threading

        # fork is fast and needs no import guard in the caller's script, but forking a
        # process with other threads can deadlock: then spawn (the caller's main module
        # must then be import-safe, as Django's manage.py and pytest are).
        method = "fork" if sys.platform.startswith("linux") and threading.active_count() == 1 else "spawn"
        ctx = multiprocessing.get_context(method)
        with ProcessPoolExecutor(max_workers=max_workers, mp_context=ctx) as pool:
            futs = [pool.submit(_read_page_safe, path, info.kind, i, languages, want_pdf)
                    for i in range(n)]
            done = 0
            try:
                for fut in as_completed(futs):
                    results.append(fut.result())
                    done += 1
                    if progress:
                        progress(done, n)
            except BaseException:
                for f in futs:
                    f.cancel()
                raise
    results.sort(key=lambda r: r.index)
    lines = [ln for r in results for ln in r.lines]
    fields, conf, review = review_fields(lines, had_colour=any(r.colour for r in results))
    pdf = None
    if want_pdf:
        try:
            pdf = _assemble_pdf(path, info, results)
        except Exception as exc:
            raise ReadError(detail=f"searchable PDF: {type(exc).__name__}: {exc}") from exc
    return Reading(pages=[r.reading for r in results], fields=fields,
                   field_confidence=conf, searchable_pdf=pdf, needs_review=review)
