"""Deadlines in working days, the holiday calendar, escalation of overdue hops."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from saraban.core.errors import NotAllowed
from saraban.core.models import AuditEvent
from saraban.routing import deadlines
from saraban.routing.deadlines import (
    escalate_overdue, is_working_day, letter_due_at, load_holidays, overdue_routes, route_due_at, working_deadline,
)
from saraban.routing.models import Holiday, Route, Unit
from tests.factories import registered_letter

pytestmark = pytest.mark.django_db


def at(text: str) -> dt.datetime:
    """A local (Asia/Bangkok) time, aware."""
    return timezone.make_aware(dt.datetime.fromisoformat(text))


@pytest.fixture
def calendar(db):
    load_holidays()


def test_working_days_skip_the_weekend_and_holidays(calendar):
    # 2026-12-04 is a Friday; Monday 7 Dec is the substitution day for Father's Day (Sat 5 Dec).
    assert is_working_day(dt.date(2026, 12, 4)) and not is_working_day(dt.date(2026, 12, 5))
    assert not is_working_day(dt.date(2026, 12, 7))
    assert working_deadline(at("2026-12-04T10:00"), 1) == at("2026-12-08T16:30")
    # normal: 7 working days from Thursday 3 Dec, skipping 7 Dec and 10 Dec (Constitution Day)
    assert route_due_at(urgency="normal", sent_at=at("2026-12-03T10:00"), explicit_due=None) == at("2026-12-16T16:30")
    assert route_due_at(urgency="urgent", sent_at=at("2026-12-03T10:00"), explicit_due=None) == at("2026-12-09T16:30")


def test_same_day_rule_and_a_start_after_hours_or_on_a_holiday(calendar):
    tuesday = "2026-11-17"
    assert route_due_at(urgency="most_urgent", sent_at=at(f"{tuesday}T09:00"), explicit_due=None) == at(f"{tuesday}T16:30")
    assert route_due_at(urgency="most_urgent", sent_at=at(f"{tuesday}T07:10"), explicit_due=None) == at(f"{tuesday}T16:30")
    # at or after the end of the working day: counts from the next working day
    assert working_deadline(at(f"{tuesday}T16:30"), 0) == at("2026-11-18T16:30")
    assert route_due_at(urgency="very_urgent", sent_at=at(f"{tuesday}T19:45"), explicit_due=None) == at("2026-11-19T16:30")
    # arriving on a Saturday or a holiday counts from the next working day
    assert working_deadline(at("2026-11-21T11:00"), 0) == at("2026-11-23T16:30")
    assert working_deadline(at("2026-12-05T09:00"), 1) == at("2026-12-09T16:30")  # Sat, Mon 7 substitution → Tue 8 + 1
    # an aware time in another zone is read in local time (Bangkok is UTC+7)
    assert working_deadline(dt.datetime(2026, 11, 17, 10, 0, tzinfo=dt.timezone.utc), 0) == at("2026-11-18T16:30")


def test_an_explicit_due_date_earlier_than_the_class_deadline_wins(people, calendar):
    sent = at("2026-11-16T09:00")  # Monday; normal → Wednesday 25 Nov
    within = at("2026-11-18T12:00")  # "ด่วนภายใน 18 พ.ย. 12.00 น."
    assert route_due_at(urgency="normal", sent_at=sent, explicit_due=within) == within
    assert route_due_at(urgency="most_urgent", sent_at=sent, explicit_due=within) == at("2026-11-16T16:30")
    letter = registered_letter(people["clerk"], urgency="urgent")
    letter.received_at, letter.due_at = sent, None
    assert letter_due_at(letter) == at("2026-11-19T16:30")
    letter.due_at = at("2026-11-17T10:00")
    assert letter_due_at(letter) == at("2026-11-17T10:00")


def test_holiday_file_covers_three_years_with_lunar_and_substitution_days(calendar):
    assert load_holidays() == 0  # safe to run again
    data = json.loads(deadlines.HOLIDAYS_FILE.read_text(encoding="utf-8"))
    assert "verify each year" in data["note"]
    for year in (2025, 2026, 2027):
        names = " ".join(Holiday.objects.filter(date__year=year).values_list("name", flat=True))
        for name in ("วันมาฆบูชา", "วันวิสาขบูชา", "วันอาสาฬหบูชา", "วันเข้าพรรษา", "วันสงกรานต์", "ชดเชย"):
            assert name in names, (year, name)
    assert Holiday.objects.get(date="2026-03-03").name == "วันมาฆบูชา"  # 2569: เดือน ๔ (อธิกมาส)
    assert all(h.date.weekday() < 5 for h in Holiday.objects.filter(name__contains="ชดเชย"))


def test_an_administrator_adds_a_special_holiday_and_the_deadline_moves(client, people, calendar):
    sent = at("2026-11-19T10:00")  # Thursday; very urgent → Friday 20 Nov
    assert route_due_at(urgency="very_urgent", sent_at=sent, explicit_due=None) == at("2026-11-20T16:30")

    client.force_login(people["ict_staff"])
    response = client.post("/holidays/", {"day": "20", "month": "11", "year": "2569", "kind": "special",
                                          "name": "วันหยุดพิเศษ"}, follow=True)
    assert "เฉพาะผู้ดูแลระบบ" in response.content.decode()
    assert not Holiday.objects.filter(date="2026-11-20").exists()

    client.force_login(people["admin"])
    response = client.post("/holidays/", {"day": "๒๐", "month": "11", "year": "๒๕๖๙", "kind": "special",
                                          "name": "วันหยุดราชการเพิ่มเป็นกรณีพิเศษ (มติ ครม.)"}, follow=True)
    page = response.content.decode()
    assert "เพิ่มวันหยุด" in page and "๒๐ พฤศจิกายน ๒๕๖๙" in page
    holiday = Holiday.objects.get(date="2026-11-20")
    assert holiday.kind == Holiday.Kind.SPECIAL
    assert route_due_at(urgency="very_urgent", sent_at=sent, explicit_due=None) == at("2026-11-23T16:30")
    assert AuditEvent.objects.filter(action="holiday.add", target_id=str(holiday.pk)).exists()

    client.post(f"/holidays/{holiday.pk}/delete/")
    assert route_due_at(urgency="very_urgent", sent_at=sent, explicit_due=None) == at("2026-11-20T16:30")
    with pytest.raises(NotAllowed):
        deadlines.remove_holiday(actor=people["ict_staff"], holiday_id=Holiday.objects.first().pk)


def overdue_hop(people, *, unit="OPS-INSPECT-REGION", due=None, **fields):
    letter = registered_letter(people["clerk"], **fields)
    return Route.objects.create(letter=letter, to_unit=Unit.objects.get(code=unit), sent_by=people["clerk"],
                                from_unit=letter.desk_unit, due_at=due or timezone.now() - dt.timedelta(hours=1))


def test_escalation_notifies_the_unit_head_once_and_is_audited(people):
    from saraban.notifications.models import Notification

    hop = overdue_hop(people, subject="ขอให้รายงานผลการตรวจราชการ", urgency="urgent")
    not_yet = overdue_hop(people, due=timezone.now() + dt.timedelta(hours=2))
    done = overdue_hop(people)
    Route.objects.filter(pk=done.pk).update(status=Route.Status.DONE, done_at=timezone.now())

    assert escalate_overdue() == 1
    hop.refresh_from_db()
    assert hop.escalated_at is not None
    notes = list(Notification.objects.filter(event="deadline.overdue"))
    assert [n.recipient.username for n in notes] == ["complaints_head"]
    assert "ขอให้รายงานผลการตรวจราชการ" in notes[0].title and notes[0].url == f"/letters/{hop.letter_id}/"
    event = AuditEvent.objects.get(action="route.escalate")
    assert event.target_id == str(hop.letter_id) and event.data["route"] == hop.pk
    assert event.data["notified"] == ["complaints_head"]

    assert escalate_overdue() == 0  # not twice
    assert Notification.objects.filter(event="deadline.overdue").count() == 1
    assert AuditEvent.objects.filter(action="route.escalate").count() == 1
    not_yet.refresh_from_db()
    assert not_yet.escalated_at is None


def test_escalation_goes_up_the_tree_when_the_unit_has_no_head(people):
    from saraban.notifications.models import Notification

    region = Unit.objects.get(code="OPS-INSPECT-REGION")
    child = Unit.objects.create(agency=region.agency, code="TEST-REGION-DESK", name="ฝ่ายทดสอบ", kind=Unit.Kind.GROUP,
                                parent=region)
    overdue_hop(people, unit=child.code)
    assert escalate_overdue() == 1
    assert [n.recipient.username for n in Notification.objects.filter(event="deadline.overdue")] == ["complaints_head"]


def test_a_classified_overdue_hop_is_escalated_without_its_subject(people):
    from saraban.notifications.models import Notification

    letter = registered_letter(people["clerk"], subject="แผนรักษาความปลอดภัยสถานที่ราชการ", secrecy="confidential")
    # to the head of the unit by name: nobody heads a unit above, so the sender is told
    Route.objects.create(letter=letter, to_user=people["complaints_head"], sent_by=people["secret_registrar"],
                         due_at=timezone.now() - dt.timedelta(minutes=5))
    assert escalate_overdue() == 1
    note = Notification.objects.get(event="deadline.overdue")
    assert note.recipient == people["secret_registrar"]
    assert "แผนรักษาความปลอดภัย" not in note.title and "ชั้นความลับ" in note.title
    assert "แผนรักษาความปลอดภัย" not in note.body


def test_nothing_due_costs_one_query(people, django_assert_num_queries):
    overdue_hop(people, due=timezone.now() + dt.timedelta(days=1))
    with django_assert_num_queries(1):
        assert escalate_overdue() == 0


def test_overdue_routes_follow_the_access_policy(people):
    hop = overdue_hop(people, subject="ติดตามเรื่องร้องเรียนค้าง")
    assert [r.pk for r in overdue_routes(people["complaints_head"])] == [hop.pk]
    assert [r.pk for r in overdue_routes(people["complaints_staff"])] == [hop.pk]
    assert [r.pk for r in overdue_routes(people["clerk"])] == [hop.pk]  # registered at the clerk's desk
    assert list(overdue_routes(people["ict_staff"])) == []

    secret = registered_letter(people["clerk"], secrecy="secret")
    Route.objects.create(letter=secret, to_unit=Unit.objects.get(code="OPS-INSPECT-REGION"),
                         sent_by=people["secret_registrar"], due_at=timezone.now() - dt.timedelta(hours=3))
    assert [r.pk for r in overdue_routes(people["complaints_head"])] == [hop.pk]  # not named, not cleared
