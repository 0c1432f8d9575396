"""Signature validation (issue 7, "Validation"): saraban.signing.validation.validate_pdf,
``manage.py signature_validate``, the public page /signatures/validate/ and
``POST /api/signatures/validate``.

Everything is real: letters signed with the project's PAdES signer (pyHanko) and the
test CA's certificates, its loopback TSA and OCSP responder, and poppler's ``pdfsig``
with (and without) the CA in an NSS database as the independent validator.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from pyhanko.sign.signers import SimpleSigner
from rest_framework.test import APIClient

from saraban.registry.stamp import stamp_receive
from saraban.signing import pades, pki, trust
from saraban.signing.validation import MSG_TRUNCATED, validate_pdf
from tests.signing.conftest import PASSWORD, letter_pdf, nss_db, pdfsig

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- helpers and fixtures


def asn1(certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def simple_signer(world, key=None, certificate=None) -> SimpleSigner:
    p12 = world.pkcs12(key, certificate) if key is not None else world.p12
    return SimpleSigner.load_pkcs12_data(p12, other_certs=[], passphrase=PASSWORD.encode())


def sign(data: bytes, signer, field: str = "Signature1", **kwargs) -> pades.Result:
    page, box = pades.place(data, lines=2)
    appearance = pades.Appearance(("ลงนามโดย นายสมชาย ใจดี", "ปลัดกระทรวง"), page, box)
    return pades.sign_pdf(data, signer=signer, field_name=field, appearance=appearance, reason="อนุมัติ", **kwargs)


def flip_signed_byte(pdf: bytes) -> bytes:
    """One byte changed inside the first signed range: in the header's binary comment,
    so that the file still parses."""
    tampered = bytearray(pdf)
    tampered[pdf.index(b"\n") + 2] ^= 0x01
    return bytes(tampered)


@pytest.fixture(scope="module")
def ca(pki_world):
    return asn1(pki_world.authority.certificate)


@pytest.fixture(scope="module")
def signer(pki_world):
    return simple_signer(pki_world)


@pytest.fixture(scope="module")
def signed(signer) -> bytes:
    """The letter signed at PAdES B-B."""
    result = sign(letter_pdf(), signer)
    assert result.level == "B-B"
    return result.data


@pytest.fixture(scope="module")
def signed_lta(pki_world, signer, ca) -> bytes:
    result = sign(letter_pdf(), signer, timestamp_url=pki_world.tsa_url,
                  validation_context=trust.validation_context(for_signing=True, roots=[ca], fetching=True))
    assert result.level == "B-LTA", result.downgraded
    return result.data


@pytest.fixture
def trusted_nss(tmp_path, pki_world):
    return nss_db(tmp_path, pki.pem(pki_world.authority.certificate))


def pdfsig_blocks(report: str) -> list[str]:
    """pdfsig's report split per signature ("Signature #1:", …)."""
    return report.split("Signature #")[1:]


# ---------------------------------------------------------------- one signature


def test_signed_letter_is_intact_and_trusted_here_and_in_pdfsig(signed, ca, pki_world, trusted_nss, tmp_path):
    before, asked = timezone.now(), pki_world.server.hits.get("ocsp", 0)
    report = validate_pdf(signed, roots=[ca], fetching=True)

    assert report.exit_code == 0 and not report.error
    [s] = report.signatures
    assert (s.intact, s.valid, s.trusted, s.why_not) == (True, True, True, "")
    assert s.signer_name == "นายสมชาย ใจดี"
    assert "ปลัดกระทรวง" in s.signer_subject and "Saraban Test CA" in s.issuer
    assert s.serial == format(pki_world.certificate.serial_number, "X")
    assert s.covers_whole_file and not s.changed_after and s.changes == "none"
    assert s.level == "B-B" and s.timestamp_time is None
    assert s.reason == "อนุมัติ"
    # the claimed signing time: aware, a moment ago, in the Buddhist era with Thai digits
    assert s.signing_time.tzinfo is not None
    assert before - dt.timedelta(minutes=10) < s.signing_time <= timezone.now()
    assert str(timezone.localtime(s.signing_time).year + 543) in _arabic(s.signing_time_text)
    assert pki_world.server.hits.get("ocsp", 0) > asked  # this check asked the revocation status online
    json.dumps(report.to_dict())  # JSON-able as it is

    out = pdfsig(signed, tmp_path, trusted_nss)
    assert "Signature is Valid." in out and "Certificate is Trusted." in out
    assert "Total document signed" in out


def _arabic(text: str) -> str:
    return text.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))


def test_without_the_ca_both_say_untrusted(signed, tmp_path):
    out = pdfsig(signed, tmp_path, nss_db(tmp_path, None))
    assert "Signature is Valid." in out
    assert "Certificate is Trusted." not in out and "Certificate issuer isn't Trusted." in out

    report = validate_pdf(signed, roots=[], fetching=True)
    [s] = report.signatures
    assert s.intact and s.valid and not s.trusted
    assert "ใบรับรองหลัก" in s.why_not and "ไม่พบเส้นทาง" in s.why_not
    assert s.status == "untrusted"
    assert report.exit_code == 2


def test_an_untrusted_upload_makes_the_server_fetch_nothing(pki_world):
    """A certificate names URLs (CA issuer, OCSP, CRL) of whoever made it: for a chain
    that does not reach a trusted root offline, nothing is fetched — an uploaded file
    cannot make the server call addresses of the uploader's choosing."""
    key, certificate = pki_world.issue("นายไม่มีสายใบรับรอง")
    lonely = SimpleSigner.load_pkcs12_data(pki.pkcs12_bytes(key, certificate, [], PASSWORD), other_certs=[],
                                           passphrase=PASSWORD.encode())
    data = sign(letter_pdf(), lonely).data
    hits = dict(pki_world.server.hits)

    report = validate_pdf(data, roots=[], fetching=True)
    assert report.exit_code == 2 and "ไม่พบเส้นทาง" in report.signatures[0].why_not
    assert pki_world.server.hits == hits


def test_trusted_roots_come_from_the_setting(signed, trusted, settings, tmp_path):
    assert validate_pdf(signed).exit_code == 0  # the trusted fixture: the test CA's directory
    settings.SARABAN_SIGNING_TRUST_ROOTS = [tmp_path / "empty"]
    assert validate_pdf(signed).exit_code == 2


def test_a_flipped_byte_is_broken_here_and_in_pdfsig(signed, ca, trusted_nss, tmp_path):
    tampered = flip_signed_byte(signed)

    report = validate_pdf(tampered, roots=[ca])
    [s] = report.signatures
    assert not s.intact and not s.trusted and s.status == "broken"
    assert "ถูกแก้ไข" in s.why_not
    assert report.exit_code == 1

    out = pdfsig(tampered, tmp_path, trusted_nss)
    assert "Signature is Valid." not in out and "Digest Mismatch" in out


def test_content_changed_in_a_later_update_is_a_disallowed_change(signed, ca, trusted_nss, tmp_path):
    """The bytes of the signed revision are untouched (pdfsig still says valid), but an
    incremental update draws on the page: the signature no longer vouches for what a
    reader sees, which only the difference analysis notices."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(signed), strict=False)
    ref = writer.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 50 400 300 80 re f"))
    writer.add_stream_to_page(0, ref)
    out = BytesIO()
    writer.write(out)
    changed = out.getvalue()

    report = validate_pdf(changed, roots=[ca])
    [s] = report.signatures
    assert s.intact and s.valid  # the signed bytes are as signed
    assert s.changed_after and s.changes == "disallowed" and "ไม่อนุญาต" in s.changes_text
    assert s.status == "broken" and report.exit_code == 1
    assert "Signature is Valid." in pdfsig(changed, tmp_path, trusted_nss)


# ---------------------------------------------------------------- several signatures, stamps, levels


def test_a_second_signature_keeps_the_first_intact(signed, signer, pki_world, ca, trusted_nss, tmp_path):
    key, certificate = pki_world.issue("นางสาวสมศรี รองปลัด")
    twice = sign(signed, simple_signer(pki_world, key, certificate), field="Signature2").data

    report = validate_pdf(twice, roots=[ca])
    first, second = report.signatures
    assert first.field_name == "Signature1" and second.field_name == "Signature2"
    assert first.intact and first.trusted and second.intact and second.trusted
    assert second.signer_name == "นางสาวสมศรี รองปลัด"
    assert first.changed_after and first.changes == "allowed"
    assert "เฉพาะการเปลี่ยนแปลงที่อนุญาต" in first.changes_text and "ผู้ลงนามเพิ่ม" in first.changes_text
    assert second.covers_whole_file
    assert report.exit_code == 0

    blocks = pdfsig_blocks(pdfsig(twice, tmp_path, trusted_nss))
    assert len(blocks) == 2
    assert all("Signature is Valid." in b and "Certificate is Trusted." in b for b in blocks)


def test_a_receive_stamp_after_signing_is_an_allowed_annotation(signed, ca, trusted_nss, tmp_path):
    stamped = stamp_receive(signed, agency_name="กรมการปกครอง", receive_number="45/2569",
                            stamped_at=timezone.now())

    report = validate_pdf(stamped, roots=[ca])
    [s] = report.signatures
    assert s.intact and s.trusted and s.changed_after
    assert s.changes == "allowed" and s.modification_level == "ANNOTATIONS"
    assert "ตรารับหนังสือ" in s.changes_text
    assert report.exit_code == 0
    assert "Signature is Valid." in pdfsig(stamped, tmp_path, trusted_nss)


def test_levels_b_t_and_b_lta(pki_world, signer, ca, signed_lta, trusted_nss, tmp_path):
    b_t = sign(letter_pdf(), signer, timestamp_url=pki_world.tsa_url)
    assert b_t.level == "B-T"
    [s] = validate_pdf(b_t.data, roots=[ca]).signatures
    assert s.level == "B-T" and s.trusted
    assert s.timestamp_time is not None and s.timestamp_authority == "Saraban Test TSA"
    assert abs(s.timestamp_time - s.signing_time) < dt.timedelta(minutes=1)
    assert s.timestamp_time_text.endswith("น.")

    report = validate_pdf(signed_lta, roots=[ca])
    [s] = report.signatures
    assert s.level == "B-LTA" and s.revocation_data_embedded and s.trusted
    assert s.changes == "allowed"  # the DSS and the document timestamp came after
    assert "ประทับเวลาเอกสาร" in s.changes_text and "ตรวจสอบลายมือชื่อระยะยาว" in s.changes_text
    [t] = report.timestamps
    assert t.intact and t.trusted and t.authority == "Saraban Test TSA" and t.time >= s.timestamp_time
    assert report.exit_code == 0

    # pdfsig 22.12 cannot check a document timestamp ("not yet verified"): only the signature
    blocks = pdfsig_blocks(pdfsig(signed_lta, tmp_path, trusted_nss))
    assert "Signature is Valid." in blocks[0] and "Certificate is Trusted." in blocks[0]


def test_b_lt_is_read_from_the_dss_without_fetching(signed_lta, ca, pki_world):
    """The DSS's OCSP answer is what makes the level: nothing is asked online when
    fetching is off, and the signature still reads B-LTA and trusted."""
    hits = dict(pki_world.server.hits)
    report = validate_pdf(signed_lta, roots=[ca], fetching=False)
    assert pki_world.server.hits == hits
    assert report.signatures[0].level == "B-LTA" and report.exit_code == 0


def test_revoked_certificate_is_untrusted_with_the_reason(pki_world, ca):
    key, certificate = pki_world.issue("นายเพิกถอน ทดสอบ")
    data = sign(letter_pdf(), simple_signer(pki_world, key, certificate)).data
    assert validate_pdf(data, roots=[ca], fetching=True).exit_code == 0
    pki.revoke(pki_world.authority, certificate.serial_number)

    report = validate_pdf(data, roots=[ca], fetching=True)
    [s] = report.signatures
    assert s.intact and not s.trusted and s.revoked
    assert "เพิกถอน" in s.why_not
    assert report.exit_code == 2


@pytest.mark.parametrize("case", ["expired", "not_yet_valid", "tsa_key_usage"])
def test_other_certificate_problems_have_thai_reasons(case, pki_world, ca):
    now = dt.datetime.now(dt.UTC)
    if case == "expired":
        key, certificate = pki_world.issue("นายหมดอายุ", not_before=now - dt.timedelta(days=3), days=1)
        expected = "หมดอายุ"
    elif case == "not_yet_valid":
        key, certificate = pki_world.issue("นายยังไม่เริ่ม", not_before=now + dt.timedelta(days=3))
        expected = "ยังไม่ถึงวันเริ่มใช้"
    else:
        key, certificate = pki_world.issue("หน่วยประทับเวลา", purpose="tsa")
        expected = "key usage"
    data = sign(letter_pdf(), simple_signer(pki_world, key, certificate)).data

    report = validate_pdf(data, roots=[ca], fetching=False)
    [s] = report.signatures
    assert s.intact and not s.trusted and expected in s.why_not
    assert report.exit_code == 2


# ---------------------------------------------------------------- files that are not signed letters


def _encrypted(pdf: bytes, user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=BytesIO(pdf))
    writer.encrypt(user_password, "owner-secret", algorithm="AES-128")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def contents_hex(pdf: bytes) -> tuple[int, int]:
    """Where the (last) signature's ``/Contents`` hex string lies: ``(start, end)``."""
    start = pdf.rindex(b"/Contents <") + len(b"/Contents <")
    return start, pdf.index(b">", start)


def revision_ends(pdf: bytes) -> set[int]:
    """The lengths at which ``pdf`` cut off is still a complete earlier revision: right
    after each ``%%EOF``, with or without the end-of-line that follows it."""
    ends = set()
    for match in re.finditer(rb"%%EOF(\r\n|\r|\n)?", pdf):
        ends.update({match.start() + len(b"%%EOF"), match.end()})
    return ends


def cut_points(pdf: bytes) -> dict[str, int]:
    """Where to cut ``pdf``, all defined by its size or structure: every seventh of
    the file, inside the signature's ``/Contents``, a byte after the first revision's
    ``%%EOF`` (where pyHanko's non-strict reader falls back on the unsigned revision),
    just before the final ``%%EOF`` and inside it. Cuts that land exactly at the end
    of an earlier revision are left out: what remains is a complete PDF (that
    revision), see test_a_cut_at_the_end_of_an_earlier_revision_is_that_revision."""
    start, end = contents_hex(pdf)
    first_end = pdf.index(b"%%EOF") + len(b"%%EOF")
    final_eof = pdf.rindex(b"%%EOF")
    points = {f"{k}/7": len(pdf) * k // 7 for k in range(1, 7)}
    points |= {"inside /Contents": (start + end) // 2, "just after the first revision": first_end + 2,
               "before the final %%EOF": final_eof, "inside the final %%EOF": final_eof + 3}
    return {name: at for name, at in points.items() if at not in revision_ends(pdf)}


@pytest.mark.parametrize("name", ["empty", "text", "truncated", "password", "garbage_after_header"])
def test_bad_files_get_a_thai_error_never_an_exception(name, signed, ca):
    data = {"empty": b"", "text": "สวัสดี ไม่ใช่ PDF".encode(),
            "truncated": signed[: sum(contents_hex(signed)) // 2],  # in the middle of the signature value
            "password": _encrypted(letter_pdf(), "secret"),
            "garbage_after_header": b"%PDF-1.7\n" + random.Random(15).randbytes(2000)}[name]
    report = validate_pdf(data, roots=[ca])
    assert report.exit_code == 1 and not report.signatures
    assert report.error and any("\u0e00" <= c <= "\u0e7f" for c in report.error)
    assert report.code == ("pdf_encrypted" if name == "password" else "pdf_unreadable")
    if name == "truncated":
        assert report.error == MSG_TRUNCATED and "ไม่ครบ" in report.error and "ฉบับเต็ม" in report.error


def test_a_file_cut_anywhere_is_incomplete_not_unsigned(signed, signed_lta, ca):
    """Cut at every seventh, inside the signature, just after an earlier revision and
    at the final ``%%EOF``: always "incomplete, get the whole file again", never "no
    signature" (an earlier revision recovered) nor an exception."""
    for name, pdf in (("B-B", signed), ("B-LTA", signed_lta)):
        points = cut_points(pdf)
        assert {"inside /Contents", "before the final %%EOF", "inside the final %%EOF"} <= set(points), points
        for where, at in points.items():
            report = validate_pdf(pdf[:at], roots=[ca])
            assert (report.code, report.error) == ("pdf_unreadable", MSG_TRUNCATED), (name, where, at)
            assert report.exit_code == 1 and not report.signatures
    # a complete file with trailing white-space or junk after %%EOF is still read as readers do
    assert validate_pdf(signed + b"\r\n\x00\x00", roots=[ca]).exit_code == 0
    assert validate_pdf(signed + b"--boundary--\r\n", roots=[ca]).exit_code == 0


def test_a_cut_at_the_end_of_an_earlier_revision_is_that_revision(signed, ca):
    """What remains is the complete unsigned letter the signer started from: a PDF
    without a signature, as any reader would show it (nothing tells it from one)."""
    unsigned = letter_pdf()
    assert signed.startswith(unsigned)  # signing appends a revision
    assert validate_pdf(signed[:len(unsigned)], roots=[ca]).code == "no_signatures"


def test_no_signature_is_exit_1_with_a_thai_message(ca):
    report = validate_pdf(letter_pdf(), roots=[ca])
    assert report.error == "ไม่มีลายมือชื่ออิเล็กทรอนิกส์ในไฟล์นี้" and report.code == "no_signatures"
    assert report.exit_code == 1
    # a file encrypted with only an owner password opens for everyone: it is checked
    assert validate_pdf(_encrypted(letter_pdf(), ""), roots=[ca]).code == "no_signatures"


def test_a_broken_signature_value_is_reported_not_raised(signed, ca):
    """The signature's /Contents (outside the signed range) replaced by zeros of the
    same length: a structure pyHanko cannot read."""
    start = signed.index(b"/Contents <") + len(b"/Contents <")
    end = signed.index(b">", start)
    broken = signed[:start] + b"0" * (end - start) + signed[end:]
    report = validate_pdf(broken, roots=[ca])
    assert report.exit_code == 1
    assert report.code == "signatures_unreadable" and "โครงสร้างเสีย" in report.error


# ---------------------------------------------------------------- the command


def run_command(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("signature_validate", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code), out.getvalue()
    return 0, out.getvalue()


def test_command_exit_codes_and_thai_report(signed, trusted, tmp_path, settings):
    good = tmp_path / "signed.pdf"
    good.write_bytes(signed)
    code, out = run_command(str(good))
    assert code == 0
    assert "ลายมือชื่อที่ ๑" in out and "นายสมชาย ใจดี" in out and "เชื่อถือได้" in out and "ระดับ PAdES: B-B" in out

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(flip_signed_byte(signed))
    code, out = run_command(str(broken))
    assert code == 1 and "เสีย" in out

    code, out = run_command(str(good), "--json")
    assert code == 0
    body = json.loads(out)
    assert body["exit_code"] == 0 and body["signatures"][0]["signer_name"] == "นายสมชาย ใจดี"

    settings.SARABAN_SIGNING_TRUST_ROOTS = []
    code, out = run_command(str(good), "--json")
    assert code == 2 and json.loads(out)["signatures"][0]["trusted"] is False

    unsigned = tmp_path / "unsigned.pdf"
    unsigned.write_bytes(letter_pdf())
    code, out = run_command(str(unsigned))
    assert code == 1 and "ไม่มีลายมือชื่ออิเล็กทรอนิกส์ในไฟล์นี้" in out


def test_command_missing_file_is_a_thai_error(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("signature_validate", str(tmp_path / "nope.pdf"))
    assert "ไม่พบไฟล์" in str(caught.value) and caught.value.returncode == 1


def test_command_exit_status_of_the_real_process(signed, pki_world, tmp_path):
    """As a shell sees it: the status of ``python manage.py signature_validate``."""
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    env = {**os.environ, "SARABAN_SIGNING_TRUST_ROOTS": str(pki_world.roots_dir), "DJANGO_SETTINGS_MODULE":
           "saraban.settings"}
    done = subprocess.run([sys.executable, "manage.py", "signature_validate", str(path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "ถูกต้องและเชื่อถือได้" in done.stdout
    done = subprocess.run([sys.executable, "manage.py", "signature_validate", str(tmp_path / "nope.pdf")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1 and "ไม่พบไฟล์" in done.stderr


# ---------------------------------------------------------------- the page and the API (no login)


@pytest.fixture
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_page_shows_each_signature_without_login(signed, trusted, fresh_throttle):
    client = Client(enforce_csrf_checks=True)
    form = client.get("/signatures/validate/")
    assert form.status_code == 200
    text = form.content.decode()
    assert 'type="file"' in text and "ตรวจสอบ" in text
    token = form.cookies["csrftoken"].value

    response = client.post("/signatures/validate/", {"file": _upload(signed), "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    text = response.content.decode()
    assert "นายสมชาย ใจดี" in text and "ถูกต้องและเชื่อถือได้" in text and "B-B" in text
    assert "ไม่มีการเปลี่ยนแปลงเอกสารหลังลงนาม" in text


@pytest.mark.django_db
def test_page_says_why_not_trusted_and_refuses_bad_files(signed, settings, fresh_throttle):
    settings.SARABAN_SIGNING_TRUST_ROOTS = []
    client = Client()
    text = client.post("/signatures/validate/", {"file": _upload(signed)}).content.decode()
    assert "เชื่อถือไม่ได้" in text and "ไม่พบเส้นทาง" in text

    response = client.post("/signatures/validate/", {"file": _upload(b"not a pdf at all")})
    assert response.status_code == 400 and "ไม่ใช่ PDF" in response.content.decode()
    response = client.post("/signatures/validate/", {})
    assert response.status_code == 400 and "กรุณาเลือกไฟล์" in response.content.decode()

    settings.SARABAN_SIGNING_VALIDATE_MAX_MB = 0
    response = client.post("/signatures/validate/", {"file": _upload(signed)})
    assert response.status_code == 400 and "ใหญ่เกินไป" in response.content.decode()


def _upload(data: bytes, name: str = "letter.pdf"):
    file = io.BytesIO(data)
    file.name = name
    return file


@pytest.mark.django_db
def test_api_returns_the_report_without_login(signed, signed_lta, trusted, fresh_throttle):
    client = APIClient()
    response = client.post("/api/signatures/validate", {"file": _upload(signed_lta)}, format="multipart")
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["exit_code"] == 0 and body["signatures"][0]["level"] == "B-LTA"
    assert body["signatures"][0]["signer_name"] == "นายสมชาย ใจดี" and len(body["timestamps"]) == 1

    body = client.post("/api/signatures/validate", {"file": _upload(flip_signed_byte(signed))},
                       format="multipart").json()
    assert body["exit_code"] == 1 and body["signatures"][0]["intact"] is False

    body = client.post("/api/signatures/validate", {"file": _upload(letter_pdf())}, format="multipart").json()
    assert body["exit_code"] == 1 and body["code"] == "no_signatures" and body["signatures"] == []


@pytest.mark.django_db
def test_api_bad_input_is_a_thai_problem(fresh_throttle):
    client = APIClient()
    response = client.post("/api/signatures/validate", {"file": _upload(b"hello")}, format="multipart")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "pdf_unreadable" and "ไม่ใช่ PDF" in body["title"]

    response = client.post("/api/signatures/validate", {}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "no_file"


@pytest.mark.django_db
def test_validation_is_throttled_per_address(signed, monkeypatch, fresh_throttle):
    from saraban.signing.validation_views import ValidateThrottle

    monkeypatch.setattr(ValidateThrottle, "rate", "2/min")
    client = APIClient()
    for _ in range(2):
        assert client.post("/api/signatures/validate", {"file": _upload(b"x")}, format="multipart").status_code == 400
    response = client.post("/api/signatures/validate", {"file": _upload(signed)}, format="multipart")
    assert response.status_code == 429 and "บ่อยเกินไป" in response.json()["title"]
    page = Client().post("/signatures/validate/", {"file": _upload(signed)})  # the same address, shared budget
    assert page.status_code == 429


@pytest.mark.django_db
def test_api_needs_no_csrf_token(signed, trusted, fresh_throttle):
    """A program (curl, another agency's system) has neither a session nor a CSRF
    token: the API must answer it, not 403."""
    client = APIClient(enforce_csrf_checks=True)
    response = client.post("/api/signatures/validate", {"file": _upload(signed)}, format="multipart")
    assert response.status_code == 200, response.content.decode()[:300]
    assert response.json()["exit_code"] == 0
