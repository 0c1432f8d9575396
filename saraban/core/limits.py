"""How long a typed field may be: one table for every service, form and API.

Every free text a person (or a program through the API, or a command) types and the
service stores has a limit taken from what official letters actually hold (the
Regulation on Correspondence B.E. 2526 and its forms; DOMAIN.md §1). A text over its
limit is refused by the service that would store it — before anything is written — with
``InvalidInput`` code ``too_long`` and a Thai message naming the field and both numbers;
the API's serializers take ``maxLength`` from the same table
(``saraban.core.api.LimitedCharField``) and refuse with the same error. Without a
limit a 9 MB subject registered fine and that year's book (form 13) and the letter's
receive slip never finished rendering. Numbers in the message are printed with
thousands separators in the digits the agency's documents use (``SARABAN_THAI_DIGITS``,
Thai by default, as in the complaints' and signatures' messages).

Where each number comes from (characters of the value as stored, after the service's
clean-up of spaces):

Header fields of a letter (DOMAIN.md §1)
    ``document_number`` 100 — ที่: "กห ๐๓๐๑.๑๐.๖/๓๔", "มท ๐๓๐๗.๒/ว ๒๕๕๖๒" are 15–25
    characters; 100 leaves room for a long unit code and a series, and fits the
    columns (128).
    ``subject`` 1,000 — เรื่อง is one or two printed lines (about 70–90 characters a
    line at 16 pt Sarabun); the longest subjects met (a list of agencies, a project's
    full name) stay under 400; 1,000 is generous and still prints in a book row.
    ``party`` 500 — จาก, ถึง/เรียน, ส่วนราชการ, ส่วนราชการเจ้าของเรื่อง: an agency name
    with its parents ("กองพัฒนาระบบบริหาร สำนักงานปลัดกระทรวงการพัฒนาสังคมและความมั่นคง
    ของมนุษย์" is about 80) or a short list ("ผู้ว่าราชการจังหวัด ทุกจังหวัด"); a long
    distribution goes in an attached list ("ตามบัญชีแนบท้าย").
    ``person`` 200 — a name with rank and title ("ว่าที่ร้อยตรี นายพงษ์พันธ์ แสงสุวรรณ"
    is about 35), or two or three names; fits the columns (255).
    ``position`` 300 — the whole position block under a signature, with its
    "รักษาราชการแทน … / ปฏิบัติราชการแทน …" lines (DOMAIN.md §1): three lines of about 80.
    ``contact`` 300 — ส่วนราชการเจ้าของเรื่อง's โทร./โทรสาร/อีเมล lines at the bottom.
    ``list_item`` 500 — one อ้างถึง or สิ่งที่ส่งมาด้วย line (a number and date, or
    "สำเนาหนังสือกระทรวงการคลัง ด่วนที่สุด ที่ กค ๐๔๒๒.๓/ว ๕๔๔ ลงวันที่ …"); at most
    :data:`MAX_ITEMS` (100) lines — a letter cites one to five earlier letters and
    encloses rarely more than twenty items.
    ``body`` 50,000 — the text of an outgoing letter: a memo or letter is one to three
    pages (about 1,500–2,000 characters a page); an order or announcement with its
    annex of rules may run to twenty pages.

The books (forms 13, 14) and their rows (DOMAIN.md §3)
    ``remarks`` 1,000 — หมายเหตุ, a narrow column of the book.
    ``reason`` 1,000 — why a reservation is cancelled, a row corrected, a letter
    returned, a draft discarded: a sentence or two; it prints in the book's remarks.
    ``reserved_for`` (numbers reserved for a letter) uses ``subject``: it names that
    letter's subject.

Routing (DOMAIN.md §4)
    ``instruction`` 2,000 — คำสั่งการ, ข้อความเกษียน, a proposal's note, การปฏิบัติ: a
    few lines written in the margin of a letter (the endorsement also goes into the
    visible signature box). Routing cut these at 2,000 silently before; now they are
    refused instead, at the same number.
    ``agency`` 255 — the name of one outside agency a letter or complaint is forwarded
    to (the column holds 255).
    ``order_reference`` 255 — "คำสั่งกระทรวง ที่ ๑๒๓/๒๕๖๘ ลงวันที่ …" of an acting
    order or delegation (the column holds 255).

Retention (DOMAIN.md §7, form 25)
    ``committee`` 2,000 — the destruction committee: a chair and two or more members,
    each with a position (the regulation asks for at least three).
    ``approval_reference`` 500 — the approving letter or order: a number, date and
    subject.

Complaints (DOMAIN.md §5)
    ``complaint_subject`` 500 — the matter in one line (the column holds 500); details
    go into the description.
    ``complaint_description`` 20,000 — what the complainant wrote: about ten pages of a
    handwritten or typed petition.
    ``complaint_note`` 20,000 — the staff's analysis, proposal, check and summary notes.
    ``complaint_instruction`` 5,000 — the instruction sent with a forwarded complaint,
    the internal reason it was ended.
    ``complaint_message`` 10,000 — what the complainant is told (a letter's length).
    ``complaint_report`` 50,000 — a unit's fact-finding report (ผลการตรวจสอบข้อเท็จจริง),
    often pasted whole.
    ``public_note`` 500 — a line on the public status page (the column holds 500).
    ``address`` 500 — a postal address; ``phone`` 40 (several numbers), ``email`` 254
    (RFC 5321), ``national_id`` 40 (13 digits however written), ``district`` 128
    (the column).

Signing and settings
    ``signing_reason`` 300 — the reason printed in the visible signature box and in
    the PDF's /Reason: a line or two.
    ``name`` 255 — a holiday's name, a webhook's or a certificate's label (the columns
    hold 255).
    ``token_label`` 64 — a PKCS#11 token or key label (32 bytes in the standard; the
    columns hold 64).
"""

from __future__ import annotations

from collections.abc import Iterable

from saraban.core.errors import InvalidInput

#: Field kind → the most characters a value of that kind may have (see the module
#: docstring for where each number comes from).
LIMITS: dict[str, int] = {
    # header fields of a letter
    "document_number": 100,
    "subject": 1_000,
    "party": 500,
    "person": 200,
    "position": 300,
    "contact": 300,
    "list_item": 500,
    "body": 50_000,
    # the books
    "remarks": 1_000,
    "reason": 1_000,
    # routing
    "instruction": 2_000,
    "agency": 255,
    "order_reference": 255,
    # retention
    "committee": 2_000,
    "approval_reference": 500,
    # complaints
    "complaint_subject": 500,
    "complaint_description": 20_000,
    "complaint_note": 20_000,
    "complaint_instruction": 5_000,
    "complaint_message": 10_000,
    "complaint_report": 50_000,
    "public_note": 500,
    "address": 500,
    "phone": 40,
    "email": 254,
    "national_id": 40,
    "district": 128,
    # signing and settings
    "signing_reason": 300,
    "name": 255,
    "token_label": 64,
}

#: The most lines a list field (อ้างถึง, สิ่งที่ส่งมาด้วย) may have.
MAX_ITEMS = 100

SHORTEN = "กรุณาย่อให้สั้นลง"


def limit_of(kind: str) -> int:
    """The limit of field kind ``kind`` (characters). Raises KeyError for an unknown
    kind (a programming error)."""
    return LIMITS[kind]


def number_text(n: int) -> str:
    """``n`` with thousands separators, in Thai digits unless ``SARABAN_THAI_DIGITS`` is
    off — the same digits as the service's documents (``๑,๐๐๐``)."""
    from django.conf import settings

    from ocr.thai import to_thai_digits

    text = f"{n:,}"
    return to_thai_digits(text) if getattr(settings, "SARABAN_THAI_DIGITS", True) else text


def too_long(kind: str, length: int, *, field: str, label: str, hint: str = SHORTEN) -> InvalidInput:
    """The error for a ``length``-character value of ``kind`` in ``field`` (Thai
    ``label``): code ``too_long``, ``extra`` ``{field, limit, length}``."""
    limit = LIMITS[kind]
    return InvalidInput(
        f"{label} ยาวเกินไป: {number_text(length)} ตัวอักษร รับได้ไม่เกิน {number_text(limit)} ตัวอักษร {hint}",
        code="too_long", field=field, limit=limit, length=length,
    )


def check_length(kind: str, value: str | None, *, field: str, label: str, hint: str = SHORTEN) -> str:
    """Refuse ``value`` when it is longer than the limit of ``kind``; returns it unchanged
    ("" for None), so a service may write ``text = check_length(...)``.

    ``field`` is the field's name as the API and forms call it (``subject``), ``label``
    its Thai name (``เรื่อง``), ``hint`` what to do instead (default "กรุณาย่อให้สั้นลง").
    Call it on the value as it will be stored (after the service's own clean-up of
    spaces), before anything is written. Counting is ``len()``: Unicode code points,
    so a Thai vowel or tone mark counts as one, as in the database's column lengths.

    Raises InvalidInput, code ``too_long``, Thai message
    "เรื่อง ยาวเกินไป: ๑,๐๐๑ ตัวอักษร รับได้ไม่เกิน ๑,๐๐๐ ตัวอักษร กรุณาย่อให้สั้นลง",
    ``extra`` ``{"field", "limit", "length"}``.
    """
    text = "" if value is None else value
    if len(text) > LIMITS[kind]:
        raise too_long(kind, len(text), field=field, label=label, hint=hint)
    return text


def check_count(count: int, *, field: str, label: str) -> None:
    """Refuse a list field with more than :data:`MAX_ITEMS` lines: InvalidInput
    ``too_many_items``, ``extra`` ``{field, limit, length}``. Call it before looking at
    the items one by one."""
    if count > MAX_ITEMS:
        raise InvalidInput(
            f"{label} มีมากเกินไป: {number_text(count)} รายการ รับได้ไม่เกิน {number_text(MAX_ITEMS)} รายการ",
            code="too_many_items", field=field, limit=MAX_ITEMS, length=count,
        )


def check_items(kind: str, items: Iterable[str], *, field: str, label: str) -> list[str]:
    """Refuse a list field (อ้างถึง, สิ่งที่ส่งมาด้วย) with more than :data:`MAX_ITEMS`
    lines (InvalidInput ``too_many_items``) or a line longer than the limit of ``kind``
    (InvalidInput ``too_long``, naming the line: "สิ่งที่ส่งมาด้วย รายการที่ ๓").
    Returns the items as a list."""
    items = list(items)
    check_count(len(items), field=field, label=label)
    for n, item in enumerate(items, start=1):
        check_length(kind, item, field=field, label=f"{label} รายการที่ {number_text(n)}")
    return items
