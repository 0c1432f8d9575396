"""Trusted roots and validation contexts for signing and validation.

The trusted roots are a setting (``SARABAN_SIGNING_TRUST_ROOTS``): files (PEM, with one
or more certificates, or DER) and directories of such files (``*.pem``, ``*.crt``,
``*.cer``, ``*.der``). Nothing is trusted by default except what an administrator, or
``signing_ca`` for development, puts there.
"""

from __future__ import annotations

import logging
from pathlib import Path

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko_certvalidator import ValidationContext

log = logging.getLogger(__name__)

CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")


def load_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    """The certificates in ``data`` (PEM with any number of them, or one DER).
    Raises ValueError when there is none."""
    if asn1_pem.detect(data):
        found = [asn1_x509.Certificate.load(der) for kind, _, der in asn1_pem.unarmor(data, multiple=True)
                 if kind == "CERTIFICATE"]
    else:
        found = [asn1_x509.Certificate.load(data)]
        found[0].native  # parse now: not a certificate raises ValueError here
    if not found:
        raise ValueError("no certificate")
    return found


def as_asn1(certificate) -> asn1_x509.Certificate:
    """An asn1crypto certificate (what pyHanko takes) from an asn1crypto one, a
    ``cryptography`` one or DER bytes."""
    from cryptography import x509 as crypto_x509
    from cryptography.hazmat.primitives import serialization

    if isinstance(certificate, asn1_x509.Certificate):
        return certificate
    if isinstance(certificate, crypto_x509.Certificate):
        certificate = certificate.public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(bytes(certificate))


def trusted_roots(paths: list[Path] | None = None) -> list[asn1_x509.Certificate]:
    """The certificates in ``paths`` (default: the setting), skipping unreadable files
    with a warning; a path that does not exist gives nothing."""
    roots: list[asn1_x509.Certificate] = []
    for path in settings.SARABAN_SIGNING_TRUST_ROOTS if paths is None else paths:
        path = Path(path)
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in CERT_SUFFIXES) if path.is_dir() else (
            [path] if path.is_file() else [])
        for file in files:
            try:
                roots.extend(load_certificates(file.read_bytes()))
            except (OSError, ValueError) as exc:
                log.warning("signing: trusted root %s not read (%s)", file, exc)
    return roots


def validation_context(*, fetching: bool | None = None, for_signing: bool = False,
                       roots: list[asn1_x509.Certificate] | None = None, dss=None) -> ValidationContext:
    """A pyHanko ``ValidationContext`` over the trusted roots.

    ``fetching`` (default ``SARABAN_SIGNING_FETCH_REVOCATION``) lets it fetch CRLs and
    OCSP answers from the URLs in the certificates. ``for_signing``: revocation is
    ``hard-fail`` — revocation data is only said to be embedded (B-LTA) when it was really
    obtained; validation uses ``soft-fail`` (no answer is not a failure, a "revoked"
    answer is). ``dss``: a document's security store (pyHanko ``DocumentSecurityStore``)
    whose certificates, CRLs and OCSP answers the context also uses (ignored, with a log
    line, when its content is not usable).
    """
    if fetching is None:
        fetching = settings.SARABAN_SIGNING_FETCH_REVOCATION
    kwargs = {"trust_roots": trusted_roots() if roots is None else roots, "allow_fetching": fetching,
              "revocation_mode": "hard-fail" if for_signing else "soft-fail"}
    if dss is not None:
        try:
            return dss.as_validation_context(kwargs)
        except Exception as exc:  # noqa: BLE001 — a broken DSS is as good as none
            log.info("signing: DSS content not usable (%s: %s)", type(exc).__name__, exc)
    return ValidationContext(**kwargs)
