"""Render the registry's printed forms: PDF with WeasyPrint, XLSX with openpyxl.

Forms of the PM's Office Regulation on Correspondence B.E. 2526 (amended 2548, 2560,
2564): form 1 external letter (หนังสือภายนอก), 2 memo (บันทึกข้อความ), 3 stamped letter
(หนังสือประทับตรา), 4 order (คำสั่ง), 8 announcement (ประกาศ), 13 and 14 the registers of
letters received and sent (A4 landscape), 25 the list of letters for destruction (A4
landscape), and the receive slip (ใบรับหนังสือ, here A5 portrait).

Conventions of every function here:

* It takes one frozen object of :mod:`saraban.documents.data` and returns the file's
  bytes (``%PDF-…`` or an XLSX zip); nothing touches the disk, the database or settings.
* Dates print in the Buddhist era (CE + 543) with Thai month names; datetimes print in
  Asia/Bangkok time (aware ones are converted, naive ones are taken as Bangkok time).
  Thai digits ๐–๙ when the object's ``thai_digits`` is true, Arabic otherwise — for the
  text the service makes (dates, times, register and page numbers). What users typed
  into a register (ที่, จาก, ถึง, เรื่อง, …) prints as typed (DOMAIN.md §1: a number is
  always shown as printed); in an outgoing letter, which the service typesets, every
  digit follows ``thai_digits`` except inside e-mail addresses and URLs.
* All user text is HTML-escaped (Django templates with autoescape) and, in XLSX, stored
  as plain strings (never formulas); control characters are dropped. Each typed field
  is cut at its limit (:data:`saraban.core.limits.LIMITS`, the same table the services
  refuse longer input with) with a visible mark, "… [ตัดข้อความส่วนที่เกิน: แสดง ๑,๐๐๐
  จาก ๙,๔๓๗,๑๘๔ ตัวอักษร]": rows written before the limits existed cannot be deleted
  from a book, so they must still print (:func:`fit`).
* Every render is bounded: the typed text is cut as above, and a book (forms 13, 14)
  or a destruction list (form 25) prints in parts of at most :data:`MAX_ROWS` rows and
  :data:`MAX_TEXT` characters of typed text (``part=2`` …; :func:`book_parts`,
  :func:`destruction_list_parts`), each part saying which rows it holds. A part takes
  at most about 15 s and 400 MB on two cores (``bench/render_bench.py``: 11 s, 366 MB).
* In XLSX, numbers are numbers (receive numbers, counts) and dates are dates (Excel
  serials), shown in the Buddhist era with Thai month names by the cell's number format
  (``[$-D07041E]d mmm yyyy``: Thai digits, the Thai Buddhist calendar, the Thai
  locale; ``[$-107041E]`` with Arabic digits), so a spreadsheet sorts and sums them.
* WeasyPrint fetches nothing but the service's own font: every other URL is refused.
  The text is set in :data:`saraban.documents.fonts.PRINT_FAMILY`, Laksaman (the free
  clone of TH Sarabun) at TH Sarabun's size, given through ``@font-face`` so that no
  fontconfig alias can replace it (:mod:`saraban.documents.fonts` says why).
  The PDF's Thai text layer is repaired after WeasyPrint (:mod:`saraban.documents.textlayer`),
  so copied or extracted text is right once ``ocr.thai.normalize``d (ำ comes out as ํา).
* Unknown enum values (``direction``, ``document_type``, ``urgency``, ``secrecy``) and an
  inverted period raise :class:`ValueError`.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ocr.thai import fold_digits, format_thai_date, to_thai_digits
from saraban.core.limits import LIMITS, MAX_ITEMS
from saraban.documents import fonts
from saraban.documents.data import Book, DestructionList, OutgoingDocument, ReceiveSlip
from saraban.documents.textlayer import repair_thai_to_unicode

__all__ = [
    "MAX_ROWS",
    "MAX_TEXT",
    "book_parts",
    "book_pdf",
    "book_xlsx",
    "csv_bytes",
    "csv_text",
    "destruction_list_parts",
    "destruction_list_pdf",
    "destruction_list_xlsx",
    "fit",
    "outgoing_letter_pdf",
    "receive_slip_pdf",
]

TEMPLATES = Path(__file__).resolve().parent / "templates"
TZ = ZoneInfo("Asia/Bangkok")

#: A dotted blank, printed where a draft has no number or date yet.
DOTS = "." * 30
CANCELLED = "ยกเลิก"
#: A table row whose longest cell has at most this many characters is kept on one page
#: (``break-inside: avoid``). Longer rows may split: WeasyPrint 70 drops the repeated
#: table header around an unsplittable row taller than the page.
KEEP_ROW = 300
#: The most table rows one PDF part of a book or a destruction list holds. Measured on
#: two cores (bench/render_bench.py): 1,000 rows of ordinary length in 11 s, 355 MB.
MAX_ROWS = 1_000
#: The most characters of typed text one PDF part holds: 272 rows of 1,000-character
#: subjects in 11 s, 366 MB (bench/render_bench.py).
MAX_TEXT = 300_000
#: Excel number formats (ECMA-376 §18.8.31, the LCID prefix [$-NNCCLLLL]: NN the digits,
#: 0D Thai or 01 Western; CC the calendar, 07 Thai Buddhist; LLLL the locale, 041E Thai).
XLSX_FORMATS = {
    True: {"date": "[$-D07041E]d mmm yyyy", "datetime": '[$-D07041E]d mmm yyyy hh.mm "น."',
           "month": "[$-D07041E]mmmm yyyy", "int": "[$-D00041E]0", "decimal": "[$-D00041E]0.0"},
    False: {"date": "[$-107041E]d mmm yyyy", "datetime": '[$-107041E]d mmm yyyy hh.mm "น."',
            "month": "[$-107041E]mmmm yyyy", "int": "0", "decimal": "0.0"},
}

BOOK_TITLES = {"incoming": "ทะเบียนหนังสือรับ", "outgoing": "ทะเบียนหนังสือส่ง"}  # forms 13, 14
BOOK_NUMBER_HEADINGS = {"incoming": "เลขทะเบียนรับ", "outgoing": "เลขทะเบียนส่ง"}
BOOK_COLUMNS = ("ที่", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "การปฏิบัติ", "หมายเหตุ")
DESTRUCTION_TITLE = "บัญชีหนังสือขอทำลาย"  # form 25
DESTRUCTION_COLUMNS = ("ลำดับที่", "รหัสแฟ้ม", "ที่", "ลงวันที่", "เรื่อง", "การพิจารณา", "หมายเหตุ")
URGENCY_WORDS = {"normal": "", "urgent": "ด่วน", "very_urgent": "ด่วนมาก", "most_urgent": "ด่วนที่สุด"}
SECRECY_WORDS = {"unclassified": "", "confidential": "ลับ", "secret": "ลับมาก", "top_secret": "ลับที่สุด"}
#: document_type → (form template, type name for the PDF title, default closing)
LETTER_FORMS = {
    "external": ("documents/letter_external.html", "หนังสือภายนอก", "ขอแสดงความนับถือ"),
    "internal": ("documents/letter_internal.html", "บันทึกข้อความ", ""),
    "stamped": ("documents/letter_stamped.html", "หนังสือประทับตรา", ""),
    "directive": ("documents/letter_directive.html", "คำสั่ง", ""),
    "announcement": ("documents/letter_announcement.html", "ประกาศ", ""),
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINK = re.compile(r"\S*(?:@|://|www\.)\S*")


# ---------------------------------------------------------------------------------
# the shared helper: Thai dates, times and digits


class Thai:
    """Dates, times and digits of one document, as Thai official papers print them.

    ``Thai(thai_digits=True).date_text(date(2026, 11, 3), be=True)`` →
    ``"๓ พฤศจิกายน พ.ศ. ๒๕๖๙"``; ``.datetime_text(dt)`` → ``"๓ พ.ย. ๒๕๖๙ ๑๐.๓๐ น."``.
    """

    def __init__(self, thai_digits: bool):
        self.thai_digits = thai_digits

    def number(self, text: str) -> str:
        """Service-made text (register, page and row numbers): digits per ``thai_digits``."""
        text = clean(text)
        return to_thai_digits(text) if self.thai_digits else text

    def digits(self, text: str) -> str:
        """Letter text: like :meth:`number`, but e-mail addresses and URLs stay as typed."""
        text = clean(text)
        if not self.thai_digits:
            return text
        out, pos = [], 0
        for m in _LINK.finditer(text):
            out += [to_thai_digits(text[pos:m.start()]), m.group()]
            pos = m.end()
        return "".join(out) + to_thai_digits(text[pos:])

    def date_text(self, d: date | None, *, abbreviated: bool = False, be: bool = False, blank: str = "") -> str:
        """``"๓ พฤศจิกายน ๒๕๖๙"``; ``be`` inserts "พ.ศ." before the year; None → ``blank``."""
        if d is None:
            return blank
        text = format_thai_date(d, thai_digits=self.thai_digits, abbreviated=abbreviated)
        if be:
            head, year = text.rsplit(" ", 1)
            text = f"{head} พ.ศ. {year}"
        return text

    def time_text(self, dt: datetime) -> str:
        """``"๑๐.๓๐ น."`` in Bangkok time."""
        dt = local(dt)
        return self.number(f"{dt.hour:02d}.{dt.minute:02d} น.")

    def datetime_text(self, dt: datetime, *, abbreviated: bool = True, be: bool = False, at: bool = False) -> str:
        """``"๓ พ.ย. ๒๕๖๙ ๑๐.๓๐ น."`` in Bangkok time; ``at`` puts "เวลา" before the time."""
        day = self.date_text(local(dt).date(), abbreviated=abbreviated, be=be)
        return f"{day} {'เวลา ' if at else ''}{self.time_text(dt)}"


def local(dt: datetime) -> datetime:
    """``dt`` in Asia/Bangkok time (a naive datetime is taken as already Bangkok time)."""
    return dt.astimezone(TZ) if dt.tzinfo is not None else dt


def clean(text: str | None) -> str:
    """The text with control characters (other than tab and newline) dropped; None → ""."""
    return _CONTROL.sub("", text or "")


def csv_text(value: str | None) -> str:
    """Text for a CSV cell that no spreadsheet runs as a formula (OWASP CSV injection):
    control characters dropped (:func:`clean`), a leading ``= + - @``, tab or return
    quoted with ``'``."""
    value = clean(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_bytes(header: list[str], rows) -> bytes:
    """A CSV file: ``header`` then ``rows`` (lists of cells; pass user text through
    :func:`csv_text`), CRLF lines, UTF-8 with a byte-order mark so spreadsheet programs
    read the Thai."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _printed(th: Thai, at: datetime) -> str:
    """The printed-at line: ``"พิมพ์เมื่อ ๓ พฤศจิกายน พ.ศ. ๒๕๖๙ เวลา ๑๐.๓๐ น."``."""
    return f"พิมพ์เมื่อ {th.datetime_text(at, abbreviated=False, be=True, at=True)}"


def _keep(cells) -> bool:
    """Whether a table row is short enough to be kept on one page (see :data:`KEEP_ROW`)."""
    return max(map(len, cells), default=0) <= KEEP_ROW


def fit(text: str | None, kind: str, th: Thai | None = None, *, limit: int | None = None) -> str:
    """``text`` cleaned (:func:`clean`) and, when longer than the limit of field kind
    ``kind`` (:data:`saraban.core.limits.LIMITS`; ``limit`` overrides), cut there with a
    visible mark: ``"… [ตัดข้อความส่วนที่เกิน: แสดง ๑,๐๐๐ จาก ๙,๔๓๗,๑๘๔ ตัวอักษร]"``
    (digits per ``th``; Thai without one). The services refuse such text since issue 15;
    rows stored before then still print, cut, within the render's bounds."""
    text = clean(text)
    limit = LIMITS[kind] if limit is None else limit
    if len(text) <= limit:
        return text
    number = (th or Thai(True)).number
    return (f"{text[:limit].rstrip()} … [ตัดข้อความส่วนที่เกิน: แสดง {number(f'{limit:,}')} "
            f"จาก {number(f'{len(text):,}')} ตัวอักษร]")


def _fitted(rows, kinds: dict[str, str], th: Thai) -> tuple[list[dict[str, str]], list[range]]:
    """Each row's typed columns (``kinds``: attribute → field kind) cut at their limits
    (:func:`fit`), and the parts the rows print in (:func:`_split`)."""
    cells = [{name: fit(getattr(row, name), kind, th) for name, kind in kinds.items()} for row in rows]
    return cells, _split([sum(map(len, c.values())) for c in cells])


def _split(sizes: list[int]) -> list[range]:
    """Consecutive row ranges of at most :data:`MAX_ROWS` rows and :data:`MAX_TEXT`
    characters (a row is never split; one longer row makes a part of its own)."""
    parts, start, text = [], 0, 0
    for i, size in enumerate(sizes):
        if i > start and (i - start >= MAX_ROWS or text + size > MAX_TEXT):
            parts.append(range(start, i))
            start, text = i, 0
        text += size
    parts.append(range(start, len(sizes)))
    return parts


def _pick(parts: list[range], part: int) -> range:
    if not 1 <= part <= len(parts):
        raise ValueError(f"part must be 1–{len(parts)}, not {part}")
    return parts[part - 1]


def _part_note(th: Thai, parts: list[range], part: int, total: int) -> str:
    """``"ส่วนที่ ๒/๓ · รายการที่ ๑,๐๐๑–๒,๐๐๐ จาก ๒,๕๐๐ รายการ"``; "" for a one-part document."""
    if len(parts) == 1:
        return ""
    rows = parts[part - 1]
    return (f"ส่วนที่ {th.number(str(part))}/{th.number(str(len(parts)))} · รายการที่ "
            f"{th.number(f'{rows.start + 1:,}')}–{th.number(f'{rows.stop:,}')} จาก {th.number(f'{total:,}')} รายการ")


def _choice(mapping: dict[str, Any], value: str, field: str) -> Any:
    try:
        return mapping[value]
    except KeyError:
        raise ValueError(f"{field} must be one of {sorted(mapping)}, not {value!r}") from None


# ---------------------------------------------------------------------------------
# PDF and XLSX plumbing


@lru_cache(maxsize=1)
def _engine():
    from django.template import Engine

    return Engine(dirs=[str(TEMPLATES)], autoescape=True)


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from django.template import Context
    from django.utils.safestring import mark_safe
    from weasyprint import HTML

    context = {**context, "font_faces": mark_safe(fonts.font_face_css()), "font_family": fonts.PRINT_FAMILY}
    html = _engine().get_template(template).render(Context(context))
    # the fetcher serves the service's own fonts and refuses every other URL
    pdf = HTML(string=html, base_url=str(TEMPLATES), url_fetcher=fonts.font_fetcher()).write_pdf()
    return repair_thai_to_unicode(pdf)


def _workbook(title: str, heading: str, columns: list[str], widths: list[float],
              rows: list[tuple[list[Any], bool]], footer: list[str], *, thai_digits: bool = True) -> bytes:
    """One sheet: ``heading`` (row 1), ``columns`` bold and frozen (row 2), one row per
    ``(cells, cancelled)`` from row 3, then ``footer`` lines after a blank row.

    A cell is typed by its value: ``str`` text (never a formula, whatever it starts
    with), ``int`` and ``float`` numbers, ``date`` and ``datetime`` (naive, local) dates
    shown in the Buddhist era with Thai month names (:data:`XLSX_FORMATS`), ``None``
    empty. Digits show as Thai or Arabic per ``thai_digits``.
    """
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    font, name = 14, "TH SarabunPSK"
    formats = XLSX_FORMATS[thai_digits]
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]

    def put(row: int, col: int, value: Any):
        cell = ws.cell(row=row, column=col)
        if isinstance(value, str):
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell.data_type = "s"  # user text, never a formula ("=HYPERLINK(…)" stays text)
        elif isinstance(value, datetime):
            cell.value, cell.number_format = value, formats["datetime"]
        elif isinstance(value, date):
            cell.value, cell.number_format = value, formats["date"]
        elif value is None:
            cell.value = None
        elif isinstance(value, int) and not isinstance(value, bool):
            cell.value, cell.number_format = value, formats["int"]
        elif isinstance(value, float):
            cell.value, cell.number_format = value, formats["decimal"]
        else:
            raise TypeError(f"no XLSX cell for {type(value).__name__}")
        return cell

    last = get_column_letter(len(columns))
    put(1, 1, heading).font = Font(name=name, size=font + 2, bold=True)
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 24
    for col, (text, width) in enumerate(zip(columns, widths), start=1):
        cell = put(2, col, text)
        cell.font = Font(name=name, size=font, bold=True)
        cell.fill = PatternFill("solid", fgColor="E7E6E6")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        ws.column_dimensions[get_column_letter(col)].width = width
    for r, (cells, cancelled) in enumerate(rows, start=3):
        style = Font(name=name, size=font, color="808080", strike=True) if cancelled else Font(name=name, size=font)
        for col, value in enumerate(cells, start=1):
            cell = put(r, col, value)
            cell.font, cell.alignment, cell.border = style, wrap, border
    for i, text in enumerate(footer):
        put(len(rows) + 4 + i, 1, text).font = Font(name=name, size=font)
    ws.freeze_panes = "A3"
    if rows:
        ws.auto_filter.ref = f"A2:{last}{len(rows) + 2}"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _number_cell(text: str) -> int | str:
    """A register number as a number when it is one ("12", "๑๒"), else as printed ("ว 3")."""
    folded = fold_digits(clean(text)).strip()
    return int(folded) if folded.isdigit() and len(folded) < 16 else clean(text)


def _naive(dt: datetime) -> datetime:
    """``dt`` in Bangkok time without its zone (XLSX has no time zones)."""
    return local(dt).replace(tzinfo=None)


# ---------------------------------------------------------------------------------
# forms 13 and 14: the registers


def _period(book: Book, th: Thai) -> str:
    if book.date_from > book.date_to:
        raise ValueError(f"date_from {book.date_from} is after date_to {book.date_to}")
    if book.date_from == book.date_to:
        return f"วันที่ {th.date_text(book.date_from, be=True)}"
    return f"ตั้งแต่วันที่ {th.date_text(book.date_from, be=True)} ถึงวันที่ {th.date_text(book.date_to, be=True)}"


def _remarks(remarks: str, cancelled: bool) -> str:
    return " ".join(filter(None, [CANCELLED if cancelled else "", clean(remarks)]))


#: The typed columns of a book row → their field kind in :data:`saraban.core.limits.LIMITS`.
BOOK_KINDS = {"document_number": "document_number", "sender": "party", "addressee": "party", "subject": "subject",
              "action": "instruction", "remarks": "remarks"}


def book_parts(book: Book) -> int:
    """How many PDF parts :func:`book_pdf` prints ``book`` in (1 for most books)."""
    return len(_fitted(book.rows, BOOK_KINDS, Thai(book.thai_digits))[1])


def book_pdf(book: Book, *, part: int = 1) -> bytes:
    """Form 13 (ทะเบียนหนังสือรับ) or 14 (ทะเบียนหนังสือส่ง) as a PDF, A4 landscape.

    Heading: the form's title, register, agency and period; then a table with the
    columns เลขทะเบียนรับ/ส่ง | ที่ | ลงวันที่ | จาก | ถึง | เรื่อง | การปฏิบัติ | หมายเหตุ, its
    header repeated on every page, the rows in the given order grouped under a heading
    per registration date ("วันที่ ๓ พฤศจิกายน พ.ศ. ๒๕๖๙"; the time of registration is
    printed small under the number). A cancelled row is greyed and struck through with
    "ยกเลิก" in หมายเหตุ. Long text wraps; a text over its field's limit is cut with a
    mark (:func:`fit`). ``closed_note`` follows the table. Footer on every page: the
    printed-at time and "หน้า ๑/๓".

    A book of more than :data:`MAX_ROWS` rows or :data:`MAX_TEXT` characters prints in
    parts (:func:`book_parts`); ``part`` (1-based) chooses one, and the heading says
    "ส่วนที่ ๒/๓ · รายการที่ ๑,๐๐๑–๒,๐๐๐ จาก ๒,๕๐๐ รายการ"; the closing note goes with the
    last part.

    Raises:
        ValueError: unknown ``direction``, ``date_from`` after ``date_to``, or ``part``
            out of range.
    """
    title = _choice(BOOK_TITLES, book.direction, "direction")
    th = Thai(book.thai_digits)
    period = _period(book, th)
    cells, parts = _fitted(book.rows, BOOK_KINDS, th)
    rows = _pick(parts, part)
    groups: list[dict[str, Any]] = []
    for index in rows:
        row = book.rows[index]
        day = th.date_text(local(row.registered_at).date(), be=True)
        if not groups or groups[-1]["day"] != day:
            groups.append({"day": day, "rows": []})
        values = {"number": th.number(row.number), "time": th.time_text(row.registered_at),
                  "document_date": th.date_text(row.document_date, abbreviated=True), **cells[index]}
        groups[-1]["rows"].append({**values, "cancelled": row.cancelled, "keep": _keep(values.values())})
    last = part == len(parts)
    return _pdf("documents/book.html", {
        "title": title,
        "number_heading": BOOK_NUMBER_HEADINGS[book.direction],
        "columns": BOOK_COLUMNS,
        "register_name": fit(book.register_name, "party", th),
        "agency_name": fit(book.agency_name, "party", th),
        "period": period,
        "part_note": _part_note(th, parts, part, len(book.rows)),
        "groups": groups,
        "count": th.number(f"{len(rows):,}"),
        "total": th.number(f"{len(book.rows):,}"),
        "closed_note": clean(book.closed_note) if last else "",
        "printed": _printed(th, book.printed_at),
        "thai_counter": book.thai_digits,
        "cancelled_word": CANCELLED,
    })


def book_xlsx(book: Book) -> bytes:
    """Form 13 or 14 as an XLSX workbook with one sheet named after the form (all rows:
    a spreadsheet has no need of parts).

    Row 1: the title, register, agency and period; row 2: the frozen, bold header
    เลขทะเบียนรับ/ส่ง | วันที่ลงทะเบียน | ที่ | ลงวันที่ | จาก | ถึง | เรื่อง | การปฏิบัติ |
    หมายเหตุ; from row 3 one row per entry: the register number a number (as printed
    when it is not one, "ว 3"), the registration time and ลงวันที่ dates shown in the
    Buddhist era ("๓ พ.ย. ๒๕๖๙ ๑๐.๓๐ น.", :data:`XLSX_FORMATS`), the rest text cut at
    its limit (:func:`fit`); a cancelled row greyed, struck through and "ยกเลิก" in
    หมายเหตุ. After a blank row: ``closed_note`` (when set) and the printed-at line.
    Prints A4 landscape, fitted to the width.

    Raises:
        ValueError: unknown ``direction``, or ``date_from`` after ``date_to``.
    """
    title = _choice(BOOK_TITLES, book.direction, "direction")
    th = Thai(book.thai_digits)
    heading = " ".join(filter(None, [title, fit(book.register_name, "party", th), fit(book.agency_name, "party", th),
                                     _period(book, th)]))
    columns = [BOOK_NUMBER_HEADINGS[book.direction], "วันที่ลงทะเบียน", *BOOK_COLUMNS]
    rows = [([_number_cell(r.number), _naive(r.registered_at), c["document_number"], r.document_date, c["sender"],
              c["addressee"], c["subject"], c["action"], _remarks(c["remarks"], r.cancelled)], r.cancelled)
            for r, c in zip(book.rows, _fitted(book.rows, BOOK_KINDS, th)[0])]
    footer = [clean(book.closed_note), _printed(th, book.printed_at)]
    return _workbook(title, heading, columns, [12, 24, 18, 14, 28, 28, 50, 28, 22], rows, [f for f in footer if f],
                     thai_digits=book.thai_digits)


# ---------------------------------------------------------------------------------
# the receive slip


def receive_slip_pdf(slip: ReceiveSlip) -> bytes:
    """ใบรับหนังสือ as a one-page PDF, A5 portrait.

    The agency, "ใบรับหนังสือ", the register, the receive number large, the time
    received and the time registered ("๓ พฤศจิกายน พ.ศ. ๒๕๖๙ เวลา ๑๐.๓๐ น."), ที่,
    ลงวันที่, จาก, ถึง, เรื่อง, then the signature line "ผู้รับ ……" over the clerk's name.
    With a ``secrecy_label`` the subject is never printed (nor put in the PDF's
    metadata): the slip shows the class and "รับซองปิดผนึก ไม่ได้เปิดซอง" instead. A text
    over its field's limit is cut with a mark (:func:`fit`): one A5 page, two with a
    subject of the full 1,000 characters.
    """
    th = Thai(slip.thai_digits)
    sealed = bool(clean(slip.secrecy_label).strip())
    return _pdf("documents/receive_slip.html", {
        "agency_name": fit(slip.agency_name, "party", th),
        "register_name": fit(slip.register_name, "party", th),
        "receive_number": th.number(slip.receive_number),
        "received": th.datetime_text(slip.received_at, abbreviated=False, be=True, at=True),
        "registered": th.datetime_text(slip.registered_at, abbreviated=False, be=True, at=True),
        "document_number": fit(slip.document_number, "document_number", th) or "-",
        "document_date": th.date_text(slip.document_date, blank="-"),
        "sender": fit(slip.sender, "party", th) or "-",
        "addressee": fit(slip.addressee, "party", th) or "-",
        "sealed": sealed,
        "secrecy_label": clean(slip.secrecy_label).strip(),
        "subject": "" if sealed else (fit(slip.subject, "subject", th) or "-"),
        "clerk_name": fit(slip.clerk_name, "person", th),
    })


# ---------------------------------------------------------------------------------
# form 25: the list of letters for destruction


#: The typed columns of a form-25 row → their field kind in :data:`saraban.core.limits.LIMITS`.
DESTRUCTION_KINDS = {"file_code": "name", "document_number": "document_number", "subject": "subject",
                     "decision": "remarks", "remarks": "remarks"}


def destruction_list_parts(lst: DestructionList) -> int:
    """How many PDF parts :func:`destruction_list_pdf` prints ``lst`` in (1 for most lists)."""
    return len(_fitted(lst.items, DESTRUCTION_KINDS, Thai(lst.thai_digits))[1])


def _approved_note(lst: DestructionList, th: Thai) -> str:
    return fit(lst.approved_note, "committee", th, limit=LIMITS["committee"] + LIMITS["approval_reference"] + 200)


def destruction_list_pdf(lst: DestructionList, *, part: int = 1) -> bytes:
    """Form 25 (บัญชีหนังสือขอทำลาย ประจำปี พ.ศ. ….) as a PDF, A4 landscape.

    Heading: title with the BE year, the agency (multi-line allowed), the date made;
    "แผ่นที่ ๑/๒" at the top right of every page. Table ลำดับที่ | รหัสแฟ้ม | ที่ |
    ลงวันที่ | เรื่อง | การพิจารณา | หมายเหตุ with its header repeated on every page;
    then the committee's signature lines (ประธานกรรมการ, กรรมการ, กรรมการ) and
    ``approved_note`` when given. Text over its limit is cut with a mark (:func:`fit`).

    A list of more than :data:`MAX_ROWS` rows or :data:`MAX_TEXT` characters prints in
    parts (:func:`destruction_list_parts`), each with the heading's "ส่วนที่ ๒/๓ ·
    รายการที่ …", its rows numbered on from the part before, and the signature lines
    (the committee signs every sheet).

    Raises:
        ValueError: ``part`` out of range.
    """
    th = Thai(lst.thai_digits)
    cells, parts = _fitted(lst.items, DESTRUCTION_KINDS, th)
    rows = []
    for index in _pick(parts, part):
        item, c = lst.items[index], cells[index]
        values = [th.number(f"{index + 1:,}"), c["file_code"], c["document_number"],
                  th.date_text(item.document_date, abbreviated=True), c["subject"], c["decision"], c["remarks"]]
        rows.append({"cells": values, "keep": _keep(values)})
    return _pdf("documents/destruction_list.html", {
        "title": f"{DESTRUCTION_TITLE} ประจำปี พ.ศ. {th.number(str(lst.year_be))}",
        "agency_name": fit(lst.agency_name, "party", th),
        "made_on": th.date_text(local(lst.printed_at).date(), be=True),
        "printed": _printed(th, lst.printed_at),
        "part_note": _part_note(th, parts, part, len(lst.items)),
        "columns": DESTRUCTION_COLUMNS,
        "rows": rows,
        "approved_note": _approved_note(lst, th),
        "thai_counter": lst.thai_digits,
        "signers": ("ประธานกรรมการ", "กรรมการ", "กรรมการ"),
    })


def destruction_list_xlsx(lst: DestructionList) -> bytes:
    """Form 25 as an XLSX workbook, one sheet "บัญชีหนังสือขอทำลาย" (every row).

    Row 1: the title with the BE year and the agency; row 2: the frozen, bold header
    (the form's columns); from row 3 one row per item: ลำดับที่ a number, ลงวันที่ a date
    shown in the Buddhist era, the rest text cut at its limit; after a blank row the
    approved note (when set) and the printed-at line.
    """
    th = Thai(lst.thai_digits)
    heading = f"{DESTRUCTION_TITLE} ประจำปี พ.ศ. {th.number(str(lst.year_be))} {fit(lst.agency_name, 'party', th)}"
    footer = [_approved_note(lst, th), _printed(th, lst.printed_at)]
    rows = [([n, c["file_code"], c["document_number"], item.document_date, c["subject"], c["decision"], c["remarks"]],
             False) for n, (item, c) in enumerate(zip(lst.items, _fitted(lst.items, DESTRUCTION_KINDS, th)[0]), start=1)]
    return _workbook(DESTRUCTION_TITLE, heading.strip(), list(DESTRUCTION_COLUMNS), [9, 12, 20, 14, 60, 22, 28],
                     rows, [f for f in footer if f], thai_digits=lst.thai_digits)


# ---------------------------------------------------------------------------------
# forms 1, 2, 3, 4 and 8: outgoing letters


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _numbered(items: tuple[str, ...], th: Thai) -> list[str]:
    """อ้างถึง / สิ่งที่ส่งมาด้วย lines, numbered when more than one; at most
    :data:`saraban.core.limits.MAX_ITEMS`, each cut at its limit (:func:`fit`)."""
    items = [th.digits(fit(i, "list_item", th)).strip() for i in items if i and i.strip()]
    more = len(items) - MAX_ITEMS
    if more > 0:
        items = [*items[:MAX_ITEMS], f"… [ตัดรายการส่วนที่เกิน: อีก {th.number(f'{more:,}')} รายการ]"]
    if len(items) == 1:
        return items
    return [f"{th.number(str(n))}. {item}" for n, item in enumerate(items, start=1)]


def outgoing_letter_pdf(doc: OutgoingDocument) -> bytes:
    """An outgoing letter as a PDF, A4 portrait, laid out as the regulation's form.

    Forms: 1 ``external`` (Garuda space 3 cm, ที่ left and agency + address right,
    date, เรื่อง, เรียน, อ้างถึง, สิ่งที่ส่งมาด้วย, body, "ขอแสดงความนับถือ", signature,
    owner unit and contact bottom left), 2 ``internal`` (บันทึกข้อความ 29 pt, ส่วนราชการ,
    ที่ … วันที่ …, เรื่อง, เรียน), 3 ``stamped`` (ถึง, the agency's name over a
    "ตราชื่อส่วนราชการ" stamp placeholder and the date), 4 ``directive`` ("คำสั่ง<agency>",
    "ที่ n/พ.ศ.", "สั่ง ณ วันที่ …"), 8 ``announcement`` ("ประกาศ<agency>",
    "ประกาศ ณ วันที่ …"). No Garuda image is shipped: its space is left blank.

    Typography: 16 pt TH Sarabun (Laksaman), margins left 3 cm, right 2 cm, bottom 2 cm,
    top 1.5 cm on page 1 (the Garuda space begins there) and 2.5 cm after; paragraphs
    with a 2.5 cm first-line indent; page numbers "- ๒ -" at the top centre from page 2.
    An urgency word (ด่วน / ด่วนมาก / ด่วนที่สุด) in red bold 32 pt at the top left of
    page 1; a secrecy class (ลับ / ลับมาก / ลับที่สุด) in red at the top and bottom centre
    of every page (the page number then moves to the top right); ``draft`` adds a light
    "ร่าง" watermark. A missing number or date prints as a dotted blank; a missing
    signer name as "(……)". The PDF's title metadata is the letter type only. Each
    field is cut at its limit with a mark (:func:`fit`; the text at 50,000 characters,
    about twenty pages), at most 100 อ้างถึง and สิ่งที่ส่งมาด้วย lines.

    Raises:
        ValueError: unknown ``document_type``, ``urgency`` or ``secrecy``.
    """
    template, type_name, default_closing = _choice(LETTER_FORMS, doc.document_type, "document_type")
    urgency = _choice(URGENCY_WORDS, doc.urgency, "urgency")
    secrecy = _choice(SECRECY_WORDS, doc.secrecy, "secrecy")
    th = Thai(doc.thai_digits)
    formal = doc.document_type in ("directive", "announcement")  # "พ.ศ." in the date line
    def text(value: str, kind: str) -> str:
        return th.digits(fit(value, kind, th)).strip()

    number = text(doc.document_number, "document_number")
    if not number and doc.document_type == "directive":
        year = th.number(str(doc.document_date.year + 543)) if doc.document_date else "." * 10
        number = f"{'.' * 10}/{year}"
    body = fit(doc.body, "body", th).strip()
    return _pdf(template, {
        "type_name": type_name,
        "urgency": urgency,
        "secrecy": secrecy,
        "draft": doc.draft,
        "thai_counter": doc.thai_digits,
        "agency_name": text(doc.agency_name, "party"),
        "address_lines": _lines(text(doc.agency_address, "address")),
        "number": number or DOTS,
        "date": th.date_text(doc.document_date, be=formal, blank=DOTS),
        "subject": text(doc.subject, "subject"),
        "addressee": text(doc.addressee, "party"),
        "references": _numbered(doc.references, th),
        "enclosures": _numbered(doc.enclosures, th),
        "paragraphs": [th.digits(p).strip() for p in re.split(r"\n[ \t]*\n", body) if p.strip()],
        "closing": text(doc.closing, "person") or default_closing,
        "signer_name": text(doc.signer_name, "person") or DOTS,
        "position_lines": _lines(text(doc.signer_position, "position")),
        "owner_lines": _lines(text(doc.owner_unit, "party")),
        "contact_lines": _lines(text(doc.contact, "contact")),
    })
