"""Personal data: encrypted at rest, never in the audit trail or the logs, a clear
error with the wrong or a missing key."""

from __future__ import annotations

import logging

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from saraban.complaints import selectors, services
from saraban.complaints.models import Complaint
from saraban.core.errors import ServiceUnavailable
from saraban.core.models import AuditEvent
from tests.complaints.conftest import person

pytestmark = pytest.mark.django_db


def _raw_row(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM complaints_complaint WHERE id = %s", [pk])
        row = cursor.fetchone()
        cursor.execute("SELECT note_enc, public_note FROM complaints_complaintstep WHERE complaint_id = %s", [pk])
        steps = cursor.fetchall()
        cursor.execute("SELECT text_enc FROM complaints_complaintnotice WHERE complaint_id = %s", [pk])
        notices = cursor.fetchall()
    return repr(row) + repr(steps) + repr(notices)


def _secrets(p: dict) -> list[str]:
    return [p["name"], "สมหญิง", p["national_id"], p["phone"], p["email"], "หมู่ ๗ ตำบลบางแพ"]


def test_personal_data_is_encrypted_at_rest(people, file, caplog):
    p = person()
    caplog.set_level(logging.DEBUG)
    complaint = file(complainant=p, accused="นายผู้ถูกร้อง นามสมมุติ",
                     description="รายละเอียดลับเฉพาะ ผู้ร้องถูกปฏิเสธการให้บริการ")
    services.analyse(actor=people["complaints_staff"], complaint_id=complaint.pk, note="ผู้ร้องโทรมาเอง")
    services.notify_complainant(actor=people["complaints_staff"], complaint_id=complaint.pk, kind="received",
                                text=f"เรียน {p['name']} ได้รับเรื่องแล้ว")
    raw = _raw_row(complaint.pk)
    for secret in _secrets(p) + ["นายผู้ถูกร้อง", "รายละเอียดลับเฉพาะ", "ผู้ร้องโทรมาเอง"]:
        assert secret not in raw
    assert "ขอให้ตรวจสอบเงินอุดหนุน" in raw  # the subject and place stay plain (statistics, lists)
    # ... and decrypt for the desk.
    data = selectors.personal_data(people["complaints_staff"], Complaint.objects.get(pk=complaint.pk), via="test")
    assert data.complainant["name"] == p["name"] and data.complainant["national_id"] == p["national_id"]
    assert data.accused == "นายผู้ถูกร้อง นามสมมุติ"
    # Nothing personal in the audit trail or the logs.
    audit = repr(list(AuditEvent.objects.values_list("action", "target_id", "data")))
    logs = caplog.text + repr([r.args for r in caplog.records])
    for secret in _secrets(p):
        assert secret not in audit and secret not in logs
    assert str(complaint) == complaint.tracking_code
    assert AuditEvent.objects.filter(action="complaint.personal_data.view", target_id=str(complaint.pk)).exists()


def test_wrong_key_is_a_clear_error(people, file, settings):
    complaint = file()
    settings.SARABAN_PERSONAL_DATA_KEY = Fernet.generate_key().decode()
    with pytest.raises(ServiceUnavailable) as err:
        selectors.personal_data(people["complaints_staff"], complaint, via="test")
    assert err.value.code == "personal_data_key_mismatch" and "SARABAN_PERSONAL_DATA_KEY" in err.value.message


def test_a_configured_key_is_used_and_a_bad_one_refused(people, file, settings):
    settings.SARABAN_PERSONAL_DATA_KEY = Fernet.generate_key().decode()
    complaint = file()
    token = Complaint.objects.get(pk=complaint.pk).complainant_enc
    assert "สมหญิง" in Fernet(settings.SARABAN_PERSONAL_DATA_KEY.encode()).decrypt(token.encode()).decode()
    settings.SARABAN_PERSONAL_DATA_KEY = "not-a-key"
    with pytest.raises(ServiceUnavailable) as err:
        file()
    assert err.value.code == "personal_data_key_invalid"


def test_no_key_outside_debug_refuses_to_store(people, file, settings, monkeypatch):
    from django.core import mail

    settings.SARABAN_PERSONAL_DATA_KEY = ""
    settings.DEBUG = False
    monkeypatch.delattr(mail, "outbox")  # as in production: no test environment
    with pytest.raises(ServiceUnavailable) as err:
        file()
    assert err.value.code == "personal_data_key_missing" and "SARABAN_PERSONAL_DATA_KEY" in err.value.message
    assert not Complaint.objects.exists()


def test_public_note_with_personal_data_is_refused(people, file):
    from saraban.core.errors import InvalidInput

    p = person()
    complaint = file(complainant=p)
    with pytest.raises(InvalidInput):
        services.forward(actor=people["complaints_staff"], complaint_id=complaint.pk, unit_code="OPS-PROV",
                         instruction="ตรวจสอบ", public_note=f"ส่งเรื่องของคุณ{p['name'][3:]} แล้ว")
    with pytest.raises(InvalidInput):
        services.close(actor=people["complaints_staff"], complaint_id=complaint.pk, reason="ถอน",
                       public_note=f"โทร {p['phone']}")
