"""Every kind of PDF the service makes can be read on paper (issue 15).

Each document is made through the services and the API, as a clerk, an executive or a
complaints officer gets it, and then proofed as a reader sees it
(:mod:`saraban.documents.proof`):

1. every embedded font's width table agrees with the font program within 1%
   (before issue 15 the forms were 34% off: each glyph drawn 1.5× wider than its place);
2. page 1 rendered by pdfium and read back by the project's reader gives back at least
   ``proof.LEGIBLE`` (0.70) of the text the document was made from. Clean renders read
   0.78–0.97; the overlapping forms of before read 0.00–0.09 (and failed check 1 first).

The readings are deterministic (a fixed clock, fixed texts, Tesseract on the same image).
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from saraban.documents import proof
from saraban.registry import outgoing, retention, services
from saraban.registry.models import LetterFile
from tests.conftest import memo_text
from tests.factories import api_client, registered_letter
from tests.signing.conftest import pki_world, trusted  # noqa: F401 — fixtures: the test PKI

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SUBJECTS = ("ขอเชิญประชุมคณะทำงานพัฒนาระบบสารบรรณอิเล็กทรอนิกส์", "ขอความอนุเคราะห์ข้อมูลสถิติผู้สูงอายุ",
            "รายงานผลการดำเนินงานประจำไตรมาส", "ขอยืมครุภัณฑ์คอมพิวเตอร์เพื่อใช้ในการอบรม")
SENDERS = ("กรมกิจการเด็กและเยาวชน", "กรมกิจการผู้สูงอายุ", "สำนักงานจังหวัดราชบุรี", "กรมพัฒนาสังคมและสวัสดิการ")
BODY = ("ด้วยกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ กำหนดจัดประชุมเชิงปฏิบัติการเรื่องการพัฒนาระบบ"
        "สารบรรณอิเล็กทรอนิกส์ ในวันที่ ๑๕ ธันวาคม ๒๕๖๙ ณ ห้องประชุม ชั้น ๕\n\nจึงเรียนมาเพื่อโปรดพิจารณา")
LETTER = {"subject": "ขอเชิญประชุมเชิงปฏิบัติการ", "addressee": "อธิบดีกรมกิจการผู้สูงอายุ", "body": BODY,
          "signer_name": "นายประเสริฐ บริหารดี", "signer_position": "ปลัดกระทรวง"}


def download(response) -> bytes:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def assert_prints(pdf: bytes, source) -> proof.Reading:
    """Checks 1 and 2 on ``pdf``; ``source`` is the text it was made from."""
    fonts = proof.font_widths(pdf)
    assert fonts, "the PDF has no font at all"
    assert [f for f in fonts if not f.ok] == [], "a width table disagrees with its font: letters overlap on paper"
    reading = proof.read_back(pdf, source)
    assert reading.legible, f"page 1 reads back {reading.score:.2f} of its text:\n{reading.text[:600]}"
    return reading


def fields(n: int) -> dict:
    return {"document_number": f"พม ๐๒๐๑/ว {100 + n}", "document_date": "2026-06-10", "subject": SUBJECTS[n % 4],
            "issuing_office": SENDERS[n % 4], "addressee": "ผู้อำนวยการกองกลาง"}


# --------------------------------------------------------------------------- the registers


def test_form_13_the_incoming_book(people, clock):
    clerk = people["clerk"]
    letters = [registered_letter(clerk, **fields(n)) for n in range(8)]
    register = letters[0].register
    pdf = download(api_client(clerk).get(f"/api/registers/{register.code}/book", {"export": "pdf"}))
    assert_prints(pdf, [x for n in range(8) for x in fields(n).values() if not x.startswith("2026")])


def test_form_14_the_outgoing_book(people, clock):
    clerk = people["clerk"]
    sent = [outgoing.send_outgoing(actor=clerk, outgoing_id=outgoing.draft_outgoing(
        actor=clerk, fields={**LETTER, "document_type": "external", "subject": subject,
                             "addressee": sender}).pk) for subject, sender in zip(SUBJECTS, SENDERS)]
    pdf = download(api_client(clerk).get(f"/api/registers/{sent[0].register.code}/book", {"export": "pdf"}))
    assert_prints(pdf, [*SUBJECTS, *SENDERS, "ทะเบียนหนังสือส่ง"])


def test_the_receive_slip(people, clock):
    clerk = people["clerk"]
    letter = registered_letter(clerk, **fields(1))
    pdf = download(api_client(clerk).get(f"/api/letters/{letter.pk}/receive-slip"))
    assert_prints(pdf, ["ใบรับหนังสือ", "เลขทะเบียนรับ", SUBJECTS[1], SENDERS[1], "ผู้อำนวยการกองกลาง",
                        "เจ้าหน้าที่ผู้รับหนังสือ"])


def test_form_25_the_destruction_list(people, clock):
    from tests.registry.test_retention import old_letter

    clerk = people["clerk"]
    for n in range(1, 5):
        old_letter(clerk, n, 2014, subject=SUBJECTS[n % 4], issuing_office=SENDERS[n % 4])
    lst = retention.propose_list(actor=clerk, year=2567)
    pdf = download(api_client(clerk).get(f"/api/destruction-lists/{lst.pk}", {"export": "pdf"}))
    assert_prints(pdf, ["บัญชีหนังสือขอทำลาย", *[SUBJECTS[n % 4] for n in range(1, 5)],
                        *[f"รบ ๐๐๑๘/{n}" for n in range(1, 5)], "ประธานกรรมการ"])


# --------------------------------------------------------------------------- outgoing letters


@pytest.mark.parametrize("document_type", ["external", "internal", "stamped", "directive", "announcement"])
def test_each_outgoing_form_its_preview_and_the_letter_sent(people, clock, document_type):
    clerk = people["clerk"]
    client = api_client(clerk)
    made = client.post("/api/outgoing", {**LETTER, "document_type": document_type, "urgency": "very_urgent"},
                       format="json")
    assert made.status_code == 201, made.content
    source = [LETTER["subject"], BODY, LETTER["signer_name"], LETTER["signer_position"]]
    if document_type not in ("directive", "announcement"):
        source.append(LETTER["addressee"])
    preview = download(client.get(f"/api/outgoing/{made.json()['id']}/pdf"))
    assert_prints(preview, source)
    sent = outgoing.send_outgoing(actor=clerk, outgoing_id=made.json()["id"])
    assert_prints(sent.file.read(), [*source, sent.document_number])


# --------------------------------------------------------------------------- complaints


def test_the_monthly_complaint_report(people, clock):
    from saraban.complaints import reports
    from saraban.complaints import services as complaint_services
    from tests.complaints.conftest import person

    staff = people["complaints_staff"]
    places = [("ราชบุรี", "บางแพ"), ("ราชบุรี", "โพธาราม"), ("เชียงใหม่", "เมืองเชียงใหม่"), ("ขอนแก่น", "ชุมแพ")]
    for n, (province, district) in enumerate(places):
        complaint_services.file_complaint(
            actor=staff, channel="web_portal", complainant=person(), subject=SUBJECTS[n],
            description="ยื่นคำขอตั้งแต่เดือนมกราคม ยังไม่ได้รับเงินอุดหนุน", province=province, district=district,
            category="social_welfare", severity="medium")
    month = timezone.localdate().replace(day=1)
    pdf, mime, _name = reports.export_report(actor=staff, month=month, fmt="pdf")
    assert mime == "application/pdf"
    assert_prints(pdf, ["จำแนกตามประเภทเรื่อง", "จำแนกตามช่องทางการรับเรื่อง",
                        *[p for place in places for p in place]])


# --------------------------------------------------------------------------- scans the service stamps and reads


@pytest.fixture
def scanned(people, rendered, clock):
    """A memo rendered as a scan, taken in and registered: its files by role."""
    clerk = people["clerk"]
    text = memo_text(subject=SUBJECTS[0])
    with open(rendered(text), "rb") as fh:
        draft = services.intake_file(actor=clerk, stream=fh, file_name="memo.pdf", enqueue=False)
    services.read_letter(letter_id=draft.pk)  # the reading the worker does: the searchable PDF
    letter = services.confirm_letter(actor=clerk, letter_id=draft.pk, fields=fields(0))
    files = {f.role: f.file.read() for f in LetterFile.objects.filter(letter=letter)}
    return letter, text, files


def test_the_receive_stamp_on_a_registered_scan(scanned):
    letter, text, files = scanned
    reading = assert_prints(files[LetterFile.Role.STAMPED], text)
    stamp = proof.score(f"เลขรับ {letter.receive_number}", reading.text)
    assert stamp >= proof.LEGIBLE, reading.text[:400]


def test_the_searchable_pdf_of_a_scan(scanned):
    _letter, text, files = scanned
    assert LetterFile.Role.SEARCHABLE in files
    assert_prints(files[LetterFile.Role.SEARCHABLE], text)


# --------------------------------------------------------------------------- e-signatures


def test_a_signed_outgoing_letter_and_its_signature_appearance(people, trusted):
    """Signed now (real time: the test CA's certificates are issued now, so no fixed clock)."""
    from tests.signing.test_signing import PASSWORD, import_certificate

    clerk, executive = people["clerk"], people["executive"]
    sent = outgoing.send_outgoing(actor=clerk, outgoing_id=outgoing.draft_outgoing(
        actor=clerk, fields={**LETTER, "document_type": "external"}).pk)
    certificate = import_certificate(executive, trusted)
    signed = api_client(executive).post(f"/api/outgoing/{sent.pk}/sign", {"certificate_id": certificate,
                                                                  "password": PASSWORD}, format="json")
    assert signed.status_code in (200, 201), signed.content
    sent.refresh_from_db()
    pdf = sent.signed_file.read()
    reading = assert_prints(pdf, [LETTER["subject"], BODY, LETTER["addressee"]])
    assert proof.score(executive.display_name, reading.text) >= proof.LEGIBLE, reading.text[-400:]


# --------------------------------------------------------------------------- the checks themselves


def test_the_checks_catch_a_width_table_that_disagrees_with_its_font(people):
    """The failure of issue 15, made on purpose: the family the stylesheets used to ask
    for, which Debian's fontconfig answers with Laksaman shrunk to 0.66."""
    from weasyprint import HTML

    html = ("<html lang='th'><body style=\"font-family: 'TH Sarabun New'; font-size: 16pt\">"
            f"<p>{SUBJECTS[0]}</p><p>{BODY}</p></body></html>")
    broken = HTML(string=html).write_pdf()
    worst = max(f.worst for f in proof.font_widths(broken))
    assert worst > 0.30  # measured 34%
    assert not proof.read_back(broken, [SUBJECTS[0], BODY]).legible
    # and a page with no text to compare with proves nothing
    assert not proof.read_back(HTML(string="<html><body></body></html>").write_pdf()).legible
