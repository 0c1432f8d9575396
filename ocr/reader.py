"""Readers of letters behind one protocol: the real one, and a fake one for tests.

:class:`LetterReader` is what the rest of the system needs from OCR: ``read(path, ...)``
giving an :class:`ocr.pipeline.Reading` (text per page, header fields with their
confidence, the fields a person must check, the searchable PDF). Two readers have it:

* :class:`TesseractReader` — the real one, :func:`ocr.pipeline.read` (Tesseract, the
  digit classifier, the field extractors); a few seconds per page.
* :class:`FakeReader` — for tests: no OCR, the page texts and fields it was built with;
  the file is still checked as the real reader checks it, so bad files give the real
  errors.

A Django project chooses its reader by a setting (``SARABAN_READER`` in Saraban); this
module, like all of :mod:`ocr`, knows nothing of Django. Importing it is cheap: the
pipeline is imported on the first read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from .preflight import preflight

if TYPE_CHECKING:
    from .pipeline import Reading

__all__ = ["LetterReader", "TesseractReader", "FakeReader"]


@runtime_checkable
class LetterReader(Protocol):
    """Reads one letter file; the signature of :func:`ocr.pipeline.read`."""

    def read(self, path: str | os.PathLike[str], *, languages: str = "tha+eng",
             searchable_pdf: bool = True, progress: Callable[[int, int], None] | None = None,
             workers: int | None = None) -> Reading:
        """Read ``path`` (a PDF, PNG, JPEG or TIFF file, never modified).

        Args:
            languages: Tesseract languages (``"tha+eng"``).
            searchable_pdf: also return the searchable PDF (PDF bytes).
            progress: called as ``progress(done, total)`` after each page.
            workers: processes to read pages in (None: one per core).

        Returns:
            An :class:`ocr.pipeline.Reading`.

        Raises:
            FileNotFoundError: no such file.
            ocr.errors.InputError: the file is refused by :func:`ocr.preflight` (empty,
                wrong type, broken, too large, too many pages).
            ocr.errors.ReadError: reading failed.
        """
        ...


class TesseractReader:
    """The real reader: :func:`ocr.pipeline.read`, arguments passed on unchanged.
    Holds no state (one instance may serve every read)."""

    def read(self, path: str | os.PathLike[str], *, languages: str = "tha+eng",
             searchable_pdf: bool = True, progress: Callable[[int, int], None] | None = None,
             workers: int | None = None) -> Reading:
        """See :meth:`LetterReader.read` and :func:`ocr.pipeline.read`."""
        from .pipeline import read

        return read(path, languages=languages, searchable_pdf=searchable_pdf, progress=progress,
                    workers=workers)


class FakeReader:
    """A reader for tests: returns the page texts and fields it was built with, no OCR.

    :meth:`read` behaves like the real reader at its edges: a missing file raises
    ``FileNotFoundError`` and a file :func:`ocr.preflight` refuses raises its
    :class:`ocr.errors.InputError`; ``progress(i + 1, n)`` is called once per page, in
    order; the result is a real :class:`ocr.pipeline.Reading`.

    Args:
        pages: the text of each page (each ``PageReading`` has confidence 1.0, source
            ``"ocr"``); default: one empty page per page of the file read.
        fields: the header fields (names of :data:`ocr.fields.FIELD_NAMES`; missing
            names are None, except ``document_type`` ``"record"``, ``urgency``
            ``"normal"`` and ``secrecy`` ``"unclassified"``, as the extractor answers).
            Default: what :func:`ocr.fields.review_fields` finds in the page texts (each
            text line a line of synthetic boxes; no re-reading, no OCR).
        confidences: 0..1 per field name; default: 1.0 for each field that has a value
            and 0.0 for the others (with ``fields`` given), or the extractor's.
        needs_review: the fields a person must check; default: none (with ``fields``
            given), or the extractor's.
        searchable: return a searchable PDF when one is asked for: the original file's
            bytes for a PDF (no text laid over it), None for an image. False: always None.

    Attributes:
        calls: the paths read, in order.
    """

    def __init__(self, pages: Sequence[str] | None = None, *, fields: Mapping | None = None,
                 confidences: Mapping[str, float] | None = None,
                 needs_review: Sequence[str] | None = None, searchable: bool = True) -> None:
        self.pages = None if pages is None else list(pages)
        self.fields = None if fields is None else dict(fields)
        self.confidences = None if confidences is None else dict(confidences)
        self.needs_review = None if needs_review is None else list(needs_review)
        self.searchable = searchable
        self.calls: list[str] = []

    def read(self, path: str | os.PathLike[str], *, languages: str = "tha+eng",
             searchable_pdf: bool = True, progress: Callable[[int, int], None] | None = None,
             workers: int | None = None) -> Reading:
        """See :meth:`LetterReader.read`; ``languages`` and ``workers`` are ignored."""
        from .pipeline import PageReading, Reading

        path = str(path)
        info = preflight(path)  # FileNotFoundError, InputError: as the real reader
        self.calls.append(path)
        texts = self.pages if self.pages is not None else [""] * info.pages
        pages = []
        for i, text in enumerate(texts):
            pages.append(PageReading(text=text, confidence=1.0, source="ocr"))
            if progress:
                progress(i + 1, len(texts))
        fields, confidence, review = self._fields(texts)
        pdf = None
        if searchable_pdf and self.searchable and info.kind == "pdf":
            with open(path, "rb") as fh:
                pdf = fh.read()
        return Reading(pages=pages, fields=fields, field_confidence=confidence, searchable_pdf=pdf,
                       needs_review=review)

    def _fields(self, texts: list[str]) -> tuple[dict, dict[str, float], list[str]]:
        """``(fields, confidence, needs_review)`` as given, or as the extractor finds them."""
        from .fields import FIELD_NAMES, review_fields
        from .layout import Line

        if self.fields is None:
            lines = []
            for page, text in enumerate(texts):
                top = 300
                for row in text.split("\n"):
                    if row.strip():
                        lines.append(Line.from_text(row, top=top, left=355, height=70, page=page))
                        top += 95
                    else:
                        top += 47
            fields, confidence, review = review_fields(lines)
        else:
            fields = {name: None for name in FIELD_NAMES}
            fields.update(document_type="record", urgency="normal", secrecy="unclassified")
            fields.update(self.fields)
            confidence = {name: 1.0 if fields.get(name) is not None else 0.0 for name in FIELD_NAMES}
            review = []
        if self.confidences is not None:
            confidence = {**confidence, **self.confidences}
        if self.needs_review is not None:
            review = list(self.needs_review)
        return fields, confidence, review
