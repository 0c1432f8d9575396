"""Thai text helpers: Unicode normalisation, digits, document numbers and dates.

These are pure functions with no heavy imports (PyThaiNLP is imported lazily by
:func:`word_quality` only), so the Django side can import them cheaply::

    from ocr.thai import normalize, fold_digits, canonical_number, parse_thai_date

Rules and their sources:

* Document numbers and their canonical form, Buddhist-Era dates, full and abbreviated
  month names: ``shared/spec/DOMAIN.md`` §1 ("Numbers and dates"), after the PM's Office
  Regulation on Correspondence B.E. 2526.
* Unicode order of Thai marks (consonant, then above/below vowel, then tone mark):
  the Unicode Standard, chapter 16.3 (Thai), and the TIS-620 / WTT 2.0 input rules.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

__all__ = [
    "THAI_DIGITS",
    "MONTHS_FULL",
    "MONTHS_ABBR",
    "normalize",
    "fold_digits",
    "to_thai_digits",
    "canonical_number",
    "parse_thai_date",
    "find_thai_dates",
    "format_thai_date",
    "match_month",
    "be_year",
    "word_quality",
    "repair_marks",
    "join_split_words",
]

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_FOLD = str.maketrans(THAI_DIGITS, "0123456789")
_UNFOLD = str.maketrans("0123456789", THAI_DIGITS)

#: Full month names, index 0 = January (มกราคม).
MONTHS_FULL = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
#: Abbreviated month names as printed (with dots), index 0 = January (ม.ค.).
MONTHS_ABBR = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_TONES = "\u0e48\u0e49\u0e4a\u0e4b"            # ่ ้ ๊ ๋
_ABOVE_BELOW = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47"  # ั ิ ี ึ ื ุ ู ฺ ็
_COMBINING = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"  # for a character class
_NIKHAHIT = "\u0e4d"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SARA_AA = "\u0e32"
_SARA_AM = "\u0e33"


def normalize(text: str) -> str:
    """Normalise Thai text as produced by OCR engines and PDF text layers.

    Steps, in order:

    0. control characters other than tab, newline and carriage return become spaces
       (a NUL from a broken text layer or a form must not reach a database);
    1. strip zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen);
    2. drop spaces and tabs that stand before a Thai combining mark, and a mark
       standing alone between spaces is glued to both neighbours (PDF text layers and
       OCR engines sometimes split ``ตั ้ ง`` into separate "words");
    3. put the marks on a consonant in Unicode order: above/below vowel first, then the
       tone mark or thanthakhat (``ก่ี`` → ``กี่``); repeated identical marks collapse;
    4. compose the decomposed sara am: nikhahit + sara aa (``ํา``, also with a tone mark
       between or before, ``น้ํา`` / ``นํ้า``) → ``ำ`` with the tone first (``น้ำ``);
       a tone mark written after sara am moves before it;
    5. two sara e (``เเ``) → sara ae (``แ``);
    6. Unicode NFC.

    Args:
        text: any string (may be empty; newlines are kept).

    Returns:
        The normalised string. Idempotent: ``normalize(normalize(t)) == normalize(t)``.
    """
    if not text:
        return ""
    t = _CONTROL.sub(" ", text).translate(_ZERO_WIDTH)
    t = re.sub(rf"[ \t]+([{_COMBINING}]+)[ \t]+(?=[\u0e01-\u0e2e])", r"\1", t)
    t = re.sub(rf"[ \t]+(?=[{_COMBINING}])", "", t)
    # decomposed sara am, with an optional tone mark inside or before
    t = re.sub(rf"{_NIKHAHIT}([{_TONES}]?){_SARA_AA}", rf"\1{_SARA_AM}", t)
    t = re.sub(rf"([{_TONES}]){_NIKHAHIT}{_SARA_AA}", rf"\1{_SARA_AM}", t)
    t = re.sub(rf"{_SARA_AM}([{_TONES}])", rf"\1{_SARA_AM}", t)
    # tone / thanthakhat before an above/below vowel -> swap
    t = re.sub(rf"([{_TONES}\u0e4c])([{_ABOVE_BELOW}])", r"\2\1", t)
    # collapse repeated identical marks
    t = re.sub(rf"([{_COMBINING}])\1+", r"\1", t)
    t = t.replace("\u0e40\u0e40", "\u0e41")
    return unicodedata.normalize("NFC", t)


def fold_digits(text: str) -> str:
    """Replace Thai digits ๐–๙ by Arabic digits 0–9; everything else is unchanged.

    Source: DOMAIN.md §1 — the same number must compare equal in either script.
    """
    return text.translate(_FOLD)


def to_thai_digits(text: str) -> str:
    """Replace Arabic digits 0–9 by Thai digits ๐–๙; everything else is unchanged."""
    return text.translate(_UNFOLD)


def canonical_number(number: str) -> str:
    """Canonical form of a document number, used for every comparison and search.

    Thai digits folded to Arabic, all whitespace and dots removed, NFC-normalised
    (DOMAIN.md §1 "Canonical form"): ``"ยธ.๐๓๐๓/ว ๑๐๐"`` → ``"ยธ0303/ว100"``,
    ``"ยธ ๐๓๐๓/ ก ๖"`` → ``"ยธ0303/ก6"``.

    Args:
        number: the number as printed (may be empty).

    Returns:
        The canonical string (empty for an empty input). Never raises.
    """
    t = normalize(number or "")
    t = fold_digits(t)
    return re.sub(r"[\s.]+", "", t)


# ---------------------------------------------------------------------------------
# dates

def _abbr_pattern(abbr: str) -> str:
    letters = [c for c in abbr if c != "."]
    # letters of the abbreviation with optional dot and space after each
    return r"\s?".join(re.escape(c) + r"\.?" for c in letters)


_MONTH_ALTS: list[tuple[str, int]] = []
for _i, _name in enumerate(MONTHS_FULL):
    _MONTH_ALTS.append((re.escape(_name), _i + 1))
for _i, _abbr in enumerate(MONTHS_ABBR):
    _MONTH_ALTS.append((_abbr_pattern(_abbr), _i + 1))
# longest patterns first so that a full name wins over an abbreviation prefix
_MONTH_ALTS.sort(key=lambda p: -len(p[0]))
_MONTH_GROUP = "|".join(f"(?:{p})" for p, _ in _MONTH_ALTS)
_MONTH_RES = [(re.compile(p), m) for p, m in _MONTH_ALTS]

_D = r"[0-9๐-๙]"
_DATE_RE = re.compile(
    rf"(?<![0-9๐-๙])(?P<day>{_D}{{1,2}})\s*(?P<month>{_MONTH_GROUP})\s*"
    rf"(?:พ\s?\.\s?ศ\s?\.?\s*)?(?P<year>{_D}{{4}}|{_D}{{2}})(?![0-9๐-๙])"
)


def be_year(d: date | None = None) -> int:
    """Buddhist-Era year of a date (CE + 543); of today when ``d`` is None."""
    return (d or date.today()).year + 543


def _month_number(token: str) -> int | None:
    for rx, m in _MONTH_RES:
        if rx.fullmatch(token):
            return m
    return None


def _year_to_ce(raw: str, today: date) -> int | None:
    y = int(fold_digits(raw))
    if len(raw) == 2:
        # two-digit BE year: the century that puts it nearest to today, not far ahead
        now_be = be_year(today)
        cands = [c * 100 + y for c in range(24, 27)]
        cands = [c for c in cands if c <= now_be + 10] or cands
        y = min(cands, key=lambda c: abs(c - now_be))
        return y - 543
    if y >= 2400:
        return y - 543
    if 1800 <= y <= 2300:
        return y  # a CE year printed in a Thai letter (rare, e.g. English parts)
    return None


def find_thai_dates(text: str, *, today: date | None = None) -> list[tuple[date, int, int]]:
    """Every valid date in ``text``, in order of appearance.

    Recognises ``day month year`` with the day 1–2 digits, the month full
    (``ตุลาคม``) or abbreviated with or without dots (``ต.ค.``, ``ต.ค``), an optional
    ``พ.ศ.`` before the year, the year as 4-digit BE, 2-digit BE (``๖๒`` → 2562,
    the century nearest ``today``) or 4-digit CE (1800–2300), in Thai or Arabic digits.
    Impossible dates (31 April, day 0) are skipped.

    Args:
        text: the text to search (normalised or not).
        today: reference date for 2-digit years; defaults to ``date.today()``.

    Returns:
        A list of ``(date, start, end)`` with the match's character offsets in ``text``.
    """
    today = today or date.today()
    out: list[tuple[date, int, int]] = []
    for m in _DATE_RE.finditer(text):
        month = _month_number(m.group("month").strip())
        if month is None:
            continue
        year = _year_to_ce(m.group("year"), today)
        if year is None:
            continue
        try:
            d = date(year, month, int(fold_digits(m.group("day"))))
        except ValueError:
            continue
        out.append((d, m.start(), m.end()))
    return out


def parse_thai_date(text: str, *, today: date | None = None) -> date | None:
    """Parse the first Thai date found in ``text`` into a (CE) ``datetime.date``.

    Accepts the forms listed in :func:`find_thai_dates`, with any prefix such as
    ``วันที่``, ``ลงวันที่`` or ``ลว.`` ("dated"). CE = BE − 543 (DOMAIN.md §1).

    Examples: ``"๓๑ ตุลาคม ๒๕๖๒"`` → 2019-10-31; ``"ลว. ๙ พ.ค. ๖๗"`` → 2024-05-09;
    ``"17 ก.ย. 2567"`` → 2024-09-17.

    Args:
        text: the text holding the date.
        today: reference date for 2-digit years; defaults to ``date.today()``.

    Returns:
        The date, or None when no valid date is found. Never raises.
    """
    found = find_thai_dates(normalize(text or ""), today=today)
    return found[0][0] if found else None


def parse_month(text: str | None) -> date | None:
    """A month typed as ``"2569-10"``, ``"2026-10"`` or ``"10/2569"`` (Thai digits too)
    → its first day (CE); a year from 2400 is Buddhist era. None when it is not a month
    of a year between 1901 and 2199. Never raises."""
    folded = fold_digits((text or "").strip())
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", folded) or re.fullmatch(r"(\d{1,2})/(\d{4})", folded)
    if not m:
        return None
    year, month = (int(m.group(1)), int(m.group(2))) if len(m.group(1)) == 4 else (int(m.group(2)), int(m.group(1)))
    if year >= 2400:
        year -= 543
    return date(year, month, 1) if 1 <= month <= 12 and 1900 < year < 2200 else None


def format_thai_date(d: date, *, thai_digits: bool = True, abbreviated: bool = False) -> str:
    """Format a date the way Thai official letters print it.

    Args:
        d: the (CE) date.
        thai_digits: print ๐–๙ (default) or 0–9.
        abbreviated: abbreviated month with its dots (``ต.ค.``) instead of the full name;
            the year stays the full BE year.

    Returns:
        e.g. ``"๓๑ ตุลาคม ๒๕๖๒"``, ``"๓๑ ต.ค. ๒๕๖๒"``, ``"31 ตุลาคม 2562"``.
    """
    month = (MONTHS_ABBR if abbreviated else MONTHS_FULL)[d.month - 1]
    s = f"{d.day} {month} {d.year + 543}"
    return to_thai_digits(s) if thai_digits else s


def _edit_distance(a: str, b: str, limit: int = 3) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def match_month(word: str, *, max_distance: int | None = None) -> int | None:
    """Month number 1–12 of a (possibly misread) month word, or None.

    Exact full or abbreviated names match first; otherwise a full name within a small
    edit distance (default: 1 for names up to 6 letters, 2 for longer ones) matches,
    so OCR slips such as ``ธันวาดม`` still count. Abbreviations must match exactly
    (dots and spaces optional), being too short to guess.

    Args:
        word: the candidate token (Thai).
        max_distance: override the allowed edit distance for full names.

    Returns:
        1–12, or None.
    """
    w = normalize(word).strip()
    if not w:
        return None
    m = _month_number(w)
    if m is not None:
        return m
    best: tuple[int, int] | None = None
    for i, name in enumerate(MONTHS_FULL):
        allowed = max_distance if max_distance is not None else (1 if len(name) <= 6 else 2)
        dist = _edit_distance(w, name, allowed)
        if dist <= allowed and (best is None or dist < best[0]):
            best = (dist, i + 1)
    return best[1] if best else None


# ---------------------------------------------------------------------------------
# text quality

@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    from pythainlp.corpus import thai_words  # lazy: ~0.1 s

    return frozenset(thai_words())


_THAI_RUN = re.compile(r"[\u0e01-\u0e4e]+")


def word_quality(text: str) -> float:
    """Share (0..1) of the Thai letters in ``text`` that belong to dictionary words.

    The Thai runs are split with PyThaiNLP's ``newmm`` tokenizer against its bundled
    word list; a letter counts as good when its token is a word of two or more letters
    in that list. Text with no Thai letters scores 1.0 when it has Latin words and 0.0
    when it has neither. Used to judge a PDF text layer and an OCR page.

    Args:
        text: any string.

    Returns:
        A float in [0, 1].
    """
    runs = _THAI_RUN.findall(normalize(text or ""))
    total = sum(len(r) for r in runs)
    if total == 0:
        return 1.0 if re.search(r"[A-Za-z]{3,}", text or "") else 0.0
    from pythainlp.tokenize import word_tokenize

    words = _dictionary()
    good = 0
    for run in runs:
        for tok in word_tokenize(run, engine="newmm", keep_whitespace=False):
            if len(tok) >= 2 and tok in words:
                good += len(tok)
    return good / total


_MARK_SUBS = {
    "\u0e34": "\u0e35\u0e36\u0e37", "\u0e35": "\u0e34\u0e37\u0e36", "\u0e36": "\u0e37\u0e34\u0e35",
    "\u0e37": "\u0e36\u0e35\u0e34", "\u0e48": "\u0e49", "\u0e49": "\u0e48", "\u0e38": "\u0e39",
    "\u0e39": "\u0e38", "\u0e31": "\u0e47", "\u0e47": "\u0e31",
}
_MARK_INSERT = "\u0e48\u0e49\u0e4c"  # ่ ้ ์
_MARKS = set("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c")


def _unknown_letters(run: str) -> int:
    from pythainlp.tokenize import word_tokenize

    words = _dictionary()
    bad = 0
    for tok in word_tokenize(run, engine="newmm", keep_whitespace=False):
        if len(tok) < 2 or tok not in words:
            bad += len(tok)
    return bad


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, int]:
    """Word frequencies of the Thai National Corpus (bundled with PyThaiNLP)."""
    try:
        from pythainlp.corpus import tnc  # lazy

        return {w: int(f) for w, f in tnc.word_freqs()}
    except Exception:  # corpus missing: no frequency evidence
        return {}


def _tokens(run: str) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(run, engine="newmm", keep_whitespace=False)


@lru_cache(maxsize=4096)
def _run_cost(run: str) -> tuple[int, float]:
    """(unknown letters, cost) of a Thai run: each token costs 2 plus how rare it is
    (7 − log10 of its corpus frequency, at least 0), so a reading made of fewer, more
    common words is cheaper."""
    import math

    words = _dictionary()
    freq = _frequencies()
    bad = 0
    cost = 0.0
    for tok in _tokens(run):
        if len(tok) < 2 or tok not in words:
            bad += len(tok)
            cost += 9.0
            continue
        cost += 2.0 + max(0.0, 7.0 - math.log10(freq.get(tok, 0) + 1))
    return bad, cost


#: How much cheaper (see :func:`_run_cost`) a mark edit must make a run of known words
#: to be applied: about a 30-fold more frequent word (``เรือง`` → ``เรื่อง``,
#: ``ที`` → ``ที่``) or two words becoming one (``มันคง`` → ``มั่นคง``).
_REPAIR_MARGIN = 1.5

_TONE_AA = re.compile("\u0e49\u0e32")  # ้า: how OCR often reads ำ (nikhahit read as ้)


def _mark_edits(run: str, *, insert_only: bool = False, delete: bool = True):
    """Every single mark edit of ``run``: insert ่ ้ ์ after a letter, and unless
    ``insert_only`` swap a mark for a look-alike, delete a mark (unless not ``delete``),
    or read ``้า`` as ``ำ``."""
    for p, ch in enumerate(run):
        if not insert_only:
            for alt in _MARK_SUBS.get(ch, ""):
                yield run[:p] + alt + run[p + 1:]
            if delete and ch in _MARKS:
                yield run[:p] + run[p + 1:]
        for mk in _MARK_INSERT:
            yield run[:p + 1] + mk + run[p + 1:]
    if not insert_only:
        for m in _TONE_AA.finditer(run):
            yield run[:m.start()] + _SARA_AM + run[m.end():]


def repair_marks(text: str, *, names: bool = False, delete: bool = True) -> str:
    """Fix one dropped or wrong vowel/tone mark per Thai word run, using the dictionary.

    OCR often drops or swaps the small marks above and below Thai letters
    (``ท้องถิน`` for ``ท้องถิ่น``, ``ประจำปิงบประมาณ`` for ``ประจำปีงบประมาณ``,
    ``ผู้อ้านวยการ`` for ``ผู้อำนวยการ``). For each run of Thai letters, every single
    edit of a mark — swapping ิ/ี/ึ/ื, ่/้, ุ/ู, ั/็, deleting a mark, inserting ่, ้ or
    ์, reading ``้า`` as ``ำ`` — is tried:

    * a run that PyThaiNLP's ``newmm`` cannot cover with dictionary words takes the
      edit that makes it all dictionary words (the cheapest such edit);
    * a run already made of dictionary words takes an edit only when the result is far
      more likely by the Thai National Corpus frequencies (:data:`_REPAIR_MARGIN`):
      ``เรืองร้องเรียน`` → ``เรื่องร้องเรียน``, ``ความมันคง`` → ``ความมั่นคง``.

    Runs no single edit fixes (rare words) are left as they are.

    Args:
        text: a short field value (subject, addressee, position).
        names: the text is a person's name: only a dropped mark is inserted
            (``ศรีสวัสดิ`` → ``ศรีสวัสดิ์``); marks OCR read are kept, as names may
            spell a word differently (``ปิติ``).
        delete: also try deleting a mark. Off for running text, where a deletion
            more often makes a wrong short word (``ปฏิบิติ`` → ``ปฏิบิต``) than it
            removes a stray mark.

    Returns:
        The repaired text (normalised).
    """
    t = normalize(text or "")

    def fix(m: re.Match) -> str:
        run = m.group(0)
        if len(run) > 80:
            return run
        bad, cost = _run_cost(run)
        best: tuple[float, str] | None = None
        for c in _mark_edits(run, insert_only=names, delete=delete):
            c = normalize(c)
            if c == run:
                continue
            b2, c2 = _run_cost(c)
            if b2 != 0:
                continue
            if bad == 0 and c2 > cost - _REPAIR_MARGIN:
                continue
            if best is None or c2 < best[0]:
                best = (c2, c)
        return best[1] if best else run

    return _THAI_RUN.sub(fix, t)


#: How much cheaper (see :func:`_run_cost`) two runs of known words must be joined
#: than apart for a space between them to be removed (``กระ ทรวง`` → ``กระทรวง``).
_JOIN_MARGIN = 2.5


def join_split_words(text: str) -> str:
    """Remove spaces that OCR put inside a Thai word.

    Tesseract inserts spaces between letters of one word (``ทุก ข์``, ``สำนักง านปลัด``).
    A space between two Thai letters is removed when the two runs joined need fewer
    letters outside the dictionary than apart, or make clearly fewer and more common
    words (``กระ ทรวง`` → ``กระทรวง``); ``นายอำเภอ ทุกอำเภอ``, the same words either
    way, keeps its space.

    Args:
        text: a short field value.

    Returns:
        The text with such spaces removed (normalised).
    """
    t = normalize(text or "")
    parts = t.split(" ")
    if len(parts) < 2:
        return t
    out = [parts[0]]
    for part in parts[1:]:
        prev = out[-1]
        a = re.search(r"[\u0e01-\u0e4e]+$", prev)
        b = re.match(r"[\u0e01-\u0e4e]+", part)
        # not before an abbreviation (``พ.ศ.``) nor ฯ / ๆ
        if a and re.match(r"[\u0e30\u0e32\u0e33\u0e45]", part):
            out[-1] = prev + part  # no word starts with ะ า ำ ๅ
            continue
        if a and b and not re.match(r"[\u0e01-\u0e4e]*[.\u0e2f\u0e46]", part):
            sa, sb = a.group(0), b.group(0)
            ua, ca = _run_cost(sa)
            ub, cb = _run_cost(sb)
            uj, cj = _run_cost(sa + sb)
            if uj < ua + ub or (uj == ua + ub and cj < ca + cb - _JOIN_MARGIN):
                out[-1] = prev + part
                continue
        out.append(part)
    return " ".join(out)
