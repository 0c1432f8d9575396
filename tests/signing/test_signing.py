"""Executives e-sign (issue 7): importing a certificate, signing an endorsement on a
registered (stamped) letter and a sent outgoing letter through the API and the pages,
the second factor, the audit record, several signatures, and never a classified letter.

Everything is real: the project's test CA and its loopback TSA/OCSP responder, pyHanko,
poppler's pdfsig with the CA in an NSS database."""

from __future__ import annotations

import io
import itertools
import re
from io import BytesIO

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from saraban.core.models import AuditEvent
from saraban.registry import outgoing as outgoing_services
from saraban.registry import services as registry_services
from saraban.registry.models import Letter
from saraban.registry.stamp import STAMP_DIFF_POLICY
from saraban.routing import services as routing_services
from saraban.routing.models import Route
from saraban.signing.models import Signature, SigningCertificate
from tests.signing.conftest import PASSWORD, nss_db, pdfsig

pytestmark = pytest.mark.django_db

FIELDS = {"document_number": "ยธ ๐๓๐๓/ว ๑๓", "document_date": "๑๔ มีนาคม ๒๕๖๕", "subject": "ระบบการยื่นคำร้องออนไลน์",
          "addressee": "ปลัดกระทรวง", "issuing_office": "กองพัฒนาการคุมประพฤติ"}
OUTGOING = {"document_type": "external", "subject": "ขอเชิญประชุมคณะทำงาน", "addressee": "ผู้ว่าราชการจังหวัดราชบุรี",
            "body": "ด้วยกระทรวงกำหนดประชุมคณะทำงานในวันที่ ๕ ธันวาคม ๒๕๖๙\n\nจึงเรียนมาเพื่อโปรดพิจารณา",
            "signer_name": "ประเสริฐ บริหารดี", "signer_position": "ปลัดกระทรวง"}


def api_for(user) -> APIClient:
    client = APIClient(REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="saraban-test")
    client.force_authenticate(user)
    return client


def page_for(user) -> Client:
    client = Client(REMOTE_ADDR="10.9.8.7")
    client.force_login(user)
    return client


def import_certificate(user, world, p12: bytes | None = None) -> int:
    response = api_for(user).post("/api/signing/certificates", {
        "file": io.BytesIO(p12 or world.p12), "password": PASSWORD, "label": "ใบรับรองทดสอบ"}, format="multipart")
    assert response.status_code == 201, response.content.decode()
    return response.json()["id"]


_subjects = itertools.count(1)


def endorsed_letter(people, rendered, *, secrecy: str = "unclassified"):
    """A registered, stamped letter proposed to the director of the central
    administration division, who endorsed it. Returns (letter, endorsement)."""
    from tests.conftest import memo_text

    clerk = people["clerk"]
    n = next(_subjects)
    with open(rendered(memo_text(subject=f"ขอเชิญประชุมคณะทำงาน ครั้งที่ {n}")), "rb") as fh:
        draft = registry_services.intake_file(actor=clerk, stream=fh, file_name="memo.pdf", enqueue=False)
    letter = registry_services.confirm_letter(actor=clerk, letter_id=draft.pk,
                                              fields={**FIELDS, "document_number": f"ยธ ๐๓๐๓/{n}"})
    route = routing_services.propose_letter(actor=clerk, letter_id=letter.pk, note="เพื่อโปรดพิจารณา")
    assert route.to_user == people["gad_director"]
    endorsement = routing_services.endorse(actor=people["gad_director"], route_id=route.pk, choice="assign",
                                           text="มอบ กองตรวจราชการ ดำเนินการ และรายงานผลภายใน ๗ วัน",
                                           unit_codes=["OPS-INSPECT"])
    if secrecy != "unclassified":  # classified after the fact (a correction by the secret registrar)
        Letter.objects.filter(pk=letter.pk).update(secrecy=secrecy)
    return Letter.objects.get(pk=letter.pk), endorsement


def validate(pdf: bytes, world, index: int = 0):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    from saraban.signing import trust

    signature = PdfFileReader(BytesIO(pdf), strict=False).embedded_regular_signatures[index]
    roots = trust.load_certificates((world.roots_dir / "saraban-test-ca.pem").read_bytes())
    return validate_pdf_signature(signature, trust.validation_context(roots=roots, fetching=False),
                                  diff_policy=STAMP_DIFF_POLICY)


def test_an_endorsement_is_signed_over_the_stamped_letter_and_validates_everywhere(people, rendered, trusted,
                                                                                   tmp_path):
    director = people["gad_director"]
    letter, endorsement = endorsed_letter(people, rendered)
    certificate_id = import_certificate(director, trusted)

    pending = api_for(director).get("/api/signing/pending").json()
    assert {"kind": "endorsement", "letter_id": letter.pk, "endorsement_id": endorsement.pk} in [
        {k: p[k] for k in ("kind", "letter_id", "endorsement_id")} for p in pending]

    response = api_for(director).post(f"/api/letters/{letter.pk}/sign", {
        "endorsement_id": endorsement.pk, "certificate_id": certificate_id, "password": PASSWORD}, format="json")
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert body["level"] == "B-B"  # no TSA configured (revocation data embedded, but B-LT needs B-T)
    assert "password" not in body

    stamped = letter.files.get(role="stamped").file.read()
    download = api_for(director).get(f"/api/letters/{letter.pk}/files/signed")
    assert download.status_code == 200
    signed = b"".join(download.streaming_content)
    assert signed.startswith(stamped) and len(signed) > len(stamped)  # an incremental update

    status = validate(signed, trusted)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert "นายสมชาย ใจดี" in status.signing_cert.subject.human_friendly

    report = pdfsig(signed, tmp_path, nss_db(tmp_path, (trusted.roots_dir / "saraban-test-ca.pem").read_bytes()))
    assert "Signature is Valid." in report and "Certificate is Trusted." in report

    # the visible appearance: the endorsement text, the signature line and the BE date, in Thai
    # (the year of the signing moment in Bangkok: it turns at midnight on 31 December)
    from ocr.thai import to_thai_digits
    from tests.conftest import pdf_text

    signature = Signature.objects.get(letter=letter)
    text = pdf_text(signed)
    year_be = to_thai_digits(str(timezone.localdate(signature.signed_at).year + 543))
    assert "มอบ กองตรวจราชการ" in text and "ผู้อำนวยการกองกลาง" in text and year_be in text

    # the audit record: who, what, when, which certificate, from where
    assert signature.signer == director and signature.endorsement == endorsement
    assert signature.client_address == "10.1.2.3" and signature.user_agent == "saraban-test"
    event = AuditEvent.objects.get(action="letter.sign", target_id=str(letter.pk))
    assert event.actor == director and event.data["fingerprint"] == signature.certificate.fingerprint
    assert event.data["address"] == "10.1.2.3" and event.data["sha256_after"] == signature.sha256_after
    assert PASSWORD not in str(event.data)

    # signed once only; it is no longer pending
    again = api_for(director).post(f"/api/letters/{letter.pk}/sign", {
        "endorsement_id": endorsement.pk, "certificate_id": certificate_id, "password": PASSWORD}, format="json")
    assert again.status_code == 409
    assert not [p for p in api_for(director).get("/api/signing/pending").json() if p["kind"] == "endorsement"]


def test_the_key_is_sealed_and_the_password_is_asked_each_time(people, rendered, trusted, settings):
    director = people["gad_director"]
    letter, endorsement = endorsed_letter(people, rendered)
    certificate_id = import_certificate(director, trusted)
    row = SigningCertificate.objects.get(pk=certificate_id)
    assert row.sealed_key and b"PRIVATE KEY" not in row.sealed_key.encode()
    assert PASSWORD not in row.sealed_key

    def sign(password: str):
        return api_for(director).post(f"/api/letters/{letter.pk}/sign", {
            "endorsement_id": endorsement.pk, "certificate_id": certificate_id, "password": password},
            format="json")

    settings.SARABAN_SIGNING_MAX_ATTEMPTS = 3
    for _ in range(2):
        wrong = sign("not-the-password")
        assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_secret"
        assert re.search("[ก-๙]", wrong.json()["title"])
    assert not Signature.objects.exists()
    assert not letter.files.filter(role="signed").exists()  # nothing half-written
    assert SigningCertificate.objects.get(pk=certificate_id).failed_attempts == 2
    assert sign("still-wrong").json()["code"] == "wrong_secret"
    locked = sign(PASSWORD)  # the third wrong one locked it, even the right password waits
    assert locked.status_code == 403 and locked.json()["code"] == "certificate_locked"
    assert AuditEvent.objects.filter(action="signing.wrong_secret").count() == 3

    SigningCertificate.objects.filter(pk=certificate_id).update(locked_until=None)
    assert sign(PASSWORD).status_code == 201

    # a stolen database is not enough: another service key cannot open the key
    settings.SARABAN_SIGNING_KEY = "A" * 43 + "="
    other, endorsement2 = endorsed_letter(people, rendered)
    stolen = api_for(director).post(f"/api/letters/{other.pk}/sign", {
        "endorsement_id": endorsement2.pk, "certificate_id": certificate_id, "password": PASSWORD}, format="json")
    assert stolen.status_code == 503 and stolen.json()["code"] == "signing_key_mismatch"


def test_only_the_endorser_signs_their_own_endorsement(people, rendered, trusted):
    letter, endorsement = endorsed_letter(people, rendered)
    executive = people["executive"]
    certificate_id = import_certificate(executive, trusted)
    response = api_for(executive).post(f"/api/letters/{letter.pk}/sign", {
        "endorsement_id": endorsement.pk, "certificate_id": certificate_id, "password": PASSWORD}, format="json")
    assert response.status_code == 404
    assert not Signature.objects.exists()


@pytest.mark.parametrize("secrecy", ["confidential", "secret"])
def test_a_classified_letter_is_never_signed_through_the_api_or_the_page(people, rendered, trusted, secrecy):
    director = people["gad_director"]  # cleared up to secret: he sees the letter, and is still refused
    letter, endorsement = endorsed_letter(people, rendered, secrecy=secrecy)
    certificate_id = import_certificate(director, trusted)
    form = {"endorsement_id": endorsement.pk, "certificate_id": certificate_id, "password": PASSWORD}

    response = api_for(director).post(f"/api/letters/{letter.pk}/sign", form, format="json")
    assert response.status_code == 403 and response.json()["code"] == "classified_letter"
    assert "ชั้นความลับ" in response.json()["title"]

    page = page_for(director).post(f"/signing/letters/{letter.pk}/", form)
    assert page.status_code == 403 and "ชั้นความลับ" in page.content.decode()
    assert "ลงนามอิเล็กทรอนิกส์ไม่ได้" in page.content.decode()

    letter_page = page_for(director).get(f"/letters/{letter.pk}/").content.decode()
    assert "ไม่ลงนามอิเล็กทรอนิกส์" in letter_page and 'name="password"' not in letter_page
    assert not Signature.objects.exists() and not letter.files.filter(role="signed").exists()
    assert not [p for p in api_for(director).get("/api/signing/pending").json() if p["letter_id"] == letter.pk]


def test_a_letter_marked_secret_while_signing_is_refused_under_the_lock(people, rendered, trusted):
    """The secrecy check is repeated on the locked row, not only on the first read."""
    from saraban.signing import services

    director = people["gad_director"]
    letter, endorsement = endorsed_letter(people, rendered)
    certificate_id = import_certificate(director, trusted)
    original_refuse = services._refuse_classified
    calls = []

    def mark_secret_after_first_check(secrecy):
        calls.append(secrecy)
        if len(calls) == 1:
            Letter.objects.filter(pk=letter.pk).update(secrecy="secret")
        return original_refuse(secrecy)

    services._refuse_classified = mark_secret_after_first_check
    try:
        with pytest.raises(services.NotAllowed) as refused:
            services.sign_letter(actor=director, letter_id=letter.pk, endorsement_id=endorsement.pk,
                                 certificate_id=certificate_id, secret=PASSWORD,
                                 client=services.Client(via="api"))
    finally:
        services._refuse_classified = original_refuse
    assert refused.value.code == "classified_letter" and calls == ["unclassified", "secret"]
    assert not Signature.objects.exists()


def test_an_outgoing_letter_is_signed_twice_through_the_pages_and_both_signatures_hold(people, trusted, settings,
                                                                                       tmp_path):
    settings.SARABAN_SIGNING_TSA_URL = trusted.tsa_url
    clerk, executive, deputy = people["clerk"], people["executive"], people["deputy"]
    sent = outgoing_services.send_outgoing(
        actor=clerk, outgoing_id=outgoing_services.draft_outgoing(actor=clerk, fields=OUTGOING).pk)
    first_cert = import_certificate(executive, trusted)
    key, certificate = trusted.issue("นายวีระ ช่วยบริหาร", title="รองปลัดกระทรวง")
    second_cert = import_certificate(deputy, trusted, trusted.pkcs12(key, certificate))

    home = page_for(executive).get("/signing/").content.decode()
    assert sent.subject in home and 'name="password"' in home

    response = page_for(executive).post(f"/signing/outgoing/{sent.pk}/", {
        "certificate_id": first_cert, "password": PASSWORD, "reason": "อนุมัติให้ส่ง"})
    assert response.status_code == 302
    response = page_for(deputy).post(f"/signing/outgoing/{sent.pk}/", {
        "certificate_id": second_cert, "password": PASSWORD})
    assert response.status_code == 302

    sent.refresh_from_db()
    original, signed = sent.file.read(), sent.signed_file.read()
    assert signed.startswith(original)
    levels = list(Signature.objects.filter(outgoing=sent).order_by("signed_at").values_list("level", flat=True))
    assert levels == ["B-LTA", "B-LTA"]
    first, second = validate(signed, trusted, 0), validate(signed, trusted, 1)
    assert first.intact and first.trusted and first.bottom_line and first.timestamp_validity is not None
    assert second.intact and second.trusted and second.bottom_line

    report = pdfsig(signed, tmp_path, nss_db(tmp_path, (trusted.roots_dir / "saraban-test-ca.pem").read_bytes()))
    assert report.count("Signature is Valid.") == 2  # the two signatures (the document timestamps aside)
    assert "Digest Mismatch" not in report

    from tests.conftest import pdf_text

    text = pdf_text(signed)
    assert "ประเสริฐ บริหารดี" in text and "อนุมัติให้ส่ง" in text and "วีระ ช่วยบริหาร" in text

    # a clerk keeps the book but does not sign
    clerk_cert = import_certificate(clerk, trusted, trusted.pkcs12(*trusted.issue("นางสมศรี รับหนังสือ")))
    refused = api_for(clerk).post(f"/api/outgoing/{sent.pk}/sign", {"certificate_id": clerk_cert,
                                                                     "password": PASSWORD}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_a_signer"


def test_a_classified_outgoing_letter_is_refused(people, trusted):
    registrar, executive = people["secret_registrar"], people["executive"]
    sent = outgoing_services.send_outgoing(actor=registrar, outgoing_id=outgoing_services.draft_outgoing(
        actor=registrar, fields={**OUTGOING, "secrecy": "secret"}).pk)
    # its book's keeper reaches it, and is told why it cannot be signed
    registrar_cert = import_certificate(registrar, trusted, trusted.pkcs12(*trusted.issue("นางรัตนา รักษาลับ")))
    response = api_for(registrar).post(f"/api/outgoing/{sent.pk}/sign",
                                       {"certificate_id": registrar_cert, "password": PASSWORD}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "classified_letter"
    # signers have no business with it: to them it does not exist, nor its PDF
    certificate_id = import_certificate(executive, trusted)
    hidden = api_for(executive).post(f"/api/outgoing/{sent.pk}/sign",
                                     {"certificate_id": certificate_id, "password": PASSWORD}, format="json")
    assert hidden.status_code == 404
    assert page_for(executive).get(f"/signing/outgoing/{sent.pk}/signed.pdf").status_code == 404
    assert api_for(executive).get(f"/api/outgoing/{sent.pk}/signatures").status_code == 404
    assert not [p for p in api_for(executive).get("/api/signing/pending").json() if p["outgoing_id"] == sent.pk]
    assert page_for(registrar).get(f"/signing/outgoing/{sent.pk}/signed.pdf").status_code == 200
    assert AuditEvent.objects.filter(action="outgoing.download", actor=registrar).count() == 1
    assert not Signature.objects.exists()


def test_importing_bad_certificate_files_is_refused_in_thai(people, trusted):
    director = people["gad_director"]
    client = api_for(director)
    for data, password in ((b"not a pkcs12 file", PASSWORD), (trusted.p12, "wrong")):
        response = client.post("/api/signing/certificates", {"file": io.BytesIO(data), "password": password},
                               format="multipart")
        assert response.status_code == 400 and response.json()["code"] == "pkcs12_unreadable"
        assert re.search("[ก-๙]", response.json()["title"])
    import_certificate(director, trusted)
    twice = client.post("/api/signing/certificates", {"file": io.BytesIO(trusted.p12), "password": PASSWORD},
                        format="multipart")
    assert twice.status_code == 409
    assert SigningCertificate.objects.filter(owner=director).count() == 1
    assert Route.objects.count() == 0  # (nothing else happened)


def test_a_key_on_a_softhsm_token_signs_through_the_api_end_to_end(people, rendered, trusted, softhsm, settings,
                                                                   tmp_path):
    settings.SARABAN_PKCS11_MODULE = softhsm.info["module"]
    settings.SARABAN_SIGNING_TSA_URL = trusted.tsa_url
    director = people["gad_director"]
    letter, endorsement = endorsed_letter(people, rendered)
    client = api_for(director)

    wrong = client.post("/api/signing/certificates/token", {
        "token_label": softhsm.info["token_label"], "key_label": softhsm.info["key_label"], "pin": "000000"},
        format="json")
    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_secret"
    registered = client.post("/api/signing/certificates/token", {
        "token_label": softhsm.info["token_label"], "key_label": softhsm.info["key_label"],
        "pin": softhsm.info["pin"]}, format="json")
    assert registered.status_code == 201, registered.content.decode()
    row = SigningCertificate.objects.get(pk=registered.json()["id"])
    assert row.kind == "pkcs11" and row.subject_name == "นางสาวโทเคน ทดสอบ" and not row.sealed_key
    assert softhsm.info["pin"] not in str(AuditEvent.objects.filter(actor=director).values_list("data", flat=True))

    response = client.post(f"/api/letters/{letter.pk}/sign", {
        "endorsement_id": endorsement.pk, "certificate_id": row.pk, "password": softhsm.info["pin"]}, format="json")
    assert response.status_code == 201, response.content.decode()
    assert response.json()["level"] == "B-LTA"
    signed = letter.files.get(role="signed").file.read()
    status = validate(signed, trusted)
    assert status.intact and status.valid and status.trusted
    assert "โทเคน" in status.signing_cert.subject.human_friendly
    report = pdfsig(signed, tmp_path, nss_db(tmp_path, (trusted.roots_dir / "saraban-test-ca.pem").read_bytes()))
    assert "Signature is Valid." in report and "Certificate is Trusted." in report


def test_the_sign_command_refuses_a_classified_letter_and_signs_an_unclassified_one(people, rendered, trusted,
                                                                                    monkeypatch, tmp_path):
    from django.core.management import CommandError, call_command

    director = people["gad_director"]
    secret_letter, secret_endorsement = endorsed_letter(people, rendered, secrecy="confidential")
    letter, endorsement = endorsed_letter(people, rendered)
    import_certificate(director, trusted)
    monkeypatch.setenv("SIGNING_PASSWORD", PASSWORD)

    with pytest.raises(CommandError, match="ชั้นความลับ"):
        call_command("sign_letter", "--user", "gad_director", "--letter", str(secret_letter.pk),
                     "--endorsement", str(secret_endorsement.pk), "--password-env", "SIGNING_PASSWORD")
    assert not Signature.objects.exists()

    out = tmp_path / "signed.pdf"
    stdout = io.StringIO()
    call_command("sign_letter", "--user", "gad_director", "--letter", str(letter.pk), "--endorsement",
                 str(endorsement.pk), "--password-env", "SIGNING_PASSWORD", "--out", str(out), stdout=stdout)
    assert "ลงนามแล้ว" in stdout.getvalue()
    signature = Signature.objects.get(letter=letter)
    assert signature.via == "command" and out.read_bytes() == letter.files.get(role="signed").file.read()
    assert validate(out.read_bytes(), trusted).intact


def test_signing_ca_issues_the_executives_certificates_and_the_service_trusts_them(people, settings, tmp_path):
    from django.core.management import call_command

    from saraban.signing import trust

    settings.SARABAN_SIGNING_CA_DIR = tmp_path / "ca"
    settings.SARABAN_SIGNING_TRUST_ROOTS = [tmp_path / "roots"]
    stdout = io.StringIO()
    call_command("signing_ca", "--people", "executive", "deputy", "--password", "pw-2569", stdout=stdout)
    assert "ห้ามใช้ในระบบจริง" in stdout.getvalue()
    rows = SigningCertificate.objects.filter(owner__username__in=["executive", "deputy"])
    assert rows.count() == 2 and {r.subject_name for r in rows} == {"ประเสริฐ บริหารดี", "วีระ ช่วยบริหาร"}
    assert (tmp_path / "ca" / "people" / "executive.p12").exists()
    assert [c.subject.human_friendly for c in trust.trusted_roots()] == [
        c.subject.human_friendly for c in trust.load_certificates((tmp_path / "ca" / "ca.pem").read_bytes())]
    call_command("signing_ca", "--people", "executive", stdout=io.StringIO())  # again: nothing new
    assert SigningCertificate.objects.filter(owner__username="executive").count() == 1


def test_the_endorser_signs_from_the_letter_page(people, rendered, trusted):
    director = people["gad_director"]
    letter, endorsement = endorsed_letter(people, rendered)
    certificate_id = import_certificate(director, trusted)
    client = page_for(director)
    page = client.get(f"/letters/{letter.pk}/").content.decode()
    assert "ลงนามเกษียนของท่าน" in page and 'name="password"' in page

    wrong = client.post(f"/signing/letters/{letter.pk}/", {"endorsement_id": endorsement.pk,
                                                           "certificate_id": certificate_id, "password": "x",
                                                           "next": f"/letters/{letter.pk}/"}, follow=True)
    assert wrong.redirect_chain[-1][0] == f"/letters/{letter.pk}/"  # back where they were, with the reason
    assert "รหัสผ่านของใบรับรองไม่ถูกต้อง" in wrong.content.decode()
    done = client.post(f"/signing/letters/{letter.pk}/", {
        "endorsement_id": endorsement.pk, "certificate_id": certificate_id, "password": PASSWORD,
        "next": f"/letters/{letter.pk}/"}, follow=True)
    text = done.content.decode()
    assert done.redirect_chain[-1][0] == f"/letters/{letter.pk}/" and "ลงนามแล้ว" in text
    assert "ฉบับลงนามอิเล็กทรอนิกส์ (PDF)" in text and "ลงนามเกษียนของท่าน" not in text
    assert Signature.objects.get(letter=letter).via == "page"
    # others who may open the letter see the signature, not a form
    clerk_page = page_for(people["clerk"]).get(f"/letters/{letter.pk}/").content.decode()
    assert "กมล กลางดี" in clerk_page and 'name="password"' not in clerk_page
