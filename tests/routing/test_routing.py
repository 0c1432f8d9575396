"""Routing: send to units with an instruction, inboxes, acknowledgement, suggestions."""

from __future__ import annotations

import pytest

from saraban.core.errors import Conflict, InvalidInput, NotFound
from saraban.core.models import AuditEvent
from saraban.routing import services
from saraban.routing.models import Route
from saraban.routing.selectors import inbox_routes
from saraban.routing.suggestions import suggest_units
from tests.factories import registered_letter

pytestmark = pytest.mark.django_db


def test_route_to_several_units_each_acknowledges_separately(people):
    letter = registered_letter(people["clerk"])
    routes = services.route_letter(actor=people["clerk"], letter_id=letter.pk,
                                   unit_codes=["OPS-INSPECT-REGION", "OPS-ICT-SYS"], instruction="เพื่อโปรดดำเนินการ")
    assert [r.to_unit.code for r in routes] == ["OPS-INSPECT-REGION", "OPS-ICT-SYS"]
    assert [r.letter_id for r in inbox_routes(people["complaints_staff"])] == [letter.pk]
    assert [r.letter_id for r in inbox_routes(people["ict_staff"])] == [letter.pk]

    acknowledged = services.acknowledge_route(actor=people["complaints_staff"], route_id=routes[0].pk)
    assert acknowledged.status == Route.Status.ACKNOWLEDGED and acknowledged.acknowledged_by == people["complaints_staff"]
    assert list(inbox_routes(people["complaints_staff"])) == []
    assert [r.pk for r in inbox_routes(people["ict_staff"])] == [routes[1].pk]  # still waiting there
    with pytest.raises(Conflict):
        services.acknowledge_route(actor=people["complaints_head"], route_id=routes[0].pk)
    assert AuditEvent.objects.filter(action="route.acknowledge", target_id=str(letter.pk)).count() == 1


def test_a_unit_cannot_acknowledge_what_was_not_sent_to_it(people):
    letter = registered_letter(people["clerk"])
    route = services.route_letter(actor=people["clerk"], letter_id=letter.pk, unit_codes=["OPS-ICT-SYS"])[0]
    with pytest.raises(NotFound):
        services.acknowledge_route(actor=people["complaints_staff"], route_id=route.pk)


def test_receiving_unit_can_pass_the_letter_on_but_others_cannot(people):
    from saraban.core.errors import NotAllowed

    letter = registered_letter(people["clerk"])
    services.route_letter(actor=people["clerk"], letter_id=letter.pk, unit_codes=["OPS-INSPECT-REGION"])
    onward = services.route_letter(actor=people["complaints_head"], letter_id=letter.pk, unit_codes=["OPS-ICT-SYS"],
                                   instruction="มอบ ศทส. ดำเนินการ")
    assert onward[0].from_unit.code == "OPS-INSPECT-REGION"
    other = registered_letter(people["clerk"])
    with pytest.raises(NotFound):  # ict staff cannot even see it
        services.route_letter(actor=people["ict_staff"], letter_id=other.pk, unit_codes=["OPS-ICT-SYS"])
    services.route_letter(actor=people["clerk"], letter_id=other.pk, unit_codes=["OPS-ICT-SYS"])
    archive_letter = registered_letter(people["clerk"])
    with pytest.raises(NotAllowed):  # the archive reader sees it but holds no desk on its route
        services.route_letter(actor=people["archive"], letter_id=archive_letter.pk, unit_codes=["OPS-ICT-SYS"])


def test_classified_letters_go_to_people_by_name_only(people):
    letter = registered_letter(people["clerk"], secrecy="confidential")
    registrar = people["secret_registrar"]
    with pytest.raises(InvalidInput) as to_unit:
        services.route_letter(actor=registrar, letter_id=letter.pk, unit_codes=["OPS-INSPECT-REGION"])
    assert to_unit.value.code == "classified_to_unit"
    with pytest.raises(InvalidInput) as uncleared:
        services.route_letter(actor=registrar, letter_id=letter.pk, user_ids=[people["complaints_staff"].pk])
    assert uncleared.value.code == "not_cleared"
    services.route_letter(actor=registrar, letter_id=letter.pk, user_ids=[people["complaints_head"].pk])
    assert [r.letter_id for r in inbox_routes(people["complaints_head"])] == [letter.pk]
    assert list(inbox_routes(people["complaints_staff"])) == []


def test_suggestions_come_from_the_units_duties():
    complaint = suggest_units(subject="ขอให้ตรวจสอบเรื่องร้องเรียนร้องทุกข์ของประชาชน")
    assert complaint, "a complaint subject gets a suggestion"
    assert complaint[0].code.startswith("OPS-INSPECT")
    assert 0 < complaint[0].score <= 1 and complaint[0].reason
    trafficking = suggest_units(subject="การป้องกันและปราบปรามการค้ามนุษย์")
    assert trafficking[0].code.startswith("OPS-ANTITIP")
    assert len(suggest_units(subject="ขอเชิญประชุม", limit=3)) <= 3
    assert suggest_units(subject="") == []
