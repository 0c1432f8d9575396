"""Reading regions of a page image again: words, lines, red stamps and mark bands.

* The digit classifier (:mod:`ocr.digits`) re-reads the digits of Tesseract's words
  (``_reread_page_digits`` on a whole page, ``_reread_words`` per token); without its
  model these are no-ops.
* :class:`PageRegionReader` implements :class:`ocr.layout.RegionReader` for one page: it
  rebuilds the page image Tesseract saw (kept in a small per-process cache,
  ``_PAGE_CACHE``) and OCRs a box of it alone, as digits, as one line or as a block.
* Red stamps: :func:`find_red_regions` finds red ink on a colour page and
  ``_read_stamps`` OCRs each region alone (``source="stamp"`` lines).
* Mark bands: ``_read_mark_bands`` re-reads the top and bottom bands where urgency and
  secrecy marks stand (:data:`MARK_BANDS`), when they hold ink the page's reading
  skipped (``source="mark"`` lines).

Boxes are :data:`ocr.layout.Box` in the pixels of the page image. Used by
:mod:`ocr.pipeline` and :mod:`ocr.textlayer`; never by the field extractors, which see
only the :class:`~ocr.layout.RegionReader` protocol.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from .errors import OcrError
from .layout import Box, Line, Word, widen_box
from .marks import holds_mark
from .pages import ink_mask, load_page, remove_leaders_and_rules, rotate, to_gray
from .thai import normalize

__all__ = ["PageRegionReader", "find_red_regions", "MARK_BANDS"]

_THAI_DIGIT_CHARS = "๐๑๒๓๔๕๖๗๘๙"
_HAS_DIGIT = re.compile(r"[0-9๐-๙]")


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
    """The part of ``gray`` under ``box`` grown by ``pad`` px, clipped to the image (a view)."""
    h, w = gray.shape[:2]
    l, t, r, b = box
    return gray[max(0, t - pad):min(h, b + pad), max(0, l - pad):min(w, r + pad)]


_NUMBER_ONLY = re.compile(r"[0-9๐-๙/.,:\-()]+")
_LATIN_JUNK = re.compile(r"[A-Za-z()\[\]{}|!:;'\"`~^_=+*<>?.,/-]{1,6}")
#: a short dotted leader (``.....`` of a form's blank) is punctuation, never a number
_LEADER = re.compile(r"[.,:\-–_]+")


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
    crop widened sideways (:func:`ocr.layout.widen_box`) and spanning its line's
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


# --------------------------------------------------------------------------- recogniser

#: the recogniser reads each line cut from the page with this margin (share of its height)
_LINE_PAD_Y, _LINE_PAD_X = 0.2, 0.5


def _recognise_line(img: np.ndarray, ln: Line):
    """The project's recogniser on ``ln``'s box of ``img`` (a margin added): an
    :class:`ocr.recogniser.LineReading`, or None without the model or for an empty box."""
    from .recogniser import load_recogniser

    model = load_recogniser()
    if model is None or not ln.words:
        return None
    H, W = img.shape[:2]
    l, t, r, b = ln.box
    h = max(1, b - t)
    x0, y0 = max(0, l - int(_LINE_PAD_X * h)), max(0, t - int(_LINE_PAD_Y * h))
    crop = img[y0:min(H, b + int(_LINE_PAD_Y * h)), x0:min(W, r + int(_LINE_PAD_X * h))]
    if crop.size == 0:
        return None
    return model.read(crop)


#: a line whose Tesseract words are all at least this sure, with no digit and only
#: dictionary words, is not re-read by the recogniser (it could only agree, or be wrong)
SURE_WORD = 0.95


def _worth_recognising(ln: Line) -> bool:
    """Whether the recogniser should re-read ``ln``: it holds a digit (where stock
    Tesseract is weakest), a word Tesseract was unsure of (< :data:`SURE_WORD`), or
    Thai that is not all dictionary words (:func:`ocr.thai.word_quality`)."""
    from .thai import word_quality

    if _HAS_DIGIT.search(ln.text) or any(w.conf < SURE_WORD for w in ln.words):
        return True
    return word_quality(ln.text) < 0.999


def _combine_lines(img: np.ndarray, lines: list[Line], *,
                   sources: tuple[str, ...] = ("ocr",)) -> tuple[int, int]:
    """Re-read the OCR lines of ``img`` worth it (:func:`_worth_recognising`) with the
    project's recogniser and combine, in place, each word with what the recogniser
    wrote over it (:func:`ocr.combine.combine_words`: digits by the recogniser's
    confidence, letters by the dictionary); a word whose digits the recogniser wrote too
    gets its confidence in them as ``digit_conf`` when that is higher than the digit
    classifier's. Only lines of ``sources`` are read (stamps and marks are left as read;
    a scanner's text layer is passed as ``"text_layer"``). Returns
    ``(spans taken from the recogniser, spans that disagreed)``; (0, 0) without the model."""
    from .combine import combine_words

    taken = spans = 0
    for ln in lines:
        if ln.source not in sources or not _worth_recognising(ln):
            continue
        rd = _recognise_line(img, ln)
        if rd is None:
            continue
        support: list[float | None] = []
        new, tk, sp = combine_words([w.text for w in ln.words], rd.text, rd.char_confidences, support)
        for w, text, sup in zip(ln.words, new, support):
            w.text = normalize(text)
            if sup is not None and sup > (w.digit_conf or 0.0):
                w.digit_conf = sup  # the recogniser read the same digits: as sure as it is
        ln.words = [w for w in ln.words if w.text] or ln.words
        ln.text = " ".join(w.text for w in ln.words)
        taken += tk
        spans += sp
    return taken, spans


#: The page images last prepared in this process, (path, kind, index, angle) → grayscale
#: image as Tesseract saw it; at most two are kept.
_PAGE_CACHE: "OrderedDict[tuple, np.ndarray]" = OrderedDict()


def _cache_put(key: tuple, img: np.ndarray) -> None:
    """Keep ``img`` as the page image of ``key``, dropping the oldest beyond two."""
    _PAGE_CACHE[key] = img
    _PAGE_CACHE.move_to_end(key)
    while len(_PAGE_CACHE) > 2:
        _PAGE_CACHE.popitem(last=False)


@dataclass
class PageRegionReader:
    """Re-reads regions of one OCR'd page (implements :class:`ocr.layout.RegionReader`).

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
        :func:`ocr.layout.widen_box`."""
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

        Returns a :class:`ocr.layout.Line` in page coordinates (with this reader), or
        None when nothing was read.
        """
        lines = self.read_lines(box, lang=lang, psm=psm, pad=10)
        words = sorted((w for ln in lines for w in ln.words), key=lambda w: w.box[0])
        if not words:
            return None
        return Line.from_words(words, page=self.index, page_size=lines[0].page_size, reader=self)

    def read_lines(self, box: Box, *, lang: str = "tha", psm: int = 6, pad: int = 0,
                   recognise: bool = True) -> list[Line]:
        """OCR ``box`` grown by ``pad`` px (a block, ``psm`` 6, by default) and return its
        lines in page coordinates, with this reader, digits re-read by the classifier,
        specks dropped and (unless not ``recognise``) combined with the project's line
        recogniser (:func:`_combine_lines`); [] when nothing was read."""
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
        if recognise:
            _combine_lines(img, lines)
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


# --------------------------------------------------------------------------- mark bands

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
