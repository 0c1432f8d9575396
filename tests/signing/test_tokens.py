"""Keys on a PKCS#11 token, tested with a real SoftHSM 2 token in a temporary directory.

The token is made once for the run (``softhsm`` below) with the key and certificate of
an executive from the test CA of ``pki_world``. SoftHSM reads ``SOFTHSM2_CONF`` and
scans its token directory only when the module is initialised in this process, so
``tokens.provision_softhsm_key`` sets the variable and re-initialises the module (see
``saraban.signing.tokens``); nothing here depends on which test loads the module first.
"""

from __future__ import annotations

import asyncio
import base64
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

from saraban.core.errors import InvalidInput, NotAllowed, ServiceUnavailable
from saraban.signing import keys, pades, pki, tokens, trust
from tests.signing.conftest import letter_pdf, nss_db, pdfsig

pytestmark = pytest.mark.skipif(
    not (Path(tokens.SOFTHSM_MODULE).exists() and shutil.which("softhsm2-util")),
    reason="SoftHSM 2 (package softhsm2) is not installed")

LINES = ("ลงชื่อ นางสาวโทเคน ทดสอบ", "อธิบดีกรมทดสอบ", "อนุมัติ")


def sign(data: bytes, signer, **kwargs) -> pades.Result:
    page, box = pades.place(data, lines=len(LINES))
    return pades.sign_pdf(data, signer=signer, field_name=kwargs.pop("field_name", "Signature1"),
                          appearance=pades.Appearance(LINES, page, box), reason="อนุมัติ", **kwargs)


def validate(data: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    from saraban.registry.stamp import STAMP_DIFF_POLICY

    reader = PdfFileReader(BytesIO(data))
    return [validate_pdf_signature(s, trust.validation_context(roots=trust.trusted_roots(), fetching=False),
                                   diff_policy=STAMP_DIFF_POLICY) for s in reader.embedded_signatures
            if s.sig_object_type == "/Sig"]  # not the B-LTA document timestamp


def pdfsig_asking_ocsp(pdf: bytes, tmp_path, nssdir: str) -> str:
    """``pdfsig`` letting NSS ask the loopback OCSP responder. (Poppler 22.12 with
    ``-no-ocsp``, as conftest's ``pdfsig`` runs it, reports "Unknown issue with
    Certificate" even for a trusted chain, so trust is checked this way.)"""
    path = tmp_path / "signed-ocsp.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", "-nssdir", nssdir, str(path)], check=False, capture_output=True, text=True,
                          timeout=60).stdout


def public_session(info):
    """A session on the token without logging in (what anyone without the PIN sees)."""
    import pkcs11

    return pkcs11.lib(info["module"]).get_token(token_label=info["token_label"]).open()


def private_keys(session, label: str = "") -> list:
    from pkcs11 import Attribute, ObjectClass

    query = {Attribute.CLASS: ObjectClass.PRIVATE_KEY}
    if label:
        query[Attribute.LABEL] = label
    return list(session.get_objects(query))


# ----------------------------------------------------------------------------- signing


def test_letter_signed_on_the_token_is_valid_and_trusted_in_pyhanko_and_pdfsig(softhsm, trusted, tmp_path):
    with tokens.token_signer(**softhsm.info, certificate=softhsm.certificate, other_certs=[softhsm.ca]) as signer:
        result = sign(letter_pdf(), signer, timestamp_url=trusted.tsa_url,
                      validation_context=trust.validation_context(for_signing=True))
    assert result.level == pades.LEVEL_B_LTA, result.downgraded
    [status] = validate(result.data)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.signing_cert.dump() == softhsm.certificate.public_bytes(serialization.Encoding.DER)
    nssdir = nss_db(tmp_path, pki.pem(softhsm.ca))
    report = pdfsig(result.data, tmp_path, nssdir)
    assert "Signature is Valid." in report
    assert "นางสาวโทเคน ทดสอบ" in report
    assert "Certificate is Trusted." in pdfsig_asking_ocsp(result.data, tmp_path, nssdir)


def test_pdfsig_reports_a_changed_byte_in_a_token_signature(softhsm, trusted, tmp_path):
    with tokens.token_signer(**softhsm.info, certificate=softhsm.certificate, other_certs=[softhsm.ca]) as signer:
        data = sign(letter_pdf(), signer).data
    tampered = bytearray(data)
    tampered[data.index(b"\n%") + 3] ^= 0x01  # a byte of the binary comment on line 2: signed, not parsed
    [status] = validate(bytes(tampered))
    assert not status.intact
    assert "Signature is Valid." not in pdfsig(bytes(tampered), tmp_path, nss_db(tmp_path, pki.pem(softhsm.ca)))


def test_the_token_signs_with_the_key_of_the_certificate(softhsm):
    with tokens.token_signer(**softhsm.info, certificate=softhsm.certificate) as signer:
        signature = asyncio.run(signer.async_sign_raw(b"hello saraban", "sha256"))
    softhsm.certificate.public_key().verify(signature, b"hello saraban", padding.PKCS1v15(), hashes.SHA256())


def test_an_ec_key_on_the_token_signs_too(softhsm, trusted, pki_world, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    _, certificate = pki_world.issue("นายอีซี ทดสอบ", key=key)
    info = tokens.provision_softhsm_key(softhsm.directory, key, certificate, key_label="ec-signing")
    assert info["token_label"] == softhsm.info["token_label"]  # the same token, reused
    with tokens.token_signer(**info, certificate=certificate, other_certs=[softhsm.ca]) as signer:
        data = sign(letter_pdf(), signer).data
    [status] = validate(data)
    assert status.intact and status.valid and status.trusted
    assert "Signature is Valid." in pdfsig(data, tmp_path, nss_db(tmp_path, pki.pem(softhsm.ca)))
    # the RSA key provisioned first is still there and still signs
    with tokens.token_signer(**softhsm.info, certificate=softhsm.certificate) as signer:
        assert asyncio.run(signer.async_sign_raw(b"x", "sha256"))


def test_open_signer_signs_with_a_pkcs11_certificate_row(softhsm, trusted):
    from saraban.signing.models import SigningCertificate

    row = SigningCertificate(
        kind="pkcs11", pkcs11_module=softhsm.info["module"], pkcs11_token=softhsm.info["token_label"],
        pkcs11_key_label=softhsm.info["key_label"],
        certificate=softhsm.certificate.public_bytes(serialization.Encoding.DER),
        chain=[base64.b64encode(softhsm.ca.public_bytes(serialization.Encoding.DER)).decode()])
    with keys.open_signer(row, softhsm.info["pin"]) as signer:
        data = sign(letter_pdf(), signer).data
    [status] = validate(data)
    assert status.intact and status.valid and status.trusted
    with pytest.raises(NotAllowed) as wrong, keys.open_signer(row, "999999"):
        pytest.fail("the block must not run with a wrong PIN")
    assert wrong.value.code == "wrong_secret"


# ----------------------------------------------------------------------------- the PIN and the session


def test_a_wrong_pin_is_refused_in_thai_and_the_right_one_works_after_it(softhsm):
    wrong_pin = {**softhsm.info, "pin": "111111"}
    with pytest.raises(NotAllowed) as wrong, tokens.token_signer(**wrong_pin, certificate=softhsm.certificate):
        pytest.fail("the block must not run with a wrong PIN")
    assert wrong.value.code == "wrong_secret"
    assert "PIN" in wrong.value.message and softhsm.info["token_label"] in wrong.value.message
    assert "111111" not in wrong.value.message and softhsm.info["pin"] not in wrong.value.message
    with tokens.token_signer(**softhsm.info, certificate=softhsm.certificate) as signer:
        assert len(asyncio.run(signer.async_sign_raw(b"x", "sha256"))) == 256


def test_an_empty_pin_never_reaches_the_token(softhsm):
    no_pin = {**softhsm.info, "pin": ""}
    with pytest.raises(NotAllowed) as empty, tokens.token_signer(**no_pin, certificate=softhsm.certificate):
        pytest.fail("the block must not run without a PIN")
    assert empty.value.code == "wrong_secret"


def test_the_session_is_closed_and_logged_out_after_the_block_even_on_error(softhsm):
    import pkcs11

    with pytest.raises(RuntimeError), tokens.token_signer(**softhsm.info, certificate=softhsm.certificate) as signer:
        session = signer.pkcs11_session
        assert private_keys(session)  # logged in: the key is visible
        raise RuntimeError("the caller failed")
    with pytest.raises(pkcs11.SessionHandleInvalid):
        session.generate_random(64)  # the session the signer used is gone
    with public_session(softhsm.info) as anyone:
        assert private_keys(anyone) == []  # no login left behind on the token


def test_the_key_cannot_be_read_off_the_token(softhsm):
    import pkcs11
    from pkcs11 import Attribute

    with tokens._user_session(softhsm.info["module"], softhsm.info["token_label"], softhsm.info["pin"]) as session:
        [key] = private_keys(session, label=softhsm.info["key_label"])
        assert key[Attribute.SENSITIVE] and not key[Attribute.EXTRACTABLE]
        assert not key[Attribute.DECRYPT]
        with pytest.raises(pkcs11.AttributeSensitive):
            key[Attribute.PRIVATE_EXPONENT]


class FakeToken:
    """A token in a state SoftHSM cannot be put in: SoftHSM 2.6 never locks a user PIN
    (it only sets CKF_USER_PIN_COUNT_LOW)."""

    def __init__(self, flags: int, error=None):
        self.flags, self.error, self.slot = flags, error, None

    def open(self, **kwargs):
        raise self.error


@pytest.mark.parametrize("flags, error, code, words", [
    (0x40000, None, "pin_locked", "ถูกล็อก"),  # CKF_USER_PIN_LOCKED: no login attempt at all
    (0, "PinLocked", "pin_locked", "ถูกล็อก"),
    (0x20000, "PinIncorrect", "wrong_secret", "หากพิมพ์ผิดอีกครั้ง โทเคนจะถูกล็อก"),  # CKF_USER_PIN_FINAL_TRY
    (0, "PinExpired", "pin_expired", "หมดอายุ"),
])
def test_token_pin_states_give_their_own_thai_message(softhsm, monkeypatch, flags, error, code, words):
    import pkcs11

    token = FakeToken(flags, getattr(pkcs11, error)() if error else AssertionError("must not log in"))
    monkeypatch.setattr(tokens, "_find_token", lambda lib, label: token)
    monkeypatch.setattr(tokens, "_flags", lambda t: t.flags)
    with pytest.raises(NotAllowed) as refused, tokens.token_signer(**softhsm.info, certificate=softhsm.certificate):
        pytest.fail("the block must not run")
    assert refused.value.code == code
    assert words in refused.value.message and softhsm.info["token_label"] in refused.value.message


# ----------------------------------------------------------------------------- what is not there


def test_no_such_token_names_the_token(softhsm):
    elsewhere = {**softhsm.info, "token_label": "ไม่มีโทเคนนี้"}
    with pytest.raises(ServiceUnavailable) as missing, tokens.token_signer(**elsewhere, certificate=softhsm.certificate):
        pytest.fail("the block must not run")
    assert missing.value.code == "token_not_found"
    assert "ไม่พบโทเคน \"ไม่มีโทเคนนี้\"" in missing.value.message
    assert softhsm.info["pin"] not in missing.value.message


def test_no_such_key_names_the_key_and_the_token(softhsm):
    no_key = {**softhsm.info, "key_label": "no-key"}
    with pytest.raises(InvalidInput) as missing, tokens.token_signer(**no_key, certificate=softhsm.certificate):
        pytest.fail("the block must not run")
    assert missing.value.code == "token_key_not_found"
    assert "\"no-key\"" in missing.value.message and softhsm.info["token_label"] in missing.value.message


def test_a_module_that_cannot_be_loaded_is_a_clear_error(softhsm, tmp_path):
    no_module = {**softhsm.info, "module": str(tmp_path / "libnothing.so")}
    with pytest.raises(ServiceUnavailable) as broken, tokens.token_signer(**no_module, certificate=softhsm.certificate):
        pytest.fail("the block must not run")
    assert broken.value.code == "token_module_unavailable"
    assert softhsm.info["token_label"] in broken.value.message and "SARABAN_PKCS11_MODULE" in broken.value.message


def test_a_certificate_of_another_key_is_refused_before_signing(softhsm, pki_world):
    _, other = pki_world.issue("นายอื่น ทดสอบ")
    with pytest.raises(InvalidInput) as mismatch, tokens.token_signer(**softhsm.info, certificate=other):
        pytest.fail("the block must not run")
    assert mismatch.value.code == "token_key_mismatch"


# ----------------------------------------------------------------------------- reading the certificate


def test_read_token_certificate_returns_the_certificate_next_to_the_key(softhsm):
    found = tokens.read_token_certificate(**softhsm.info)
    assert found == softhsm.certificate
    with pytest.raises(NotAllowed) as wrong:
        tokens.read_token_certificate(**{**softhsm.info, "pin": "000000"})
    assert wrong.value.code == "wrong_secret"


def test_read_token_certificate_finds_it_by_id_and_says_when_there_is_none(softhsm, pki_world):
    from pkcs11 import Attribute, ObjectClass

    key, certificate = pki_world.issue("นายไม่มีใบ ทดสอบ")
    tokens.import_key_and_certificate(softhsm.info["module"], softhsm.info["token_label"], softhsm.info["pin"],
                                      key, certificate, "relabelled")
    info = {**softhsm.info, "key_label": "relabelled"}
    with tokens._user_session(info["module"], info["token_label"], info["pin"], rw=True) as session:
        [cert] = session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: "relabelled"})
        cert[Attribute.LABEL] = "another label"
    assert tokens.read_token_certificate(**info) == certificate  # same CKA_ID as the key
    with tokens._user_session(info["module"], info["token_label"], info["pin"], rw=True) as session:
        [cert] = session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: "another label"})
        cert.destroy()
    with pytest.raises(InvalidInput) as none:
        tokens.read_token_certificate(**info)
    assert none.value.code == "token_certificate_not_found"
    assert "\"relabelled\"" in none.value.message and softhsm.info["token_label"] in none.value.message
