"""Signing models: executives' certificates and the record of every signature.

Source: DOMAIN.md §6 and issue 7. A certificate's private key is either sealed in the
database (imported from PKCS#12: encrypted first with the owner's own password, then
with the service key ``SARABAN_SIGNING_KEY``, so neither the database nor the service
alone can sign) or stays on a PKCS#11 token/HSM and is used in place (only the module,
token and key labels are stored; the PIN is asked at every signature and never kept).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SigningCertificate(models.Model):
    """A person's signing certificate and where its key is.

    ``certificate`` and ``chain`` are DER bytes (``chain``: the issuers the PKCS#12 file
    or the token carried, a list of base64 strings). ``sealed_key`` (PKCS#12 only) is a
    Fernet token around the PKCS#8 key encrypted with the owner's password.
    ``failed_attempts``/``locked_until`` count wrong passwords or PINs in a row
    (``SARABAN_SIGNING_MAX_ATTEMPTS``).
    """

    class Kind(models.TextChoices):
        PKCS12 = "pkcs12", "ไฟล์ใบรับรอง (PKCS#12)"
        PKCS11 = "pkcs11", "โทเคน/HSM (PKCS#11)"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signing_certificates")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    label = models.CharField("ชื่อเรียก", max_length=255, blank=True)
    certificate = models.BinaryField()
    chain = models.JSONField(default=list, blank=True)
    subject_name = models.CharField("ชื่อในใบรับรอง", max_length=255)
    issuer_name = models.CharField("ผู้ออกใบรับรอง", max_length=255)
    serial = models.CharField(max_length=64)
    fingerprint = models.CharField("ลายนิ้วมือ SHA-256", max_length=64)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField("ใช้ได้ถึง")
    sealed_key = models.TextField(blank=True)
    pkcs11_module = models.CharField(max_length=255, blank=True)
    pkcs11_token = models.CharField(max_length=64, blank=True)
    pkcs11_key_label = models.CharField(max_length=64, blank=True)
    active = models.BooleanField("ใช้งาน", default=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["owner", "fingerprint"], name="certificate_once_per_owner")]

    def __str__(self) -> str:
        return f"{self.subject_name} ({self.get_kind_display()}, ถึง {self.not_after:%Y-%m-%d})"


class Signature(models.Model):
    """One signature the service made: on an incoming letter (with the endorsement it
    signs) or on an outgoing letter. It is the audit record too: who (``signer``), what
    (the file's SHA-256 before and after, the field), when (``signed_at``), with which
    certificate (``certificate`` and its ``fingerprint``/``serial`` at that time), from
    where (``client_address``, ``user_agent``, ``via`` = api/page/command).

    ``level`` is the PAdES baseline level reached (B-B, B-T, B-LTA).
    """

    class Via(models.TextChoices):
        API = "api", "API"
        PAGE = "page", "หน้าเว็บ"
        COMMAND = "command", "คำสั่ง"

    letter = models.ForeignKey("registry.Letter", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="signatures")
    outgoing = models.ForeignKey("registry.OutgoingLetter", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="signatures")
    endorsement = models.ForeignKey("routing.Endorsement", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="signatures")
    field_name = models.CharField(max_length=64)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey(SigningCertificate, on_delete=models.PROTECT, related_name="signatures")
    fingerprint = models.CharField(max_length=64)
    serial = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    level = models.CharField(max_length=8)
    reason = models.TextField(blank=True)
    sha256_before = models.CharField(max_length=64)
    sha256_after = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    via = models.CharField(max_length=16, choices=Via.choices)
    client_address = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(letter__isnull=False) ^ models.Q(outgoing__isnull=False),
                                   name="signature_on_one_letter"),
            models.UniqueConstraint(fields=["endorsement"], condition=models.Q(endorsement__isnull=False),
                                    name="endorsement_signed_once"),
        ]
