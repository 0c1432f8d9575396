"""A PDF's own text layer: its lines, whether to trust it, and what it lacks.

A PDF page that carries text (born-digital, or a scanner's OCR) is read from its text
layer when :func:`ocr.pages.judge_text_layer` finds it good. Then:

* ``_lines_from_runs`` builds :class:`ocr.layout.Line` objects from pdfium's text runs;
* ``_latin_over_thai_ink`` refuses a layer of Latin gibberish over a Thai page (a
  scanner's OCR made without Thai), so that the page is OCR'd instead;
* ``_reconcile_layer`` checks the layer against the page's ink: words with no ink under
  them dropped, Latin junk on Thai lines re-read, ink the layer lacks read and added
  (``_echoes_layer`` keeps it from adding a word twice).

Regions are re-read through :class:`ocr.layout.RegionReader` (in practice
:class:`ocr.regions.PageRegionReader`); boxes are page-image pixels.
"""

from __future__ import annotations

import re

import numpy as np

from .errors import OcrError
from .layout import Line, RegionReader, Word
from .pages import ink_mask
from .regions import _HAS_DIGIT
from .thai import normalize

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’.,:;!?()-]*")
_THAI_LETTER = re.compile(r"[\u0e01-\u0e2e]")
#: what a comparison of readings ignores: spaces and punctuation
_SPACE_PUNCT = re.compile(r"[\s.,:;()/-]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


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


def _latin_over_thai_ink(lines: list[Line], reader: RegionReader, lang: str, *, samples: int = 3) -> bool:
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
                     reader: RegionReader, lang: str, *,
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
