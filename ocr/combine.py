"""Combine two readings of one line: Tesseract's and the project's recogniser's.

The two are aligned character by character (:class:`difflib.SequenceMatcher`). Where
they agree, the text stands. Where they disagree:

- **a letter where Tesseract saw a digit**: only when the recogniser is at least
  :data:`LETTER_CONFIDENCE` sure;
- **digits** (either side holds a digit, or Tesseract's span stands between two
  digits, as a letter read inside a number does): the recogniser's reading is taken when its
  characters there are at least :data:`DIGIT_CONFIDENCE` sure, because digits are
  where stock Tesseract fails (the corpus's real lines: about 37% of Thai digits wrong);
  but the first digit of a number, or a digit at either end of the line, is never
  simply dropped;
- **Thai letters**: each side's reading is put back into its Thai run (the letters
  around it up to spaces, digits or punctuation) and the run made of known, common
  words wins (:func:`ocr.thai._run_cost`: unknown letters first, then rarity), if the
  recogniser is at least :data:`LETTER_FLOOR` sure of its letters there. A tie
  keeps Tesseract's, unless the recogniser is at least :data:`LETTER_CONFIDENCE` sure.
  Letters only the recogniser saw are added when they bring no unknown letters and it
  is at least :data:`WORD_CONFIDENCE` sure;
- **letters Tesseract read twice** (``จิ จิราภรณ์``) that the recogniser read once: its
  reading, when it is at least :data:`DIGIT_CONFIDENCE` sure there;
- **anything else** (spaces, punctuation, Latin): Tesseract's, unless the recogniser is
  at least :data:`LETTER_CONFIDENCE` sure.

Which way wins was measured on the validation part of the corpus's real lines (the
held-out third is only reported): see ``bench/README.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Sequence

#: how sure (0..1, mean over the span) the recogniser must be for its digits to be taken
DIGIT_CONFIDENCE = 0.70
#: how sure the recogniser must be to add letters Tesseract did not see (all dictionary words)
WORD_CONFIDENCE = 0.90
#: the least the recogniser must be sure of letters for the dictionary to choose them
LETTER_FLOOR = 0.50
#: how sure the recogniser must be to win a tie on letters, or on anything else
LETTER_CONFIDENCE = 0.97

_DIGIT = re.compile(r"[0-9๐-๙]")
_THAI = re.compile(r"[\u0e01-\u0e4e]")


@dataclass(frozen=True)
class Combined:
    """A combined line: ``text``; ``taken``: how many disagreeing spans were taken from
    the recogniser; ``spans``: how many spans disagreed; ``origin``: for each character
    of ``text``, the index of the character of Tesseract's text it stands for (a span
    taken from the recogniser is spread over the span it replaces in proportion; a
    character it added stands for the one before it; -1 when Tesseract's text is
    empty); ``support``: for each character, the recogniser's confidence in it when the
    recogniser wrote it too (both readers agree, or it was taken from the recogniser),
    else 0.0."""

    text: str
    taken: int
    spans: int
    origin: tuple[int, ...] = ()
    support: tuple[float, ...] = ()


def _thai_run(text: str, start: int, end: int) -> tuple[int, int]:
    """The Thai-letter run of ``text`` around ``[start, end)``."""
    a, b = start, end
    while a > 0 and _THAI.match(text[a - 1]):
        a -= 1
    while b < len(text) and _THAI.match(text[b]):
        b += 1
    return a, b


def _cost(run: str) -> tuple[int, float]:
    from .thai import _run_cost

    return _run_cost(run) if run else (0, 0.0)


def combine(tesseract: str, recogniser: str, confidences: Sequence[float]) -> Combined:
    """Combine Tesseract's reading of a line with the recogniser's.

    Args:
        tesseract: Tesseract's text of the line.
        recogniser: the recogniser's text of the same line.
        confidences: the recogniser's confidence (0..1) for each character of ``recogniser``.

    Returns:
        A :class:`Combined`. Either text may be empty (the other is taken when the
        recogniser is sure enough, see the module's docstring).
    """
    if not recogniser:
        return Combined(tesseract, 0, 0, tuple(range(len(tesseract))), (0.0,) * len(tesseract))
    if not tesseract.strip():
        sure = sum(confidences) / len(confidences) >= LETTER_CONFIDENCE
        text = recogniser if sure else tesseract
        return Combined(text, int(sure), 1, (-1,) * len(text),
                        tuple(confidences) if sure else (0.0,) * len(text))
    ops = SequenceMatcher(None, tesseract, recogniser, autojunk=False).get_opcodes()
    out: list[str] = []
    origin: list[int] = []
    support: list[float] = []
    taken = spans = 0
    for tag, i1, i2, j1, j2 in ops:
        t_span, r_span = tesseract[i1:i2], recogniser[j1:j2]
        if tag == "equal":
            out.append(t_span)
            origin.extend(range(i1, i2))
            support.extend(confidences[j1:j2])
            continue
        spans += 1
        conf = (sum(confidences[j1:j2]) / (j2 - j1)) if j2 > j1 else (
            min(confidences[max(0, j1 - 1):j1 + 1]) if confidences else 0.0)
        in_number = (0 < i1 and i2 < len(tesseract) and _DIGIT.match(tesseract[i1 - 1])
                     and _DIGIT.match(tesseract[i2]) and not t_span.isspace())
        if _THAI.search(r_span) and not _THAI.search(t_span) and _DIGIT.search(t_span):
            take = conf >= LETTER_CONFIDENCE  # a letter where Tesseract saw a digit: only when sure
        elif _DIGIT.search(t_span) or _DIGIT.search(r_span) or in_number:
            # the first digit of a number is never dropped (a leading ๐ of a unit number
            # is where the recogniser loses a glyph; Tesseract's extra digits come later)
            starts_number = _DIGIT.match(t_span) and (i1 == 0 or not _DIGIT.match(tesseract[i1 - 1]))
            # nor a digit at either end of the recogniser's line (its first and last
            # frames lose faint glyphs)
            at_edge = j1 == 0 or j1 == len(recogniser)
            take = conf >= DIGIT_CONFIDENCE and not (j1 == j2 and (starts_number or at_edge))
        elif j1 == j2 and (tesseract[i2:i2 + len(t_span)] == t_span
                           or (i1 >= len(t_span) and tesseract[i1 - len(t_span):i1] == t_span)):
            take = conf >= DIGIT_CONFIDENCE  # Tesseract read the same letters twice; the recogniser once
        elif _THAI.search(t_span) or _THAI.search(r_span):
            # put each side's span back into its Thai run, within the text built so far
            # (left) and Tesseract's text after the span (right)
            left = "".join(out)
            right = tesseract[i2:]
            t_line, r_line = left + t_span + right, left + r_span + right
            ta, tb = _thai_run(t_line, len(left), len(left) + len(t_span))
            ra, rb = _thai_run(r_line, len(left), len(left) + len(r_span))
            t_cost, r_cost = _cost(t_line[ta:tb]), _cost(r_line[ra:rb])
            if i1 == i2:
                # letters Tesseract missed (a faint label, ที่ before a number): every
                # added word counts as cost, so only ask that no unknown letters come in
                take = r_cost[0] <= t_cost[0] and conf >= WORD_CONFIDENCE
            else:
                take = conf >= LETTER_FLOOR and (r_cost < t_cost or (r_cost == t_cost and conf >= LETTER_CONFIDENCE))
        else:
            take = conf >= LETTER_CONFIDENCE
        if take:
            out.append(r_span)
            # spread the recogniser's characters over the span they replace, in proportion
            origin.extend(i1 + (k * (i2 - i1)) // len(r_span) if i2 > i1 else max(0, i1 - 1)
                          for k in range(len(r_span)))
            support.extend(confidences[j1:j2])
        else:
            out.append(t_span)
            origin.extend(range(i1, i2))
            support.extend([0.0] * len(t_span))
        taken += int(take)
    return Combined("".join(out), taken, spans, tuple(origin), tuple(support))


def combine_words(words: Sequence[str], text: str, confidences: Sequence[float],
                  digit_support: list[float | None] | None = None) -> tuple[list[str], int, int]:
    """Combine a line's Tesseract words with the recogniser's reading of the whole line.

    Both are compared without their spaces (the two readers space a line differently,
    and a digit shared across a misplaced space would anchor the alignment wrongly), by
    :func:`combine`; each character of the result goes back to the word of the
    Tesseract character it stands for (:attr:`Combined.origin`), so the words keep
    their boxes. A word the combination deleted (a Tesseract duplicate, a speck read as
    a letter) comes back as "" for the caller to drop.

    Args:
        words: Tesseract's words of one line, in reading order.
        text, confidences: the recogniser's reading of the same line (one 0..1
            confidence per character; see :class:`ocr.recogniser.LineReading`).
        digit_support: when given, filled with one value per word: the lowest
            recogniser confidence over the word's digits when the recogniser wrote every
            one of them (0.0 when it did not), None for a word without digits.

    Returns:
        ``(new word texts, spans taken from the recogniser, spans that disagreed)``.
    """
    if not words:
        return [], 0, 0
    joined = "".join(words)
    owner = [i for i, w in enumerate(words) for _ in w]
    keep = [k for k, ch in enumerate(text) if not ch.isspace()]
    c = combine(joined, "".join(text[k] for k in keep), [confidences[k] for k in keep])
    parts: list[list[str]] = [[] for _ in words]
    digit_conf: list[list[float]] = [[] for _ in words]
    for ch, o, sup in zip(c.text, c.origin, c.support):
        k = owner[o] if 0 <= o < len(owner) else 0
        parts[k].append(ch)
        if _DIGIT.match(ch):
            digit_conf[k].append(sup)
    new = ["".join(p) for p in parts]
    if digit_support is not None:
        digit_support[:] = [min(d) if d and "".join(p) else None for d, p in zip(digit_conf, parts)]
    return new, c.taken, c.spans
