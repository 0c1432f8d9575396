"""Signing keys at rest and in use.

A key imported from PKCS#12 is kept as PKCS#8 encrypted with the owner's own password
(PBES2, AES-256-CBC, scrypt through ``cryptography``'s ``BestAvailableEncryption``), and
that is sealed again with the service key (Fernet, ``SARABAN_SIGNING_KEY``). Signing
needs both: the service key, and the password the owner types at that moment (the
second factor of issue 7). The clear key lives only in memory, inside
:func:`open_signer`'s block; it is never written, logged or put in an error text.

A key on a PKCS#11 token or HSM never leaves it: :func:`open_signer` opens a session
with the PIN the owner types and lets pyHanko sign on the token
(:mod:`saraban.signing.tokens`).
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from saraban.core.errors import InvalidInput, NotAllowed, ServiceUnavailable
from saraban.core.secrets import fernet_key

NO_KEY = ("ยังไม่ได้ตั้งกุญแจเข้ารหัสกุญแจลงนาม: ผู้ดูแลระบบต้องตั้งค่า SARABAN_SIGNING_KEY "
          "(สร้างด้วย python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\") "
          "ก่อนนำเข้าหรือใช้ใบรับรอง")
BAD_KEY = "กุญแจ SARABAN_SIGNING_KEY ไม่ถูกต้อง (ต้องเป็นกุญแจ Fernet ยาว 44 ตัวอักษร) กรุณาแจ้งผู้ดูแลระบบ"
WRONG_SERVICE_KEY = ("เปิดกุญแจลงนามไม่ได้: กุญแจ SARABAN_SIGNING_KEY ไม่ตรงกับกุญแจที่ใช้เข้ารหัสไว้ "
                     "กรุณาแจ้งผู้ดูแลระบบ")
WRONG_PASSWORD = "รหัสผ่านของใบรับรองไม่ถูกต้อง กรุณาพิมพ์ใหม่"
BAD_PKCS12 = ("อ่านไฟล์ใบรับรองไม่ได้ หรือรหัสผ่านไม่ถูกต้อง: ต้องเป็นไฟล์ .p12/.pfx ที่มีทั้งใบรับรองและกุญแจ "
              "และรหัสผ่านของไฟล์นั้น")


def _fernet() -> Fernet:
    return Fernet(fernet_key("SARABAN_SIGNING_KEY", b"saraban.signing.sealed-keys", missing=NO_KEY,
                             invalid=BAD_KEY, code="signing_key"))


def check_service_key() -> None:
    """Raise ServiceUnavailable (Thai, for the administrator) when no usable key is set."""
    _fernet()


@dataclass(frozen=True)
class CertificateFacts:
    """What the service shows and stores of a certificate: DER bytes, the issuers' DER
    bytes, subject and issuer common names, serial (hex), SHA-256 fingerprint (hex) and
    validity (aware datetimes, UTC)."""

    der: bytes
    chain: tuple[bytes, ...]
    subject_name: str
    issuer_name: str
    serial: str
    fingerprint: str
    not_before: datetime.datetime
    not_after: datetime.datetime


def _common_name(name: x509.Name) -> str:
    from cryptography.x509.oid import NameOID

    found = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(found[0].value) if found else name.rfc4514_string()


def facts(certificate: x509.Certificate, chain: list[x509.Certificate] = ()) -> CertificateFacts:
    """:class:`CertificateFacts` of ``certificate`` (a ``cryptography`` certificate)."""
    der = certificate.public_bytes(serialization.Encoding.DER)
    return CertificateFacts(
        der=der,
        chain=tuple(c.public_bytes(serialization.Encoding.DER) for c in chain),
        subject_name=_common_name(certificate.subject)[:255],
        issuer_name=_common_name(certificate.issuer)[:255],
        serial=format(certificate.serial_number, "x"),
        fingerprint=hashlib.sha256(der).hexdigest(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


def seal_pkcs12(data: bytes, password: str) -> tuple[CertificateFacts, str]:
    """Read a PKCS#12 file and seal its key: returns ``(facts, sealed_key)``.

    ``sealed_key`` is a Fernet token (ASCII) around the PKCS#8 key encrypted with
    ``password``. Raises InvalidInput (``pkcs12_unreadable``) for a file that is not
    PKCS#12, a wrong password, or a file without a key or certificate;
    ServiceUnavailable when the service key is missing.
    """
    fernet = _fernet()
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, password.encode() or None)
    except (ValueError, TypeError):
        raise InvalidInput(BAD_PKCS12, code="pkcs12_unreadable") from None
    if key is None or certificate is None or not password:
        raise InvalidInput(BAD_PKCS12, code="pkcs12_unreadable")
    if key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) != \
            certificate.public_key().public_bytes(serialization.Encoding.DER,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo):
        raise InvalidInput("กุญแจในไฟล์ไม่ตรงกับใบรับรองในไฟล์", code="pkcs12_key_mismatch")
    encrypted = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                  serialization.BestAvailableEncryption(password.encode()))
    return facts(certificate, chain or []), fernet.encrypt(encrypted).decode()


@contextlib.contextmanager
def open_signer(certificate, secret: str) -> Iterator:
    """A pyHanko ``Signer`` for ``certificate`` (a SigningCertificate) while the block
    runs. ``secret`` is the owner's password (PKCS#12) or the token PIN (PKCS#11).

    Raises NotAllowed (``wrong_secret``) for a wrong password or PIN — the caller counts
    it — and ServiceUnavailable when the service key or the token cannot be used.
    """
    if not secret:
        raise NotAllowed(WRONG_PASSWORD, code="wrong_secret")
    chain = [base64.b64decode(c) for c in certificate.chain]
    if certificate.kind == "pkcs11":
        from saraban.signing import tokens

        with tokens.token_signer(module=certificate.pkcs11_module, token_label=certificate.pkcs11_token,
                                 key_label=certificate.pkcs11_key_label, pin=secret,
                                 certificate=bytes(certificate.certificate), other_certs=chain) as signer:
            yield signer
        return
    from asn1crypto import keys as asn1_keys
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from saraban.signing.trust import as_asn1

    try:
        encrypted = _fernet().decrypt(certificate.sealed_key.encode())
    except InvalidToken:
        raise ServiceUnavailable(WRONG_SERVICE_KEY, code="signing_key_mismatch") from None
    try:
        key = serialization.load_der_private_key(encrypted, password=secret.encode())
    except (ValueError, TypeError):
        raise NotAllowed(WRONG_PASSWORD, code="wrong_secret") from None
    clear = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    yield SimpleSigner(signing_key=asn1_keys.PrivateKeyInfo.load(clear),
                       signing_cert=as_asn1(bytes(certificate.certificate)),
                       cert_registry=SimpleCertificateStore.from_certs([as_asn1(c) for c in chain]))
