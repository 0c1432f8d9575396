"""A webhook's name has a limit (issue 15): the API refuses it with the service's Thai
problem document instead of DRF's generic message, and nothing is saved."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from saraban.core.errors import InvalidInput
from saraban.notifications import services
from saraban.notifications.models import Webhook

pytestmark = pytest.mark.django_db


def test_a_webhook_name_over_255_characters_is_refused(people, settings):
    settings.SARABAN_THAI_DIGITS = True
    with pytest.raises(InvalidInput) as error:
        services.create_webhook(actor=people["admin"], name="ก" * 256, url="https://hooks.example.org/saraban",
                                events=["route.received"])
    assert error.value.code == "too_long"
    api = APIClient()
    api.force_authenticate(people["admin"])
    response = api.post("/api/notification-webhooks", {"name": "ก" * 256, "url": "https://hooks.example.org/saraban",
                                                       "events": ["route.received"]}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "too_long"
    assert response.json()["title"] == "ชื่อ webhook ยาวเกินไป: ๒๕๖ ตัวอักษร รับได้ไม่เกิน ๒๕๕ ตัวอักษร กรุณาย่อให้สั้นลง"
    assert not Webhook.objects.exists()
