"""The monthly complaint statistics per province and district: CSV, XLSX and PDF.

Source: DOMAIN.md §5 — district complaint statistics go to the governor by the 1st of
the next month; corruption complaints are reported to the anti-corruption authority
monthly by the 10th (work manual, ศปท. step 7) — the same report filtered to the
corruption category.

Same conventions as :mod:`saraban.documents.render` (whose helpers this reuses): plain
frozen data in, bytes out, no database; Buddhist-era dates; user text escaped. In CSV
and XLSX a text beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return is
prefixed with an apostrophe, so that no spreadsheet runs it; in XLSX the counts are
numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from saraban.documents.render import Thai, _pdf, _printed, _workbook, clean, csv_bytes, csv_text, fit

__all__ = ["AreaRow", "ComplaintReport", "complaint_report_csv", "complaint_report_pdf", "complaint_report_xlsx"]

UNKNOWN_PROVINCE = "ไม่ระบุจังหวัด"
UNKNOWN_DISTRICT = "ไม่ระบุอำเภอ"
STATE_COLUMNS = ("ยังไม่ส่งต่อ", "อยู่ระหว่างดำเนินการ", "ยุติแล้ว")
DEADLINE_COLUMNS = ("ดำเนินการภายในกำหนด", "เกินกำหนด", "ยังไม่ถึงกำหนด", "ร้อยละภายในกำหนด")


@dataclass(frozen=True)
class AreaRow:
    """Counts of one district (or, with ``subtotal``, one province, or the grand total)."""

    province: str
    district: str
    total: int
    by_category: tuple[int, ...]   # in the order of ComplaintReport.categories
    by_channel: tuple[int, ...]    # in the order of ComplaintReport.channels
    by_state: tuple[int, ...]      # not forwarded yet, in progress, closed (STATE_COLUMNS)
    within: int                    # closed by its deadline
    late: int                      # closed after its deadline, or open and past it
    pending: int                   # open, deadline not reached
    subtotal: bool = False

    @property
    def within_share(self) -> float | None:
        """Percentage of decided complaints (within + late) handled within the deadline."""
        decided = self.within + self.late
        return None if not decided else 100.0 * self.within / decided


@dataclass(frozen=True)
class ComplaintReport:
    """One month's complaint statistics (complaints received in that month)."""

    title: str
    agency_name: str
    month: date                    # the first day of the month (CE)
    due_on: date                   # when it must reach the governor / the authority
    categories: tuple[str, ...]    # Thai labels
    channels: tuple[str, ...]      # Thai labels
    rows: tuple[AreaRow, ...]      # districts, each province followed by its subtotal, the grand total last
    printed_at: datetime
    thai_digits: bool = True

    @property
    def total(self) -> AreaRow:
        return self.rows[-1]

    def columns(self) -> list[str]:
        return ["จังหวัด", "อำเภอ/เขต", "รวม", *self.categories, *self.channels, *STATE_COLUMNS, *DEADLINE_COLUMNS]


def _share(row: AreaRow, th: Thai | None = None) -> str:
    share = row.within_share
    if share is None:
        return "-"
    text = f"{share:.1f}"
    return th.number(text) if th else text


def _cells(row: AreaRow, th: Thai | None = None) -> list[str]:
    num = (lambda n: th.number(str(n))) if th else str
    return [csv_text(row.province), csv_text(row.district), num(row.total), *map(num, row.by_category),
            *map(num, row.by_channel), *map(num, row.by_state), num(row.within), num(row.late), num(row.pending),
            _share(row, th)]


def _period(report: ComplaintReport, th: Thai) -> str:
    month_year = th.date_text(report.month, be=True).split(" ", 1)[1]  # "ตุลาคม พ.ศ. ๒๕๖๙"
    return f"ประจำเดือน{month_year}"


def complaint_report_csv(report: ComplaintReport) -> bytes:
    """The report as CSV (UTF-8 with BOM, so spreadsheet programs read the Thai): a
    header row, then one row per district, province subtotal and the grand total;
    Arabic digits, the share with one decimal ("-" when nothing was decided)."""
    return csv_bytes(report.columns(), [_cells(row) for row in report.rows])


def _typed_cells(row: AreaRow) -> list:
    """A row for XLSX: the place names as text (a leading ``=``, ``+``, ``-`` or ``@``
    quoted, as in CSV), every count a number, the within-deadline share a number with
    one decimal ("-" when nothing was decided)."""
    share = row.within_share
    return [csv_text(fit(row.province, "district")), csv_text(fit(row.district, "district")), row.total,
            *row.by_category, *row.by_channel, *row.by_state, row.within, row.late, row.pending,
            "-" if share is None else round(share, 1)]


def complaint_report_xlsx(report: ComplaintReport) -> bytes:
    """The report as one XLSX sheet: the heading (title, agency, month), the frozen
    header row, the rows (counts as numbers a spreadsheet sums, in Thai or Arabic
    digits per ``thai_digits``; names as text), then the due date and printed-at line."""
    th = Thai(report.thai_digits)
    heading = f"{clean(report.title)} {_period(report, th)} {clean(report.agency_name)}".strip()
    columns = report.columns()
    widths = [16, 18, 8] + [12] * (len(columns) - 3)
    rows = [(_typed_cells(row), False) for row in report.rows]
    footer = [f"กำหนดส่งภายในวันที่ {th.date_text(report.due_on, be=True)}", _printed(th, report.printed_at)]
    return _workbook("สถิติเรื่องร้องเรียน", heading, columns, widths, rows, footer, thai_digits=report.thai_digits)


def complaint_report_pdf(report: ComplaintReport) -> bytes:
    """The report as a PDF, A4 landscape: heading, then three tables per area — by
    category, by channel, and progress with the within-deadline share — each row a
    district, province subtotals in bold, the grand total last."""
    th = Thai(report.thai_digits)

    def area(row: AreaRow) -> dict:
        cells = _cells(row, th)
        return {"province": cells[0], "district": cells[1], "total": cells[2], "subtotal": row.subtotal,
                "category": cells[3:3 + len(report.categories)],
                "channel": cells[3 + len(report.categories):3 + len(report.categories) + len(report.channels)],
                "progress": cells[3 + len(report.categories) + len(report.channels):]}

    return _pdf("documents/complaint_report.html", {
        "title": clean(report.title),
        "agency_name": clean(report.agency_name),
        "period": _period(report, th),
        "due": f"กำหนดส่งภายในวันที่ {th.date_text(report.due_on, be=True)}",
        "printed": _printed(th, report.printed_at),
        "categories": report.categories,
        "channels": report.channels,
        "progress_columns": STATE_COLUMNS + DEADLINE_COLUMNS,
        "rows": [area(r) for r in report.rows],
        "count": th.number(str(report.total.total)),
        "thai_counter": report.thai_digits,
    })
