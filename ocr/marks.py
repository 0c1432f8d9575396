"""Urgency and secrecy marks: what they say, where they stand, how sure the reading is.

Urgency (ด่วนที่สุด, ด่วนมาก, ด่วน, also ``ด่วนภายใน <date>``) and secrecy (ลับที่สุด,
ลับมาก, ลับ, ปกปิด) are stamps (red, ≥ 32 pt: DOMAIN.md §2 and the Secrets Regulation
B.E. 2544) or, from a word processor, words of body size in black. A mark is the term
alone on its line, or standing apart on it, in the places the regulation puts it;
a term quoted in the text never counts. :func:`classify_urgency`,
:func:`classify_secrecy` and :func:`holds_mark` judge a text; :class:`_MarkMixin` finds
the marks of a letter for :class:`ocr.fields._Extractor`.
"""

from __future__ import annotations

import re
import statistics
from datetime import date
from typing import Sequence

from .labels import _skel
from .layout import Box, Line, Word, _union
from .thai import _edit_distance, find_thai_dates, normalize

__all__ = ["STAMP_HEIGHT_RATIO", "MARK_SOURCES", "MARK_DECORATION", "classify_urgency",
           "classify_secrecy", "holds_mark"]

#: A line this many times taller than the page's median body line is a stamp candidate
#: (stamps are ≥ 32 pt against 16 pt body text: DOMAIN.md §2).
STAMP_HEIGHT_RATIO = 1.6
#: Line sources that hold marks only, never the letter's text: ``"stamp"`` (OCR of a red
#: region) and ``"mark"`` (a re-read of a page's top or bottom band).
MARK_SOURCES = ("stamp", "mark")
#: A character of the decoration around a mark: "- ลับ -", "(ลับ)", "* ลับ *".
MARK_DECORATION = r"[\s\-–—_()\[\]*•·.:|]"

_URGENCY = (("ด่วนที่สุด", "most_urgent"), ("ด่วนมาก", "very_urgent"), ("ด่วน", "urgent"))
_SECRECY = (("ลับที่สุด", "top_secret"), ("ลับมาก", "secret"), ("ลับ", "confidential"),
            ("ปกปิด", "confidential"))


def _match_stamp(text: str, terms: Sequence[tuple[str, str]]) -> tuple[str, float] | None:
    """The value of the longest of ``terms`` (``(term, value)``) that ``text`` reads as,
    compared on consonant skeletons, with its similarity (1.0, or 0.75 one letter off),
    or None."""
    sk = _skel(text)
    if not sk:
        return None
    best: tuple[str, float] | None = None
    for term, value in terms:
        tsk = _skel(term)
        allowed = 0 if len(tsk) <= 3 else 1
        # the stamp may be followed by a deadline ("ด่วนภายใน ...") or noise: compare the
        # start of the skeleton, and the whole for short terms
        if len(tsk) <= 3:
            d = _edit_distance(sk, tsk, allowed)
        else:  # one letter of noise before or after, or one letter lost, still match
            d = min(_edit_distance(sk[:n], tsk, allowed) for n in (len(tsk), len(tsk) + 1, len(tsk) - 1))
        if d <= allowed:
            if len(tsk) <= 3 and len(sk) > len(tsk):
                # short term: the rest must not be letters that make another word,
                # except the "ภายใน" deadline form of ด่วน
                if not sk[len(tsk):].startswith("ภายใน") and not re.fullmatch(r"[\d๐-๙/]*", sk[len(tsk):]):
                    continue
            score = 1.0 - 0.25 * d
            if best is None or len(tsk) > len(_skel([t for t, v in terms if v == best[0]][0])):
                best = (value, score)
    return best


def holds_mark(text: str) -> bool:
    """Whether a line's text, of at most four words once decoration ("- ลับ -") is
    dropped, has a run of words that is an urgency or secrecy term (a line of marks,
    possibly joined with other ink: "ที่สุด ลับที่สุด")."""
    words = re.sub(f"{MARK_DECORATION}+", " ", text).split()
    return 0 < len(words) <= 4 and any(
        classify_secrecy(run) or classify_urgency(run)
        for run in (" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)))


def classify_urgency(text: str) -> tuple[str, float] | None:
    """Urgency class of a stamp's text: ``(value, similarity)`` or None.

    ``ด่วนที่สุด`` → ``most_urgent``, ``ด่วนมาก`` → ``very_urgent``, ``ด่วน`` (also
    ``ด่วนภายใน …``) → ``urgent`` (DOMAIN.md §2). Marks are ignored and one wrong letter is
    tolerated for the longer terms.
    """
    return _match_stamp(text, _URGENCY)


def classify_secrecy(text: str) -> tuple[str, float] | None:
    """Secrecy class of a stamp's text: ``(value, similarity)`` or None.

    ``ลับที่สุด`` → ``top_secret``, ``ลับมาก`` → ``secret``, ``ลับ`` / ``ปกปิด`` →
    ``confidential`` (DOMAIN.md §2). The whole stamp text must be the term.
    """
    return _match_stamp(text, _SECRECY)


def _body_height(lines: list[Line]) -> float:
    """The median height in pixels of a page's body lines (lines of 3+ words that are not
    marks; any non-mark line when there is none; 60 when the page has none): what a
    stamp's height is measured against (:data:`STAMP_HEIGHT_RATIO`)."""
    hs = [ln.height for ln in lines if ln.source not in MARK_SOURCES and len(ln.words) >= 3]
    if not hs:
        hs = [ln.height for ln in lines if ln.source not in MARK_SOURCES] or [60]
    return float(statistics.median(hs))


# ----------------------------------------------------------------- a letter's marks

class _MarkMixin:
    """Urgency, secrecy and the "ด่วนภายใน" deadline of a letter, for
    :class:`ocr.fields._Extractor`.

    Uses the host's ``all`` (every line, marks included), ``stamps`` (the mark lines),
    ``heights`` (page → :func:`_body_height`), ``ctx`` (for today), ``had_colour``, and
    writes ``fields``, ``conf`` and ``needs_review``.
    """

    all: list[Line]
    stamps: list[Line]
    heights: dict[int, float]
    fields: dict
    conf: dict[str, float]
    needs_review: set[str]

    _MARK_DECOR = re.compile(rf"^{MARK_DECORATION}+|{MARK_DECORATION}+$")

    def _is_stamp_like(self, ln: Line) -> bool:
        """The line is a stamp: at least :data:`STAMP_HEIGHT_RATIO` × its page's body
        height, and an urgency or secrecy term."""
        h = self.heights.get(ln.page, 60)
        return ln.height >= STAMP_HEIGHT_RATIO * h and (
            classify_urgency(ln.text) is not None or classify_secrecy(ln.text) is not None)

    def _mark_groups(self, ln: Line) -> list[tuple[str, Box, float]]:
        """``(text, box, height)`` of the line and of the word groups in it that may be a
        mark: OCR joins a mark and other ink on one line ("ด่วนมาก ลับ": urgency at the
        left margin, secrecy at the centre). A short line (≤ 4 words, as a line of marks
        is) gives every run of its words; a longer one only the groups its wide gaps
        (≥ 2 body heights) set apart, so a mark quoted in a sentence stays part of it.
        Decoration ("- ลับ -") is stripped."""
        words = list(ln.words)
        runs: list[list[Word]] = []
        if 1 < len(words) <= 4:
            runs = [words[i:j] for i in range(len(words)) for j in range(i + 1, len(words) + 1)
                    if j - i < len(words)]
        elif len(words) > 4:
            gap = max(2 * self.heights.get(ln.page, 60), 0.05 * ln.page_size[0])
            parts = [[words[0]]]
            for w in words[1:]:
                if w.box[0] - parts[-1][-1].box[2] >= gap:
                    parts.append([w])
                else:
                    parts[-1].append(w)
            runs = parts if len(parts) > 1 else []
        groups = [(ln.text, ln.box, ln.height)]
        for run in runs:
            box = _union([w.box for w in run])
            groups.append((" ".join(w.text for w in run), box, box[3] - box[1]))
        return [(self._MARK_DECOR.sub("", normalize(t)), box, h) for t, box, h in groups]

    def marks(self) -> None:
        """urgency / secrecy from the marks, found by what they are, in any ink.

        A mark is a short line, or a word group standing apart on its line, that is the
        term alone (decoration such as "- ลับ -" aside; DOMAIN.md §2): urgency in the top
        30 % of a page; secrecy in the top 20 % or bottom 15 %, centred (the Secrets
        Regulation B.E. 2544: top and bottom centre of every page). Red ink, a stamp
        region, a re-read of the top and bottom bands (``source="mark"``) or a size
        ≥ :data:`STAMP_HEIGHT_RATIO` × the body text weigh more; a black word of body size
        counts too (a word processor prints marks in black). A mark quoted in the text
        ("อ้างถึง … ด่วนที่สุด ที่ …") is never alone on its line and never counts.

        Secrecy errs on the side of caution: the highest class found is suggested, and
        ``secrecy`` goes into :attr:`needs_review` when the evidence is thin — a low
        confidence, a mark found only at the top or only at the bottom of its pages, or
        two classes. ``urgency`` goes there when its confidence is low.
        """
        urg: list[tuple[float, str]] = []
        sec: list[tuple[float, str, int, str]] = []  # (score, class, page, "top"/"bottom")
        for ln in self.all:
            body = self.heights.get(ln.page, 60)
            W, H = ln.page_size
            red = ln.source == "stamp" or ln.red
            for text, box, height in self._mark_groups(ln):
                if not text or len(text.split()) > 3:
                    continue
                cx, cy = (box[0] + box[2]) / 2 / max(1, W), (box[1] + box[3]) / 2 / max(1, H)
                weight = (1.0 if red else 0.95 if height >= STAMP_HEIGHT_RATIO * body
                          else 0.9 if ln.source == "mark" else 0.85)
                u = classify_urgency(text)
                if u and cy <= 0.3:
                    urg.append((u[1] * max(ln.conf, 0.3) * weight, u[0]))
                s = classify_secrecy(text)
                if s and (cy <= 0.2 or cy >= 0.85) and 0.25 <= cx <= 0.75:
                    sec.append((s[1] * max(ln.conf, 0.3) * weight, s[0], ln.page, "top" if cy <= 0.2 else "bottom"))
        rank_u = {"most_urgent": 3, "very_urgent": 2, "urgent": 1}
        rank_s = {"top_secret": 3, "secret": 2, "confidential": 1}
        due = self._due_within()
        if due is not None:
            self.fields["due_at"], self.conf["due_at"] = due.isoformat(), 0.8
            if not urg:
                urg.append((0.6, "urgent"))
        if urg:
            c, v = max(urg, key=lambda cv: (cv[0] >= 0.5, rank_u[cv[1]], cv[0]))
            self.fields["urgency"], self.conf["urgency"] = v, min(1.0, c)
            if c < 0.6:
                self.needs_review.add("urgency")
        else:
            self.fields["urgency"], self.conf["urgency"] = "normal", self._absent_conf()
        if sec:
            c, v = max(((c, v) for c, v, _p, _e in sec), key=lambda cv: (rank_s[cv[1]], cv[0]))
            self.fields["secrecy"], self.conf["secrecy"] = v, min(1.0, c)
            ends = {(p, e) for _c, _v, p, e in sec}
            both = any((p, "top") in ends and (p, "bottom") in ends for p, _e in ends)
            if c < 0.6 or not both or len({v for _c, v, _p, _e in sec}) > 1:
                self.needs_review.add("secrecy")
        else:
            self.fields["secrecy"], self.conf["secrecy"] = "unclassified", self._absent_conf()

    def _due_within(self) -> date | None:
        """The date of a "ด่วนภายใน <date>" mark near the top of page 1 (DOMAIN.md §2),
        read from its line and the next (the date is often printed below)."""
        first = min((ln.page for ln in self.all), default=0)
        lines = [ln for ln in self.all if ln.page == first and ln.cy <= 0.35]
        for i, ln in enumerate(lines):
            text = normalize(ln.text)
            at = text.find("ภายใน")
            if at < 0 or "ด่วน" not in text[max(0, at - 8):at]:
                continue
            rest = text[at + len("ภายใน"):] + " " + (normalize(lines[i + 1].text) if i + 1 < len(lines) else "")
            found = find_thai_dates(rest, today=self.ctx.today)
            if found:
                return found[0][0]
        return None

    def _absent_conf(self) -> float:
        # a colour scan was searched for red stamps: more sure than a grey one
        return 0.9 if self.stamps or getattr(self, "had_colour", False) else 0.75
