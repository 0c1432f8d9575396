"""The two paths of DOMAIN.md §4 end to end, through the API and the pages: routine
letters straight to the owning unit (received with the division's own number, passed
down, done, the register's การปฏิบัติ filled), important ones proposed up the line of
command with endorsements (acting officials and delegation included), circulation,
return, forwarding outside, closing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from saraban.core.models import AuditEvent
from saraban.notifications.models import Notification
from saraban.registry.models import Register, RegisterEntry
from saraban.routing.models import Endorsement, Position, Route
from tests.factories import registered_letter

# A fixed clock (tests/conftest.py): numbers restart each year and books, pages and
# assertions read today's date, so a run across midnight or the new year must not see two.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(client: Client, path: str, body: dict | None = None, status: int = 200):
    response = client.post(f"/api/{path}", body or {}, content_type="application/json")
    assert response.status_code == status, response.content.decode()
    return response.json()


def timeline(client: Client, letter_id: int) -> list[str]:
    response = client.get(f"/api/letters/{letter_id}/timeline")
    assert response.status_code == 200
    return [item["text"] for item in response.json()]


def test_routine_letter_goes_down_to_the_group_with_the_divisions_own_number(people):
    letter = registered_letter(people["clerk"], subject="ขอส่งรายงานผลการตรวจราชการ รอบที่ ๑", urgency="urgent")
    clerk, division_clerk = client_for(people["clerk"]), client_for(people["inspect_clerk"])

    hop = api(clerk, f"letters/{letter.pk}/routes", {"units": ["OPS-INSPECT"], "instruction": "เพื่อดำเนินการ"},
              status=201)[0]
    assert hop["due_at"] and hop["status"] == "sent"
    due = dt.datetime.fromisoformat(hop["due_at"])
    assert due > timezone.now() + dt.timedelta(hours=8)  # ด่วน: 3 working days, not hours
    assert Notification.objects.filter(recipient=people["inspect_director"], event="route.received").exists()

    received = api(division_clerk, f"routes/{hop['id']}/receive")
    assert received["desk_register"] == "OPS-INSPECT-IN" and received["desk_receive_number"] >= 1
    entry = RegisterEntry.objects.get(register__code="OPS-INSPECT-IN", number=received["desk_receive_number"],
                                      year=letter.year)
    assert entry.letter_id == letter.pk and entry.subject == letter.subject
    api(division_clerk, f"routes/{hop['id']}/receive", status=409)  # once only

    # The director passes it to the group that owns the matter; the group does it.
    director = client_for(people["inspect_director"])
    group_hop = api(director, f"letters/{letter.pk}/routes", {"units": ["OPS-INSPECT-REGION"],
                                                              "instruction": "มอบกลุ่มดำเนินการ"}, status=201)[0]
    assert group_hop["parent"] == hop["id"]
    assert Route.objects.get(pk=hop["id"]).status == Route.Status.ACKNOWLEDGED  # passing on is acting on it
    staff = client_for(people["complaints_staff"])
    api(staff, f"routes/{group_hop['id']}/done", {"action_taken": "สรุปรายงานเสนอผู้บริหารแล้ว"})

    letter.refresh_from_db()
    assert letter.closed_at is not None and "สรุปรายงานเสนอผู้บริหารแล้ว" in letter.action_taken
    row = RegisterEntry.objects.get(letter=letter, register=letter.register)
    assert "ส่ง" in row.action and "สรุปรายงานเสนอผู้บริหารแล้ว" in row.action
    book = clerk.get(f"/api/registers/{letter.register.code}/book").json()
    assert any("สรุปรายงานเสนอผู้บริหารแล้ว" in (line.get("action") or "") for line in book["rows"]), book

    texts = timeline(clerk, letter.pk)
    assert any("ลงรับ เลขรับ" in t for t in texts)
    assert any("ดำเนินการแล้ว" in t for t in texts) and texts[-1].startswith("ปิดเรื่อง")
    page = clerk.get(f"/letters/{letter.pk}/").content.decode()
    assert "เส้นทางหนังสือ" in page and "ลงรับ เลขรับ" in page and "ปิดเรื่อง:" in page


def test_circulation_each_unit_acknowledges_separately_through_the_pages(people):
    letter = registered_letter(people["clerk"], subject="แจ้งเวียนมาตรการประหยัดพลังงานในหน่วยงาน")
    clerk = client_for(people["clerk"])
    response = clerk.post(f"/routes/letters/{letter.pk}/route/".replace("/routes/letters", "/letters"),
                          {"units": ["OPS-INSPECT-REGION", "OPS-ICT-SYS", "OPS-GAD"], "purpose": "information",
                           "instruction": "เวียนแจ้งเพื่อทราบ"}, follow=True)
    assert "ส่งหนังสือถึง" in response.content.decode()
    hops = list(Route.objects.filter(letter=letter).order_by("id"))
    assert len(hops) == 3 and {h.purpose for h in hops} == {"information"}

    ict = client_for(people["ict_staff"])
    inbox = ict.get("/inbox/").content.decode()
    assert letter.subject in inbox
    ict.post(f"/routes/{hops[1].pk}/acknowledge/", {"next": "/inbox/"})
    hops = list(Route.objects.filter(letter=letter).order_by("id"))
    assert [h.status for h in hops] == ["sent", "done", "sent"]  # for information: acknowledged is done
    assert hops[1].acknowledged_by == people["ict_staff"]
    assert letter.subject not in ict.get("/inbox/").content.decode()  # done for this unit
    assert letter.subject in client_for(people["complaints_staff"]).get("/inbox/").content.decode()


def test_a_misrouted_letter_is_returned_with_a_reason_and_the_sender_is_told(people):
    letter = registered_letter(people["clerk"], subject="ขอความอนุเคราะห์ข้อมูลผู้ประสบภัย")
    hop = Route.objects.get(pk=api(client_for(people["clerk"]), f"letters/{letter.pk}/routes",
                                   {"units": ["OPS-ICT-SYS"]}, status=201)[0]["id"])
    ict = client_for(people["ict_staff"])
    page = ict.post(f"/routes/{hop.pk}/return/", {"reason": ""}, follow=True).content.decode()
    assert "กรุณาระบุเหตุที่ส่งคืน" in page
    ict.post(f"/routes/{hop.pk}/return/", {"reason": "ไม่ใช่เรื่องในหน้าที่ของศูนย์เทคโนโลยีสารสนเทศ"})
    hop.refresh_from_db()
    assert hop.status == Route.Status.RETURNED and hop.returned_at
    note = Notification.objects.get(recipient=people["clerk"], event="route.returned")
    assert "ศูนย์" in note.body or "ไม่ใช่เรื่อง" in note.body
    assert any("ส่งคืน: ไม่ใช่เรื่องในหน้าที่" in t for t in timeline(client_for(people["clerk"]), letter.pk))
    # The desk routes it again, to the right unit.
    again = api(client_for(people["clerk"]), f"letters/{letter.pk}/routes", {"units": ["OPS-INSPECT-SOCIALHELP"]},
                status=201)
    assert again[0]["status"] == "sent"
    api(ict, f"routes/{hop.pk}/return", {"reason": "ซ้ำ"}, status=409)


def test_important_matter_is_proposed_up_the_line_and_the_permanent_secretary_assigns_it(people):
    letter = registered_letter(people["clerk"], subject="ขอความร่วมมือขับเคลื่อนนโยบายใหม่ด้านการคุ้มครองทางสังคม",
                               urgency="very_urgent")
    clerk = client_for(people["clerk"])
    clerk.post(f"/letters/{letter.pk}/routing/propose/", {"note": "เห็นควรเสนอปลัดกระทรวงเพื่อโปรดพิจารณา"})
    first = Route.objects.get(letter=letter, kind=Route.Kind.PROPOSE)
    assert first.position.code == "OPS-GAD-HEAD" and first.to_user == people["gad_director"]  # vacant posts passed over

    director = client_for(people["gad_director"])
    page = director.get(f"/letters/{letter.pk}/").content.decode()
    assert "เกษียนหนังสือ" in page and "ผู้อำนวยการกองกลาง" in page
    director.post(f"/routes/{first.pk}/endorse/", {"choice": "opinion", "text": "เห็นควรเสนอรองปลัดกระทรวง",
                                                   "propose_next": "1"})
    second = Route.objects.get(letter=letter, kind=Route.Kind.PROPOSE, parent=first)
    assert second.position.code == "OPS-DEPUTY-1" and second.to_user == people["deputy"]

    deputy = client_for(people["deputy"])
    api(deputy, f"routes/{second.pk}/endorse", {"choice": "opinion", "text": "เห็นควรมอบกองตรวจราชการ",
                                                "propose_next": True}, status=201)
    third = Route.objects.get(letter=letter, kind=Route.Kind.PROPOSE, parent=second)
    assert third.position.code == "OPS-HEAD" and third.to_user == people["executive"]
    assert [r["id"] for r in deputy.get("/api/proposals").json()] == []
    assert [r["id"] for r in client_for(people["executive"]).get("/api/proposals").json()] == [third.pk]

    done = api(client_for(people["executive"]), f"routes/{third.pk}/endorse",
               {"choice": "assign", "text": "มอบ กองตรวจราชการ ดำเนินการ", "units": ["OPS-INSPECT"]}, status=201)
    assert done["capacity"] == "holder" and "ปลัดกระทรวง" in done["signature_line"]
    assigned = Route.objects.get(letter=letter, kind=Route.Kind.SEND, to_unit__code="OPS-INSPECT")
    assert assigned.parent_id == third.pk and "มอบ" in assigned.instruction
    assert Notification.objects.filter(recipient=people["clerk"], event="endorsement.recorded").exists()
    assert Notification.objects.filter(recipient=people["inspect_director"], event="route.received").exists()

    texts = timeline(clerk, letter.pk)
    assert sum(t.startswith("เกษียน:") for t in texts) == 3
    # Executives see what was proposed to them; others on no hop do not.
    for who in ("gad_director", "deputy", "executive"):
        assert client_for(people[who]).get(f"/letters/{letter.pk}/").status_code == 200
    assert client_for(people["ict_staff"]).get(f"/api/letters/{letter.pk}/timeline").status_code == 404
    api(client_for(people["executive"]), f"routes/{third.pk}/endorse", {"choice": "acknowledge"}, status=409)


def _proposed_to_the_division_director(people):
    letter = registered_letter(people["clerk"], subject="ขอให้ตรวจสอบข้อเท็จจริงกรณีร้องเรียนการให้บริการ")
    hop = api(client_for(people["clerk"]), f"letters/{letter.pk}/routes", {"units": ["OPS-INSPECT"]}, status=201)[0]
    api(client_for(people["inspect_clerk"]), f"routes/{hop['id']}/receive")
    return letter


def test_an_acting_official_endorses_and_it_is_recorded_as_such(people):
    admin = client_for(people["admin"])
    api(admin, "acting-assignments", {"position": "OPS-INSPECT-HEAD", "user": people["complaints_head"].pk,
                                      "order_reference": "คำสั่งสำนักงานปลัดกระทรวงที่ ๑๒๓/๒๕๖๙"}, status=201)
    api(client_for(people["clerk"]), "acting-assignments", {"position": "OPS-INSPECT-HEAD",
                                                            "user": people["clerk"].pk}, status=403)
    letter = _proposed_to_the_division_director(people)
    proposal = api(client_for(people["inspect_clerk"]), f"letters/{letter.pk}/propose", {"note": "เพื่อโปรดพิจารณา"},
                   status=201)
    assert proposal["position"] == "OPS-INSPECT-HEAD" and proposal["to_user"] == "complaints_head"

    acting = client_for(people["complaints_head"])
    page = acting.get(f"/letters/{letter.pk}/").content.decode()
    assert "เกษียนหนังสือ — ผู้อำนวยการกองตรวจราชการ" in page
    acting.post(f"/routes/{proposal['id']}/endorse/", {"choice": "assign", "text": "มอบกลุ่มฯ ดำเนินการ",
                                                       "units": ["OPS-INSPECT-REGION"]})
    endorsement = Endorsement.objects.get(letter=letter)
    assert endorsement.capacity == Endorsement.Capacity.ACTING and endorsement.endorsed_by == people["complaints_head"]
    assert "รักษาราชการแทนผู้อำนวยการกองตรวจราชการ" in endorsement.signature_line
    assert any("รักษาราชการแทนผู้อำนวยการกองตรวจราชการ" in t for t in timeline(acting, letter.pk))
    assert AuditEvent.objects.filter(action="letter.endorse", data__capacity="acting").exists()


def test_delegated_authority_is_recorded_and_required(people):
    letter = _proposed_to_the_division_director(people)
    proposal = api(client_for(people["inspect_clerk"]), f"letters/{letter.pk}/propose",
                   {"position": "OPS-DEPUTY-1"}, status=201)
    deputy = client_for(people["deputy"])
    refused = deputy.post(f"/api/routes/{proposal['id']}/endorse",
                          {"choice": "approve", "on_behalf_of": "OPS-HEAD"}, content_type="application/json")
    assert refused.status_code == 403 and "มอบอำนาจ" in refused.json()["title"]
    api(client_for(people["admin"]), "delegations", {"from_position": "OPS-HEAD", "to_position": "OPS-DEPUTY-1",
                                                     "powers": ["approve", "reject"],
                                                     "order_reference": "คำสั่งมอบอำนาจที่ ๕/๒๕๖๙"}, status=201)
    done = api(deputy, f"routes/{proposal['id']}/endorse", {"choice": "approve", "text": "อนุมัติ",
                                                            "on_behalf_of": "OPS-HEAD"}, status=201)
    assert done["capacity"] == "delegated" and done["on_behalf_of"] == "OPS-HEAD"
    assert "ปฏิบัติราชการแทน" + Position.objects.get(code="OPS-HEAD").title in done["signature_line"]


def test_a_paper_endorsement_is_recorded_by_the_desk(people):
    letter = registered_letter(people["clerk"], subject="ขออนุมัติจัดประชุมสัมมนา")
    proposal = api(client_for(people["clerk"]), f"letters/{letter.pk}/propose", {"position": "OPS-HEAD"},
                   status=201)
    api(client_for(people["ict_staff"]), f"routes/{proposal['id']}/endorse", {"choice": "approve"}, status=404)
    done = api(client_for(people["clerk"]), f"routes/{proposal['id']}/endorse",
               {"choice": "approve", "text": "อนุมัติ", "endorsed_by": people["executive"].pk}, status=201)
    assert done["endorsed_by"] == "executive" and done["recorded_by"] == "clerk"
    assert any("บันทึกโดย" in t for t in timeline(client_for(people["clerk"]), letter.pk))


def test_forward_outside_and_close_fill_the_register(people):
    letter = registered_letter(people["clerk"], subject="ขอรับการสนับสนุนงบประมาณโครงการของเทศบาล")
    clerk = client_for(people["clerk"])
    clerk.post(f"/letters/{letter.pk}/routing/forward/", {"agency": "กรมส่งเสริมการปกครองท้องถิ่น",
                                                          "instruction": "ไม่อยู่ในภารกิจของกระทรวง"})
    hop = Route.objects.get(letter=letter)
    assert hop.kind == Route.Kind.FORWARD_OUTSIDE and hop.outside_agency == "กรมส่งเสริมการปกครองท้องถิ่น"
    assert client_for(people["ict_staff"]).post(f"/api/letters/{letter.pk}/close", {"action_taken": "x"},
                                                content_type="application/json").status_code == 404
    api(clerk, f"letters/{letter.pk}/close", {"action_taken": "ส่งต่อหน่วยงานที่เกี่ยวข้องแล้ว"})
    row = RegisterEntry.objects.get(letter=letter, register=letter.register)
    assert "กรมส่งเสริมการปกครองท้องถิ่น" in row.action and "ส่งต่อหน่วยงานที่เกี่ยวข้องแล้ว" in row.action
    api(clerk, f"letters/{letter.pk}/close", {"action_taken": "อีกครั้ง"}, status=409)
    assert Register.objects.get(pk=letter.register_id).code.endswith("-IN")


def test_a_due_within_date_set_at_registration_bounds_every_hop(people):
    clerk = client_for(people["clerk"])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = clerk.post("/letters/no-file/", {"document_number": "พม ๐๒๐๑/๗๗", "subject": "ขอข้อมูลด่วน",
                                                 "issuing_office": "กองกลาง", "urgency": "normal",
                                                 "due_at": tomorrow.isoformat(), "secrecy": "unclassified"},
                          follow=True)
    assert response.status_code == 200
    from saraban.registry.models import Letter

    letter = Letter.objects.get(document_number="พม ๐๒๐๑/๗๗")
    assert timezone.localdate(letter.due_at) == tomorrow and timezone.localtime(letter.due_at).hour == 16
    hop = api(clerk, f"letters/{letter.pk}/routes", {"units": ["OPS-ICT-SYS"]}, status=201)[0]
    assert dt.datetime.fromisoformat(hop["due_at"]) <= letter.due_at  # earlier than 7 working days
    bad = clerk.post("/letters/no-file/", {"document_number": "พม ๐๒๐๑/๗๘", "subject": "x", "due_at": "พรุ่งนี้เช้า",
                                           "urgency": "normal", "secrecy": "unclassified"}, follow=True)
    assert "วันที่ด่วนภายใน" in bad.content.decode()


def test_an_overdue_letter_is_escalated_to_the_unit_head_and_shown_on_the_dashboard(people):
    from saraban.core.models import AuditEvent as Audit
    from saraban.routing.deadlines import escalate_overdue

    letter = registered_letter(people["clerk"], subject="ขอให้รายงานผลการช่วยเหลือผู้ประสบปัญหาทางสังคม",
                               urgency="most_urgent")
    hop = api(client_for(people["clerk"]), f"letters/{letter.pk}/routes", {"units": ["OPS-INSPECT-REGION"]},
              status=201)[0]
    due = dt.datetime.fromisoformat(hop["due_at"])
    assert timezone.localtime(due).hour == 16  # ด่วนที่สุด: the end of a working day
    assert escalate_overdue() == 0  # not yet due: nothing happens

    escalated = escalate_overdue(now=due + dt.timedelta(minutes=1))  # the worker's periodic job, after the deadline
    assert escalated == 1 and escalate_overdue(now=due + dt.timedelta(hours=1)) == 0  # once only
    head = client_for(people["complaints_head"])
    notes = head.get("/api/notifications").json()
    items = notes["results"] if isinstance(notes, dict) else notes
    assert any(n["event"] == "deadline.overdue" for n in items)
    assert Audit.objects.filter(action="route.escalate", target_id=str(letter.pk)).exists()

    Route.objects.filter(pk=hop["id"]).update(due_at=timezone.now() - dt.timedelta(hours=1))  # really past now
    dashboard = head.get("/dashboard/").content.decode()
    assert letter.subject in dashboard
    assert letter.subject not in client_for(people["ict_staff"]).get("/dashboard/").content.decode()
    assert any("แจ้งหัวหน้าหน่วยงานแล้ว" in t for t in timeline(head, letter.pk))
    assert "แจ้งหัวหน้าแล้ว" in client_for(people["complaints_staff"]).get("/inbox/").content.decode()


def test_a_classified_matter_is_proposed_and_assigned_to_people_by_name(people):
    letter = registered_letter(people["clerk"], secrecy="confidential", subject="แผนรักษาความปลอดภัยศูนย์ราชการ")
    registrar = client_for(people["secret_registrar"])
    proposal = api(registrar, f"letters/{letter.pk}/propose", {"position": "OPS-HEAD"}, status=201)
    assert proposal["subject"] == ""  # the API never repeats a classified subject outside its page
    executive = client_for(people["executive"])
    refused = executive.post(f"/api/routes/{proposal['id']}/endorse",
                             {"choice": "assign", "units": ["OPS-INSPECT-REGION"]}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "classified_to_unit"
    uncleared = executive.post(f"/api/routes/{proposal['id']}/endorse",
                               {"choice": "assign", "users": [people["complaints_staff"].pk]},
                               content_type="application/json")
    assert uncleared.status_code == 400 and uncleared.json()["code"] == "not_cleared"
    api(executive, f"routes/{proposal['id']}/endorse", {"choice": "assign", "text": "มอบ หัวหน้ากลุ่มฯ ดำเนินการ",
                                                        "users": [people["complaints_head"].pk]}, status=201)
    hop = Route.objects.get(letter=letter, kind=Route.Kind.SEND)
    assert hop.to_user == people["complaints_head"] and hop.to_unit is None
    assert client_for(people["complaints_head"]).get(f"/letters/{letter.pk}/").status_code == 200
    assert client_for(people["complaints_staff"]).get(f"/letters/{letter.pk}/").status_code == 404
    note = Notification.objects.get(recipient=people["complaints_head"], event="route.received")
    assert letter.subject not in note.title
