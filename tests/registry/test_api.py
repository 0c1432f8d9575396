"""The REST API: intake, confirm, register without a file, errors as problem documents."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from saraban.registry.models import Letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(people):
    client = Client()
    client.force_login(people["clerk"])
    return client


def test_openapi_schema_is_served(clerk_client):
    response = clerk_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ["/api/letters/intake", "/api/letters/{letter_id}/confirm", "/api/letters/{letter_id}/routes",
                 "/api/routes/{route_id}/acknowledge", "/api/search", "/api/inbox"]:
        assert path in paths
    docs = clerk_client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()  # assets served by the service itself


def test_bad_upload_is_a_problem_document(clerk_client):
    response = clerk_client.post("/api/letters/intake", {"file": io.BytesIO(b"")})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "empty_file" and body["title"]
    assert Letter.objects.count() == 0


def test_register_without_file_then_route_and_acknowledge(clerk_client, people):
    response = clerk_client.post("/api/letters", {"document_number": "มท ๐๓๐๗.๒/ว ๒๕๕๖๒", "document_date": "2023-05-01",
                                                  "subject": "ขอเชิญประชุม", "issuing_office": "กรมการปกครอง"},
                                 content_type="application/json")
    assert response.status_code == 201, response.content
    letter = response.json()
    assert letter["status"] == "registered" and letter["receive_number"] >= 1
    assert letter["document_number_canonical"] == "มท0307.2/ว25562".replace(".", "")
    routed = clerk_client.post(f"/api/letters/{letter['id']}/routes", {"units": ["OPS-ICT-SYS"],
                                                                       "instruction": "ทราบ"},
                               content_type="application/json")
    assert routed.status_code == 201
    staff = Client()
    staff.force_login(people["ict_staff"])
    inbox = staff.get("/api/inbox").json()
    assert [r["letter_id"] for r in inbox] == [letter["id"]]
    ack = staff.post(f"/api/routes/{inbox[0]['id']}/acknowledge")
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    again = staff.post(f"/api/routes/{inbox[0]['id']}/acknowledge")
    assert again.status_code == 409


def test_wrong_date_is_refused_with_a_thai_message(clerk_client):
    response = clerk_client.post("/api/letters", {"subject": "ทดสอบ", "document_date": "๓๑ กุมภาพันธ์ ๒๕๖๗"},
                                 content_type="application/json")
    assert response.status_code == 400
    assert "วันที่" in response.json()["title"]


def test_suggest_endpoint(clerk_client):
    response = clerk_client.get("/api/routing/suggest", {"subject": "เรื่องร้องเรียนร้องทุกข์"})
    assert response.status_code == 200
    assert response.json()[0]["code"].startswith("OPS-INSPECT")
