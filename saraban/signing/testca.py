"""The development test CA as the service uses it: made once under
``SARABAN_SIGNING_CA_DIR``, trusted through the first trusted-roots directory, issuing
certificates to executives and importing them as their PKCS#12 certificates.

For development and the demo only: the CA key lies unencrypted on disk. Production
uses the agency's real CA (or a qualified one) and leaves this module unused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from saraban.core.classes import Role
from saraban.signing import pki

DEFAULT_URL = "http://127.0.0.1:8089"  #: where the responder of the test CA answers
TRUSTED_NAME = "saraban-test-ca.pem"


def ensure_authority(*, url: str = DEFAULT_URL, agency: str = "") -> tuple[pki.Authority, tuple, bool]:
    """The test CA and its TSA from ``SARABAN_SIGNING_CA_DIR``, made when missing;
    returns ``(authority, tsa, created)``. Its certificate is written to the first
    trusted-roots directory so that the service trusts what it issues."""
    directory = Path(settings.SARABAN_SIGNING_CA_DIR)
    created = False
    try:
        authority, tsa = pki.load(directory)
    except FileNotFoundError:
        agency = agency or settings.SARABAN_AGENCY_NAME
        authority = pki.create_authority(common_name="Saraban Test CA (not for production)", organisation=agency,
                                         base_url=url)
        tsa = pki.issue(authority, common_name="Saraban Test TSA", organisation=agency, purpose="tsa", days=3650)
        pki.save(authority, directory, tsa=tsa)
        created = True
    roots = [Path(p) for p in settings.SARABAN_SIGNING_TRUST_ROOTS]
    target = next((p for p in roots if p.is_dir() or not p.suffix), None)
    if target is not None:
        target.mkdir(parents=True, exist_ok=True)
        (target / TRUSTED_NAME).write_bytes(pki.pem(authority.certificate))
    return authority, tsa, created


@dataclass(frozen=True)
class Issued:
    """One executive's new certificate: the user, the stored certificate row and the
    PKCS#12 file written for them."""

    user: object
    certificate: object
    p12_path: Path


def issue_to(authority: pki.Authority, user, *, password: str) -> Issued:
    """Issue ``user`` a signing certificate (their full name and position), write it as
    ``people/<username>.p12`` (``password``) and import it as their certificate."""
    from saraban.signing import services

    key, certificate = pki.issue(authority, common_name=user.display_name, organisation=settings.SARABAN_AGENCY_NAME,
                                 title=user.position, email=user.email or "")
    data = pki.pkcs12_bytes(key, certificate, [authority.certificate], password, friendly_name=user.username)
    path = Path(settings.SARABAN_SIGNING_CA_DIR) / "people" / f"{user.username}.p12"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    row = services.import_pkcs12(actor=user, data=data, password=password, label="ใบรับรองทดสอบ (signing_ca)")
    return Issued(user=user, certificate=row, p12_path=path)


def signers(usernames: list[str] | None = None):
    """The people to issue to: ``usernames``, or everyone who is an executive or a unit
    head somewhere."""
    from saraban.core.models import User

    if usernames:
        return list(User.objects.filter(username__in=usernames).order_by("username"))
    return list(User.objects.filter(memberships__role__in=[Role.EXECUTIVE, Role.UNIT_HEAD]).distinct()
                .order_by("username"))


def has_certificate_from(user, authority: pki.Authority) -> bool:
    """Whether ``user`` already has an active certificate issued by ``authority``."""
    from saraban.signing.models import SigningCertificate

    return SigningCertificate.objects.filter(owner=user, active=True, issuer_name=authority.name).exists()


def issue_missing(authority: pki.Authority, *, password: str,
                  usernames: list[str] | None = None) -> list[tuple[object, Issued | None]]:
    """For each of :func:`signers` (``usernames``), ``(user, Issued)`` when a certificate
    was issued now, ``(user, None)`` when they already had one from ``authority``."""
    return [(user, None if has_certificate_from(user, authority) else issue_to(authority, user, password=password))
            for user in signers(usernames)]
