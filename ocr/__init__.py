"""OCR of scanned Thai official letters (no Django): reading, fields, Thai helpers.

Public API::

    import ocr
    info = ocr.preflight(path)          # cheap checks, raises ocr.errors.InputError
    reading = ocr.read(path)            # -> ocr.Reading (pages, fields, searchable PDF)
    reading.to_dict()                   # the JSON object of ``python -m ocr``
    text, conf = ocr.read_line(image)   # an image of one text line

Modules:

* reading: :mod:`ocr.pipeline` (``read``, ``read_line``: the pages read in parallel),
  :mod:`ocr.preflight` (cheap checks), :mod:`ocr.pages` (page images, PDF text layers),
  :mod:`ocr.tesseract`, :mod:`ocr.digits` (Thai-digit classifier), :mod:`ocr.regions`
  (regions of a page read again: ``PageRegionReader``, red stamps, mark bands),
  :mod:`ocr.textlayer` (judging and reconciling a PDF's text layer),
  :mod:`ocr.searchable` (the searchable PDF), :mod:`ocr.reader` (the ``LetterReader``
  protocol, the real reader and a fake one for tests);
* fields: :mod:`ocr.layout` (``Box``, ``Word``, ``Line``, the ``RegionReader``
  protocol), :mod:`ocr.fields` (header fields from lines: ``extract_fields``,
  ``review_fields``), :mod:`ocr.labels` (header labels), :mod:`ocr.numbers` (document
  numbers, agency codes), :mod:`ocr.dates` (dates), :mod:`ocr.marks` (urgency and
  secrecy);
* :mod:`ocr.thai` (normalisation, digits, numbers, dates), :mod:`ocr.render` (test
  letters), :mod:`ocr.errors`.

Importing ``ocr`` is cheap: ``read`` and ``preflight`` load their dependencies on first
use.
"""

from __future__ import annotations

from .errors import InputError, ReadError

__all__ = ["read", "read_line", "preflight", "Reading", "PageReading", "FileInfo", "InputError", "ReadError"]


def __getattr__(name: str):
    if name in ("read", "read_line", "Reading", "PageReading"):
        from . import pipeline

        return getattr(pipeline, name)
    if name in ("preflight", "FileInfo"):
        from . import preflight as _pf

        return getattr(_pf, name)
    raise AttributeError(f"module 'ocr' has no attribute {name!r}")
