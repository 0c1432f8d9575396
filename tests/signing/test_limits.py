"""Signing's typed texts have limits (issue 15): the reason printed in the visible
signature box and the certificate's label. Refused with a Thai message before any
certificate, letter or key is touched."""

from __future__ import annotations

import pytest

from saraban.core.errors import InvalidInput
from saraban.signing import services
from saraban.signing.models import Signature, SigningCertificate

from tests.factories import api_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thai_digits")]


def test_a_reason_too_long_for_the_signature_box_is_refused(people):
    with pytest.raises(InvalidInput) as error:
        services.sign_outgoing(actor=people["executive"], outgoing_id=1, certificate_id=1, secret="x",
                               reason="ก" * 301, client=services.Client(via="command"))
    assert error.value.code == "too_long"
    assert error.value.message == "เหตุผลการลงนาม ยาวเกินไป: ๓๐๑ ตัวอักษร รับได้ไม่เกิน ๓๐๐ ตัวอักษร กรุณาย่อให้สั้นลง"
    with pytest.raises(InvalidInput):
        services.sign_letter(actor=people["executive"], letter_id=1, endorsement_id=1, certificate_id=1, secret="x",
                             reason="ก" * 301, client=services.Client(via="command"))
    response = api_client(people["executive"]).post("/api/outgoing/1/sign", {"certificate_id": 1, "password": "x", "reason": "ก" * 301},
                        format="json")
    assert response.status_code == 400 and response.json()["code"] == "too_long"
    assert response.json()["title"].startswith("เหตุผลการลงนาม ยาวเกินไป")
    assert not Signature.objects.exists()


def test_a_certificate_label_has_a_limit(people):
    with pytest.raises(InvalidInput) as error:
        services.import_pkcs12(actor=people["executive"], data=b"", password="", label="ก" * 256)
    assert error.value.code == "too_long" and error.value.extra["field"] == "label"
    assert not SigningCertificate.objects.exists()
