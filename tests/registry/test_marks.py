"""A letter marked secret is never registered by a command as an ordinary letter
(issue 16): the reading finds the mark in any ink, and what it is unsure of waits for a
person, who sees it on the draft page."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from saraban.registry.batch import describe, register_file
from saraban.registry.models import Letter, RegisterEntry
from tests.conftest import memo_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock"), pytest.mark.slow]


def test_a_letter_marked_secret_in_black_waits_for_a_person(people, rendered):
    """Marks printed in black by a word processor, scanned in grayscale: before, the
    reading saw no mark and `register` put the letter in the ordinary register."""
    scan = rendered(memo_text(subject="รายงานการข่าวประจำเดือน"), "secret.pdf", stamps=("ด่วนมาก", "- ลับ -"),
                    stamp_ink="black", stamp_pt=20, scan="gray")
    result = register_file(actor=people["clerk"], path=scan)
    assert result["status"] == "needs_review" and result["receive_number"] is None
    assert "พบเครื่องหมายชั้นความลับ (ลับ)" in result["error"] and "รอเจ้าหน้าที่ตรวจ" in describe(result)
    draft = Letter.objects.get(pk=result["letter_id"])
    assert draft.status == Letter.Status.DRAFT and draft.suggested["secrecy"] == "confidential"
    assert draft.urgency == "very_urgent" and not RegisterEntry.objects.exists()

    # the clerk sees the suggestion on the draft page, chosen in the form
    page = Client()
    page.force_login(people["clerk"])
    html = page.get(f"/letters/{draft.pk}/").content.decode()
    assert '<option value="confidential" selected>' in html


def test_an_uncertain_mark_is_flagged_on_the_draft_page(people, rendered):
    """A mark found at the top only: suggested, and marked for a person to check."""
    from saraban.registry import services

    with open(rendered(memo_text(subject="รายงานการข่าว"), "draft.pdf"), "rb") as fh:
        draft = services.intake_file(actor=people["clerk"], stream=fh, file_name="draft.pdf", enqueue=False)
    # as the reading leaves a draft whose secrecy mark was seen at the top of the page only
    Letter.objects.filter(pk=draft.pk).update(suggested={"secrecy": "confidential", "needs_review": ["secrecy"]},
                                              field_confidence={"secrecy": 0.55})
    page = Client()
    page.force_login(people["clerk"])
    html = page.get(f"/letters/{draft.pk}/").content.decode()
    assert "ต้องตรวจ: เครื่องหมายในเอกสารอ่านได้ไม่ชัด" in html
    assert '<option value="confidential" selected>' in html


def test_the_register_command_stops_and_says_why(people, rendered, capsys):
    scan = rendered(memo_text(subject="รายงานการข่าวประจำสัปดาห์"), "secret2.pdf", stamps=("ลับมาก",),
                    stamp_ink="black", scan="bitonal")
    with pytest.raises(SystemExit) as stopped:
        call_command("register", str(scan), "--user", "clerk", verbosity=0)
    assert stopped.value.code == 1
    assert "รอเจ้าหน้าที่ตรวจ — พบเครื่องหมายชั้นความลับ (ลับมาก)" in capsys.readouterr().out
    assert not RegisterEntry.objects.exists()
