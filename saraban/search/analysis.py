"""Text analysis shared by every search backend and by routing rules.

Thai has no spaces between words: text is split with PyThaiNLP (``newmm``) before
indexing and before querying, the same way everywhere (ARCHITECTURE.md), after
Unicode normalisation (sara am, doubled vowels) and with Thai digits folded to
Arabic ones so that ``๒๗๒๕๘`` and ``27258`` are the same term.
"""

from __future__ import annotations

import functools
import re

from ocr import thai

_WORD = re.compile(r"[\w\u0E00-\u0E7F]", re.UNICODE)


@functools.lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    return frozenset(thai_stopwords())


def normalize(text: str) -> str:
    """Normalise Thai text for matching: ``ocr.thai.normalize`` (control characters,
    sara am, mark order, NFC), Thai digits → Arabic, lower case."""
    return thai.fold_digits(thai.normalize(text or "")).lower()


def tokenize(text: str, *, drop_stopwords: bool = False) -> list[str]:
    """Split ``text`` into normalised terms (Thai words, Latin words, numbers), in order.

    Punctuation and spaces are dropped; ``drop_stopwords`` also drops Thai stop words
    (for routing rules, not for search, where a phrase must still match).
    """
    from pythainlp.tokenize import word_tokenize

    terms = []
    for token in word_tokenize(normalize(text), engine="newmm", keep_whitespace=False):
        token = token.strip()
        if not token or not _WORD.search(token):
            continue
        if drop_stopwords and token in _stopwords():
            continue
        terms.append(token)
    return terms


def compact(text: str) -> str:
    """``text`` normalised with all spaces and dots removed, for substring matching."""
    return re.sub(r"[\s.]+", "", normalize(text))
