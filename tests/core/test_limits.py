"""The limits table (saraban.core.limits): its numbers fit the database columns, its
message names the field and both numbers in Thai, and the API field refuses with the
same error as the service."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from saraban.core import limits
from saraban.core.api import LimitedCharField
from saraban.core.errors import InvalidInput


def _columns():
    from saraban.complaints.models import Complaint, ComplaintStep
    from saraban.notifications.models import Webhook
    from saraban.registry.models import Letter, OutgoingLetter, RegisterEntry
    from saraban.routing.models import ActingAssignment, Delegation, Holiday, Route
    from saraban.signing.models import SigningCertificate

    return [(Letter, "document_number", "document_number"), (Letter, "signer_name", "person"),
            (RegisterEntry, "document_number", "document_number"), (OutgoingLetter, "signer_name", "person"),
            (Complaint, "subject", "complaint_subject"), (Complaint, "outside_agency", "agency"),
            (Complaint, "district", "district"), (ComplaintStep, "public_note", "public_note"),
            (Route, "outside_agency", "agency"), (ActingAssignment, "order_reference", "order_reference"),
            (Delegation, "order_reference", "order_reference"), (Holiday, "name", "name"), (Webhook, "name", "name"),
            (SigningCertificate, "label", "name"), (SigningCertificate, "pkcs11_token", "token_label"),
            (SigningCertificate, "pkcs11_key_label", "token_label")]


def test_every_limit_fits_its_column():
    """A value the service takes is never cut or refused by the database (PostgreSQL
    enforces varchar lengths; SQLite does not, so this is where it is checked)."""
    for model, name, kind in _columns():
        column = model._meta.get_field(name).max_length
        assert limits.limit_of(kind) <= column, f"{model.__name__}.{name}: {limits.limit_of(kind)} > {column}"


def test_the_message_names_the_field_and_both_numbers(settings):
    settings.SARABAN_THAI_DIGITS = True
    with pytest.raises(InvalidInput) as error:
        limits.check_length("subject", "ก" * 12_345, field="subject", label="เรื่อง")
    assert error.value.message == "เรื่อง ยาวเกินไป: ๑๒,๓๔๕ ตัวอักษร รับได้ไม่เกิน ๑,๐๐๐ ตัวอักษร กรุณาย่อให้สั้นลง"
    assert error.value.code == "too_long" and error.value.status == 400
    assert error.value.extra == {"field": "subject", "limit": 1000, "length": 12_345}
    settings.SARABAN_THAI_DIGITS = False  # the agency prints Arabic digits: the messages follow
    with pytest.raises(InvalidInput) as arabic:
        limits.check_length("subject", "ก" * 1001, field="subject", label="เรื่อง")
    assert "1,001 ตัวอักษร รับได้ไม่เกิน 1,000" in arabic.value.message


def test_at_the_limit_is_taken():
    assert limits.check_length("subject", "ก" * 1000, field="subject", label="เรื่อง") == "ก" * 1000
    assert limits.check_length("subject", None, field="subject", label="เรื่อง") == ""
    assert limits.check_items("list_item", ["ก"] * limits.MAX_ITEMS, field="enclosures", label="สิ่งที่ส่งมาด้วย")
    with pytest.raises(InvalidInput) as many:
        limits.check_items("list_item", ["ก"] * (limits.MAX_ITEMS + 1), field="enclosures", label="สิ่งที่ส่งมาด้วย")
    assert many.value.code == "too_many_items"


class _Body(serializers.Serializer):
    subject = LimitedCharField("subject", label="เรื่อง")


def test_the_api_field_refuses_with_the_services_error():
    with pytest.raises(InvalidInput) as error:
        _Body(data={"subject": "ก" * 1001}).is_valid()
    assert error.value.code == "too_long" and error.value.extra["field"] == "subject"
    assert _Body(data={"subject": "ก" * 1000}).is_valid()
    # counted as the service counts: runs of spaces and line breaks made one
    assert _Body(data={"subject": "ก  \r\n" * 300}).is_valid()  # 1,500 typed, 599 as stored
