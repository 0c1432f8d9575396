"""The date of a letter: day, Thai month and Buddhist-era year, found and repaired.

A date line reads ``๑๗ มิถุนายน ๒๕๖๘`` (external letter) or follows ``วันที่`` (memo);
the month may be abbreviated and split over words (``ก. ย.``). ``_date_parts`` finds the
month and the words beside it; ``_resolve_date`` turns them into a
:class:`datetime.date` (CE) with a confidence, checking that the day is valid for the
month and the BE year is plausible (2500 ≤ year ≤ this year + 1, near the other years of
the letter, ``_Ctx``) and repairing what is not: the word re-read with the digit
classifier, else the digit confusions of :mod:`ocr.numbers`. :class:`_DateMixin` finds
the document date of a letter's header for :class:`ocr.fields._Extractor`.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import date

from .labels import _label_rest, _skel, _which_label
from .layout import _COMBINING_RE, Line, Word, _reread, _with_words
from .numbers import _SLASH_NUM, _digit_candidates, _only_digits
from .thai import be_year, fold_digits, match_month


@dataclass
class _DateParts:
    """The parts of a date on a line: the words before and after its month (day and
    year, None when missing), the month (1–12), the line and its words (mixed words
    split, :func:`_split_mixed`)."""

    day_word: Word | None
    month: int
    year_word: Word | None
    year_text: str | None
    line: Line
    words: list[Word]


def _split_mixed(words: list[Word]) -> list[Word]:
    """Split words that glue digits to letters (``๒ธันวาคม``) into parts, boxes split in
    proportion to the characters."""
    out: list[Word] = []
    for w in words:
        parts = re.findall(r"[0-9๐-๙]+|[^0-9๐-๙]+", w.text)
        if len(parts) <= 1:
            out.append(w)
            continue
        lens = [max(1, len(_COMBINING_RE.sub("", p))) for p in parts]
        total = sum(lens)
        x = w.box[0]
        width = w.box[2] - w.box[0]
        for p, n in zip(parts, lens):
            x2 = x + width * n / total
            if p.strip():
                out.append(Word(text=p.strip(), box=(int(x), w.box[1], int(round(x2)), w.box[3]),
                                conf=w.conf, digit_conf=w.digit_conf))
            x = x2
    return out


def _find_month(words: list[Word]) -> tuple[int, int, int] | None:
    """(start index, end index exclusive, month) of the first month name in words;
    abbreviations split over up to three words (``ก. ย.``) are joined."""
    for i in range(len(words)):
        for span in (1, 2, 3):
            if i + span > len(words):
                break
            joined = "".join(w.text for w in words[i:i + span])
            if span > 1 and len(_skel(joined)) > 3:
                break
            m = match_month(joined)
            if m is not None and (span > 1 or len(_skel(joined)) >= 2):
                return i, i + span, m
    # OCR reads the dots of an abbreviation as marks below (ุ ู) and adds stray marks
    # (``ก.ุค.``, ``กุค``, ``กุย.`` for ก.ค. / ก.ย.): read ุ/ู as dots, drop the marks no
    # abbreviation has (all but ิ ี), and match exactly; only between a day and a year
    for i in range(len(words)):
        for span in (1, 2, 3):
            if i + span > len(words):
                break
            joined = "".join(w.text for w in words[i:i + span])
            if len(_skel(joined)) > 3 or not re.search(r"[.\u0e38\u0e39]", joined):
                continue
            cand = re.sub(r"[\u0e38\u0e39]", ".", joined)
            cand = re.sub(r"[\u0e31\u0e36\u0e37\u0e47-\u0e4e]", "", cand)
            cand = re.sub(r"\.+", ".", cand)
            if not re.fullmatch(r"[ก-ฮเ][\u0e34\u0e35]?\.?[ก-ฮ]\.?", cand):
                continue
            m = match_month(cand, max_distance=0)
            before = i >= 1 and _only_digits(words[i - 1].text) is not None
            after = i + span < len(words) and re.match(r"[0-9๐-๙]", words[i + span].text)
            if m is not None and before and after:
                return i, i + span, m
    return None


def _date_parts(line: Line, start_word: int = 0) -> _DateParts | None:
    words = _split_mixed(line.words[start_word:])
    found = _find_month(words)
    if not found:
        return None
    i, j, month = found
    day_word = words[i - 1] if i >= 1 else None
    year_word = None
    k = j
    # skip "พ.ศ." between month and year
    while k < len(words) and _skel(words[k].text) in ("พศ", "พ", "ศ"):
        k += 1
    if k < len(words):
        year_word = words[k]
    return _DateParts(day_word=day_word, month=month, year_word=year_word,
                      year_text=year_word.text if year_word else None, line=line, words=words)


class _Ctx:
    """Shared state of one extraction: today, reference years, repair notes."""

    def __init__(self, lines: list[Line], today: date | None) -> None:
        self.lines = lines
        self.today = today or date.today()
        self.now_be = be_year(self.today)
        self.years: list[int] = []  # plausible BE years seen in the letter
        for ln in lines:
            for m in re.finditer(r"(?<!\d)25\d\d(?!\d)", fold_digits(ln.text)):
                y = int(m.group())
                if 2500 <= y <= self.now_be + 1:
                    self.years.append(y)

    def ref_year(self) -> int:
        """Median of the recent plausible BE years in the letter, else this BE year."""
        recent = [y for y in self.years if y >= self.now_be - 30]
        return int(statistics.median(recent)) if recent else self.now_be


def _hybrid_month(orig: Line, alt: Line) -> Line | None:
    """The original line with its month word taken from a re-reading.

    Used when the page OCR garbled the month (``A.A.`` for ``ส.ค.``) but read the
    digits well (re-read by the classifier): the re-read month word replaces the
    original words it overlaps. None when the re-reading has no month either."""
    words = alt.words
    found = _find_month(_split_mixed(words))
    if not found:
        return None
    i, j, _ = found
    mwords = _split_mixed(words)[i:j]
    ml = min(w.box[0] for w in mwords)
    mr = max(w.box[2] for w in mwords)
    out: list[Word] = []
    placed = False
    for w in _split_mixed(orig.words):
        ov = min(w.box[2], mr) - max(w.box[0], ml)
        if ov > 0.5 * max(1, w.box[2] - w.box[0]) and not re.search(r"[0-9๐-๙]", w.text):
            if not placed:
                out.extend(mwords)
                placed = True
            continue
        out.append(w)
    if not placed:
        return None
    return _with_words(orig, out)


def _resolve_day(parts: _DateParts, ctx: _Ctx, year_ce: int | None) -> tuple[int | None, float, bool]:
    """(day, confidence, repaired)."""
    w = parts.day_word
    if w is None:
        return None, 0.0, False

    def valid(d: int) -> bool:
        if not 1 <= d <= 31:
            return False
        try:
            date(year_ce or 2000, parts.month, d)
            return True
        except ValueError:
            return False

    digits = _only_digits(w.text)
    base_conf = w.conf * (w.digit_conf if w.digit_conf is not None else 1.0)
    if digits and len(digits) <= 2 and valid(int(digits)):
        return int(digits), base_conf, False
    rr = _reread(parts.line, w, parts.words)
    if rr:
        d2 = _only_digits(rr[0])
        if d2 and len(d2) <= 2 and valid(int(d2)):
            return int(d2), 0.8 * rr[1], True
    if digits and len(digits) <= 2:
        cands = [(int(c), s) for c, s in _digit_candidates(digits, 2) if valid(int(c))]
        if cands:
            d, s = min(cands, key=lambda cs: cs[1])
            return d, 0.4, True
    return None, 0.0, False


def _resolve_year(parts: _DateParts, ctx: _Ctx) -> tuple[int | None, float, bool]:
    """(BE year, confidence, repaired)."""
    w = parts.year_word
    if w is None:
        return None, 0.0, False
    lo, hi = 2500, ctx.now_be + 1
    ref = ctx.ref_year()

    def to_be(d: str) -> int | None:
        if len(d) == 4:
            return int(d)
        if len(d) == 2:
            return 2500 + int(d)
        return None

    def plausible(y: int | None) -> bool:
        return y is not None and lo <= y <= hi

    digits = _only_digits(w.text)
    # two digits split off a longer word ("๒๕ออ" → "๒๕" + "ออ"): a damaged 4-digit
    # year, not a 2-digit one
    damaged = any(o is not w and 0 <= o.box[0] - w.box[2] <= 1 and o.box[1] == w.box[1]
                  and not re.search(r"[0-9๐-๙]", o.text) for o in parts.words)
    if digits and len(digits) == 2 and damaged:
        digits = None
    conf = w.conf * (w.digit_conf if w.digit_conf is not None else 1.0)
    y = to_be(digits) if digits else None
    trusted = w.digit_conf is not None and w.digit_conf >= 0.9
    if plausible(y) and (trusted or abs(y - ref) <= 15):
        return y, conf, False
    rr = _reread(parts.line, w, parts.words)
    if rr:
        d2 = _only_digits(rr[0])
        if d2 and len(d2) == 2 and (damaged or len(_COMBINING_RE.sub("", w.text)) >= 4):
            d2 = None  # "๒๕ออ": the re-read lost two glyphs; not a 2-digit year
        y2 = to_be(d2) if d2 else None
        if plausible(y2) and (rr[1] >= 0.9 or abs(y2 - ref) <= 15):
            return y2, 0.8 * rr[1], True
        if d2 and not digits:
            digits = d2
    variants: list[tuple[str, int]] = []
    if digits and len(digits) in (2, 4):
        variants = [(digits, 0)]
    elif digits and len(digits) == 5:
        # one glyph split in two or a stray mark read as a digit: drop one digit
        variants = [(digits[:k] + digits[k + 1:], 1) for k in range(5)]
    if variants:
        cands = []
        for v, extra in variants:
            for c, s in _digit_candidates(v, 3):
                yc = to_be(c)
                if plausible(yc):
                    cands.append(((s + extra) * 4 + abs(yc - ref) / 5.0, yc))
        if cands:
            _, yb = min(cands)
            return yb, 0.35, True
    if plausible(y):
        return y, conf * 0.5, False
    return None, 0.0, False


def _resolve_date(parts: _DateParts, ctx: _Ctx) -> tuple[date | None, float, bool]:
    y, yconf, yrep = _resolve_year(parts, ctx)
    if y is None:
        return None, 0.0, False
    d, dconf, drep = _resolve_day(parts, ctx, y - 543)
    if d is None:
        return None, 0.0, False
    try:
        dt = date(y - 543, parts.month, d)
    except ValueError:
        return None, 0.0, False
    return dt, min(yconf, dconf), yrep or drep


# ----------------------------------------------------------------- a letter's date

class _DateMixin:
    """The document date of a letter's header, for :class:`ocr.fields._Extractor`.

    Uses the host's ``header``, ``ctx`` (a :class:`_Ctx`) and ``alt(line)`` (the line
    re-read alone in Thai, or None), and writes ``fields`` and ``conf``.
    """

    header: list[Line]
    ctx: _Ctx
    fields: dict
    conf: dict[str, float]

    def _date_in(self, ln: Line, memo_label: bool) -> tuple[date | None, float, bool]:
        start = 0
        if memo_label:
            for wi, w in enumerate(ln.words):
                if _label_rest(w.text, "วันที่") is not None or _skel(w.text) in ("วนท", "วนที"):
                    start = wi + 1
                    break
            else:
                return None, 0.0, False
        parts = _date_parts(ln, start)
        if not parts:
            return None, 0.0, False
        return _resolve_date(parts, self.ctx)

    def date(self) -> None:
        """document_date: the "วันที่" value of a memo, or the date line of an external
        letter (a header line made of day, month, year); implausible days/years are
        re-read from the image or repaired (see the module docstring)."""
        candidates: list[tuple[int, Line]] = []  # (priority, line)
        for ln in self.header:
            if _which_label(ln.text) in ("subject", "addressee"):
                break
            if any(_label_rest(w.text, "วันที่") is not None or _skel(w.text) in ("วนท", "วนที")
                   for w in ln.words):
                candidates.append((0, ln))
            elif _date_parts(ln) is not None and _date_parts(ln).day_word is not None and \
                    _date_parts(ln).year_word is not None:
                candidates.append((1, ln))
            elif len(ln.words) <= 6 and _SLASH_NUM.search(fold_digits(ln.text)) is None and \
                    re.search(r"[0-9๐-๙]{2,}\s*$", ln.text) and ln.reader is not None:
                candidates.append((2, ln))  # a date whose month OCR lost: try re-reading
        best: tuple[float, date | None, bool] = (0.0, None, False)
        for prio, ln in sorted(candidates, key=lambda c: c[0]):
            dt, conf, repaired = self._date_in(ln, prio == 0)
            if dt is None or repaired or conf < 0.6:
                alt = self.alt(ln)
                hybrid = _hybrid_month(ln, alt) if alt is not None else None
                if hybrid is not None:
                    dt2, c2, r2 = self._date_in(hybrid, prio == 0)
                    if dt2 is not None and (dt is None or (c2 * (0.7 if r2 else 1)) > conf * (0.7 if repaired else 1)):
                        dt, conf, repaired = dt2, c2, r2
                if alt is not None and (dt is None or repaired or conf < 0.6):
                    dt2, c2, r2 = self._date_in(alt, prio == 0 and any(
                        _label_rest(w.text, "วันที่") is not None for w in alt.words))
                    if dt2 is None and prio == 0:
                        dt2, c2, r2 = self._date_in(alt, False)
                    c2 *= 0.9
                    if dt2 is not None and (dt is None or (c2 * (0.7 if r2 else 1)) > conf * (0.7 if repaired else 1)):
                        dt, conf, repaired = dt2, c2, r2
            if dt is not None:
                c = conf * (0.7 if repaired else 1.0)
                if c > best[0]:
                    best = (c, dt, repaired)
                if c >= 0.6:
                    break
        if best[1] is not None:
            self.fields["document_date"] = best[1].isoformat()
            self.conf["document_date"] = best[0]
