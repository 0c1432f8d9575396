"""How long the largest documents the service will print take, against a one-page book.

Every render is bounded (issue 15): typed text is cut at its field's limit, and a book or
a destruction list prints in parts of at most ``render.MAX_ROWS`` rows and
``render.MAX_TEXT`` characters. This renders, in one process, one after another:

- ``baseline``: form 13 with 12 ordinary rows (two pages), after a first render that warms up;
- ``rows``: the fullest part by rows, ``MAX_ROWS`` ordinary rows;
- ``text``: the fullest part by text, rows with 1,000-character subjects up to ``MAX_TEXT``;
- ``stored_9mb``: a book row stored before the limits, a 9 MB subject (cut);
- ``letter_50k``: an outgoing memo with the longest text allowed (50,000 characters);

and prints seconds, the ratio to the baseline, pages, the PDF's size and the process's
peak memory after each. Last line: one JSON object.

    .venv/bin/python bench/render_bench.py            # about 1 minute on 2 cores
    .venv/bin/python bench/render_bench.py --quick    # a tenth of the rows (about 10 s)
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saraban.settings")

import django  # noqa: E402

django.setup()

from pypdf import PdfReader  # noqa: E402

from saraban.documents import render  # noqa: E402
from saraban.documents.data import Book, BookRow, OutgoingDocument  # noqa: E402

T0 = datetime(2026, 11, 3, 10, 30, tzinfo=ZoneInfo("Asia/Bangkok"))
SUBJECT = "ขอเชิญประชุมคณะทำงานพัฒนาระบบสารบรรณอิเล็กทรอนิกส์ ครั้งที่ "


def rows(n: int, subject_length: int = 0) -> tuple[BookRow, ...]:
    long = (SUBJECT * (subject_length // len(SUBJECT) + 1))[:subject_length] if subject_length else ""
    return tuple(BookRow(number=str(i), registered_at=T0 + timedelta(minutes=i), document_number=f"พม 0201/ว {i}",
                         document_date=date(2026, 10, 28), sender="กรมกิจการเด็กและเยาวชน",
                         addressee="ผู้อำนวยการกองกลาง", subject=long or f"{SUBJECT}{i}", action="เสนอ ผอ.กอง")
                 for i in range(1, n + 1))


def book(book_rows) -> Book:
    return Book(direction="incoming", register_name="ทะเบียนกลาง", agency_name="กองกลาง สำนักงานปลัดกระทรวง",
                date_from=date(2026, 1, 1), date_to=date(2026, 12, 31), rows=book_rows, printed_at=T0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the rows")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    per_text_row = 1_000 + 100
    cases = {
        "baseline": lambda: render.book_pdf(book(rows(12))),
        "rows": lambda: render.book_pdf(book(rows(render.MAX_ROWS // scale))),
        "text": lambda: render.book_pdf(book(rows(render.MAX_TEXT // per_text_row // scale, 1_000))),
        "stored_9mb": lambda: render.book_pdf(book(rows(1, 3_000_000))),
        "letter_50k": lambda: render.outgoing_letter_pdf(OutgoingDocument(
            document_type="internal", agency_name="สำนักงานปลัดกระทรวง", subject="ระเบียบปฏิบัติ",
            body="\n\n".join([SUBJECT * 12] * (50_000 // (len(SUBJECT) * 12) + 1))[:50_000])),
    }
    results = {}
    render.book_pdf(book(rows(12)))  # warm up: imports, fonts, templates
    for name, make in cases.items():
        start = time.perf_counter()
        pdf = make()
        seconds = time.perf_counter() - start
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results[name] = {"seconds": round(seconds, 2), "pages": pages, "pdf_mb": round(len(pdf) / 1e6, 2),
                         "peak_rss_mb": round(peak_mb)}
        ratio = seconds / results["baseline"]["seconds"]
        print(f"{name:12} {seconds:7.2f} s  ×{ratio:6.1f}  {pages:4d} pages  {len(pdf) / 1e6:5.2f} MB  "
              f"peak {peak_mb:5.0f} MB", flush=True)
    print(json.dumps({"max_rows": render.MAX_ROWS, "max_text": render.MAX_TEXT, "quick": args.quick,
                      "results": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
