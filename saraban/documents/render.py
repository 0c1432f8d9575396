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
  as plain strings (never formulas); control characters are dropped.
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

from ocr.thai import format_thai_date, to_thai_digits
from saraban.documents import fonts
from saraban.documents.data import Book, DestructionList, OutgoingDocument, ReceiveSlip
from saraban.documents.textlayer import repair_thai_to_unicode

__all__ = [
    "book_pdf",
    "book_xlsx",
    "csv_bytes",
    "csv_text",
    "destruction_list_pdf",
    "destruction_list_xlsx",
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
              rows: list[tuple[list[str], bool]], footer: list[str]) -> bytes:
    """One sheet: ``heading`` (row 1), ``columns`` bold and frozen (row 2), one row per
    ``(cells, cancelled)`` from row 3, then ``footer`` lines after a blank row."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    font, name = 14, "TH SarabunPSK"
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]

    def put(row: int, col: int, value: str):
        cell = ws.cell(row=row, column=col)
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # user text, never a formula ("=HYPERLINK(…)" stays text)
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
        for col, text in enumerate(cells, start=1):
            cell = put(r, col, text)
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


def book_pdf(book: Book) -> bytes:
    """Form 13 (ทะเบียนหนังสือรับ) or 14 (ทะเบียนหนังสือส่ง) as a PDF, A4 landscape.

    Heading: the form's title, register, agency and period; then a table with the
    columns เลขทะเบียนรับ/ส่ง | ที่ | ลงวันที่ | จาก | ถึง | เรื่อง | การปฏิบัติ | หมายเหตุ, its
    header repeated on every page, the rows in the given order grouped under a heading
    per registration date ("วันที่ ๓ พฤศจิกายน พ.ศ. ๒๕๖๙"; the time of registration is
    printed small under the number). A cancelled row is greyed and struck through with
    "ยกเลิก" in หมายเหตุ. Long text wraps, never truncated. ``closed_note`` follows the
    table. Footer on every page: the printed-at time and "หน้า ๑/๓".

    Raises:
        ValueError: unknown ``direction``, or ``date_from`` after ``date_to``.
    """
    title = _choice(BOOK_TITLES, book.direction, "direction")
    th = Thai(book.thai_digits)
    groups: list[dict[str, Any]] = []
    for row in book.rows:
        day = th.date_text(local(row.registered_at).date(), be=True)
        if not groups or groups[-1]["day"] != day:
            groups.append({"day": day, "rows": []})
        cells = {
            "number": th.number(row.number),
            "time": th.time_text(row.registered_at),
            "document_number": clean(row.document_number),
            "document_date": th.date_text(row.document_date, abbreviated=True),
            "sender": clean(row.sender),
            "addressee": clean(row.addressee),
            "subject": clean(row.subject),
            "action": clean(row.action),
            "remarks": clean(row.remarks),
        }
        groups[-1]["rows"].append({**cells, "cancelled": row.cancelled, "keep": _keep(cells.values())})
    return _pdf("documents/book.html", {
        "title": title,
        "number_heading": BOOK_NUMBER_HEADINGS[book.direction],
        "columns": BOOK_COLUMNS,
        "register_name": clean(book.register_name),
        "agency_name": clean(book.agency_name),
        "period": _period(book, th),
        "groups": groups,
        "count": th.number(str(len(book.rows))),
        "closed_note": clean(book.closed_note),
        "printed": _printed(th, book.printed_at),
        "thai_counter": book.thai_digits,
        "cancelled_word": CANCELLED,
    })


def book_xlsx(book: Book) -> bytes:
    """Form 13 or 14 as an XLSX workbook with one sheet named after the form.

    Row 1: the title, register, agency and period; row 2: the frozen, bold header
    เลขทะเบียนรับ/ส่ง | วันที่ลงทะเบียน | ที่ | ลงวันที่ | จาก | ถึง | เรื่อง | การปฏิบัติ |
    หมายเหตุ; from row 3 one row per entry, all cells text: dates as Thai BE text
    ("๓ พ.ย. ๒๕๖๙", registration "๓ พ.ย. ๒๕๖๙ ๑๐.๓๐ น."), a cancelled row greyed,
    struck through and "ยกเลิก" in หมายเหตุ. After a blank row: ``closed_note`` (when set)
    and the printed-at line. Prints A4 landscape, fitted to the width.

    Raises:
        ValueError: unknown ``direction``, or ``date_from`` after ``date_to``.
    """
    title = _choice(BOOK_TITLES, book.direction, "direction")
    th = Thai(book.thai_digits)
    heading = " ".join(filter(None, [title, clean(book.register_name), clean(book.agency_name), _period(book, th)]))
    columns = [BOOK_NUMBER_HEADINGS[book.direction], "วันที่ลงทะเบียน", *BOOK_COLUMNS]
    rows = [([th.number(r.number), th.datetime_text(r.registered_at), clean(r.document_number),
              th.date_text(r.document_date, abbreviated=True), clean(r.sender), clean(r.addressee),
              clean(r.subject), clean(r.action), _remarks(r.remarks, r.cancelled)], r.cancelled)
            for r in book.rows]
    footer = [clean(book.closed_note), _printed(th, book.printed_at)]
    return _workbook(title, heading, columns, [12, 20, 18, 14, 28, 28, 50, 28, 22], rows, [f for f in footer if f])


# ---------------------------------------------------------------------------------
# the receive slip


def receive_slip_pdf(slip: ReceiveSlip) -> bytes:
    """ใบรับหนังสือ as a one-page PDF, A5 portrait.

    The agency, "ใบรับหนังสือ", the register, the receive number large, the time
    received and the time registered ("๓ พฤศจิกายน พ.ศ. ๒๕๖๙ เวลา ๑๐.๓๐ น."), ที่,
    ลงวันที่, จาก, ถึง, เรื่อง, then the signature line "ผู้รับ ……" over the clerk's name.
    With a ``secrecy_label`` the subject is never printed (nor put in the PDF's
    metadata): the slip shows the class and "รับซองปิดผนึก ไม่ได้เปิดซอง" instead.
    """
    th = Thai(slip.thai_digits)
    sealed = bool(clean(slip.secrecy_label).strip())
    return _pdf("documents/receive_slip.html", {
        "agency_name": clean(slip.agency_name),
        "register_name": clean(slip.register_name),
        "receive_number": th.number(slip.receive_number),
        "received": th.datetime_text(slip.received_at, abbreviated=False, be=True, at=True),
        "registered": th.datetime_text(slip.registered_at, abbreviated=False, be=True, at=True),
        "document_number": clean(slip.document_number) or "-",
        "document_date": th.date_text(slip.document_date, blank="-"),
        "sender": clean(slip.sender) or "-",
        "addressee": clean(slip.addressee) or "-",
        "sealed": sealed,
        "secrecy_label": clean(slip.secrecy_label).strip(),
        "subject": "" if sealed else (clean(slip.subject) or "-"),
        "clerk_name": clean(slip.clerk_name),
    })


# ---------------------------------------------------------------------------------
# form 25: the list of letters for destruction


def _destruction_rows(lst: DestructionList, th: Thai) -> list[list[str]]:
    return [[th.number(str(i)), clean(it.file_code), clean(it.document_number),
             th.date_text(it.document_date, abbreviated=True), clean(it.subject), clean(it.decision),
             clean(it.remarks)] for i, it in enumerate(lst.items, start=1)]


def destruction_list_pdf(lst: DestructionList) -> bytes:
    """Form 25 (บัญชีหนังสือขอทำลาย ประจำปี พ.ศ. ….) as a PDF, A4 landscape.

    Heading: title with the BE year, the agency (multi-line allowed), the date made;
    "แผ่นที่ ๑/๒" at the top right of every page. Table ลำดับที่ | รหัสแฟ้ม | ที่ |
    ลงวันที่ | เรื่อง | การพิจารณา | หมายเหตุ with its header repeated on every page;
    then the committee's signature lines (ประธานกรรมการ, กรรมการ, กรรมการ) and
    ``approved_note`` when given.
    """
    th = Thai(lst.thai_digits)
    return _pdf("documents/destruction_list.html", {
        "title": f"{DESTRUCTION_TITLE} ประจำปี พ.ศ. {th.number(str(lst.year_be))}",
        "agency_name": clean(lst.agency_name),
        "made_on": th.date_text(local(lst.printed_at).date(), be=True),
        "printed": _printed(th, lst.printed_at),
        "columns": DESTRUCTION_COLUMNS,
        "rows": [{"cells": cells, "keep": _keep(cells)} for cells in _destruction_rows(lst, th)],
        "approved_note": clean(lst.approved_note),
        "thai_counter": lst.thai_digits,
        "signers": ("ประธานกรรมการ", "กรรมการ", "กรรมการ"),
    })


def destruction_list_xlsx(lst: DestructionList) -> bytes:
    """Form 25 as an XLSX workbook, one sheet "บัญชีหนังสือขอทำลาย".

    Row 1: the title with the BE year and the agency; row 2: the frozen, bold header
    (the form's columns); from row 3 one row per item (all text, dates as Thai BE
    text); after a blank row the approved note (when set) and the printed-at line.
    """
    th = Thai(lst.thai_digits)
    heading = f"{DESTRUCTION_TITLE} ประจำปี พ.ศ. {th.number(str(lst.year_be))} {clean(lst.agency_name)}".strip()
    footer = [clean(lst.approved_note), _printed(th, lst.printed_at)]
    rows = [(cells, False) for cells in _destruction_rows(lst, th)]
    return _workbook(DESTRUCTION_TITLE, heading, list(DESTRUCTION_COLUMNS), [9, 12, 20, 14, 60, 22, 28], rows,
                     [f for f in footer if f])


# ---------------------------------------------------------------------------------
# forms 1, 2, 3, 4 and 8: outgoing letters


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _numbered(items: tuple[str, ...], th: Thai) -> list[str]:
    items = tuple(th.digits(i).strip() for i in items if i and i.strip())
    if len(items) == 1:
        return list(items)
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
    signer name as "(……)". The PDF's title metadata is the letter type only.

    Raises:
        ValueError: unknown ``document_type``, ``urgency`` or ``secrecy``.
    """
    template, type_name, default_closing = _choice(LETTER_FORMS, doc.document_type, "document_type")
    urgency = _choice(URGENCY_WORDS, doc.urgency, "urgency")
    secrecy = _choice(SECRECY_WORDS, doc.secrecy, "secrecy")
    th = Thai(doc.thai_digits)
    formal = doc.document_type in ("directive", "announcement")  # "พ.ศ." in the date line
    number = th.digits(doc.document_number).strip()
    if not number and doc.document_type == "directive":
        year = th.number(str(doc.document_date.year + 543)) if doc.document_date else "." * 10
        number = f"{'.' * 10}/{year}"
    body = clean(doc.body).strip()
    return _pdf(template, {
        "type_name": type_name,
        "urgency": urgency,
        "secrecy": secrecy,
        "draft": doc.draft,
        "thai_counter": doc.thai_digits,
        "agency_name": th.digits(doc.agency_name).strip(),
        "address_lines": _lines(th.digits(doc.agency_address)),
        "number": number or DOTS,
        "date": th.date_text(doc.document_date, be=formal, blank=DOTS),
        "subject": th.digits(doc.subject).strip(),
        "addressee": th.digits(doc.addressee).strip(),
        "references": _numbered(doc.references, th),
        "enclosures": _numbered(doc.enclosures, th),
        "paragraphs": [th.digits(p).strip() for p in re.split(r"\n[ \t]*\n", body) if p.strip()],
        "closing": th.digits(doc.closing).strip() or default_closing,
        "signer_name": th.digits(doc.signer_name).strip() or DOTS,
        "position_lines": _lines(th.digits(doc.signer_position)),
        "owner_lines": _lines(th.digits(doc.owner_unit)),
        "contact_lines": _lines(th.digits(doc.contact)),
    })
