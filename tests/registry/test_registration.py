"""Draft → confirm → number: the order of DOMAIN.md §3, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from saraban.core.errors import Conflict, InvalidInput, NotFound
from saraban.core.models import AuditEvent
from saraban.registry import services
from saraban.registry.models import Letter, RegisterCounter

# A fixed clock (tests/conftest.py): numbers restart each year and books, pages and
# assertions read today's date, so a run across midnight or the new year must not see two.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

FIELDS = {"document_number": "ยธ ๐๓๐๓/ว ๑๓", "document_date": "๑๔ มีนาคม ๒๕๖๕", "subject": "ระบบการยื่นคำร้องออนไลน์",
          "addressee": "หัวหน้าหน่วยงาน", "issuing_office": "กองพัฒนาการคุมประพฤติ"}


def test_registering_without_file_issues_consecutive_numbers(people):
    clerk = people["clerk"]
    first = services.register_without_file(actor=clerk, fields=FIELDS)
    second = services.register_without_file(actor=clerk, fields={**FIELDS, "document_number": "ยธ ๐๓๐๓/ว ๑๔"})
    assert first.status == Letter.Status.REGISTERED
    assert second.receive_number == first.receive_number + 1
    assert first.year == timezone.localdate().year  # the calendar year of registration
    assert first.document_date == dt.date(2022, 3, 14)
    assert first.document_number_canonical == "ยธ0303/ว13"
    assert first.register.code.endswith("-IN") and not first.register.is_secret


def test_draft_has_no_number_until_confirmed(people, rendered):
    from tests.conftest import memo_text

    clerk = people["clerk"]
    with open(rendered(memo_text()), "rb") as fh:
        draft = services.intake_file(actor=clerk, stream=fh, file_name="memo.pdf", enqueue=False)
    assert draft.status == Letter.Status.DRAFT and draft.receive_number is None
    assert draft.original.sha256 and draft.original.size > 0
    letter = services.confirm_letter(actor=clerk, letter_id=draft.pk, fields=FIELDS)
    assert letter.receive_number is not None
    event = AuditEvent.objects.filter(action="letter.confirm", target_id=str(letter.pk)).get()
    assert event.actor == clerk
    assert event.data["confirmed"]["subject"] == FIELDS["subject"]
    assert event.data["receive_number"] == letter.receive_number
    with pytest.raises(Conflict):
        services.confirm_letter(actor=clerk, letter_id=draft.pk, fields=FIELDS)


def test_a_failed_confirmation_uses_no_number(people):
    clerk = people["clerk"]
    ok = services.register_without_file(actor=clerk, fields=FIELDS)
    with pytest.raises(InvalidInput) as wrong_date:
        services.register_without_file(actor=clerk, fields={**FIELDS, "document_number": "x/1",
                                                            "document_date": "๓๒ ตุลาคม ๒๕๖๒"})
    assert "วันที่" in wrong_date.value.message
    with pytest.raises(InvalidInput):
        services.register_without_file(actor=clerk, fields={**FIELDS, "document_number": "x/2", "subject": " "})
    after = services.register_without_file(actor=clerk, fields={**FIELDS, "document_number": "x/3"})
    assert after.receive_number == ok.receive_number + 1
    counter = RegisterCounter.objects.get(register=ok.register, year=ok.year)
    assert counter.last_number == after.receive_number


def test_duplicate_by_number_date_and_sender_is_refused(people):
    clerk = people["clerk"]
    first = services.register_without_file(actor=clerk, fields=FIELDS)
    same_in_arabic = {**FIELDS, "document_number": "ยธ.0303/ว.13", "document_date": "2022-03-14"}
    with pytest.raises(services.DuplicateLetter) as dup:
        services.register_without_file(actor=clerk, fields=same_in_arabic)
    assert dup.value.extra["duplicate_of"] == first.pk
    assert Letter.objects.filter(status=Letter.Status.REGISTERED).count() == 1


def test_classified_letter_goes_to_the_secret_register(people):
    clerk = people["clerk"]
    ordinary = services.register_without_file(actor=clerk, fields=FIELDS)
    secret = services.register_without_file(actor=clerk, fields={**FIELDS, "document_number": "กห ๐๒๐๑/๙",
                                                                 "secrecy": "secret"})
    assert secret.register.is_secret and secret.register != ordinary.register
    assert secret.receive_number == 1  # its own series
    # The clerk who registered it may not open it afterwards: it is not on their desk.
    from saraban.registry.selectors import get_letter
    from saraban.routing.selectors import viewer_for

    with pytest.raises(NotFound):
        get_letter(viewer_for(clerk), secret.pk)
    assert get_letter(viewer_for(people["secret_registrar"]), secret.pk) == secret


def test_people_without_a_registry_cannot_register(people):
    from saraban.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.register_without_file(actor=people["complaints_staff"], fields=FIELDS)
    with pytest.raises(NotAllowed):
        services.intake_file(actor=people["complaints_staff"], stream=io.BytesIO(b"%PDF-1.4"), file_name="a.pdf")


def test_only_the_desks_registry_people_confirm(people):
    from saraban.core.errors import NotAllowed
    from saraban.routing.models import Membership

    clerk = people["clerk"]
    desk = Membership.objects.get(user=clerk, role="registry_clerk").unit
    helper = people["ict_staff"]
    Membership.objects.create(user=helper, unit=desk, role="unit_staff")
    letter = Letter.objects.create(desk_unit=desk, created_by=clerk, received_at=timezone.now(), subject="ร่าง")
    with pytest.raises(NotAllowed):
        services.confirm_letter(actor=helper, letter_id=letter.pk, fields=FIELDS)
    assert Letter.objects.get(pk=letter.pk).receive_number is None


def test_references_typed_with_their_date_keep_the_date():
    cleaned = services.clean_fields({"references": ["รบ ๐๐๑๘/๒๔๗๗๑ ลงวันที่ ๒๕ กันยายน ๒๕๖๒", "ยธ 0303/ว 13 ลว. 14 มี.ค. 65",
                                                    "พม ๐๒๐๑/๔"]})
    assert cleaned["references"] == [
        {"number": "รบ ๐๐๑๘/๒๔๗๗๑", "date": "2019-09-25"},
        {"number": "ยธ 0303/ว 13", "date": "2022-03-14"},
        {"number": "พม ๐๒๐๑/๔", "date": None},
    ]


def test_too_long_fields_are_refused_clearly(people):
    with pytest.raises(InvalidInput) as error:
        services.register_without_file(actor=people["clerk"], fields={**FIELDS, "document_number": "๑" * 300})
    assert error.value.code == "too_long"


def test_register_chosen_by_code(people):
    clerk = people["clerk"]
    first = services.register_without_file(actor=clerk, fields=FIELDS)
    chosen = services.register_without_file(actor=clerk, fields={**FIELDS, "document_number": "x/9"},
                                            register_code=first.register.code)
    assert chosen.register == first.register and chosen.receive_number == first.receive_number + 1
    with pytest.raises(InvalidInput) as mismatch:
        services.register_without_file(actor=clerk, fields={**FIELDS, "document_number": "x/10"},
                                       register_code=chosen.register.code.replace("-IN", "") + "-NOPE")
    assert mismatch.value.code == "unknown_register"
    with pytest.raises(InvalidInput) as secret_in_ordinary:
        services.register_without_file(actor=clerk, fields={**FIELDS, "document_number": "x/11", "secrecy": "secret"},
                                       register_code=first.register.code)
    assert secret_in_ordinary.value.code == "register_class_mismatch"
