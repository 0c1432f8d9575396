"""Document numbers: their grammar, the agency codes that open them, and their repair.

A document number (เลขที่หนังสือ, DOMAIN.md §1) is two Thai letters (the agency code,
optional dot), the unit's digits with optional dotted sub-units, ``/``, an optional
series letter and the running number (``รบ ๐๐๑๘/๒๗๒๕๘``, ``ยธ.๐๓๐๓/ว ๑๐๐``); an order's
is ``n/พ.ศ.`` (``๑๐/๒๕๖๗``). :func:`parse_document_number` finds one in a text.

OCR garbles numbers in known ways, repaired here: an agency letter read as its
look-alike (``รป`` → ``รบ``, only to a code in :data:`AGENCY_CODES`), an extra ``๐`` in
front of the unit, Thai digits confused with each other (``_CONFUSION``, also used for
dates by :mod:`ocr.dates`), digits read as letters (the token re-read by the digit
classifier). :class:`_NumberMixin` finds the number of a letter's header for
:class:`ocr.fields._Extractor`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from .labels import _label_rest, _skel, _which_label
from .layout import _COMBINING_RE, Line, Word, _reread, _with_words, _words_conf
from .agency_codes import AGENCY_CODES, check_rtarf_unit, code_source
from .thai import canonical_number, fold_digits, normalize, to_thai_digits

__all__ = ["AGENCY_CODES", "parse_document_number"]

_NUM_RE = re.compile(
    r"(?<![ก-ฮ])(?P<prefix>[ก-ฮ][ก-ฮ])\s*\.?\s*"
    r"(?P<unit>\d{2,}(?:\s?\.\s?\d+)*)\s*\.?\s*(?P<slash>/)?\s*"
    r"(?:(?P<series>[ก-ฮ])\s*\.?\s*)?"
    r"(?P<run>\d(?:\s?\d)*)"
)
_ORDER_RE = re.compile(r"(?<![\d/])(?P<run>\d{1,5})\s*/\s*(?P<year>25\d\d)(?!\d)")


@dataclass
class _NumberMatch:
    """A document number found in a text: as printed (trimmed, spaces collapsed), its
    span ``[start, end)`` in the normalised text, and whether it is an order's
    ``n/พ.ศ.``."""

    printed: str
    start: int
    end: int
    order: bool = False


def parse_document_number(text: str) -> _NumberMatch | None:
    """Find a document number in ``text`` by its grammar (DOMAIN.md §1).

    Grammar: two Thai letters (the agency code, optional dot), the unit's digits with
    optional dotted sub-units, ``/``, an optional series letter (``ว`` for circulars,
    other letters occur), the running number — e.g. ``รบ ๐๐๑๘/๒๗๒๕๘``,
    ``ยธ.๐๓๐๓/ว ๑๐๐``, ``มท ๐๓๐๗.๒/ว ๒๕๕๖๒`` — or, for orders, ``n/พ.ศ.``
    (``๑๐/๒๕๖๗``). Thai or Arabic digits. Vowel and tone marks that OCR attached to the
    agency letters are ignored; a slash OCR dropped before a series letter is restored
    (``มท ๐๒๑๙ว ๓๗๘๔`` → ``มท ๐๒๑๙/ว ๓๗๘๔``).

    Args:
        text: a line or part of a line.

    Returns:
        The first match (``printed`` = the number as printed, trimmed), or None.
    """
    t = normalize(text)
    # drop combining marks between letters of a number candidate ("ย์ธี.๐๓" -> "ยธ.๐๓")
    clean_chars: list[str] = []
    index_map: list[int] = []
    for i, ch in enumerate(t):
        if _COMBINING_RE.match(ch):
            continue
        clean_chars.append(ch)
        index_map.append(i)
    # a letter OCR put between a digit and ".digit" (๗ read as ๗ฒ) cannot be in a number
    for k in range(len(clean_chars) - 2, 0, -1):
        if (re.match(r"[ก-ฮ]", clean_chars[k]) and re.match(r"[0-9๐-๙]", clean_chars[k - 1])
                and clean_chars[k + 1] == "." and k + 2 < len(clean_chars)
                and re.match(r"[0-9๐-๙]", clean_chars[k + 2])):
            del clean_chars[k]
            del index_map[k]
    clean = fold_digits("".join(clean_chars))
    m = None
    for cand in _NUM_RE.finditer(clean):
        # the slash may only be missing (dropped by OCR) before a series letter
        if cand.group("slash") or cand.group("series"):
            m = cand
            break
    order = False
    if not m:
        m = _ORDER_RE.search(clean)
        order = m is not None
    if not m:
        return None
    s, e = index_map[m.start()], index_map[m.end() - 1] + 1
    printed = "".join(clean_chars[m.start():m.end()])
    # restore the original digit script of the printed text
    printed = "".join(t[index_map[m.start() + k]] if clean[m.start() + k].isdigit() else c
                      for k, c in enumerate(printed))
    if not order and not m.group("slash"):
        k = m.start("series") - m.start()
        printed = printed[:k].rstrip() + "/" + printed[k:]
    return _NumberMatch(printed=" ".join(printed.split()), start=s, end=e, order=order)


# Letter codes and unit numbers, with their sources: see :mod:`ocr.agency_codes`.
# Used only to repair an OCR'd code that is not in the list (``รป`` → ``รบ``); a repair
# to a code without a source costs more confidence than one to a sourced code.

# Thai letters that Tesseract confuses with each other (shape pairs).
_LETTER_CONFUSION = {
    "บ": "ปษ", "ป": "บษ", "ษ": "บป", "ด": "ต", "ต": "ด", "ข": "ช", "ช": "ขซ", "ซ": "ช",
    "ถ": "ภ", "ภ": "ถ", "ผ": "พ", "พ": "ผ", "ฝ": "ฟ", "ฟ": "ฝ", "ฎ": "ฏฐ", "ฏ": "ฎ",
    "ธ": "ร", "ร": "ธ", "ล": "ส", "ส": "ล", "ท": "ห", "ห": "ท", "น": "ม", "ม": "น",
    "ค": "ศ", "ศ": "คส", "อ": "ฮ", "ฮ": "อ",
}


def _repair_code(code: str) -> str | None:
    """The one known agency code reachable from ``code`` by swapping one letter for a
    look-alike, or None (unknown and not repairable, or ambiguous)."""
    if len(code) != 2 or code in AGENCY_CODES:
        return None
    cands = set()
    for i, ch in enumerate(code):
        for alt in _LETTER_CONFUSION.get(ch, ""):
            c = code[:i] + alt + code[i + 1:]
            if c in AGENCY_CODES:
                cands.add(c)
    return cands.pop() if len(cands) == 1 else None


def _fix_unit(printed: str) -> tuple[str, bool]:
    """Drop the extra leading ๐ of a 5-digit unit code (``กค๐๐๔๐๕.๘`` → ``กค.๐๔๐๕.๘``).

    Unit codes are four digits (two for the department, two for the division; dotted
    sub-units after them: the correspondence regulation's appendix); OCR reads the dot
    after the agency letters, or a speck, as one more ``๐``. Returns (text, changed)."""
    m = re.match(r"^([ก-ฮ]{2})(\s*\.?\s*)([0๐])([0-9๐-๙]{4})(?=[./\s]|$)", printed)
    if not m:
        return printed, False
    sep = m.group(2) or "."
    return m.group(1) + sep + m.group(4) + printed[m.end():], True


def _fix_agency_code(printed: str) -> tuple[str, bool]:
    """Repair the agency code at the start of a printed number; (text, changed)."""
    m = re.match(r"^([ก-ฮ])()([ก-ฮ])", printed)
    if not m:
        return printed, False
    code = m.group(1) + m.group(3)
    fixed = _repair_code(code)
    if fixed is None:
        return printed, False
    return fixed[0] + m.group(2) + fixed[1] + printed[m.end():], True


_RTARF_UNIT = re.compile(r"^(กห\s*\.?\s*)([0-9๐-๙]{4}(?:\s*\.\s*[0-9๐-๙]{1,3})*)(?=\s*/)")


def _check_rtarf_unit(printed: str) -> tuple[str, float]:
    """Check the unit number of a ``กห`` number against the armed forces' list
    (:func:`ocr.agency_codes.check_rtarf_unit`, the RTARF regulation's appendix ฉ).

    Returns ``(printed, confidence factor)``: the number as printed and 1.0 when the unit
    is listed (or the number is not an armed-forces-headquarters one); with the one
    look-alike digit repaired and 0.8 when that reaches a listed unit; as printed and
    0.7 when a ``กห ๐๓..`` unit is not in the list."""
    m = _RTARF_UNIT.match(printed)
    if not m:
        return printed, 1.0
    raw = m.group(2)
    unit = to_thai_digits(re.sub(r"\s+", "", raw))
    check = check_rtarf_unit(unit)
    if check is None or (check.listed and not check.repaired):
        return printed, 1.0
    if not check.repaired:
        return printed, 0.7
    fixed = check.unit if any(c in "๐๑๒๓๔๕๖๗๘๙" for c in raw) else fold_digits(check.unit)
    return printed[:m.start(2)] + fixed + printed[m.end(2):], 0.8


# Tesseract confusions of Thai digits, as observed value -> possible true values
# (measured on TH Sarabun-metric scans: ๘→๕, ๗→๓, ๖→๒, ๙→๕, ๔→๕, ๖→๐).
_CONFUSION = {
    "0": "06", "1": "1", "2": "26", "3": "37", "4": "4", "5": "5894",
    "6": "6", "7": "7", "8": "8", "9": "9",
}


def _digit_candidates(digits: str, limit: int = 4) -> list[tuple[str, int]]:
    """All readings of ``digits`` (Arabic) through the confusion table, with the
    number of substitutions; at most ``limit`` substitutions."""
    opts = [_CONFUSION.get(c, c) for c in digits]
    out = []
    for combo in itertools.product(*opts):
        subs = sum(1 for a, b in zip(combo, digits) if a != b)
        if subs <= limit:
            out.append(("".join(combo), subs))
    return out


def _only_digits(text: str) -> str | None:
    t = fold_digits(text).strip(" .,;:)(")
    return t if re.fullmatch(r"\d+", t) else None


def _hybrid_junk(orig: Line, alt: Line) -> Line | None:
    """The original line with its junk words (Latin letters, or no Thai letter and no
    digit: ``NUN`` for ``ที่ ขก``) replaced by the re-read words under them; None when
    nothing was replaced."""
    out: list[Word] = []
    changed = False
    used: set[int] = set()
    for w in orig.words:
        junk = bool(re.search(r"[A-Za-z]", w.text)) or not re.search(r"[\u0e01-\u0e2e0-9๐-๙]", w.text)
        if not junk:
            out.append(w)
            continue
        repl = [a for a in alt.words if w.box[0] - 5 <= (a.box[0] + a.box[2]) / 2 <= w.box[2] + 5
                and id(a) not in used and not re.search(r"[0-9๐-๙]", a.text)]
        if repl:
            out.extend(repl)
            used.update(id(a) for a in repl)
            changed = True
        else:
            out.append(w)
    if not changed:
        return None
    return _with_words(orig, out)


# ----------------------------------------------------------------- a letter's number

#: the "ที่" label of the number line, with its leader
_NUM_LABEL = re.compile(r"^[\s|'\"]*ที[่]?(?=[\s.…:]|[ก-ฮ]{2}[\s.]*[0-9๐-๙])[\s.…:]*")
#: digits, "/", an optional series letter and a digit: the shape of a number's middle
_SLASH_NUM = re.compile(r"\d[\d\s.]*/\s*(?:[ก-ฮ]\s*\.?\s*)?\d")

# a token mixing digits and Thai letters (``๕ฒ`` for ``๙๙``, ``๐๐๑๗๕/๐๖อ๐``), other
# than the shapes numbers legitimately have: code + unit, unit + "/" + series
# letter, series letter + running number
_MIXED = re.compile(r"[0-9๐-๙][^\s]*[ก-ฮ]|[ก-ฮ][^\s]*[0-9๐-๙]")
_MIXED_OK = re.compile(r"^(?:[ก-ฮ]{2}\.?[0-9๐-๙.]+/?|[0-9๐-๙.]+/\s*[ก-ฮ]\.?|[0-9๐-๙]{4}[0-9๐-๙.]*[ก-ฮ]\.?"
                       r"|[ก-ฮ]\.?[0-9๐-๙]+"
                       r"|[ก-ฮ]{2}\.?[0-9๐-๙.]+/?[ก-ฮ]\.?)$")


class _NumberMixin:
    """The document number of a letter's header, for :class:`ocr.fields._Extractor`.

    Uses the host's ``header`` (page-one lines up to the addressee), ``alt(line)``
    (the line re-read alone in Thai, or None), and writes ``fields`` and ``conf``.
    """

    header: list[Line]
    fields: dict
    conf: dict[str, float]

    def _number_in(self, ln: Line, anywhere: bool = False) -> tuple[float, _NumberMatch | None, float]:
        """(score, match, confidence) of the document number on a header line.

        Score: 0 no number; 1 number-shaped text that fails the grammar; 2 grammar ok;
        3 grammar ok and a known agency code (or an order number)."""
        t = normalize(ln.text)
        m = _NUM_LABEL.match(t)
        if m:
            rest = t[m.end():]
        elif _SLASH_NUM.search(fold_digits(t)) and not t.startswith(("ที่ทำการ", "ทีทำการ")):
            rest = t
        else:
            return 0.0, None, 0.0
        if t.startswith(("ที่ทำการ", "ทีทำการ")):
            return 0.0, None, 0.0
        cut = re.search(r"(?:^|\s)(?:ว[ั]?น|วัน)ที[่]?(?=[\s.…:]|$|[0-9๐-๙])", rest)
        rest_num = rest[: cut.start()] if cut else rest
        found = parse_document_number(rest_num)
        if not found or (m is None and found.start > 12 and not anywhere):
            return (1.0 if rest_num.strip() else 0.0), None, 0.0
        canon = canonical_number(found.printed)
        words = [w for w in ln.words if canonical_number(w.text) and canonical_number(w.text) in canon]
        conf = _words_conf(words) if words else ln.conf
        prefix = re.sub(r"[\s.]", "", _COMBINING_RE.sub("", found.printed))[:2]
        known = found.order or prefix in AGENCY_CODES or _repair_code(prefix) is not None
        return (3.0 if known else 2.0), found, conf

    def _reread_mixed(self, ln: Line) -> Line | None:
        """The line with its number tokens that mix digits and Thai letters re-read as
        digits by the classifier (:meth:`RegionReader.read_digits`), when it reads them
        as digits and separators only with confidence ≥ 0.85; None when nothing
        changed. Only the part before a "วันที่" is looked at."""
        if ln.reader is None:
            return None
        out: list[Word] = []
        changed = False
        for w in ln.words:
            if _skel(w.text) in ("วนท", "วนที") or _label_rest(w.text, "วันที่") is not None:
                out.extend(ln.words[len(out):])
                break
            t = _COMBINING_RE.sub("", w.text)
            if _MIXED.search(t) and not _MIXED_OK.match(t):
                rr = _reread(ln, w, ln.words)
                if (rr and rr[1] >= 0.85 and re.fullmatch(r"[0-9๐-๙][0-9๐-๙/.\s]*", rr[0].strip())
                        and len(re.findall(r"[0-9๐-๙]", rr[0])) >= len(re.findall(r"[0-9๐-๙]", t))):
                    out.append(Word(text=" ".join(rr[0].split()), box=w.box, conf=w.conf,
                                    digit_conf=rr[1]))
                    changed = True
                    continue
            out.append(w)
        if not changed:
            return None
        return Line.from_words(out, page=ln.page, page_size=ln.page_size, source=ln.source,
                               reader=ln.reader, para=ln.para)

    def best_number_line(self, ln: Line) -> Line:
        """The variant of a line holding a document number that parses best: the
        line, its Thai-only re-reading merged into its junk words, or the re-reading."""
        score, _, _ = self._number_in(ln, anywhere=True)
        fixed = self._reread_mixed(ln) if score >= 2 else None
        if fixed is not None and self._number_in(fixed, anywhere=True)[0] >= score:
            return fixed
        if score >= 3 or not _SLASH_NUM.search(fold_digits(ln.text)):
            return ln
        alt = self.alt(ln)
        if alt is None:
            return ln
        best = ln
        for cand in (_hybrid_junk(ln, alt), alt):
            if cand is None:
                continue
            s2, _, _ = self._number_in(cand, anywhere=True)
            if s2 > score:
                best, score = cand, s2
        return best

    def number(self) -> None:
        """document_number: the "ที่" line of the header (memo: before "วันที่"), checked
        by the grammar of :func:`parse_document_number` and the agency codes
        (:data:`AGENCY_CODES`); garbled lines are re-read alone in Thai."""
        best: tuple[float, _NumberMatch | None, float] = (0.0, None, 0.0)
        for ln in self.header:
            if _which_label(ln.text) in ("subject", "addressee"):
                break
            score, found, conf = self._number_in(ln)
            if score < 3 and (score >= 1 or re.match(r"^\s*\S{1,4}\s", ln.text) and
                              _SLASH_NUM.search(fold_digits(ln.text))):
                alt = self.alt(ln)
                if alt is not None:
                    # letters from the Thai-only re-reading, digits from the page
                    # reading (re-read by the classifier), then the re-reading alone
                    hyb = _hybrid_junk(ln, alt)
                    if hyb is not None:
                        s2, f2, c2 = self._number_in(hyb)
                        if s2 > score:
                            score, found, conf = s2, f2, c2 * 0.9
                    s2, f2, c2 = self._number_in(alt)
                    if s2 > score:
                        score, found, conf = s2, f2, c2 * 0.85
            if found is not None:
                fixed = self._reread_mixed(ln)
                if fixed is not None:
                    s2, f2, c2 = self._number_in(fixed)
                    if f2 is not None and s2 >= score:
                        score, found, conf = s2, f2, c2
            if score > best[0]:
                best = (score, found, conf)
            if score >= 3:
                break
        if best[1] is None:
            # no number-shaped text at all: the "ที่" line may be wholly garbled (Latin
            # junk); re-read the first lines with junk before the subject
            tried = 0
            for ln in self.header:
                if _which_label(ln.text) in ("subject", "addressee") or tried >= 3:
                    break
                if not re.search(r"[A-Za-z]{2,}", ln.text):
                    continue
                tried += 1
                alt = self.alt(ln)
                if alt is None:
                    continue
                for cand in (_hybrid_junk(ln, alt), alt):
                    if cand is None:
                        continue
                    s2, f2, c2 = self._number_in(cand)
                    if s2 > best[0]:
                        best = (s2, f2, c2 * 0.8)
        score, found, conf = best
        if found is None:
            return
        printed = found.printed
        if not found.order:
            printed, fixed = _fix_agency_code(printed)
            if fixed:
                code = re.sub(r"[\s.]", "", printed)[:2]
                conf *= 0.8 if code_source(code) == "sourced" else 0.6  # unsourced codes are a hint
            printed, fixed = _fix_unit(printed)
            if fixed:
                conf *= 0.8
            printed, factor = _check_rtarf_unit(printed)
            conf *= factor
        self.fields["document_number"] = printed
        self.conf["document_number"] = conf * (1.0 if score >= 3 else 0.6)
