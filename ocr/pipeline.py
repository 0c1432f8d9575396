"""``ocr.read``: preflight, per-page reading in parallel, fields, searchable PDF.

For each page (in a process pool sized to the cores; serially for one page):

1. PDF pages: take the page's own text layer (sara-am mojibake repaired,
   :func:`ocr.pages.repair_sara_am`) when :func:`ocr.pages.judge_text_layer` says it
   is good, then check it against the page's ink (:mod:`ocr.textlayer`: invisible
   words dropped, Latin junk re-read, uncovered ink read); otherwise, and for images,
   OCR.
2. OCR: render at 300 dpi (pdfium) or decode the image, grayscale, deskew (±5°),
   whiten dotted leaders and rules (:func:`ocr.pages.remove_leaders_and_rules`), run
   Tesseract once (TSV + text + invisible-text PDF page), rebuild lines of
   space-delimited words, re-read every word holding digits with the digit
   classifier (:func:`ocr.digits.reread_digits`, through :mod:`ocr.regions`) on its
   crop of the page image,
   merge fragments Tesseract split off (:func:`_merge_fragments`), repair the marks of
   unsure words (:func:`_repair_low_confidence`), normalise the Thai
   (:func:`ocr.thai.normalize`). A page that reads as nonsense is checked with
   Tesseract's orientation detection (OSD) and re-read turned by 90/180/270° when OSD
   is confident.
3. Red stamps: on colour pages, red ink (HSV mask) is grouped into regions, each OCR'd
   alone (Thai, :func:`ocr.regions.find_red_regions`); they become ``source="stamp"``
   lines for urgency/secrecy, and join the page text where they stand
   (:func:`_with_stamps`). The top and bottom bands where marks stand are re-read
   when they hold ink the reading skipped (``source="mark"`` lines, fields only).

Then :func:`ocr.fields.review_fields` runs on all lines, and the searchable PDF is
assembled with pypdf (:mod:`ocr.searchable`): each original page (PDF pages copied as
they are, images embedded at their own resolution) with the invisible OCR text laid
over it. The original file is never modified.

This module keeps the orchestration: :func:`read`, :func:`read_line`, the page
reading (``_read_page``) and the results (:class:`Reading`, :class:`PageReading`).
Names that moved out (``PageRegionReader``, ``find_red_regions``, ``MARK_BANDS``) are
still importable from here.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from .errors import OcrError, ReadError
from .fields import FIELD_NAMES, review_fields
from .layout import Line
from .pages import (PageImage, deskew_angle, ink_mask, judge_text_layer, load_page,
                    pdf_layer_is_scanners, pdf_page_text, remove_leaders_and_rules, rotate, to_gray)
from .preflight import RENDER_DPI, preflight
from .regions import (PageRegionReader, _cache_put, _combine_lines, _drop_specks, _read_mark_bands,
                      _read_stamps, _red_mask, _reread_page_digits, _reread_words)
from .searchable import _assemble_pdf, _text_overlay
from .textlayer import _THAI_LETTER, _latin_over_thai_ink, _lines_from_runs, _reconcile_layer
from .thai import normalize, repair_marks, word_quality

# Names that moved to ocr.regions and are still importable from here, as they were
# before the split (``PageRegionReader`` is imported above; ``find_red_regions`` stays in
# ``__all__``).
from .regions import MARK_BANDS, find_red_regions  # noqa: E402,F401

__all__ = ["PageReading", "Reading", "read", "read_line", "PAGE_SEPARATOR", "find_red_regions"]

#: Separator between pages in :attr:`Reading.text`: a form feed on its own line, so
#: ``text.split(PAGE_SEPARATOR)`` gives the pages back and plain-text tools see a page
#: break.
PAGE_SEPARATOR = "\n\f\n"


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
        confident: (property) per field name, whether the reading may be shown as
            sure of it: calibrated so that at least 98% of confident fields are right,
            never a number or a date, an empty field or one a person must check
            (:func:`ocr.calibration.confident_fields`).
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

    @property
    def confident(self) -> dict[str, bool]:
        """Per field name, whether it may be shown as sure (see the class docstring)."""
        from .calibration import confident_fields

        return confident_fields({k: self.fields.get(k) for k in FIELD_NAMES}, self.field_confidence,
                                self.needs_review)

    def to_dict(self) -> dict:
        """The JSON object printed by ``python -m ocr``::

            {"text": str, "pages": [{"text", "confidence", "source"}],
             "fields": {every name of FIELD_NAMES: value or null},
             "field_confidence": {name: 0..1},
             "needs_review": [field names a person must check],
             "confident": {name: bool}}
        """
        return {
            "text": self.text,
            "pages": [{"text": p.text, "confidence": round(float(p.confidence), 3),
                       "source": p.source} for p in self.pages],
            "fields": {k: self.fields.get(k) for k in FIELD_NAMES},
            "field_confidence": {k: round(float(self.field_confidence.get(k, 0.0)), 3)
                                 for k in FIELD_NAMES},
            "needs_review": list(self.needs_review),
            "confident": self.confident,
        }


# --------------------------------------------------------------------------- one line


def read_line(path: str | os.PathLike[str], *, languages: str = "tha") -> tuple[str, float]:
    """Read an image holding one line of text (a cut-out header line, a table cell).

    The whole image is read as a single line (Tesseract ``--psm 7``), Thai only by
    default so that Tesseract cannot answer in Latin letters, with its digits re-read by
    the digit classifier, combined with the project's line recogniser
    (:mod:`ocr.combine`) and the same normalisation as :func:`read`. Returns
    ``(text, confidence 0..1)``; ``("", 0.0)`` when nothing was read. Raises
    :class:`ocr.errors.InputError` subclasses for files :func:`ocr.preflight` refuses
    (a PDF is refused too: it is not a line image).
    """
    detail = read_line_detail(path, languages=languages)
    return detail.text, detail.confidence


@dataclass
class LineDetail:
    """What :func:`read_line_detail` found on a line image: the combined ``text`` and its
    ``confidence`` (0..1), ``tesseract``'s text (digits re-read), the ``recogniser``'s
    own text (None without its model), and how many disagreeing spans there were
    (``spans``) and were ``taken`` from the recogniser."""

    text: str
    confidence: float
    tesseract: str
    recogniser: str | None
    taken: int
    spans: int


def read_line_detail(path: str | os.PathLike[str], *, languages: str = "tha") -> LineDetail:
    """:func:`read_line`, with each reader's own text (for the benchmark and for
    diagnosis). Raises as :func:`read_line` does."""
    from .combine import combine_words
    from .recogniser import load_recogniser

    info = preflight(path)
    if info.kind == "pdf":
        from .errors import UnsupportedType

        raise UnsupportedType(detail="read_line takes an image of one line, not a PDF")
    reader = PageRegionReader(path=str(path), kind=info.kind, index=0, angle=0.0)
    height, width = reader._image().shape[:2]
    lines = reader.read_lines((0, 0, width, height), lang=languages, psm=7, pad=10, recognise=False)
    words = sorted((w for ln in lines for w in ln.words), key=lambda w: w.box[0])
    tess = normalize(" ".join(w.text for w in words))
    model = load_recogniser()
    # the recogniser reads the image as it is (it learnt lines with their dotted leaders)
    rd = model.read(to_gray(load_page(str(path), info.kind, 0).rgb)) if model is not None else None
    taken = spans = 0
    if rd is not None and words:
        support: list[float | None] = []
        new, taken, spans = combine_words([w.text for w in words], rd.text, rd.char_confidences, support)
        for w, text, sup in zip(words, new, support):
            w.text = text
            if sup is not None and sup > (w.digit_conf or 0.0):
                w.digit_conf = sup
        words = [w for w in words if w.text] or words
    elif rd is not None and rd.confidence >= 0.9:
        return LineDetail(normalize(rd.text), rd.confidence, "", rd.text, 1, 1)
    if not words:
        return LineDetail("", 0.0, "", rd.text if rd else None, 0, 0)
    ln = Line.from_words(words, page=0, page_size=(width, height))
    dc = [w.digit_conf for w in words if w.digit_conf is not None]
    return LineDetail(normalize(ln.text), ln.conf * (min(dc) if dc else 1.0), tess,
                      rd.text if rd is not None else None, taken, spans)


# --------------------------------------------------------------------------- page text

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


def _lines_text(lines: list[Line]) -> str:
    out: list[str] = []
    prev = None
    for ln in lines:
        if prev is not None and ln.para != prev:
            out.append("")
        out.append(ln.text)
        prev = ln.para
    return "\n".join(out).strip()


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
        if pdf_layer_is_scanners(path, index):
            # a scanner's OCR is OCR too: its lines are read again by the recogniser
            taken, _ = _combine_lines(plain, lines, sources=("text_layer", "ocr"))
            changed = changed or taken > 0
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
    plain = rotate(gray, angle)  # as scanned: the line recogniser learnt lines with their leaders
    g = remove_leaders_and_rules(plain, dpi=page.dpi)
    tp, lines = _ocr(g, page.dpi, lang, want_pdf, index)
    quality = word_quality(tp.text)
    if tp.mean_conf < 0.6 and quality < 0.5:
        turn = _osd_rotation(g)
        if turn:
            g2 = rotate(g, turn)
            tp2, lines2 = _ocr(g2, page.dpi, lang, want_pdf, index)
            if word_quality(tp2.text) > quality:
                g, tp, lines, angle = g2, tp2, lines2, (angle + turn) % 360
                plain = rotate(plain, turn)
    _cache_put((path, kind, index, angle), g)
    words = [w for ln in lines for w in ln.words]
    reader = PageRegionReader(path=path, kind=kind, index=index, angle=angle)
    lines = _merge_fragments(lines, reader, lang)
    for ln in lines:
        ln.text = " ".join(w.text for w in ln.words)
        ln.reader = reader
    _combine_lines(plain, lines)
    del plain
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
