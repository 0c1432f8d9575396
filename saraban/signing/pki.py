"""An agency test PKI: a certificate authority, personal signing certificates, a
timestamp authority's certificate, CRLs and OCSP answers — for development, the demo
and the tests, never for production keys.

Made with ``cryptography``'s X.509 builders; pyHanko and poppler then judge what it
makes exactly as they judge a real CA's. Certificates follow RFC 5280 as used by
PAdES signers (ETSI EN 319 142-1): a personal certificate has ``digitalSignature`` and
``nonRepudiation`` key usage; the timestamp authority's has the critical
``timeStamping`` extended key usage (RFC 3161 §2.3). When a ``base_url`` is given, each
certificate the CA issues names ``{base_url}/crl`` (CRL distribution point),
``{base_url}/ocsp`` (OCSP, RFC 6960) and ``{base_url}/ca.crt`` (the issuer), which the
loopback :mod:`saraban.signing.responder` serves.

Keys are RSA 2048 with SHA-256 (both pyHanko and NSS accept them). Names may be Thai
(UTF8String).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KEY_BITS = 2048


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def new_key() -> rsa.RSAPrivateKey:
    """A fresh RSA private key of :data:`KEY_BITS` bits."""
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def _name(common_name: str, organisation: str = "", title: str = "", email: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "TH")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    if title:
        parts.append(x509.NameAttribute(NameOID.TITLE, title[:64]))
    # cryptography measures the common name in UTF-8 bytes (at most 64): Thai letters take 3
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name.encode()[:64].decode(errors="ignore")))
    if email:
        parts.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    return x509.Name(parts)


@dataclass
class Authority:
    """A CA: its key, its self-signed certificate, the URL its services answer at
    (``""``: none) and the serial numbers it has revoked (serial → revocation time)."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    base_url: str = ""
    revoked: dict[int, datetime.datetime] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


def create_authority(*, common_name: str, organisation: str, base_url: str = "", years: int = 10) -> Authority:
    """A new self-signed root CA valid for ``years`` from now (backdated one day so that
    clocks a little behind accept it). ``base_url`` is where its CRL/OCSP/issuer URLs
    point for the certificates it will issue (no trailing slash)."""
    key, now = new_key(), _now()
    name = _name(common_name, organisation)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(key=key, certificate=certificate, base_url=base_url.rstrip("/"))


def issue(authority: Authority, *, common_name: str, organisation: str = "", title: str = "", email: str = "",
          purpose: str = "signing", days: int = 730, key: rsa.RSAPrivateKey | None = None,
          not_before: datetime.datetime | None = None) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """Issue a certificate signed by ``authority``; returns ``(key, certificate)``.

    ``purpose``: ``"signing"`` (a person's document-signing certificate) or ``"tsa"`` (a
    timestamp authority). ``days`` of validity from ``not_before`` (default: one hour
    ago). A new key is made unless ``key`` is given.
    """
    if purpose not in ("signing", "tsa"):
        raise ValueError(f"unknown certificate purpose {purpose!r}")
    key = key or new_key()
    start = not_before or (_now() - datetime.timedelta(hours=1))
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation, title, email))
        .issuer_name(authority.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=purpose == "signing",
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     key_cert_sign=False, crl_sign=False, encipher_only=False,
                                     decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()),
                       critical=False)
    )
    if purpose == "tsa":
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    elif email:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    if authority.base_url:
        base = authority.base_url
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(f"{base}/crl")], relative_name=None, reasons=None,
            crl_issuer=None)]), critical=False)
        builder = builder.add_extension(x509.AuthorityInformationAccess([
            x509.AccessDescription(x509.AuthorityInformationAccessOID.OCSP,
                                   x509.UniformResourceIdentifier(f"{base}/ocsp")),
            x509.AccessDescription(x509.AuthorityInformationAccessOID.CA_ISSUERS,
                                   x509.UniformResourceIdentifier(f"{base}/ca.crt")),
        ]), critical=False)
    return key, builder.sign(authority.key, hashes.SHA256())


def revoke(authority: Authority, serial: int, when: datetime.datetime | None = None) -> None:
    """Record ``serial`` as revoked (from ``when``, default now); the next CRL and OCSP
    answers say so."""
    authority.revoked[serial] = when or _now()


def crl(authority: Authority, *, hours: int = 24) -> bytes:
    """The CA's current CRL (DER), valid for ``hours``."""
    now = _now()
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(authority.certificate.subject)
               .last_update(now - datetime.timedelta(minutes=5))
               .next_update(now + datetime.timedelta(hours=hours))
               .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()),
                              critical=False))
    for serial, when in sorted(authority.revoked.items()):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build())
    return builder.sign(authority.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def ocsp_answer(authority: Authority, request_der: bytes, *, hours: int = 24) -> bytes:
    """The DER OCSP response (RFC 6960) to ``request_der``, signed by the CA itself:
    ``good`` or ``revoked`` for a serial it knows, ``unauthorized`` for a request
    about another issuer, ``malformedRequest`` for bytes that are not a request."""
    try:
        request = ocsp.load_der_ocsp_request(request_der)
    except ValueError:
        return ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST).public_bytes(
            serialization.Encoding.DER)
    name_hash, key_hash = _issuer_hashes(authority, request.hash_algorithm)
    if (request.issuer_name_hash, request.issuer_key_hash) != (name_hash, key_hash):
        return ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED).public_bytes(
            serialization.Encoding.DER)
    now = _now()
    revoked_at = authority.revoked.get(request.serial_number)
    builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
        issuer_name_hash=request.issuer_name_hash, issuer_key_hash=request.issuer_key_hash,
        serial_number=request.serial_number, algorithm=request.hash_algorithm,
        cert_status=ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD,
        this_update=now - datetime.timedelta(minutes=1), next_update=now + datetime.timedelta(hours=hours),
        revocation_time=revoked_at, revocation_reason=None,
    ).responder_id(ocsp.OCSPResponderEncoding.HASH, authority.certificate)
    for extension in request.extensions:
        if isinstance(extension.value, x509.OCSPNonce):
            builder = builder.add_extension(extension.value, critical=False)
    return builder.sign(authority.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def _issuer_hashes(authority: Authority, algorithm: hashes.HashAlgorithm) -> tuple[bytes, bytes]:
    """The CA's name hash and key hash under ``algorithm`` (RFC 6960 §4.1.1 CertID: the
    hash of the DER subject, and of the public key's BIT STRING value)."""
    from asn1crypto import keys

    spki = authority.certificate.public_key().public_bytes(serialization.Encoding.DER,
                                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    out = []
    for data in (authority.certificate.subject.public_bytes(), keys.PublicKeyInfo.load(spki)["public_key"].contents[1:]):
        digest = hashes.Hash(algorithm)
        digest.update(data)
        out.append(digest.finalize())
    return out[0], out[1]


def pkcs12_bytes(key, certificate: x509.Certificate, chain: list[x509.Certificate], password: str,
                 *, friendly_name: str = "") -> bytes:
    """A PKCS#12 file holding ``key``, ``certificate`` and ``chain``, encrypted with
    ``password`` (AES-256 with PBKDF2, as current OpenSSL writes)."""
    encryption = (serialization.PrivateFormat.PKCS12.encryption_builder()
                  .kdf_rounds(100_000)
                  .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
                  .hmac_hash(hashes.SHA256())
                  .build(password.encode()))
    return pkcs12.serialize_key_and_certificates((friendly_name or "signing").encode(), key, certificate, chain,
                                                 encryption)


def pem(certificate: x509.Certificate) -> bytes:
    """``certificate`` in PEM."""
    return certificate.public_bytes(serialization.Encoding.PEM)


def key_pem(key, password: str | None = None) -> bytes:
    """``key`` as PKCS#8 PEM, encrypted with ``password`` when one is given."""
    encryption = (serialization.BestAvailableEncryption(password.encode()) if password
                  else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def save(authority: Authority, directory, *, tsa: tuple | None = None) -> None:
    """Write ``authority`` to ``directory``: ``ca.pem``, ``ca.key.pem`` (mode 0600, not
    encrypted: a development CA), ``state.json`` (base URL, revoked serials) and, with
    ``tsa``, ``tsa.pem``/``tsa.key.pem``."""
    import json
    import os
    from pathlib import Path

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    secret = [("ca.key.pem", key_pem(authority.key))] + ([("tsa.key.pem", key_pem(tsa[0]))] if tsa else [])
    for name, data in secret:
        path = directory / name
        path.touch(mode=0o600, exist_ok=True)
        os.chmod(path, 0o600)
        path.write_bytes(data)
    (directory / "ca.pem").write_bytes(pem(authority.certificate))
    if tsa:
        (directory / "tsa.pem").write_bytes(pem(tsa[1]))
    (directory / "state.json").write_text(json.dumps({
        "base_url": authority.base_url,
        "revoked": {str(serial): when.isoformat() for serial, when in authority.revoked.items()}}, indent=1))


def load(directory) -> tuple[Authority, tuple | None]:
    """The authority saved in ``directory`` by :func:`save` and its TSA ``(key, cert)``
    (None when absent). Raises FileNotFoundError when there is none."""
    import json
    from pathlib import Path

    directory = Path(directory)
    state = json.loads((directory / "state.json").read_text())
    authority = Authority(
        key=serialization.load_pem_private_key((directory / "ca.key.pem").read_bytes(), password=None),
        certificate=x509.load_pem_x509_certificate((directory / "ca.pem").read_bytes()),
        base_url=state.get("base_url", ""),
        revoked={int(s): datetime.datetime.fromisoformat(w) for s, w in state.get("revoked", {}).items()})
    tsa = None
    if (directory / "tsa.pem").exists():
        tsa = (serialization.load_pem_private_key((directory / "tsa.key.pem").read_bytes(), password=None),
               x509.load_pem_x509_certificate((directory / "tsa.pem").read_bytes()))
    return authority, tsa
