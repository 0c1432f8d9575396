"""The shapes every reader of a page shares: boxes, words, lines, and region re-reading.

* :data:`Box` — ``(left, top, right, bottom)`` in integer pixels of the page image,
  origin at the top-left corner, ``right`` and ``bottom`` exclusive. The page image is
  the page at 300 dpi (:data:`ocr.preflight.RENDER_DPI`: PDF pages rendered, scans
  below it upscaled; a scan finer than that keeps its own resolution); for OCR lines,
  as Tesseract saw it (deskewed, maybe turned upright), which is the image a
  :class:`RegionReader` reads again.
* :class:`Word` — one space-delimited token: normalised text, its box, Tesseract's
  confidence 0..1 and, when the digit classifier re-read its digits, that confidence.
* :class:`Line` — one text line of a page: its words left to right, their union box,
  the page number (0-based) and the page image size ``(width, height)`` in pixels, the
  source (``"ocr"``, ``"text_layer"``, ``"stamp"`` for OCR of a red region, ``"mark"`` for
  a re-read of a page's top or bottom band), and a :class:`RegionReader` that can read
  regions of the same page image again.
* :class:`RegionReader` — what the field extractors may ask of the page they read
  (implemented by :class:`ocr.regions.PageRegionReader`); a protocol, so that
  :mod:`ocr.fields` and its helpers never import the OCR machinery.

Plus small geometry helpers on these shapes (:func:`widen_box`, ``_union``) and the
re-read of one word as digits (``_reread``). No OCR, no image here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol, Sequence

from .thai import normalize

__all__ = ["Box", "Word", "Line", "RegionReader", "widen_box"]

Box = tuple[int, int, int, int]
"""(left, top, right, bottom) in pixels of the 300-dpi page image, origin top-left."""

#: Thai combining characters (above and below vowels, tone marks, thanthakhat…): what
#: a glyph count or a consonant skeleton leaves out.
_COMBINING_RE = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


class RegionReader(Protocol):
    """Re-reads a region of the page a line came from (implemented by
    :class:`ocr.regions.PageRegionReader`). Boxes are in the page image's pixels (see
    :data:`Box`); a reader may raise :class:`ocr.errors.OcrError` (callers treat a
    failing re-read as none)."""

    def read_digits(self, box: Box) -> tuple[str, float]:
        """Read ``box`` as digits/separators only: ``(text, confidence 0..1)``."""
        ...

    def read_text(self, box: Box, *, lang: str = "tha", psm: int = 7) -> tuple[str, float]:
        """OCR ``box`` alone (digits re-read by the classifier): ``(text, conf 0..1)``."""
        ...

    def read_line(self, box: Box, *, lang: str = "tha", psm: int = 7) -> "Line | None":
        """OCR ``box`` alone as one line (page coordinates), or None."""
        ...


@dataclass
class Word:
    """A space-delimited token with its box and confidence.

    Attributes:
        text: normalised text.
        box: (left, top, right, bottom), 300-dpi page pixels.
        conf: OCR confidence 0..1 (1.0 for text-layer words).
        digit_conf: minimum confidence of the digit classifier when it re-read the
            digits of this word, else None.
    """

    text: str
    box: Box
    conf: float = 1.0
    digit_conf: float | None = None


@dataclass
class Line:
    """One text line of a page.

    Attributes:
        text: the words joined by single spaces (normalised).
        box: union of the word boxes.
        words: the tokens, left to right.
        page: 0-based page number.
        page_size: (width, height) of the page image in pixels.
        conf: mean word confidence 0..1.
        source: ``"ocr"``, ``"text_layer"``, ``"stamp"`` (OCR of a red region) or
            ``"mark"`` (a re-read of a page's top or bottom band).
        red: the line was printed in red (stamp ink).
        reader: re-reads regions of this line's page, or None (text layer, tests).
        para: paragraph number within the page (lines of one paragraph share it).
    """

    text: str
    box: Box
    words: list[Word] = field(default_factory=list)
    page: int = 0
    page_size: tuple[int, int] = (2480, 3508)
    conf: float = 1.0
    source: str = "ocr"
    red: bool = False
    reader: RegionReader | None = None
    para: int = 0

    @classmethod
    def from_words(cls, words: list[Word], *, page: int = 0,
                   page_size: tuple[int, int] = (2480, 3508), source: str = "ocr",
                   red: bool = False, reader: RegionReader | None = None,
                   para: int = 0) -> "Line":
        """Build a line from its words (text, box and confidence derived from them)."""
        box = (min(w.box[0] for w in words), min(w.box[1] for w in words),
               max(w.box[2] for w in words), max(w.box[3] for w in words))
        total = sum(len(w.text) for w in words) or 1
        conf = sum(w.conf * len(w.text) for w in words) / total
        return cls(text=" ".join(w.text for w in words), box=box, words=list(words),
                   page=page, page_size=page_size, conf=conf, source=source, red=red,
                   reader=reader, para=para)

    @classmethod
    def from_text(cls, text: str, *, top: int = 0, left: int = 300, height: int = 60,
                  page: int = 0, page_size: tuple[int, int] = (2480, 3508),
                  char_width: int = 28, conf: float = 0.95, source: str = "text_layer",
                  red: bool = False) -> "Line":
        """A line from plain text with synthetic boxes (for text layers and tests).

        Words are split on whitespace; each gets ``char_width`` px per character and a
        one-character gap.
        """
        words: list[Word] = []
        x = left
        for tok in normalize(text).split():
            w = max(1, len(_COMBINING_RE.sub("", tok))) * char_width
            words.append(Word(text=tok, box=(x, top, x + w, top + height), conf=conf))
            x += w + char_width
        if not words:
            words = [Word(text="", box=(left, top, left + 1, top + height), conf=conf)]
        return cls.from_words(words, page=page, page_size=page_size, source=source, red=red)

    @property
    def height(self) -> int:
        """Box height in pixels."""
        return self.box[3] - self.box[1]

    @property
    def cx(self) -> float:
        """Horizontal centre as a fraction of the page width (0 = left edge)."""
        return (self.box[0] + self.box[2]) / 2 / max(1, self.page_size[0])

    @property
    def cy(self) -> float:
        """Vertical centre as a fraction of the page height (0 = top edge)."""
        return (self.box[1] + self.box[3]) / 2 / max(1, self.page_size[1])


def widen_box(words: Sequence[Word], i: int, page_width: int) -> Box:
    """The box of ``words[i]`` widened sideways by up to half its height, without
    reaching into its neighbours' boxes (Tesseract's boxes of Thai digits often clip
    the first or last glyph)."""
    l, t, r, b = words[i].box
    h = max(1, b - t)
    left_lim = words[i - 1].box[2] + 2 if i > 0 else 0
    right_lim = words[i + 1].box[0] - 2 if i + 1 < len(words) else page_width
    l2 = max(left_lim, l - h // 2) if left_lim < l else l
    r2 = min(right_lim, r + h // 2) if right_lim > r else r
    return (max(0, l2), t, min(page_width, r2), b)


def _union(boxes: Sequence[Box]) -> Box:
    """The smallest box holding every box of ``boxes`` (at least one)."""
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _with_words(orig: Line, words: list[Word]) -> Line:
    """A line like ``orig`` (page, source, reader, paragraph) made of ``words``, left to right."""
    return Line.from_words(sorted(words, key=lambda w: w.box[0]), page=orig.page, page_size=orig.page_size,
                           source=orig.source, reader=orig.reader, para=orig.para)


def _words_conf(words: Sequence[Word]) -> float:
    """Confidence 0..1 of a run of words: their OCR confidence weighted by length,
    times the lowest digit-classifier confidence among them (0.0 for no words)."""
    if not words:
        return 0.0
    total = sum(max(1, len(w.text)) for w in words)
    c = sum(w.conf * max(1, len(w.text)) for w in words) / total
    dc = [w.digit_conf for w in words if w.digit_conf is not None]
    if dc:
        c *= min(dc)
    return max(0.0, min(1.0, c))


def _reread(line: Line, word: Word | None, words: Sequence[Word] | None = None) -> tuple[str, float] | None:
    """Re-read ``word`` of ``line`` as digits (None without a reader or on failure)."""
    if word is None or line.reader is None:
        return None
    box = word.box
    if words is not None:
        for i, w in enumerate(words):
            if w is word:
                box = widen_box(words, i, line.page_size[0])
                break
    # span the whole line's height: Tesseract's boxes of digits are often too short
    box = (box[0], min(box[1], line.box[1]), box[2], max(box[3], line.box[3]))
    try:
        return line.reader.read_digits(box)
    except Exception:
        return None
