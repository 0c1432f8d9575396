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
def secret_letter(people):
    letter = registered_letter(people["clerk"], secrecy="secret", subject="แผนนกกระเรียนลับ", text=SECRET_TEXT)
    route_letter(actor=people["secret_registrar"], letter_id=letter.pk, user_ids=[people["executive"].pk])
    from saraban.search.services import index_letter

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
    hits = client.get("/api/search", {"q": "นกกระเรียน"}).json()
    assert [h["letter_id"] for h in hits["hits"]] == [secret_letter.pk]
    assert AuditEvent.objects.filter(action="letter.view", target_id=str(secret_letter.pk), actor=people[username]).count() == 2


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
