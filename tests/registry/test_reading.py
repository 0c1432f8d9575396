"""Reading a scan end to end: intake → OCR in the background task → suggested fields →
confirmation → number → search; on letters the tests render themselves."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import Client

from saraban.registry.models import Letter
from tests.conftest import memo_text

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_upload_read_confirm_and_find(people, rendered, django_capture_on_commit_callbacks):
    path = rendered(memo_text(number="พม ๐๒๐๑/ว ๓๔๕", date="๑๗ มิถุนายน ๒๕๖๘"), "memo.pdf", seed=3)
    clerk = Client()
    clerk.force_login(people["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        with open(path, "rb") as fh:
            response = clerk.post("/letters/", {"file": fh, "kind": "letter"})
    assert response.status_code == 302
    draft = Letter.objects.get()
    assert draft.reading_status == Letter.ReadingStatus.DONE, draft.reading_error
    assert draft.searchable is not None
    assert draft.document_number_canonical == "พม0201/ว345"
    assert draft.document_date == dt.date(2025, 6, 17)
    assert "".join(draft.subject.split()) == "ขอเชิญประชุมคณะทำงานพัฒนาระบบสารบรรณอิเล็กทรอนิกส์"  # spaces aside
    assert draft.field_confidence.get("document_number") is not None
    assert "document_number" not in draft.suggested["confident"]  # numbers wait for a person
    page = clerk.get(f"/letters/{draft.pk}/").content.decode()
    assert "ยืนยันและออกเลขทะเบียนรับ" in page
    number_label = page[page.index('for="f-document_number"'):page.index('id="f-document_number"')]
    assert "โปรดตรวจกับภาพหนังสือ" in number_label and "ระบบอ่านมั่นใจ" not in number_label
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = clerk.post(f"/letters/{draft.pk}/confirm/", {
            "document_number": draft.document_number, "document_date": "2025-06-17", "subject": draft.subject,
            "urgency": "normal", "secrecy": "unclassified", "addressee": draft.addressee})
    assert confirmed.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Letter.Status.REGISTERED and draft.receive_number
    found = clerk.get("/api/search", {"q": "345"}).json()
    assert [h["letter_id"] for h in found["hits"]] == [draft.pk]


def test_register_command_reports_registered_then_duplicate(people, rendered, capsys):
    path = rendered(memo_text(number="พม ๐๒๐๑/ว ๗๘", date="๒ มกราคม ๒๕๖๘", subject="รายงานผลการดำเนินงานเรื่องร้องเรียนร้องทุกข์"),
                    "complaint-report.pdf", seed=5)
    call_command("register", str(path), "--json", verbosity=0)
    first = json.loads(capsys.readouterr().out.strip())
    assert first["status"] == "registered", first
    assert first["fields"]["document_date"] == "2025-01-02"
    assert first["suggested_units"][0]["code"].startswith("OPS-INSPECT")
    call_command("register", str(path), "--json", verbosity=0)  # a duplicate is not a failure: no exit 1
    again = json.loads(capsys.readouterr().out.strip())
    assert again["status"] == "duplicate" and again["duplicate_of"] == first["letter_id"]
    assert Letter.objects.count() == 1


def test_register_command_fails_on_a_bad_file(people, tmp_path, capsys):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage")
    with pytest.raises(SystemExit) as exit_:
        call_command("register", str(bad), "--json", verbosity=0)
    assert exit_.value.code == 1
    out = json.loads(capsys.readouterr().out.strip())
    assert out["status"] == "error" and out["error"]
    assert Letter.objects.count() == 0


def test_a_stamped_secret_is_suggested_and_confirmed_by_a_person(people, rendered):
    """The red ลับ stamp is suggested; the draft stays the clerk's until they confirm,
    and confirming the suggestion puts it in the secret register."""
    from saraban.registry import services

    path = rendered(memo_text(number="พม ๐๒๐๑/๕๕", subject="ขอความเห็นเรื่องการตรวจสอบภายใน"), "secret.pdf",
                    seed=11, stamps=("ลับ",))
    clerk = people["clerk"]
    with open(path, "rb") as fh:
        draft = services.intake_file(actor=clerk, stream=fh, file_name="secret.pdf", enqueue=False)
    draft = services.read_letter(letter_id=draft.pk)
    assert draft.suggested["secrecy"] == "confidential"
    assert draft.secrecy == "unclassified"  # not applied before a person confirms
    from saraban.registry.selectors import get_letter
    from saraban.routing.selectors import viewer_for

    assert get_letter(viewer_for(clerk), draft.pk) == draft
    from django.test import Client

    page = Client()
    page.force_login(clerk)
    html = page.get(f"/letters/{draft.pk}/").content.decode()
    assert '<option value="confidential" selected>' in html  # the suggestion, shown for the clerk to decide
    letter = services.confirm_letter(actor=clerk, letter_id=draft.pk)
    assert letter.secrecy == "confidential" and letter.register.is_secret
