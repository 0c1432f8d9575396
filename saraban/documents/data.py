"""Frozen inputs of the printed forms (:mod:`saraban.documents.render`).

Plain data, no Django: the caller (a selector or service) fills them from the
registers, so rendering needs no database. Text fields hold what users typed and are
escaped by the renderer. Datetimes should be aware (shown in Asia/Bangkok); dates are
CE ``datetime.date`` (printed in the Buddhist era). Forms are those of the PM's Office
Regulation on Correspondence B.E. 2526 (amended 2548/2560/2564).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

__all__ = ["Book", "BookRow", "DestructionItem", "DestructionList", "OutgoingDocument", "ReceiveSlip"]


@dataclass(frozen=True)
class BookRow:
    """One entry of a register (form 13 or 14)."""

    number: str                 # the register number as printed in the book, e.g. "12", "ว 3", "5/2569"
    registered_at: datetime     # aware datetime of the entry (วันที่/เวลาลงทะเบียน)
    document_number: str        # ที่ (the letter's own number as printed)
    document_date: date | None  # ลงวันที่
    sender: str                 # จาก
    addressee: str              # ถึง
    subject: str                # เรื่อง
    action: str = ""            # การปฏิบัติ
    remarks: str = ""           # หมายเหตุ (e.g. "แก้ไขรายการเลขที่ 5")
    cancelled: bool = False     # a cancelled/expired reservation: the row stays, marked ยกเลิก


@dataclass(frozen=True)
class Book:
    """A register for a period: form 13 (ทะเบียนหนังสือรับ) or form 14 (ทะเบียนหนังสือส่ง)."""

    direction: str              # "incoming" (form 13) or "outgoing" (form 14)
    register_name: str
    agency_name: str
    date_from: date
    date_to: date
    rows: tuple[BookRow, ...]
    printed_at: datetime
    thai_digits: bool = True
    closed_note: str = ""       # e.g. "ปิดทะเบียนประจำปี พ.ศ. ๒๕๖๘ สิ้นสุดที่เลข ๔๒๑", shown after the rows


@dataclass(frozen=True)
class ReceiveSlip:
    """ใบรับหนังสือ for a paper original or a sealed secret envelope registered without a file."""

    agency_name: str
    register_name: str
    receive_number: str          # display, e.g. "124/2569"
    received_at: datetime        # time the letter reached the desk
    registered_at: datetime      # time it was registered
    document_number: str
    document_date: date | None
    sender: str
    addressee: str
    subject: str                 # may be "" for a sealed envelope
    secrecy_label: str = ""      # e.g. "ลับมาก": the slip says "sealed envelope" and never prints the subject
    clerk_name: str = ""
    thai_digits: bool = True


@dataclass(frozen=True)
class DestructionItem:
    """One row of form 25 (บัญชีหนังสือขอทำลาย)."""

    file_code: str               # รหัสแฟ้ม (may be "")
    document_number: str         # ที่
    document_date: date | None   # ลงวันที่
    subject: str                 # เรื่อง
    decision: str = ""           # การพิจารณา (the committee's decision)
    remarks: str = ""            # หมายเหตุ (e.g. receive number, retention period)


@dataclass(frozen=True)
class DestructionList:
    """Form 25: the letters whose retention expired in a BE year, for the destruction committee."""

    agency_name: str
    year_be: int                 # the BE year whose list this is
    items: tuple[DestructionItem, ...]
    printed_at: datetime
    approved_note: str = ""      # when the committee approved: who and when
    thai_digits: bool = True


@dataclass(frozen=True)
class OutgoingDocument:
    """A letter the agency issues, laid out as forms 1 (external), 2 (memo), 3 (stamped),
    4 (order) or 8 (announcement)."""

    document_type: str           # "external", "internal", "stamped", "directive" (คำสั่ง), "announcement" (ประกาศ)
    agency_name: str             # the issuing agency (ส่วนราชการเจ้าของหนังสือ)
    agency_address: str = ""     # address block of an external letter (multi-line)
    document_number: str = ""    # ที่ — "พม 0201/123", "พม 0201/ว 12", an order's "12/2569"; "" → dotted blank
    document_date: date | None = None
    subject: str = ""
    addressee: str = ""          # เรียน (external, internal) / ถึง (stamped)
    references: tuple[str, ...] = ()
    enclosures: tuple[str, ...] = ()
    body: str = ""               # paragraphs separated by blank lines
    closing: str = ""            # "" → the type's default ("ขอแสดงความนับถือ" for external)
    signer_name: str = ""
    signer_position: str = ""    # multi-line
    owner_unit: str = ""         # ส่วนราชการเจ้าของเรื่อง (bottom-left of external/stamped letters)
    contact: str = ""            # โทร. / โทรสาร / e-mail lines
    urgency: str = "normal"      # normal / urgent / very_urgent / most_urgent
    secrecy: str = "unclassified"  # unclassified / confidential / secret / top_secret
    draft: bool = False          # a light "ร่าง" watermark
    thai_digits: bool = True
