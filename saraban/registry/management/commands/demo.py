"""``python manage.py demo``: the main job on the embedded defaults, end to end.

Loads the organisation and the demo people, renders the sample letters (the public
letters' texts in ``samples/letters/``) as scans, registers them as the demo clerk,
routes each to its best suggested unit, writes this year's incoming book (form 13) as
PDF and XLSX, one letter's stamped PDF, a paper original's receive slip and last year's
list of letters due for destruction (form 25, of letters registered in an earlier
year) to the output folder, signs an outgoing letter, proofs every PDF it wrote as a
reader sees it (:mod:`saraban.documents.proof`), and prints what it did, the demo
logins and how to serve the pages. Safe to run again: letters already registered are reported
as duplicates and not numbered twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from ocr.render import render_letter
from ocr.thai import to_thai_digits
from saraban.core.errors import DomainError
from saraban.core.models import User
from saraban.registry.batch import describe, register_file
from saraban.registry.models import Letter
from saraban.routing.deadlines import load_holidays
from saraban.routing.learning import train as train_routing
from saraban.routing.demo import DEMO_PASSWORD, DEMO_PEOPLE, seed_demo_people
from saraban.routing.services import load_organisation, route_letter

SAMPLES = settings.BASE_DIR / "samples" / "letters"
INSTRUCTION = "เพื่อโปรดพิจารณาดำเนินการในส่วนที่เกี่ยวข้อง"
#: A paper original the demo clerk registers without a file: it gets a receive slip.
PAPER_LETTER = {"document_number": "ศธ ๐๒๐๖/ว ๑๔๕", "document_date": "2026-11-20", "subject":
                "ขอเชิญร่วมประชุมเครือข่ายคุ้มครองเด็กระดับจังหวัด", "issuing_office": "สำนักงานศึกษาธิการจังหวัดราชบุรี",
                "addressee": "ปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"}
#: Letters of an earlier year (subject, sender), now due for destruction (form 25).
OLD_LETTERS = (("ขอความอนุเคราะห์ข้อมูลสถิติผู้สูงอายุในพื้นที่", "ศาลากลางจังหวัดราชบุรี"),
               ("ขอเชิญประชุมคณะกรรมการส่งเสริมการจัดสวัสดิการสังคมจังหวัด", "สำนักงานจังหวัดนครปฐม"),
               ("แจ้งกำหนดการตรวจเยี่ยมศูนย์พัฒนาการจัดสวัสดิการสังคมผู้สูงอายุ", "กรมกิจการผู้สูงอายุ"))


@contextlib.contextmanager
def _registered_at(moment: dt.datetime):
    """Registrations inside this block happen at ``moment``: the demo's stand-in for the
    books an agency kept before it used the service (its rows dated in their own year)."""
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


class Command(BaseCommand):
    help = "สาธิตระบบ: โหลดหน่วยงาน ผู้ใช้ตัวอย่าง ลงทะเบียนและส่งหนังสือตัวอย่าง"

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(settings.BASE_DIR / "demo"), help="โฟลเดอร์ไฟล์สแกนตัวอย่าง")

    def handle(self, *args, **options):
        organisation = load_organisation()
        self.stdout.write(f"หน่วยงาน: {organisation['units']} หน่วย (สป.พม.)")
        seed_demo_people()
        load_holidays()
        model = train_routing()
        self.stdout.write(f"ตัวแนะนำหน่วยงาน: เรียนรู้จาก {model['examples']} ตัวอย่าง (แฟ้มแบบจำลองลงนามแล้ว)")
        clerk = User.objects.get(username="clerk")
        out = Path(options["out"]) / "letters"
        out.mkdir(parents=True, exist_ok=True)
        failures = 0
        #: what each PDF was made from, for the proof at the end: file path → text
        self.sources: dict[Path, str] = {}
        self.letter_texts: dict[int, str] = {}
        for index, text_file in enumerate(sorted(SAMPLES.glob("*.txt"))):
            scan = out / f"{text_file.stem}.pdf"
            text = text_file.read_text(encoding="utf-8")
            if not scan.exists():
                self.stdout.write(f"สร้างภาพสแกนตัวอย่าง {scan.name} …")
                render_letter(text, scan, seed=index)
            self.sources[scan] = text
            result = register_file(actor=clerk, path=scan)
            self.stdout.write(describe(result))
            if result["status"] == "registered":
                self.route(clerk, result)
            if result.get("letter_id") or result.get("duplicate_of"):
                self.letter_texts[result.get("letter_id") or result["duplicate_of"]] = text
            failures += result["status"] == "error"
        self.receive_slip(clerk, Path(options["out"]))
        self.books(clerk, Path(options["out"]))
        self.destruction_list(clerk, Path(options["out"]))
        self.proposal(clerk)
        from saraban.signing.demo import sign_demo_letter

        if sign_demo_letter(Path(options["out"]), self.stdout.write) != 0:
            failures += 1
        failures += self.proof(Path(options["out"]))
        self.summary()
        if failures:
            raise SystemExit(1)

    def route(self, clerk, result: dict) -> None:
        units = result["suggested_units"][:1]
        if not units:
            self.stdout.write("   ไม่มีหน่วยงานที่แนะนำ — รอเจ้าหน้าที่เลือกเอง")
            return
        try:
            route_letter(actor=clerk, letter_id=result["letter_id"], unit_codes=[units[0]["code"]],
                         instruction=INSTRUCTION)
        except DomainError as exc:
            self.stdout.write(f"   ส่งต่อไม่สำเร็จ: {exc.message}")
            return
        self.stdout.write(f"   ส่งถึง {units[0]['name']} ({units[0]['reason']})")

    def books(self, clerk, out: Path) -> None:
        """This year's incoming book of the clerk's desk as form 13 (PDF, XLSX), and the
        first registered letter's PDF with its receive stamp."""
        from django.utils import timezone

        from saraban.documents.render import book_pdf, book_xlsx
        from saraban.registry import books
        from saraban.registry.models import LetterFile

        registers = [r for r in books.readable_registers(clerk) if r.direction == "incoming" and not r.is_secret]
        if not registers:
            return
        today = timezone.localdate()
        book = books.as_document(registers[0], date_from=today.replace(month=1, day=1), date_to=today)
        (out / "register-book.pdf").write_bytes(book_pdf(book))
        (out / "register-book.xlsx").write_bytes(book_xlsx(book))
        self.stdout.write(f"\nทะเบียนหนังสือรับ (แบบที่ ๑๓) {len(book.rows)} รายการ: {out / 'register-book.pdf'} "
                          f"และ {out / 'register-book.xlsx'}")
        stamped = LetterFile.objects.filter(role=LetterFile.Role.STAMPED, letter__register=registers[0],
                                            letter_id__in=self.letter_texts).first()
        if stamped:
            target = out / "stamped-letter.pdf"
            with stamped.file.open("rb") as fh:
                target.write_bytes(fh.read())
            self.sources[target] = self.letter_texts[stamped.letter_id]
            self.stdout.write(f"หนังสือประทับตรารับ (แบบที่ ๑๒) เลขรับ {stamped.letter.receive_number}: {target}")

    def receive_slip(self, clerk, out: Path) -> None:
        """A paper original registered without a file, and its receive slip (ใบรับหนังสือ)."""
        from saraban.documents.render import receive_slip_pdf
        from saraban.registry import services

        letter = self._register_once(clerk, PAPER_LETTER)
        target = out / "receive-slip.pdf"
        target.write_bytes(receive_slip_pdf(services.receive_slip(letter)))
        self.stdout.write(f"ใบรับหนังสือ (ต้นฉบับกระดาษ) เลขรับ {letter.receive_number}: {target}")

    def destruction_list(self, clerk, out: Path) -> None:
        """Letters registered in an earlier year, as an agency that has used the service
        for years has them, so that last year's list of letters due for destruction
        (form 25) has rows: registered :data:`~django.conf.settings.SARABAN_RETENTION_YEARS`
        before last year, they are due at its end (DOMAIN.md §7)."""
        from django.conf import settings
        from django.utils import timezone

        from saraban.documents.render import destruction_list_pdf
        from saraban.registry import retention
        from saraban.registry.models import DestructionList

        due = timezone.localdate().year - 1
        registered_in = due - settings.SARABAN_RETENTION_YEARS
        for n, (subject, sender) in enumerate(OLD_LETTERS, start=1):
            moment = timezone.make_aware(dt.datetime(registered_in, 3, n, 10, 0))
            with _registered_at(moment):
                self._register_once(clerk, {"document_number": to_thai_digits(f"รบ 0018/{n * 37}"), "subject": subject,
                                            "document_date": dt.date(registered_in, 2, 20 + n).isoformat(),
                                            "issuing_office": sender, "addressee": "ปลัดกระทรวง"})
        try:
            lst = retention.propose_list(actor=clerk, year=due)
        except DomainError as exc:  # made by an earlier run
            lst = DestructionList.objects.filter(year=due, secret=False, desk_unit__memberships__user=clerk).first()
            if lst is None:
                self.stdout.write(f"บัญชีหนังสือขอทำลายไม่สำเร็จ: {exc.message}")
                return
        target = out / "destruction-list.pdf"
        target.write_bytes(destruction_list_pdf(retention.as_document(lst)))
        self.stdout.write(f"บัญชีหนังสือขอทำลาย (แบบที่ ๒๕) ประจำปี พ.ศ. {due + 543} "
                          f"{lst.items.count()} รายการ (ลงทะเบียนไว้เมื่อ พ.ศ. {registered_in + 543}): {target}")

    def _register_once(self, clerk, fields: dict) -> Letter:
        """Register a paper original, or find it when an earlier run registered it."""
        from saraban.core.errors import Conflict
        from saraban.registry import services

        try:
            return services.register_without_file(actor=clerk, fields=fields)
        except Conflict as exc:
            if exc.extra.get("duplicate_of"):
                return Letter.objects.get(pk=exc.extra["duplicate_of"])
            raise

    def proof(self, out: Path) -> int:
        """Proof every PDF under ``out`` as a reader sees it (saraban.documents.proof): its
        fonts drawn as laid out, its pages read back. Returns the number that fail."""
        from saraban.documents import proof

        self.stdout.write("\nตรวจเอกสารทุกฉบับแบบที่ผู้อ่านเห็น (แบบอักษรกับตารางความกว้าง และอ่านภาพหน้ากระดาษกลับ):")
        failed = 0
        for path in sorted(out.rglob("*.pdf")):
            result = proof.proof_pdf(path.read_bytes(), self.sources.get(path))
            failed += not result.ok
            self.stdout.write(f"   {path.relative_to(out)}: {result.summary()}")
        return failed

    def proposal(self, clerk) -> None:
        """The second path of DOMAIN.md §4 on the newest letter not yet proposed: up the
        registry's line of command to the permanent secretary, who assigns a division;
        prints the letter's timeline."""
        from saraban.routing import selectors, services
        from saraban.routing.models import Route

        letter = (Letter.objects.filter(status=Letter.Status.REGISTERED, desk_unit__memberships__user=clerk,
                                        secrecy="unclassified", closed_at__isnull=True)
                  .exclude(routes__kind=Route.Kind.PROPOSE).order_by("-registered_at").first())
        if letter is None:
            return
        try:
            hop = services.propose_letter(actor=clerk, letter_id=letter.pk, note="เรื่องนโยบายใหม่ เห็นควรเสนอตามลำดับ")
            while hop is not None:
                top = hop.position.code == "OPS-HEAD"
                done = services.endorse(
                    actor=hop.to_user, route_id=hop.pk, choice="assign" if top else "opinion",
                    text="มอบ กองตรวจราชการ ดำเนินการ" if top else "เห็นควรเสนอตามลำดับ",
                    unit_codes=["OPS-INSPECT"] if top else [], propose_next=not top)
                hop = None if top else Route.objects.get(parent=done.route, kind=Route.Kind.PROPOSE)
        except DomainError as exc:
            self.stdout.write(f"เสนอตามสายงานไม่สำเร็จ: {exc.message}")
            return
        self.stdout.write(f"\nเสนอตามสายงาน: เลขรับ {letter.receive_number} เรื่อง {letter.subject[:60]}")
        for item in selectors.letter_timeline(letter):
            self.stdout.write(f"   {item.text}")

    def search_example(self) -> None:
        """One search as the archive reader, through the configured backend."""
        from saraban.core.errors import ServiceUnavailable
        from saraban.routing.selectors import viewer_for
        from saraban.search.backends import SearchUnavailable, get_backend
        from saraban.search.selectors import search_letters
        from saraban.search.services import drain_all

        drain_all(retry_now=True)
        try:
            backend = get_backend().status()
            results = search_letters(viewer_for(User.objects.get(username="archive")), "ร้องเรียน", limit=3)
        except (SearchUnavailable, ServiceUnavailable) as exc:  # the demo goes on without search
            self.stdout.write(f"ค้นหา: ระบบค้นหาไม่พร้อม ({exc})\n")
            return
        self.stdout.write(f"ค้นหา “ร้องเรียน” ในฐานะผู้ค้นคืนเอกสาร ({backend.backend} {backend.version}): "
                          f"พบ {results.total} ฉบับ")
        for hit in results.hits:
            self.stdout.write(f"   เลขรับ {hit.fields.get('receive_number')} — {hit.fields.get('subject')}")
        self.stdout.write("")

    def summary(self) -> None:
        registered = Letter.objects.filter(status=Letter.Status.REGISTERED).count()
        self.stdout.write(f"\nหนังสือในทะเบียนทั้งหมด {registered} ฉบับ\n")
        self.search_example()
        self.stdout.write(f"ผู้ใช้ตัวอย่าง (รหัสผ่านทุกคน: {DEMO_PASSWORD})")
        for username, first, last, position, _clearance, roles in DEMO_PEOPLE:
            self.stdout.write(f"  {username:18} {first} {last} — {position}")
        self.stdout.write("\nเปิดหน้าเว็บ: make run  แล้วไปที่ http://127.0.0.1:8000/  (API: /api/docs/)")
