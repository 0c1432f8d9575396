"""A classified letter does not exist to anyone without access — through every interface.

DOMAIN.md §2 "Who may see a letter": API, pages, search hits, counts, snippets, files.
"""

from __future__ import annotations

import pytest
from django.test import Client

from saraban.core.models import AuditEvent
from saraban.routing.services import route_letter
from saraban.search.selectors import search_letters
from saraban.routing.selectors import viewer_for
from tests.factories import registered_letter

pytestmark = pytest.mark.django_db

SECRET_TEXT = "แผนการรักษาความปลอดภัยนกกระเรียนพิเศษ"


@pytest.fixture
def secret_letter(people, rendered):
    """A scanned letter the clerk confirms as secret (so it has a file), routed by the
    secret registrar to the executive by name, indexed with its text."""
    from saraban.registry import services
    from saraban.search.services import index_letter

    with open(rendered("ลับมาก\n\nแผนนกกระเรียน", "secret.png"), "rb") as fh:
        draft = services.intake_file(actor=people["clerk"], stream=fh, file_name="secret.png", enqueue=False)
    letter = services.confirm_letter(actor=people["clerk"], letter_id=draft.pk, fields={
        "document_number": "กห ๐๒๐๑/๗๗", "document_date": "2025-01-05", "subject": "แผนนกกระเรียนลับ",
        "issuing_office": "กองทัพบก", "secrecy": "secret"})
    type(letter).objects.filter(pk=letter.pk).update(text=SECRET_TEXT)
    route_letter(actor=people["secret_registrar"], letter_id=letter.pk, user_ids=[people["executive"].pk])
    index_letter(letter_id=letter.pk)
    return letter


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("username", ["clerk", "archive", "complaints_head", "ict_staff"])
def test_hidden_from_everyone_else_everywhere(people, secret_letter, username):
    client = client_for(people[username])
    assert client.get(f"/api/letters/{secret_letter.pk}").status_code == 404
    assert client.get(f"/api/letters/{secret_letter.pk}/routes").status_code == 404
    assert client.get(f"/letters/{secret_letter.pk}/").status_code == 404
    assert client.get(f"/letters/{secret_letter.pk}/page/1.png").status_code == 404
    assert client.get(f"/letters/{secret_letter.pk}/file/original/").status_code == 404
    assert client.get(f"/api/letters/{secret_letter.pk}/files/original").status_code == 404
    missing = client.get("/api/letters/999999")
    assert missing.status_code == 404
    assert client.get(f"/api/letters/{secret_letter.pk}").json()["title"] == missing.json()["title"]
    for query in ["นกกระเรียน", "แผน", secret_letter.document_number]:
        api = client.get("/api/search", {"q": query}).json()
        assert api["total"] == 0 and api["hits"] == []
        page = client.get("/search/", {"q": query}).content.decode()
        assert "นกกระเรียนลับ" not in page
    assert secret_letter.pk not in [l["id"] for l in client.get("/api/letters").json()]


@pytest.mark.parametrize("username", ["executive", "secret_registrar"])
def test_visible_to_the_named_cleared_person_and_the_registrar(people, secret_letter, username):
    client = client_for(people[username])
    assert client.get(f"/api/letters/{secret_letter.pk}").status_code == 200
    assert client.get(f"/letters/{secret_letter.pk}/").status_code == 200
    image = client.get(f"/letters/{secret_letter.pk}/page/1.png")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert client.get(f"/api/letters/{secret_letter.pk}/files/original").status_code == 200
    hits = client.get("/api/search", {"q": "นกกระเรียน"}).json()
    assert [h["letter_id"] for h in hits["hits"]] == [secret_letter.pk]
    views = AuditEvent.objects.filter(action="letter.view", target_id=str(secret_letter.pk), actor=people[username])
    assert sorted(e.data["via"] for e in views) == ["api", "page", "page_image", "search"]
    assert AuditEvent.objects.filter(action="letter.download", actor=people[username]).count() == 1


def test_named_but_not_cleared_is_not_enough(people, secret_letter):
    """Clearance and being named are both needed: lowering the executive's clearance hides it."""
    executive = people["executive"]
    executive.clearance = "confidential"
    executive.save()
    assert search_letters(viewer_for(executive), "นกกระเรียน").total == 0
    assert client_for(executive).get(f"/api/letters/{secret_letter.pk}").status_code == 404


def test_unclassified_letters_follow_their_route(people):
    letter = registered_letter(people["clerk"], subject="ขอความอนุเคราะห์ข้อมูลสถิติ", text="ข้อมูลสถิติผู้สูงอายุ")
    assert client_for(people["ict_staff"]).get(f"/api/letters/{letter.pk}").status_code == 404
    route_letter(actor=people["clerk"], letter_id=letter.pk, unit_codes=["OPS-ICT-SYS"])
    assert client_for(people["ict_staff"]).get(f"/api/letters/{letter.pk}").status_code == 200
    assert client_for(people["archive"]).get(f"/api/letters/{letter.pk}").status_code == 200
    assert search_letters(viewer_for(people["archive"]), "ผู้สูงอายุ").total == 1


def test_anonymous_sees_nothing(secret_letter):
    client = Client()
    assert client.get(f"/api/letters/{secret_letter.pk}").status_code in (401, 403)
    assert client.get("/search/?q=x").status_code == 302


def test_duplicates_never_name_a_letter_the_person_may_not_see(people, secret_letter):
    """Typing the number and date of a secret letter as an ordinary letter neither fails
    nor names it; registering it again as classified is refused without naming it."""
    from saraban.registry import services

    same = {"document_number": "กห ๐๒๐๑/๗๗", "document_date": "2025-01-05", "subject": "ทดสอบ", "issuing_office": "กองทัพบก"}
    with pytest.raises(services.DuplicateLetter) as refused:
        services.register_without_file(actor=people["clerk"], fields={**same, "secrecy": "secret"})
    assert "duplicate_of" not in refused.value.extra
    assert "ทะเบียนหนังสือลับ" in refused.value.message
    assert f"{secret_letter.receive_number}/" not in refused.value.message
    ordinary = services.register_without_file(actor=people["clerk"], fields=same)
    assert ordinary.register.is_secret is False


def test_the_admin_shows_no_classified_letter_to_an_uncleared_administrator(people, secret_letter):
    page = client_for(people["admin"]).get("/admin/registry/letter/").content.decode()
    assert "นกกระเรียน" not in page
    assert client_for(people["admin"]).get(f"/admin/registry/letter/{secret_letter.pk}/change/").status_code in (302, 404)


def test_an_archive_reader_reads_only_their_own_agency(people):
    from saraban.routing.models import Agency, Membership, Unit

    other = Agency.objects.create(code="OTHER", name="กรมอื่น")
    desk = Unit.objects.create(agency=other, code="OTHER-DESK", name="ฝ่ายสารบรรณกรมอื่น", kind="group")
    from saraban.core.models import User

    other_clerk = User.objects.create(username="other_clerk")
    Membership.objects.create(user=other_clerk, unit=desk, role="registry_clerk")
    theirs = registered_letter(other_clerk, subject="หนังสือของกรมอื่น", text="เนื้อหากรมอื่น")
    assert client_for(people["archive"]).get(f"/api/letters/{theirs.pk}").status_code == 404
    assert search_letters(viewer_for(people["archive"]), "กรมอื่น").total == 0


def test_counts_and_facets_never_reveal_a_classified_letter(people, secret_letter):
    """The clerk's own letter shares a word with the secret one: the total, the facet
    counts and the page count only the clerk's."""
    mine = registered_letter(people["clerk"], subject="รายงานการสำรวจนกกระเรียน", text="นกกระเรียนพันธุ์ไทย",
                             document_date="2024-03-01")
    client = client_for(people["clerk"])
    answer = client.get("/api/search", {"q": "นกกระเรียน"}).json()
    assert [h["letter_id"] for h in answer["hits"]] == [mine.pk] and answer["total"] == 1
    for name, values in answer["facets"].items():
        assert sum(v["count"] for v in values) <= 1, name
    assert [v["value"] for v in answer["facets"]["secrecy"]] == ["unclassified"]
    assert [v["label"] for v in answer["facets"]["year"]] == [str(mine.year + 543)]  # the register's year, BE
    page = client.get("/search/", {"q": "นกกระเรียน", "secrecy": "secret"}).content.decode()
    assert "นกกระเรียนลับ" not in page and "พบ ๐ รายการ" in page
