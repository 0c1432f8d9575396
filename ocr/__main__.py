"""Command line: ``python -m ocr FILE [--json] [--pdf OUT.pdf]``.

Prints one JSON object on stdout (the output is always JSON; ``--json`` is accepted
for explicitness)::

    {"text": ..., "pages": [{"text", "confidence", "source"}],
     "fields": {document_type, document_number, document_date, subject, addressee,
                references, enclosures, signer_name, signer_position, issuing_office,
                urgency, secrecy},
     "field_confidence": {name: 0..1},
     "needs_review": [names of the fields a person must check: an uncertain mark]}

Every field key is present, null when absent. ``--pdf OUT.pdf`` also writes the
searchable PDF. On failure: exit status 1 and ``{"error": "<Thai message>"}`` on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 success, 1 failure)."""
    ap = argparse.ArgumentParser(prog="python -m ocr", description="Read a Thai letter (PDF/PNG/JPEG/TIFF).")
    ap.add_argument("file")
    ap.add_argument("--json", action="store_true", help="print JSON (the default and only format)")
    ap.add_argument("--pdf", metavar="OUT.pdf", help="write the searchable PDF here")
    ap.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    ap.add_argument("--languages", default="tha+eng", help="Tesseract languages (default tha+eng)")
    args = ap.parse_args(argv)
    from .errors import OcrError
    from .pipeline import read

    try:
        reading = read(args.file, languages=args.languages, searchable_pdf=bool(args.pdf),
                       workers=args.workers)
        if args.pdf and reading.searchable_pdf is not None:
            with open(args.pdf, "wb") as fh:
                fh.write(reading.searchable_pdf)
    except OcrError as exc:
        print(json.dumps({"error": exc.message}, ensure_ascii=False))
        return 1
    except FileNotFoundError:
        print(json.dumps({"error": f"ไม่พบไฟล์ {args.file}"}, ensure_ascii=False))
        return 1
    except Exception as exc:  # last resort: never a traceback instead of JSON
        print(json.dumps({"error": f"อ่านเอกสารไม่สำเร็จ: {exc}"}, ensure_ascii=False))
        return 1
    print(json.dumps(reading.to_dict(), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
