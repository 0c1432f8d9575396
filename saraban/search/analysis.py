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
(:func:`skeleton_trigrams`) let a word misread by OCR still be found.
"""

from __future__ import annotations

import functools
import os
import re

import numpy as np

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


_THAI_DIGITS = re.compile(r"[\u0E50-\u0E59]+")


def _fold(text: str) -> str:
    """Thai digits → Arabic and lower case, for text already ``thai.normalize``d (only
    the digit runs are translated: much faster than translating the whole text)."""
    return _THAI_DIGITS.sub(lambda m: thai.fold_digits(m.group()), text).lower()


def tokenize(text: str, *, drop_stopwords: bool = False, normalized: bool = False) -> list[str]:
    """Split ``text`` into normalised terms (Thai words, Latin words, numbers), in order.

    Punctuation and spaces are dropped (``ร.`` → ``ร``, ``0018/27258`` → ``0018``,
    ``27258``); ``drop_stopwords`` also drops Thai stop words (for routing rules, not
    for search, where a phrase must still match). ``normalized``: ``text`` already went
    through ``ocr.thai.normalize`` (stored letters, search documents), so only digits
    and case are folded here — the indexing fast path. Never raises; terms are at most
    64 characters.
    """
    text = _fold(text or "") if normalized else normalize(text)
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


def _unmarked(folded: str) -> str:
    """``folded`` (normalised) without the marks OCR misreads; sara am counts as sara aa."""
    return _MARKS.sub("", folded.replace("\u0e33", "\u0e32"))


def skeleton(text: str) -> str:
    """The letters of ``text`` without the marks OCR misreads and without spaces or
    punctuation: ``"ราชบุรี"`` and its misreading ``"ราชบูรี"`` both give ``"ราชบร"``."""
    return _NOT_SKELETON.sub("", _unmarked(normalize(text)))


@functools.lru_cache(maxsize=1)
def _words() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


@functools.lru_cache(maxsize=200_000)
def subwords(term: str) -> tuple[str, ...]:
    """The dictionary words a compound ``term`` is made of, for indexing:
    ``ผู้ประสบอุทกภัย`` → ``ผู้``, ``ประสบ``, ``อุทกภัย``; ``ศาลากลางจังหวัด`` →
    ``ศาลากลาง``, ``จังหวัด``. The segmenter keeps a compound that is in the dictionary
    whole, so without these a search for one of its parts would miss it. The split is
    the one with the fewest dictionary words of at least two characters (other than the
    term itself), one level only (``จังหวัด`` is not split further); none for terms
    under six characters or that cannot be split so. Cached.
    """
    if len(term) < 6 or not ("\u0e01" <= term[0] <= "\u0e7f"):
        return ()
    words, n = _words(), len(term)
    best: list[tuple[int, int] | None] = [None] * (n + 1)  # (pieces, start of the last piece)
    best[0] = (0, 0)
    for end in range(2, n + 1):
        for start in range(0, end - 1):
            if best[start] is None or (start == 0 and end == n):
                continue
            if term[start:end] in words and (best[end] is None or best[start][0] + 1 < best[end][0]):
                best[end] = (best[start][0] + 1, start)
    if best[n] is None:
        return ()
    pieces, end = [], n
    while end:
        start = best[end][1]
        pieces.append(term[start:end])
        end = start
    return tuple(dict.fromkeys(reversed(pieces)))


def index_terms(text: str, *, normalized: bool = True) -> list[str]:
    """The terms indexed for ``text``: its :func:`tokenize` terms, each compound
    followed by its :func:`subwords`."""
    out: list[str] = []
    for term in tokenize(text, normalized=normalized):
        out.append(term)
        out.extend(subwords(term))
    return out


def skeleton_trigrams(text: str) -> str:
    """The distinct character trigrams of the skeleton of ``text`` (already
    ``thai.normalize``d), space-separated, in no particular order: what the tolerant
    field indexes. Runs of letters are split at spaces and punctuation; runs shorter
    than three letters give nothing (the tolerant pass ignores such words too).
    Computed on code points with numpy (about 0.2 ms for a 3,000-character letter).
    """
    runs = _NOT_SKELETON.sub(" ", _unmarked(_fold(text or "")))
    c = np.frombuffer(runs.encode("utf-32-le"), dtype=np.uint32)
    if len(c) < 3:
        return ""
    a, b, z = c[:-2].astype(np.uint64), c[1:-1].astype(np.uint64), c[2:].astype(np.uint64)
    inside = (a != 32) & (b != 32) & (z != 32)
    codes = np.unique(((a << np.uint64(42)) | (b << np.uint64(21)) | z)[inside])
    out = np.empty((len(codes), 4), dtype=np.uint32)  # three letters and a space per trigram
    out[:, 0] = codes >> np.uint64(42)
    out[:, 1] = (codes >> np.uint64(21)) & np.uint64(0x1FFFFF)
    out[:, 2] = codes & np.uint64(0x1FFFFF)
    out[:, 3] = 32
    return out.tobytes().decode("utf-32-le").rstrip()


def tolerant_words(text: str, *, shortest: int = 3) -> list[str]:
    """The skeletons of the words of a query as typed (split at spaces and punctuation,
    not segmented: a misread word is not in the dictionary, and segmenting it would
    break it into pieces too short to match anything), those of at least ``shortest``
    letters, for the tolerant pass."""
    runs = _NOT_SKELETON.split(_unmarked(normalize(text)))
    return [w for w in runs if len(w) >= shortest]


def analyse_for_index(pairs: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """For each (header, body) — already ``thai.normalize``d — the space-joined header
    terms, body terms and skeleton trigrams of both: what the Elasticsearch backend
    indexes. A plain function of strings so that a process pool can run it."""
    return [(" ".join(index_terms(header)), " ".join(index_terms(body)), skeleton_trigrams(f"{header}\n{body}"))
            for header, body in pairs]


def canonical_number(number: str) -> str:
    """A document number's canonical form (DOMAIN.md §1): ``ocr.thai.canonical_number``
    lower-cased, so ``ยธ ๐๓๐๓/ว ๑๓`` and ``ยธ.0303/ว.13`` are both ``ยธ0303/ว13``."""
    return thai.canonical_number(number or "").lower()


MARK_START, MARK_END = "\ue000", "\ue001"


def highlight(body: str, terms: list[str], *, width: int = 160, normalized: bool = False) -> str:
    """A window of ``body`` (about ``width`` characters) around the first place a query
    term occurs, each occurrence of a term wrapped in ``MARK_START``/``MARK_END``.

    Terms are matched on the normalised text (Thai digits match Arabic ones); when
    normalisation changed the text's length the window is cut from the normalised
    text. Plain text, never HTML: interfaces escape it and turn the marks into their
    own highlighting. ``normalized``: ``body`` already went through
    ``ocr.thai.normalize`` (indexed text), so only digits and case are folded. Never
    raises.
    """
    folded = _fold(body) if normalized else normalize(body)
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
