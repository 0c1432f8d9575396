"""``python manage.py demo``: the main job on the embedded defaults, end to end.

Loads the organisation and the demo people, renders the sample letters (the public
letters' texts in ``samples/letters/``) as scans, registers them as the demo clerk,
routes each to its best suggested unit, writes this year's incoming book (form 13) as
PDF and XLSX and one letter's stamped PDF to the output folder, and prints what it
did, the demo logins and how to serve the pages. Safe to run again: letters already registered are reported
as duplicates and not numbered twice.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from ocr.render import render_letter
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
        for index, text_file in enumerate(sorted(SAMPLES.glob("*.txt"))):
            scan = out / f"{text_file.stem}.pdf"
            if not scan.exists():
                self.stdout.write(f"สร้างภาพสแกนตัวอย่าง {scan.name} …")
                render_letter(text_file.read_text(encoding="utf-8"), scan, seed=index)
            result = register_file(actor=clerk, path=scan)
            self.stdout.write(describe(result))
            if result["status"] == "registered":
                self.route(clerk, result)
            failures += result["status"] == "error"
        self.books(clerk, Path(options["out"]))
        self.proposal(clerk)
        from saraban.signing.demo import sign_demo_letter

        if sign_demo_letter(Path(options["out"]), self.stdout.write) != 0:
            failures += 1
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
        stamped = LetterFile.objects.filter(role=LetterFile.Role.STAMPED, letter__register=registers[0]).first()
        if stamped:
            target = out / "stamped-letter.pdf"
            with stamped.file.open("rb") as fh:
                target.write_bytes(fh.read())
            self.stdout.write(f"หนังสือประทับตรารับ (แบบที่ ๑๒) เลขรับ {stamped.letter.receive_number}: {target}")

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
