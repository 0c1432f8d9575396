"""Text analysis shared by every search backend and by routing rules.

Thai has no spaces between words: text is split into words in the service, before
indexing and before querying, the same way for every backend (ARCHITECTURE.md), after
Unicode normalisation (sara am, doubled vowels) and with Thai digits folded to Arabic
ones so that ``๒๗๒๕๘`` and ``27258`` are the same term. Words are found by the
dictionary-based maximal matching of PyThaiNLP (``newmm``, its own word list), run by
``nlpo3``, its compiled implementation (two orders of magnitude faster, same
algorithm and dictionary), so that a cluster with only the core analysers
(``whitespace``) indexes exactly what the embedded backend does.

OCR tolerance: Tesseract's Thai errors are mostly in the marks above and below the
line (tone marks, upper and lower vowels) and in single letters. The *skeleton* of a
text keeps its letters and drops those marks; its character trigrams
(:func:`skeleton_grams`) let a word misread by OCR still be found.
"""

from __future__ import annotations

import functools
import os
import re

from ocr import thai

_WORD_CHARS = re.compile(r"[0-9A-Za-z\u00C0-\u024F\u0E01-\u0E3A\u0E40-\u0E4E\u0E50-\u0E59]+")
# Thai marks above/below the line (and the thanthakhat), which OCR most often misreads.
_MARKS = re.compile(r"[\u0E31\u0E34-\u0E3A\u0E47-\u0E4E]")
_NOT_SKELETON = re.compile(r"[^0-9a-z\u0E01-\u0E30\u0E32\u0E40-\u0E46\u0E50-\u0E59]+")
_DICT = "saraban-th"


@functools.lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    return frozenset(thai_stopwords())


@functools.lru_cache(maxsize=1)
def _segmenter():
    """``nlpo3.segment`` with PyThaiNLP's word list loaded (once per process)."""
    import nlpo3
    import pythainlp

    words = os.path.join(os.path.dirname(pythainlp.__file__), "corpus", "words_th.txt")
    _message, ok = nlpo3.load_dict(words, _DICT)
    if not ok:  # pragma: no cover - the file ships with the pinned PyThaiNLP
        raise RuntimeError(f"cannot load the Thai word list {words}")
    return nlpo3.segment


def normalize(text: str) -> str:
    """Normalise Thai text for matching: ``ocr.thai.normalize`` (control characters,
    sara am, mark order, NFC), Thai digits → Arabic, lower case."""
    return thai.fold_digits(thai.normalize(text or "")).lower()


def tokenize(text: str, *, drop_stopwords: bool = False, normalized: bool = False) -> list[str]:
    """Split ``text`` into normalised terms (Thai words, Latin words, numbers), in order.

    Punctuation and spaces are dropped (``ร.`` → ``ร``, ``0018/27258`` → ``0018``,
    ``27258``); ``drop_stopwords`` also drops Thai stop words (for routing rules, not
    for search, where a phrase must still match). ``normalized``: ``text`` already went
    through ``ocr.thai.normalize`` (stored letters, search documents), so only digits
    and case are folded here — the indexing fast path. Never raises; terms are at most
    64 characters.
    """
    text = thai.fold_digits(text or "").lower() if normalized else normalize(text)
    tokens = _segmenter()(text, _DICT, False, False)
    # One pass over the tokens joined by NUL (not a word character) splits off punctuation.
    terms = _WORD_CHARS.findall("\x00".join(tokens))
    if drop_stopwords:
        stop = _stopwords()
        terms = [t for t in terms if t not in stop]
    return [t if len(t) <= 64 else t[:64] for t in terms]


def compact(text: str) -> str:
    """``text`` normalised with all spaces and dots removed, for substring matching."""
    return re.sub(r"[\s.]+", "", normalize(text))


def skeleton(text: str) -> str:
    """The letters of ``text`` without the marks OCR misreads and without spaces or
    punctuation: ``"ราชบุรี"`` and its misreading ``"ราชบูรี"`` both give ``"ราชบร"``."""
    return _NOT_SKELETON.sub("", _MARKS.sub("", normalize(text).replace("\u0e33", "\u0e32")))


def skeleton_grams(text: str, n: int = 3, *, normalized: bool = False) -> list[str]:
    """Distinct character ``n``-grams of the skeleton of each run of letters in
    ``text`` (runs split at spaces and punctuation; a run shorter than ``n`` gives
    itself), in first-seen order. ``normalized`` as for :func:`tokenize`."""
    text = thai.fold_digits(text or "").lower() if normalized else normalize(text)
    runs = _NOT_SKELETON.split(_MARKS.sub("", text.replace("\u0e33", "\u0e32")))
    return list(dict.fromkeys(run[i: i + n] for run in runs if run for i in range(max(1, len(run) - n + 1))))


def canonical_number(number: str) -> str:
    """A document number's canonical form (DOMAIN.md §1): ``ocr.thai.canonical_number``
    lower-cased, so ``ยธ ๐๓๐๓/ว ๑๓`` and ``ยธ.0303/ว.13`` are both ``ยธ0303/ว13``."""
    return thai.canonical_number(number or "").lower()


MARK_START, MARK_END = "\ue000", "\ue001"


def highlight(body: str, terms: list[str], *, width: int = 160) -> str:
    """A window of ``body`` (about ``width`` characters) around the first place a query
    term occurs, each occurrence of a term wrapped in ``MARK_START``/``MARK_END``.

    Terms are matched on the normalised text (Thai digits match Arabic ones); when
    normalisation changed the text's length the window is cut from the normalised
    text. Plain text, never HTML: interfaces escape it and turn the marks into their
    own highlighting. Never raises.
    """
    folded = normalize(body)
    source = body if len(folded) == len(body) else folded
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    positions = [p for p in (folded.find(t) for t in terms) if p >= 0]
    start = max(0, min(positions) - 40) if positions else 0
    end = min(len(source), start + width)
    spans: list[tuple[int, int]] = []
    if terms:
        pattern = re.compile("|".join(re.escape(t) for t in terms))
        for m in pattern.finditer(folded, start, end):
            spans.append((m.start(), m.end()))
    out, cursor = [], start
    for a, b in spans:
        out += [source[cursor:a], MARK_START, source[a:b], MARK_END]
        cursor = b
    out.append(source[cursor:end])
    text = " ".join("".join(out).split())
    return ("…" if start else "") + text + ("…" if end < len(source) else "")


def plain(snippet: str) -> str:
    """A highlighted snippet without its marks."""
    return snippet.replace(MARK_START, "").replace(MARK_END, "")
