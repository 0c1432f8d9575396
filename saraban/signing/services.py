"""Signing actions: importing certificates, signing letters and endorsements.

Rules (DOMAIN.md §6 and §2, issue 7):

- Executives sign outgoing letters and their endorsements (เกษียน) on incoming letters.
  What is signed is the registered PDF as it stands — the stamped file with the receive
  stamp, or the sent letter's PDF — and each signature is one more incremental update,
  so earlier signatures and stamps stay valid.
- **A letter with any secrecy class is never e-signed**, whatever the interface: every
  signing action checks it first, and again under the letter's row lock.
- The signer confirms each signature with a second factor typed at that moment: the
  certificate file's password (the key is sealed with it) or the token's PIN. Wrong
  ones are counted; after ``SARABAN_SIGNING_MAX_ATTEMPTS`` in a row the certificate is
  locked for ``SARABAN_SIGNING_LOCK_MINUTES``.
- Every signature writes a :class:`~saraban.signing.models.Signature` row and an audit
  event: who, what (file hashes before and after), when, which certificate, from where.

Every function takes keyword arguments, runs in one transaction and raises the domain
errors of :mod:`saraban.core.errors` with Thai messages.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from saraban.core import limits
from saraban.core.audit import record_event
from saraban.core.classes import Role, Secrecy
from saraban.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from saraban.signing import keys, pades
from saraban.signing.models import Signature, SigningCertificate

CLASSIFIED = ("หนังสือนี้มีชั้นความลับ ({secrecy}) จึงลงนามอิเล็กทรอนิกส์ไม่ได้ "
              "ตามระเบียบ หนังสือชั้นความลับต้องลงนามด้วยมือบนกระดาษเท่านั้น")
LOCKED = ("ใบรับรองนี้ถูกระงับชั่วคราวเพราะใส่รหัสผ่านหรือ PIN ผิดหลายครั้ง "
          "ลองใหม่ได้หลัง {until} หรือแจ้งผู้ดูแลระบบ")


@dataclass(frozen=True)
class Client:
    """Where an action came from: the client's address, its user agent, and the
    interface (``api``, ``page``, ``command``)."""

    via: str
    address: str = ""
    user_agent: str = ""

    @classmethod
    def of(cls, request, via: str) -> "Client":
        """The client of a Django/DRF ``request`` (REMOTE_ADDR: the proxy in front is
        expected to set it to the real client)."""
        meta = request.META
        return cls(via=via, address=(meta.get("REMOTE_ADDR") or "")[:64],
                   user_agent=(meta.get("HTTP_USER_AGENT") or "")[:255])


def _typed(value: str | None, kind: str, *, field: str, label: str) -> str:
    """What a person typed, stripped; InvalidInput ``too_long`` over the limit of
    ``kind`` (``saraban.core.limits``)."""
    return limits.check_length(kind, (value or "").strip(), field=field, label=label)


def _refuse_classified(secrecy: str) -> None:
    """Raise NotAllowed (code ``classified_letter``) for any secrecy class (DOMAIN.md §2:
    classified letters are never e-signed)."""
    if secrecy and secrecy != Secrecy.UNCLASSIFIED:
        raise NotAllowed(CLASSIFIED.format(secrecy=Secrecy(secrecy).label), code="classified_letter")


# --------------------------------------------------------------------------- certificates


def _store(*, actor, facts: keys.CertificateFacts, kind: str, label: str, **extra) -> SigningCertificate:
    now = timezone.now()
    if facts.not_after <= now:
        raise InvalidInput("ใบรับรองนี้หมดอายุแล้ว นำเข้าไม่ได้", code="certificate_expired")
    if SigningCertificate.objects.filter(owner=actor, fingerprint=facts.fingerprint, active=True).exists():
        raise Conflict("ท่านนำเข้าใบรับรองนี้ไว้แล้ว", code="certificate_exists")
    with transaction.atomic():
        SigningCertificate.objects.filter(owner=actor, fingerprint=facts.fingerprint).delete()  # an inactive twin
        certificate = SigningCertificate.objects.create(
            owner=actor, created_by=actor, kind=kind, label=label[:255], certificate=facts.der,
            chain=[base64.b64encode(c).decode() for c in facts.chain], subject_name=facts.subject_name,
            issuer_name=facts.issuer_name, serial=facts.serial, fingerprint=facts.fingerprint,
            not_before=facts.not_before, not_after=facts.not_after, **extra)
        record_event(actor=actor, action="signing.certificate_import", target_type="signing_certificate",
                     target_id=certificate.pk, kind=kind, subject=facts.subject_name, issuer=facts.issuer_name,
                     serial=facts.serial, fingerprint=facts.fingerprint)
    return certificate


@sensitive_variables("password", "data")
def import_pkcs12(*, actor, data: bytes, password: str, label: str = "") -> SigningCertificate:
    """Import the actor's own certificate and key from a PKCS#12 file (.p12/.pfx).

    The key is stored sealed (see :mod:`saraban.signing.keys`); the password is not
    stored and is asked again at each signature. Raises InvalidInput (not PKCS#12, wrong
    password, no key, expired, a label over 255 characters — ``too_long``), Conflict
    (already imported), ServiceUnavailable (no service key outside DEBUG).
    """
    label = _typed(label, "name", field="label", label="ชื่อเรียกใบรับรอง")
    if len(data) > 1024 * 1024:
        raise InvalidInput("ไฟล์ใบรับรองใหญ่เกินไป (ไม่เกิน 1 MB)", code="pkcs12_too_large")
    facts, sealed = keys.seal_pkcs12(data, password)
    return _store(actor=actor, facts=facts, kind=SigningCertificate.Kind.PKCS12, label=label, sealed_key=sealed)


@sensitive_variables("pin")
def register_token_key(*, actor, token_label: str, key_label: str, pin: str, label: str = "") -> SigningCertificate:
    """Register the actor's key on a PKCS#11 token or HSM (module
    ``SARABAN_PKCS11_MODULE``; a person never names a library to load). The certificate
    is read from the token next to the key; the PIN is used for that and not stored.
    Raises InvalidInput / NotAllowed / ServiceUnavailable from the token; InvalidInput
    ``too_long`` for a label over its limit (token and key labels 64, the name 255)."""
    from saraban.signing import tokens

    label = _typed(label, "name", field="label", label="ชื่อเรียกใบรับรอง")
    _typed(token_label, "token_label", field="token_label", label="ชื่อโทเคน")
    _typed(key_label, "token_label", field="key_label", label="ชื่อกุญแจ")
    module = settings.SARABAN_PKCS11_MODULE
    if not token_label.strip() or not key_label.strip():
        raise InvalidInput("กรุณาระบุชื่อโทเคนและชื่อกุญแจ", code="token_fields_required")
    certificate = tokens.read_token_certificate(module=module, token_label=token_label, key_label=key_label, pin=pin)
    return _store(actor=actor, facts=keys.facts(certificate), kind=SigningCertificate.Kind.PKCS11, label=label,
                  pkcs11_module=module, pkcs11_token=token_label, pkcs11_key_label=key_label)


def deactivate_certificate(*, actor, certificate_id: int) -> SigningCertificate:
    """Stop using one of the actor's certificates (its sealed key is erased; the row
    stays for the signatures made with it). Raises NotFound."""
    with transaction.atomic():
        certificate = SigningCertificate.objects.select_for_update().filter(pk=certificate_id, owner=actor).first()
        if certificate is None:
            raise NotFound("ไม่พบใบรับรองนี้")
        certificate.active, certificate.sealed_key = False, ""
        certificate.save(update_fields=["active", "sealed_key"])
        record_event(actor=actor, action="signing.certificate_deactivate", target_type="signing_certificate",
                     target_id=certificate.pk, fingerprint=certificate.fingerprint)
    return certificate


def _usable_certificate(actor, certificate_id: int) -> SigningCertificate:
    certificate = SigningCertificate.objects.filter(pk=certificate_id, owner=actor, active=True).first()
    if certificate is None:
        raise NotFound("ไม่พบใบรับรองของท่าน กรุณาเลือกใบรับรองที่นำเข้าไว้")
    _refuse_locked(certificate)
    now = timezone.now()
    if not certificate.not_before <= now < certificate.not_after:
        raise NotAllowed("ใบรับรองนี้หมดอายุหรือยังไม่ถึงวันเริ่มใช้ ลงนามไม่ได้", code="certificate_expired")
    return certificate


@contextlib.contextmanager
def _counting_wrong_secrets(certificate: SigningCertificate, actor):
    """Run a signing transaction inside; a wrong password/PIN raised from it is counted
    after it rolled back (so the count itself is kept), then re-raised."""
    try:
        yield
    except NotAllowed as exc:
        if exc.code == "wrong_secret":
            _count_wrong_secret(certificate, actor)
        raise


def _still_unlocked(certificate: SigningCertificate) -> None:
    """Re-check the lockout on the locked certificate row inside the signing transaction,
    so that parallel requests cannot each try a password before the lock is seen."""
    row = SigningCertificate.objects.select_for_update().get(pk=certificate.pk)
    if not row.active:
        raise NotAllowed("ใบรับรองนี้เลิกใช้แล้ว", code="certificate_inactive")
    _refuse_locked(row)


def _refuse_locked(certificate: SigningCertificate) -> None:
    """Raise NotAllowed (``certificate_locked``, with the time it opens again) while the
    certificate is locked after too many wrong passwords/PINs."""
    if certificate.locked_until and certificate.locked_until > timezone.now():
        from saraban.core.templatetags.thai import thai_datetime

        raise NotAllowed(LOCKED.format(until=thai_datetime(certificate.locked_until)), code="certificate_locked")


def _count_wrong_secret(certificate: SigningCertificate, actor) -> None:
    """Count a wrong password/PIN; lock the certificate after too many in a row."""
    with transaction.atomic():
        row = SigningCertificate.objects.select_for_update().get(pk=certificate.pk)
        row.failed_attempts += 1
        if row.failed_attempts >= settings.SARABAN_SIGNING_MAX_ATTEMPTS:
            row.locked_until = timezone.now() + datetime.timedelta(minutes=settings.SARABAN_SIGNING_LOCK_MINUTES)
            row.failed_attempts = 0
        row.save(update_fields=["failed_attempts", "locked_until"])
        record_event(actor=actor, action="signing.wrong_secret", target_type="signing_certificate",
                     target_id=row.pk, locked=row.locked_until is not None)


# --------------------------------------------------------------------------- signing


def _now_text(now: datetime.datetime) -> str:
    from saraban.core.templatetags.thai import format_thai_datetime

    return format_thai_datetime(now, thai_digits=settings.SARABAN_THAI_DIGITS)


@sensitive_variables("secret")
def _sign_bytes(*, actor, certificate: SigningCertificate, secret: str, data: bytes, lines: list[str],
                side: str, page: int, reason: str) -> tuple[pades.Result, str]:
    """Sign ``data``; returns the result and the field name."""
    from saraban.signing import trust

    page_index, box = pades.place(data, lines=len(lines), page=page, side=side)
    field = pades.next_field_name(data)
    context = trust.validation_context(for_signing=True) if settings.SARABAN_SIGNING_FETCH_REVOCATION else None
    with keys.open_signer(certificate, secret) as signer:
        result = pades.sign_pdf(data, signer=signer, field_name=field,
                                appearance=pades.Appearance(tuple(lines), page_index, box), reason=reason,
                                location=settings.SARABAN_AGENCY_NAME[:120],
                                timestamp_url=settings.SARABAN_SIGNING_TSA_URL, validation_context=context)
    return result, field


def _record(*, actor, certificate, result: pades.Result, field: str, before: bytes, reason: str, client: Client,
            now, **target) -> Signature:
    if certificate.failed_attempts:
        SigningCertificate.objects.filter(pk=certificate.pk).update(failed_attempts=0)
    signature = Signature.objects.create(
        field_name=field, signer=actor, certificate=certificate, fingerprint=certificate.fingerprint,
        serial=certificate.serial, signed_at=now, level=result.level, reason=reason,
        sha256_before=hashlib.sha256(before).hexdigest(), sha256_after=hashlib.sha256(result.data).hexdigest(),
        size=len(result.data), via=client.via, client_address=client.address, user_agent=client.user_agent,
        **target)
    kind, target_obj = next((k, v) for k, v in target.items() if k in ("letter", "outgoing"))
    record_event(actor=actor, action=f"{kind}.sign", target_type=kind, target_id=target_obj.pk,
                 signature=signature.pk, field=field, level=result.level, downgraded=result.downgraded,
                 certificate=certificate.pk, subject=certificate.subject_name, serial=certificate.serial,
                 fingerprint=certificate.fingerprint, sha256_before=signature.sha256_before,
                 sha256_after=signature.sha256_after, via=client.via, address=client.address,
                 user_agent=client.user_agent, endorsement=getattr(target.get("endorsement"), "pk", None))
    return signature


@contextlib.contextmanager
def _replacing(field_file, name: str, data: bytes):
    """Write ``data`` as the new file of ``field_file`` (not saved to the row yet) for
    the block that saves the row. The previous file is deleted after commit (the new
    one holds its bytes as a prefix); the new one is deleted if the block fails, so a
    failed signature leaves neither an orphan file nor a lost version."""
    old_name = field_file.name or None
    field_file.save(name, ContentFile(data), save=False)
    new_name, storage = field_file.name, field_file.storage
    try:
        yield
    except BaseException:
        storage.delete(new_name)
        field_file.name = old_name
        raise
    transaction.on_commit(lambda: old_name and old_name != new_name and storage.delete(old_name))


def _read(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


@sensitive_variables("secret")
def sign_letter(*, actor, letter_id: int, endorsement_id: int, certificate_id: int, secret: str, reason: str = "",
                client: Client) -> Signature:
    """Sign the actor's endorsement (เกษียน) on incoming letter ``letter_id``: its text,
    the signature lines and the Buddhist-era date go into the visible signature at the
    bottom left of page 1, over the registered (stamped) PDF or its newest signed
    version, which becomes the letter's ``signed`` file.

    Raises NotFound (letter not visible, endorsement not the actor's on this letter,
    certificate not the actor's), NotAllowed (``classified_letter``, ``wrong_secret``,
    ``certificate_locked``, ``certificate_expired``), Conflict (already signed, no
    registered PDF), InvalidInput (broken PDF; a reason over 300 characters —
    ``too_long``, it is printed in the signature box), ServiceUnavailable (TSA, token).
    """
    from saraban.registry.models import Letter, LetterFile
    from saraban.registry.selectors import get_letter
    from saraban.routing.models import Endorsement
    from saraban.routing.selectors import viewer_for

    typed_reason = _typed(reason, "signing_reason", field="reason", label="เหตุผลการลงนาม")
    letter = get_letter(viewer_for(actor), letter_id)
    _refuse_classified(letter.secrecy)
    endorsement = Endorsement.objects.filter(pk=endorsement_id, letter=letter, endorsed_by=actor).first()
    if endorsement is None:
        raise NotFound("ไม่พบเกษียนของท่านในหนังสือนี้ ลงนามได้เฉพาะเกษียนที่ท่านเขียน")
    certificate = _usable_certificate(actor, certificate_id)
    reason = typed_reason or f"เกษียนหนังสือ: {endorsement.get_choice_display()}"
    text = endorsement.text.strip() or endorsement.get_choice_display()
    with _counting_wrong_secrets(certificate, actor), transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        _refuse_classified(letter.secrecy)  # re-read under the lock: marked secret meanwhile
        if Signature.objects.filter(endorsement=endorsement).exists():  # under the lock: no double submit
            raise Conflict("เกษียนนี้ลงนามอิเล็กทรอนิกส์แล้ว", code="already_signed")
        _still_unlocked(certificate)
        files = {f.role: f for f in LetterFile.objects.filter(letter=letter)}
        current = files.get(LetterFile.Role.SIGNED) or files.get(LetterFile.Role.STAMPED)
        if letter.status != Letter.Status.REGISTERED or current is None or letter.destroyed_at:
            raise Conflict("หนังสือนี้ยังไม่มีฉบับ PDF ที่ลงทะเบียนและประทับตรารับแล้ว จึงยังลงนามไม่ได้",
                           code="no_registered_pdf")
        before, now = _read(current.file), timezone.now()
        lines = pades.wrap(text) + (endorsement.signature_line or f"({actor.display_name})").splitlines() + [
            _now_text(now), *pades.wrap(f"เหตุผล: {reason}")]
        result, field = _sign_bytes(actor=actor, certificate=certificate, secret=secret, data=before, lines=lines,
                                    side="left", page=0, reason=reason)
        signed = files.get(LetterFile.Role.SIGNED) or LetterFile(
            letter=letter, role=LetterFile.Role.SIGNED, mime="application/pdf",
            original_name=f"signed-{letter.pk}.pdf", pages=current.pages)
        signed.sha256, signed.size = hashlib.sha256(result.data).hexdigest(), len(result.data)
        with _replacing(signed.file, f"signed-{letter.pk}.pdf", result.data):
            signed.save()
            return _record(actor=actor, certificate=certificate, result=result, field=field, before=before,
                           reason=reason, client=client, now=now, letter=letter, endorsement=endorsement)


#: who signs outgoing letters (DOMAIN.md §6: executives; heads of units sign in their own name)
SIGNER_ROLES = (Role.EXECUTIVE, Role.UNIT_HEAD)


def may_sign_outgoing(user, outgoing) -> bool:
    """Whether ``user`` may sign outgoing letter ``outgoing``: an executive or a unit head
    of the letter's agency (DOMAIN.md §6: executives sign outgoing letters)."""
    from saraban.routing.models import Membership

    return Membership.objects.filter(user=user, role__in=SIGNER_ROLES,
                                     unit__agency_id=outgoing.desk_unit.agency_id).exists()


def get_signable_outgoing(actor, outgoing_id: int):
    """Outgoing letter ``outgoing_id`` if ``actor`` may sign it (unclassified only) or
    keeps its register; NotFound otherwise — a classified one exists only for the keeper
    of its secret register."""
    from saraban.core.access import may_see_classified
    from saraban.registry.models import OutgoingLetter
    from saraban.registry.outgoing import get_outgoing
    from saraban.routing.selectors import viewer_for

    outgoing = OutgoingLetter.objects.select_related("desk_unit__agency", "register").filter(pk=outgoing_id).first()
    if outgoing is None:
        raise NotFound("ไม่พบหนังสือส่งนี้")
    if outgoing.secrecy != Secrecy.UNCLASSIFIED:
        # never signed, so signers have no business with it: only its book's keeper (the
        # secret registrar) reaches it, as everywhere else (DOMAIN.md §2)
        if not may_see_classified(viewer_for(actor), outgoing.secrecy):
            raise NotFound("ไม่พบหนังสือส่งนี้")
        return get_outgoing(actor, outgoing_id)
    if may_sign_outgoing(actor, outgoing):
        return outgoing
    return get_outgoing(actor, outgoing_id)


@sensitive_variables("secret")
def sign_outgoing(*, actor, outgoing_id: int, certificate_id: int, secret: str, reason: str = "",
                  client: Client) -> Signature:
    """Sign outgoing letter ``outgoing_id`` (sent, with its PDF): a visible signature with
    the signer's name, position, Buddhist-era date and reason at the bottom right of
    the last page; the result becomes the letter's ``signed_file``.

    Raises NotFound, NotAllowed (``classified_letter``, ``not_a_signer``,
    ``wrong_secret``, ``certificate_locked``, ``certificate_expired``), Conflict (not sent
    yet, already signed by the actor), InvalidInput (a reason over 300 characters:
    ``too_long``), ServiceUnavailable.
    """
    from saraban.registry.models import OutgoingLetter

    typed_reason = _typed(reason, "signing_reason", field="reason", label="เหตุผลการลงนาม")
    outgoing = get_signable_outgoing(actor, outgoing_id)
    _refuse_classified(outgoing.secrecy)
    if not may_sign_outgoing(actor, outgoing):
        raise NotAllowed("ผู้บริหารหรือหัวหน้าหน่วยงานของส่วนราชการนี้เท่านั้นลงนามหนังสือส่งได้", code="not_a_signer")
    certificate = _usable_certificate(actor, certificate_id)
    reason = typed_reason or "ลงนามหนังสือส่ง"
    with _counting_wrong_secrets(certificate, actor), transaction.atomic():
        outgoing = OutgoingLetter.objects.select_for_update().get(pk=outgoing.pk)
        _refuse_classified(outgoing.secrecy)
        _still_unlocked(certificate)
        if outgoing.status != OutgoingLetter.Status.SENT or not outgoing.file:
            raise Conflict("หนังสือนี้ยังไม่ได้ออกเลขและส่ง จึงยังไม่มีฉบับ PDF ให้ลงนาม", code="not_sent")
        if Signature.objects.filter(outgoing=outgoing, signer=actor).exists():
            raise Conflict("ท่านลงนามหนังสือนี้แล้ว", code="already_signed")
        current = outgoing.signed_file or outgoing.file
        before, now = _read(current), timezone.now()
        position = (outgoing.signer_position if outgoing.signer_name.strip() == actor.display_name else "") or \
            actor.position
        lines = [f"({actor.display_name})", *[p for p in position.splitlines() if p.strip()], _now_text(now),
                 *pades.wrap(f"เหตุผล: {reason}")]
        result, field = _sign_bytes(actor=actor, certificate=certificate, secret=secret, data=before, lines=lines,
                                    side="right", page=-1, reason=reason)
        with _replacing(outgoing.signed_file, f"signed-{outgoing.pk}.pdf", result.data):
            outgoing.save(update_fields=["signed_file"])
            return _record(actor=actor, certificate=certificate, result=result, field=field, before=before,
                           reason=reason, client=client, now=now, outgoing=outgoing)
