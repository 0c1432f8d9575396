"""Routing's typed texts have limits (issue 15): an instruction, a return reason, the
action taken, an endorsement, an outside agency's name, a holiday's name. Over the
limit the service refuses with a Thai message and writes nothing (it used to cut them
silently); the API answers the same problem document; the page shows the message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from saraban.core.errors import InvalidInput
from saraban.routing import deadlines, services
from saraban.routing.models import Holiday, Route
from tests.factories import api_client, registered_letter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thai_digits")]




def test_an_instruction_over_two_thousand_characters_is_refused_not_cut(people):
    letter = registered_letter(people["clerk"])
    with pytest.raises(InvalidInput) as error:
        services.route_letter(actor=people["clerk"], letter_id=letter.pk, unit_codes=["OPS-ICT-SYS"],
                              instruction="ก" * 2001)
    assert error.value.code == "too_long"
    assert error.value.message == "คำสั่งการ ยาวเกินไป: ๒,๐๐๑ ตัวอักษร รับได้ไม่เกิน ๒,๐๐๐ ตัวอักษร กรุณาย่อให้สั้นลง"
    assert not Route.objects.filter(letter=letter).exists()
    [route] = services.route_letter(actor=people["clerk"], letter_id=letter.pk, unit_codes=["OPS-ICT-SYS"],
                                    instruction="ก" * 2000)
    assert len(route.instruction) == 2000  # kept whole


def test_return_reason_and_action_taken_through_the_api(people):
    letter = registered_letter(people["clerk"])
    [route] = services.route_letter(actor=people["clerk"], letter_id=letter.pk, unit_codes=["OPS-ICT-SYS"])
    staff = api_client(people["ict_staff"])
    returned = staff.post(f"/api/routes/{route.pk}/return", {"reason": "ก" * 1001}, format="json")
    assert returned.status_code == 400 and returned["Content-Type"] == "application/problem+json"
    assert returned.json()["code"] == "too_long" and returned.json()["field"] == "reason"
    assert returned.json()["title"].startswith("เหตุที่ส่งคืน ยาวเกินไป: ๑,๐๐๑ ตัวอักษร")
    done = staff.post(f"/api/routes/{route.pk}/done", {"action_taken": "ก" * 2001}, format="json")
    assert done.status_code == 400 and done.json()["title"].startswith("การปฏิบัติ ยาวเกินไป")
    route.refresh_from_db()
    assert route.status == Route.Status.SENT and route.return_reason == "" and route.action_taken == ""


def test_forwarding_outside_and_endorsing_are_bounded(people):
    letter = registered_letter(people["clerk"])
    with pytest.raises(InvalidInput) as agency:
        services.forward_outside(actor=people["clerk"], letter_id=letter.pk, agency="ก" * 256)
    assert agency.value.extra == {"field": "agency", "limit": 255, "length": 256}
    proposal = services.propose_letter(actor=people["clerk"], letter_id=letter.pk, note="เห็นควรเสนอ")
    with pytest.raises(InvalidInput) as text:
        services.endorse(actor=proposal.to_user, route_id=proposal.pk, choice="opinion", text="ก" * 2001)
    assert text.value.code == "too_long" and text.value.message.startswith("ข้อความเกษียน ยาวเกินไป")
    proposal.refresh_from_db()
    assert proposal.status == Route.Status.SENT and not proposal.endorsements.exists()


def test_the_page_shows_the_thai_error(people):
    letter = registered_letter(people["clerk"])
    client = Client()
    client.force_login(people["clerk"])
    response = client.post(f"/letters/{letter.pk}/route/", {"units": ["OPS-ICT-SYS"], "instruction": "ก" * 2001},
                           follow=True)
    assert "คำสั่งการ ยาวเกินไป: ๒,๐๐๑ ตัวอักษร" in response.content.decode()
    assert not Route.objects.filter(letter=letter).exists()


def test_a_holiday_name_has_a_limit(people):
    day = dt.date(2031, 5, 2)
    with pytest.raises(InvalidInput) as error:
        deadlines.add_holiday(actor=people["admin"], day=day, name="ก" * 256)
    assert error.value.code == "too_long" and error.value.message.startswith("ชื่อวันหยุด ยาวเกินไป")
    assert not Holiday.objects.filter(date=day).exists()
