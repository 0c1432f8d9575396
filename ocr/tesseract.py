"""Tesseract, run once per page, turned into positioned lines of words.

One call of the ``tesseract`` program per page (through ``pytesseract.run_tesseract``)
writes three outputs from the same recognition: TSV (words with boxes, confidences and
block/paragraph/line numbers), plain text, and a text-only PDF page (invisible text,
``textonly_pdf=1``) that :mod:`ocr.pipeline` lays over the original page to make the
searchable PDF.

Why the plain text too: with the ``tha`` model Tesseract's TSV "words" are glyph
clusters (``ศา``, ``ล``, ``า`` …) with no record of where the spaces were; the plain
text has the spaces. :func:`build_lines` walks both in step to know which TSV words
are separated by a space, so a :class:`ocr.layout.Word` is one space-delimited token.

Environment: Tesseract's OpenMP threads make one page 3–4× *slower* on a busy 2-core
machine, so :func:`run_page` sets ``OMP_THREAD_LIMIT=1`` in this process's environment
(unless already set); parallelism comes from reading pages in separate processes.
"""

from __future__ import annotations

import csv
import io
import os
import statistics
import tempfile
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from .errors import ReadError
from .layout import Line, Word
from .thai import normalize

__all__ = ["TessWord", "TessPage", "run_page", "run_region", "build_lines", "tesseract_available"]


@dataclass
class TessWord:
    """One TSV word (level 5 row) of Tesseract.

    Attributes:
        text: recognised text (normalised with :func:`ocr.thai.normalize`).
        box: (left, top, right, bottom) in pixels of the image given to Tesseract.
        conf: confidence 0..1 (Tesseract's 0–100 divided by 100).
        key: (block, paragraph, line) numbers.
        space_before: True when the plain-text output has a space before this word
            (False for the first word of a line).
        row: index of this word's row in :attr:`TessPage.data`.
        digit_conf: the digit classifier's lowest probability for this word's digits,
            when it re-read them.
    """

    text: str
    box: tuple[int, int, int, int]
    conf: float
    key: tuple[int, int, int]
    space_before: bool = False
    row: int = -1
    digit_conf: float | None = None


@dataclass
class TessPage:
    """The result of one Tesseract run on one page image.

    Attributes:
        words: TSV words in reading order.
        text: the plain-text output (normalised).
        pdf: the text-only PDF page (bytes) when requested, else None.
        mean_conf: mean word confidence 0..1 weighted by word length (0 with no words).
        data: the TSV as a dict of columns like ``pytesseract.image_to_data(...,
            output_type=Output.DICT)`` (all levels), for :func:`ocr.digits.reread_tesseract_data`.
    """

    words: list[TessWord]
    text: str
    pdf: bytes | None = None
    mean_conf: float = 0.0
    data: dict = field(default_factory=dict)


def tesseract_available() -> bool:
    """True when the ``tesseract`` program can be run."""
    import pytesseract

    try:
        pytesseract.get_tesseract_version()
        return True
    except Exception:
        return False


_TSV_INT = ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
            "left", "top", "width", "height")


def _parse_tsv(tsv: str) -> tuple[list[TessWord], dict]:
    """Words (level-5 rows with text) and all rows as a dict of columns."""
    words: list[TessWord] = []
    data: dict = {k: [] for k in _TSV_INT + ("conf", "text")}
    reader = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if not header:
        return words, data
    for row in reader:
        if len(row) < 11:
            continue
        if len(row) == 11:
            row = row + [""]
        try:
            ints = [int(v) for v in row[:10]]
            conf_raw = float(row[10])
        except ValueError:
            continue
        text = normalize(row[11]).strip()
        idx = len(data["text"])
        for k, v in zip(_TSV_INT, ints):
            data[k].append(v)
        data["conf"].append(conf_raw)
        data["text"].append(text)
        if ints[0] != 5 or not text:
            continue
        left, top, w, h = ints[6:10]
        words.append(TessWord(text=text, box=(left, top, left + w, top + h),
                              conf=max(0.0, conf_raw) / 100.0,
                              key=(ints[2], ints[3], ints[4]), row=idx))
    return words, data


def _mark_spaces(words: list[TessWord], text: str) -> None:
    """Set ``space_before`` by walking the words through the plain text in step.

    When a word cannot be found where expected (the two outputs disagree), the space
    decision for the rest of that line falls back to the gap between boxes
    (gap > 0.45 × the line's median word height).
    """
    pos = 0
    n = len(text)
    prev_key = None
    lost_key = None
    for i, w in enumerate(words):
        new_line = w.key != prev_key
        prev_key = w.key
        j = pos
        saw_space = False
        while j < n and text[j].isspace():
            saw_space = True
            j += 1
        if lost_key != w.key and text.startswith(w.text, j):
            w.space_before = saw_space and not new_line
            pos = j + len(w.text)
            lost_key = None
            continue
        # try to resynchronise: search ahead a little
        k = text.find(w.text, j, j + 200)
        if k >= 0 and lost_key != w.key:
            w.space_before = (not new_line) and text[j:k].strip() == "" and k > j
            pos = k + len(w.text)
            continue
        lost_key = w.key
        if new_line or i == 0:
            w.space_before = False
        else:
            p = words[i - 1]
            hgt = max(1, statistics.median([x.box[3] - x.box[1] for x in words
                                             if x.key == w.key] or [1]))
            w.space_before = (w.box[0] - p.box[2]) > 0.45 * hgt


def run_page(gray: np.ndarray, *, lang: str = "tha+eng", dpi: int = 300,
             want_pdf: bool = True, psm: int = 3, timeout: float = 300) -> TessPage:
    """Run Tesseract once on a page image: TSV + text (+ text-only PDF page).

    Args:
        gray: H × W uint8 grayscale page (already deskewed).
        lang: Tesseract languages, e.g. ``"tha+eng"``.
        dpi: resolution passed to Tesseract (``--dpi``), which sets the PDF page size
            (pixels / dpi inches).
        want_pdf: also produce the invisible-text PDF page.
        psm: page segmentation mode (3 = automatic).
        timeout: seconds before Tesseract is killed.

    Returns:
        A :class:`TessPage` (words with ``space_before`` set).

    Raises:
        ReadError: Tesseract is missing, a language is not installed, it crashed or
            timed out.
    """
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    exts = ["txt"] + (["pdf"] if want_pdf else [])
    config = f"--psm {psm} --dpi {int(dpi)} -c tessedit_create_tsv=1"
    if want_pdf:
        config += " -c textonly_pdf=1"
    with tempfile.TemporaryDirectory(prefix="saraban-ocr-") as tmp:
        inp = os.path.join(tmp, "page.png")
        Image.fromarray(gray).save(inp, dpi=(dpi, dpi), compress_level=1)
        base = os.path.join(tmp, "out")
        try:
            pytesseract.pytesseract.run_tesseract(inp, base, " ".join(exts), lang, config,
                                                  timeout=timeout)
        except pytesseract.TesseractNotFoundError as exc:
            raise ReadError(detail="tesseract is not installed") from exc
        except RuntimeError as exc:  # timeout
            raise ReadError(detail=f"tesseract: {exc}") from exc
        except pytesseract.TesseractError as exc:
            raise ReadError(detail=f"tesseract: {exc}") from exc
        with open(base + ".tsv", encoding="utf-8") as fh:
            tsv = fh.read()
        with open(base + ".txt", encoding="utf-8") as fh:
            text = normalize(fh.read())
        pdf = None
        if want_pdf:
            with open(base + ".pdf", "rb") as fh:
                pdf = fh.read()
    words, data = _parse_tsv(tsv)
    _mark_spaces(words, text)
    total = sum(len(w.text) for w in words)
    mean = sum(w.conf * len(w.text) for w in words) / total if total else 0.0
    return TessPage(words=words, text=text, pdf=pdf, mean_conf=mean, data=data)


def run_region(gray: np.ndarray, *, lang: str = "tha", psm: int = 7, dpi: int = 300,
               whitelist: str | None = None, timeout: float = 60) -> tuple[str, float, list[TessWord]]:
    """OCR a small region (a line or a word) on its own.

    Args:
        gray: h × w uint8 crop (a white border is added).
        lang: languages; field repair uses ``"tha"`` alone, which stops Tesseract from
            reading Thai digits and letters as Latin (``go.`` for ``ยธ.``).
        psm: 7 = one text line, 8 = one word, 13 = raw line.
        dpi: passed to Tesseract.
        whitelist: optional ``tessedit_char_whitelist``.
        timeout: seconds.

    Returns:
        ``(text, conf, words)``: the text with spaces (normalised, stripped), the mean
        word confidence 0..1 and the words (boxes relative to the crop, border removed).

    Raises:
        ReadError: as :func:`run_page`.
    """
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    pad = 20
    img = np.pad(gray, pad, mode="constant", constant_values=255)
    config = f"--psm {psm} --dpi {int(dpi)} -c tessedit_create_tsv=1"
    if whitelist:
        config += f" -c tessedit_char_whitelist={whitelist}"
    with tempfile.TemporaryDirectory(prefix="saraban-ocr-") as tmp:
        inp = os.path.join(tmp, "region.png")
        Image.fromarray(img).save(inp, dpi=(dpi, dpi), compress_level=1)
        base = os.path.join(tmp, "out")
        try:
            pytesseract.pytesseract.run_tesseract(inp, base, "txt", lang, config, timeout=timeout)
        except pytesseract.TesseractNotFoundError as exc:
            raise ReadError(detail="tesseract is not installed") from exc
        except (RuntimeError, pytesseract.TesseractError) as exc:
            raise ReadError(detail=f"tesseract: {exc}") from exc
        with open(base + ".tsv", encoding="utf-8") as fh:
            tsv = fh.read()
        with open(base + ".txt", encoding="utf-8") as fh:
            text = normalize(fh.read())
    words, _ = _parse_tsv(tsv)
    _mark_spaces(words, text)
    for w in words:
        l, t, r, b = w.box
        w.box = (l - pad, t - pad, r - pad, b - pad)
    total = sum(len(w.text) for w in words)
    conf = sum(w.conf * len(w.text) for w in words) / total if total else 0.0
    return " ".join(text.split()), conf, words


def build_lines(words: list[TessWord], *, page: int, page_size: tuple[int, int],
                source: str = "ocr") -> list[Line]:
    """Group TSV words into :class:`ocr.layout.Line` objects of space-delimited tokens.

    Consecutive TSV words with no space between them merge into one
    :class:`ocr.layout.Word` (text concatenated, box = union, confidence = the
    minimum). Lines follow Tesseract's (block, paragraph, line) order.

    Args:
        words: TSV words with ``space_before`` set (see :func:`run_page`).
        page: 0-based page number stored on each line.
        page_size: (width, height) of the page image in pixels.
        source: ``"ocr"`` or ``"stamp"``.

    Returns:
        Lines with at least one word, in reading order.
    """
    lines: list[Line] = []
    cur_key = None
    toks: list[list[TessWord]] = []
    boxes: dict = {}
    for w in words:  # line boxes include words the digit re-read emptied
        b = boxes.get(w.key)
        boxes[w.key] = w.box if b is None else (min(b[0], w.box[0]), min(b[1], w.box[1]),
                                                max(b[2], w.box[2]), max(b[3], w.box[3]))

    def flush() -> None:
        if not toks:
            return
        out: list[Word] = []
        for group in toks:
            l = min(w.box[0] for w in group)
            t = min(w.box[1] for w in group)
            r = max(w.box[2] for w in group)
            b = max(w.box[3] for w in group)
            dcs = [w.digit_conf for w in group if w.digit_conf is not None]
            out.append(Word(text=normalize("".join(w.text for w in group)),
                            box=(l, t, r, b), conf=min(w.conf for w in group),
                            digit_conf=min(dcs) if dcs else None))
        ln = Line.from_words(out, page=page, page_size=page_size, source=source,
                             para=cur_key[0] * 1000 + cur_key[1])
        ln.box = boxes.get(cur_key, ln.box)
        lines.append(ln)

    for w in words:
        if not w.text:
            continue
        if w.key != cur_key:
            flush()
            toks = []
            cur_key = w.key
        if not toks or w.space_before:
            toks.append([w])
        else:
            toks[-1].append(w)
    flush()
    return lines
