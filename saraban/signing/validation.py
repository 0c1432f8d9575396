"""Validation of the signatures in a PDF: who signed, when, whether the document changed
after, whether the certificate chains to a trusted root and why not, and the PAdES level.

Rules: DOMAIN.md §6 ("Anyone can validate a signed letter") and issue 7 ("Validation"):
the same answer on the public page, the API and ``manage.py signature_validate``.

How (pyHanko 0.38):

- every ``/Sig`` signature is checked with ``validate_pdf_signature`` and every document
  timestamp (``/DocTimeStamp``) with ``validate_pdf_timestamp``, both with
  :data:`saraban.registry.stamp.STAMP_DIFF_POLICY`, so that a receive stamp added after
  a signature reads "allowed annotation", not "modified";
- trust: a ``ValidationContext`` over the trusted roots (``roots``, default the setting
  ``SARABAN_SIGNING_TRUST_ROOTS``) plus the certificates, CRLs and OCSP answers of the
  document security store (DSS, ISO 32000-2 §12.8.4.3) when there is one, so that a
  B-LT/B-LTA signature is checked with the revocation data embedded at signing time;
  revocation mode ``soft-fail`` (no answer is not a failure, a "revoked" answer is),
  through :func:`saraban.signing.trust.validation_context`;
- fetching (``fetching``, default ``SARABAN_SIGNING_FETCH_REVOCATION``): a signature is
  first checked offline; only when its certificate reaches a trusted root that way is
  it checked again with CRL/OCSP fetching allowed. The URLs fetched are thus only those
  in certificates issued under a trusted root — an uploaded file cannot make the server
  fetch addresses of the uploader's choosing (its AIA "CA issuers" URLs are never
  followed). A chain that needs an intermediate certificate neither embedded in the
  signature nor in the DSS is therefore "no path to a trusted root".

PAdES level of a signature (ETSI EN 319 142-1 §6): ``B-B`` always; ``B-T`` when an
intact signature timestamp is embedded (or an intact document timestamp was added
after it); ``B-LT`` when it is B-T and the DSS holds revocation data (an OCSP answer
about the signer's certificate, or a CRL of its issuer); ``B-LTA`` when it is B-LT
and an intact document timestamp covers a revision whose DSS already held that data.
A signature with revocation data but no timestamp is B-B (ETSI: B-LT builds on B-T).

Exit code of a :class:`Report` (the command's status, also in the API's answer):

- ``0``: at least one signature, and every signature and document timestamp is intact,
  followed only by allowed changes, and trusted;
- ``1``: one is broken (digest mismatch, bad cryptographic signature, non-standard
  byte range, or changed after signing in a way the diff policy does not accept), the
  file is not a readable PDF, or it holds **no signature at all** — a file nobody
  signed is not a verified letter, and a script checking "is this letter signed and
  sound" must not take it for "signed but by an unknown CA" (``2``);
- ``2``: all intact, but one is not trusted (no path to a trusted root, revoked,
  expired, not yet valid, wrong key usage, untrusted timestamp…).

Nothing here raises for a bad upload: :func:`validate_pdf` always returns a
:class:`Report`, with ``error`` (Thai) and ``code`` set when the file could not be
checked.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import asdict, dataclass, field
from io import BytesIO

from django.conf import settings
from django.utils import timezone

from ocr.thai import to_thai_digits
from saraban.signing.pades import LEVEL_B_B, LEVEL_B_LT, LEVEL_B_LTA, LEVEL_B_T

log = logging.getLogger(__name__)

#: Largest input validate_pdf reads at all (bytes); the page, the API and the command
#: enforce the smaller SARABAN_SIGNING_VALIDATE_MAX_MB themselves.
ABSOLUTE_MAX_BYTES = 512 * 1024 * 1024
#: Most signatures plus document timestamps checked in one file.
MAX_SIGNATURES = 50


#: ``changes`` values: nothing appended after signing; only changes the diff policy
#: accepts (later signatures, timestamps, DSS, annotations such as the receive stamp);
#: anything else.
CHANGES_NONE, CHANGES_ALLOWED, CHANGES_DISALLOWED = "none", "allowed", "disallowed"

#: ``status`` values of one signature.
STATUS_OK, STATUS_BROKEN, STATUS_UNTRUSTED = "ok", "broken", "untrusted"

# ``Report.code`` values
CODE_TOO_LARGE = "pdf_too_large"
CODE_NOT_PDF = "pdf_unreadable"
CODE_ENCRYPTED = "pdf_encrypted"
CODE_SIGNATURES_UNREADABLE = "signatures_unreadable"
CODE_TOO_MANY = "too_many_signatures"
CODE_NO_SIGNATURES = "no_signatures"

MSG_EMPTY = "ไม่ได้แนบไฟล์ หรือไฟล์ว่างเปล่า กรุณาเลือกไฟล์ PDF ที่ต้องการตรวจสอบ"
MSG_NOT_PDF = ("ไฟล์นี้ไม่ใช่ PDF หรือไฟล์เสีย/ไม่ครบ จึงตรวจลายมือชื่อไม่ได้ "
               "กรุณาตรวจว่าเลือกไฟล์ถูกต้อง หรือขอไฟล์ต้นฉบับจากผู้ส่งอีกครั้ง")
MSG_TRUNCATED = ("ไฟล์ PDF นี้ไม่ครบ ส่วนท้ายของไฟล์ขาดหายไป (ไฟล์ถูกตัด เช่น ดาวน์โหลดหรือส่งต่อไม่สำเร็จ) "
                 "จึงตรวจลายมือชื่อไม่ได้ กรุณาดาวน์โหลดหรือขอไฟล์ฉบับเต็มจากผู้ส่งอีกครั้ง")
MSG_ENCRYPTED = ("ไฟล์ PDF นี้ถูกตั้งรหัสผ่านไว้ จึงตรวจลายมือชื่อไม่ได้ "
                 "กรุณาขอไฟล์ที่ไม่มีรหัสผ่านจากผู้ส่ง")
MSG_SIGNATURES_UNREADABLE = ("ไฟล์นี้มีลายมือชื่ออิเล็กทรอนิกส์ที่โครงสร้างเสีย อ่านไม่ได้ "
                             "จึงถือว่าลายมือชื่อในไฟล์นี้ใช้ยืนยันเอกสารไม่ได้")
MSG_NO_SIGNATURES = "ไม่มีลายมือชื่ออิเล็กทรอนิกส์ในไฟล์นี้"


#: Where a complete file keeps its end-of-file marker. ISO 32000-1 §7.5.5: "The last
#: line of the file shall contain only the end-of-file marker, %%EOF"; readers are
#: laxer and take it anywhere in the last 1,024 bytes (PDF Reference 1.7, Appendix H,
#: the implementation note on §3.4.4 "File Trailer"), and so does pyHanko's reader
#: (``pyhanko.pdf_utils.reader.process_data_at_eof``).
EOF_WINDOW = 1024
_EOF = b"%%EOF"
#: PDF white-space (ISO 32000-1 §7.2.2): what may follow the last ``%%EOF``.
_PDF_WHITESPACE = b"\x00\t\n\x0c\r "
#: After the last ``%%EOF``, a further revision (an incremental update) that was cut
#: off: it begins with an object header (``12 0 obj``, or just its first digits), or
#: holds one, a cross-reference table or a trailer.
_CUT_REVISION = re.compile(rb"\d|.*?(?:obj|xref|trailer)", re.DOTALL)


def is_cut_off(data: bytes) -> bool:
    """Whether ``data`` (a file that starts as a PDF) lacks its end: no ``%%EOF`` in
    its last :data:`EOF_WINDOW` bytes, or after the last one the beginning of a later
    revision that did not arrive (a cut just after an earlier revision's ``%%EOF``).

    Trailing white-space or other junk after a complete file's ``%%EOF`` is tolerated,
    as readers do. A cut exactly at the end of an earlier revision leaves a complete
    PDF (that revision) and cannot be told from one."""
    tail = data[-EOF_WINDOW:]
    end = tail.rfind(_EOF)
    if end < 0:
        return True
    rest = tail[end + len(_EOF):].strip(_PDF_WHITESPACE)
    return bool(rest) and _CUT_REVISION.match(rest) is not None


def msg_too_large(limit_bytes: int) -> str:
    """The Thai refusal of a file over ``limit_bytes``."""
    mb = to_thai_digits(f"{limit_bytes / (1024 * 1024):g}")
    return f"ไฟล์ใหญ่เกินไป ตรวจได้ไม่เกิน {mb} เมกะไบต์"


def thai_datetime(value: dt.datetime | None) -> str:
    """An aware datetime in local time (``TIME_ZONE``), Buddhist era, Thai digits:
    ``"๒๑ พฤศจิกายน ๒๕๖๙ เวลา ๑๘.๕๙.๓๕ น."``; ``""`` for None."""
    from saraban.core.templatetags.thai import format_thai_datetime

    return "" if value is None else format_thai_datetime(value, seconds=True)


# --------------------------------------------------------------------------- results


@dataclass
class _Checked:
    """What a signature and a document timestamp have in common."""

    field_name: str = ""
    intact: bool = False  #: the digest of the signed byte ranges matches
    valid: bool = False  #: the cryptographic signature is correct
    covers_whole_file: bool = False
    changed_after: bool = True
    changes: str = CHANGES_DISALLOWED  #: CHANGES_NONE | CHANGES_ALLOWED | CHANGES_DISALLOWED
    changes_text: str = ""  #: Thai: what changed after signing
    modification_level: str = ""  #: pyHanko's ModificationLevel name ("" unknown)
    trusted: bool = False
    why_not: str = ""  #: Thai: why it is not trusted (or why it is broken); "" when fine
    revoked: bool = False
    problem: str = ""  #: Thai: why the signature could not be checked at all ("" normally)

    @property
    def broken(self) -> bool:
        """Digest mismatch, a bad signature, or disallowed changes after signing."""
        return not (self.intact and self.valid) or self.changes == CHANGES_DISALLOWED or bool(self.problem)

    @property
    def status(self) -> str:
        """STATUS_BROKEN, STATUS_UNTRUSTED or STATUS_OK."""
        if self.broken:
            return STATUS_BROKEN
        return STATUS_OK if self.trusted else STATUS_UNTRUSTED

    _what = "ลายมือชื่อ"  # what it is, in the Thai texts
    _after = "หลังลงนาม"

    @property
    def status_text(self) -> str:
        return {STATUS_OK: "ถูกต้องและเชื่อถือได้",
                STATUS_BROKEN: f"{self._what}เสีย ใช้ยืนยันเอกสารฉบับนี้ไม่ได้",
                STATUS_UNTRUSTED: f"{self._what}ไม่เสีย แต่ยังเชื่อถือใบรับรองไม่ได้"}[self.status]

    def to_dict(self) -> dict:
        """JSON-able: every field (datetimes as ISO 8601) plus ``broken``, ``status``
        and ``status_text``."""
        out = {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in asdict(self).items()}
        out.update(broken=self.broken, status=self.status, status_text=self.status_text)
        return out


@dataclass
class SignatureReport(_Checked):
    """One ``/Sig`` signature. Times are aware datetimes; ``*_text`` their Thai form."""

    signer_name: str = ""  #: the certificate's common name
    signer_subject: str = ""  #: the full subject, e.g. "Common Name: …, Organization: …"
    issuer: str = ""  #: the issuer's full name
    serial: str = ""  #: the certificate's serial number, upper-case hex
    certificate_valid_from: dt.datetime | None = None
    certificate_valid_until: dt.datetime | None = None
    signing_time: dt.datetime | None = None  #: claimed by the signer (signed attributes, else /M)
    signing_time_text: str = ""
    timestamp_time: dt.datetime | None = None  #: of the signature timestamp (RFC 3161), if any
    timestamp_time_text: str = ""
    timestamp_authority: str = ""
    reason: str = ""  #: /Reason of the signature dictionary
    location: str = ""
    level: str = LEVEL_B_B  #: B-B | B-T | B-LT | B-LTA
    revocation_data_embedded: bool = False  #: the DSS holds an OCSP answer / CRL for the signer


@dataclass
class TimestampReport(_Checked):
    """One document timestamp (``/DocTimeStamp``, the "A" of B-LTA)."""

    _what = "ตราประทับเวลา"
    _after = "หลังประทับเวลา"

    time: dt.datetime | None = None
    time_text: str = ""
    authority: str = ""  #: the timestamp authority's common name


@dataclass
class Report:
    """The result of :func:`validate_pdf`: ``signatures`` and document ``timestamps``
    in signing order; ``error`` (Thai) and ``code`` when the file could not be checked
    or holds no signature (``CODE_*``), else ``""``."""

    signatures: list[SignatureReport] = field(default_factory=list)
    timestamps: list[TimestampReport] = field(default_factory=list)
    error: str = ""
    code: str = ""

    @property
    def exit_code(self) -> int:
        """0 all intact and trusted, 1 broken / unreadable / no signature, 2 intact but
        one untrusted (see the module docstring)."""
        if self.error or not self.signatures:
            return 1
        checked = [*self.signatures, *self.timestamps]
        if any(c.broken for c in checked):
            return 1
        return 0 if all(c.trusted for c in checked) else 2

    @property
    def summary(self) -> str:
        """One Thai sentence for the whole file."""
        if self.error:
            return self.error
        return {0: "ลายมือชื่อทุกรายการถูกต้อง เอกสารไม่ถูกแก้ไขหลังลงนาม และใบรับรองเชื่อถือได้",
                1: "มีลายมือชื่อที่เสีย หรือเอกสารถูกแก้ไขหลังลงนาม",
                2: "ลายมือชื่อไม่เสีย แต่มีใบรับรองที่ยังเชื่อถือไม่ได้"}[self.exit_code]

    def to_dict(self) -> dict:
        """JSON-able: ``signatures``, ``timestamps``, ``error``, ``code``, ``summary``,
        ``exit_code``."""
        return {"signatures": [s.to_dict() for s in self.signatures],
                "timestamps": [t.to_dict() for t in self.timestamps],
                "error": self.error, "code": self.code, "summary": self.summary, "exit_code": self.exit_code}


# --------------------------------------------------------------------------- validation


def validate_pdf(data: bytes, *, roots=None, fetching: bool | None = None) -> Report:
    """Check every signature and document timestamp in ``data`` (PDF bytes).

    Args:
        data: the whole file.
        roots: trusted root certificates (asn1crypto ``Certificate``); ``None``: the
            setting (:func:`saraban.signing.trust.trusted_roots`); ``[]``: none.
        fetching: fetch CRL/OCSP answers for chains that reach a trusted root;
            ``None``: ``SARABAN_SIGNING_FETCH_REVOCATION``.

    Returns:
        A :class:`Report`; never raises for a bad file (empty, over
        :data:`ABSOLUTE_MAX_BYTES`, not a PDF, cut off (:func:`is_cut_off`, the Thai
        :data:`MSG_TRUNCATED`), encrypted with a password, broken signature
        structures, more than :data:`MAX_SIGNATURES`): ``error`` and ``code`` say
        which.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not data:
        return Report(error=MSG_EMPTY, code=CODE_NOT_PDF)
    if len(data) > ABSOLUTE_MAX_BYTES:
        return Report(error=msg_too_large(ABSOLUTE_MAX_BYTES), code=CODE_TOO_LARGE)
    if b"%PDF-" not in data[:1024]:
        return Report(error=MSG_NOT_PDF, code=CODE_NOT_PDF)
    if is_cut_off(data):
        # Before pyHanko: its non-strict reader may recover an earlier, complete revision
        # of a cut file (one without the signature) and answer "no signature".
        return Report(error=MSG_TRUNCATED, code=CODE_NOT_PDF)
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        if reader.encrypted:
            from pyhanko.pdf_utils.crypt import AuthStatus

            # no user password (only an owner password restricting printing…): readable
            try:
                opened = reader.decrypt("").status != AuthStatus.FAILED
            except Exception:  # noqa: BLE001 — public-key or unknown security handlers
                opened = False
            if not opened:
                return Report(error=MSG_ENCRYPTED, code=CODE_ENCRYPTED)
        reader.root  # noqa: B018 — a file without a readable catalogue is not a PDF
    except Exception as exc:  # noqa: BLE001 — pyHanko raises many kinds on garbage
        log.info("signing: not a readable PDF (%s: %s)", type(exc).__name__, exc)
        return Report(error=MSG_NOT_PDF, code=CODE_NOT_PDF)
    try:
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001
        log.info("signing: signatures not readable (%s: %s)", type(exc).__name__, exc)
        return Report(error=MSG_SIGNATURES_UNREADABLE, code=CODE_SIGNATURES_UNREADABLE)
    if len(embedded) > MAX_SIGNATURES:
        return Report(error=f"ไฟล์นี้มีลายมือชื่อและตราประทับเวลามากเกินกว่าที่ระบบตรวจได้ "
                            f"(เกิน {to_thai_digits(str(MAX_SIGNATURES))} รายการ)", code=CODE_TOO_MANY)
    regular = [e for e in embedded if e.sig_object_type == "/Sig"]
    doc_timestamps = [e for e in embedded if e.sig_object_type == "/DocTimeStamp"]
    trust = _Trust(roots, fetching)
    timestamps = [_check_timestamp(e, embedded, reader, trust) for e in doc_timestamps]
    if not regular:
        return Report(timestamps=timestamps, error=MSG_NO_SIGNATURES, code=CODE_NO_SIGNATURES)
    signatures = [_check_signature(e, embedded, reader, trust, list(zip(doc_timestamps, timestamps)))
                  for e in regular]
    return Report(signatures=signatures, timestamps=timestamps)


class _Trust:
    """Builds validation contexts: the roots, the DSS of the file (read once) and the
    fetching rule (see the module docstring)."""

    def __init__(self, roots, fetching):
        from saraban.signing import trust

        self.roots = trust.trusted_roots() if roots is None else list(roots)
        self.fetching = settings.SARABAN_SIGNING_FETCH_REVOCATION if fetching is None else fetching
        self._dss: dict[int, object] = {}

    def dss(self, reader):
        """The DSS of ``reader`` (a reader or a historical resolver), or None."""
        from pyhanko.sign.validation.dss import DocumentSecurityStore
        from pyhanko.sign.validation.errors import NoDSSFoundError

        key = id(reader)
        if key not in self._dss:
            try:
                self._dss[key] = DocumentSecurityStore.read_dss(reader)
            except NoDSSFoundError:
                self._dss[key] = None
            except Exception as exc:  # noqa: BLE001 — a broken DSS is as good as none
                log.info("signing: DSS not readable (%s: %s)", type(exc).__name__, exc)
                self._dss[key] = None
        return self._dss[key]

    def context(self, reader, *, fetching: bool):
        from saraban.signing import trust

        return trust.validation_context(fetching=fetching, roots=self.roots, dss=self.dss(reader))


def _validate_twice(validate, embedded_sig, reader, trust: _Trust):
    """``validate(embedded_sig, context, skip_diff)`` offline; again with fetching when
    allowed and the offline check found a path to a trusted root for the signer and for
    the timestamp authority of its signature timestamp, if any (the same context checks
    both). Returns the last status and the offline one (whose difference analysis is
    kept)."""
    offline = validate(embedded_sig, trust.context(reader, fetching=False), False)
    ts = getattr(offline, "timestamp_validity", None)
    if not (trust.fetching and offline.intact and offline.valid and offline.validation_path is not None
            and (ts is None or ts.validation_path is not None)):
        return offline, offline
    try:
        online = validate(embedded_sig, trust.context(reader, fetching=True), True)
    except Exception as exc:  # noqa: BLE001 — network trouble: keep the offline answer
        log.warning("signing: online revocation check failed (%s: %s)", type(exc).__name__, exc)
        return offline, offline
    return online, offline


def _validate_signature(embedded_sig, context, skip_diff):
    from pyhanko.sign.validation import validate_pdf_signature

    from saraban.registry.stamp import STAMP_DIFF_POLICY

    return validate_pdf_signature(embedded_sig, signer_validation_context=context, diff_policy=STAMP_DIFF_POLICY,
                                  skip_diff=skip_diff)


def _validate_timestamp(embedded_sig, context, skip_diff):
    from pyhanko.sign.validation import validate_pdf_timestamp

    from saraban.registry.stamp import STAMP_DIFF_POLICY

    return validate_pdf_timestamp(embedded_sig, validation_context=context, diff_policy=STAMP_DIFF_POLICY,
                                  skip_diff=skip_diff)


def _check(report: _Checked, validate, embedded_sig, embedded, reader, trust: _Trust, *, problem: str):
    """What signatures and document timestamps share: validate (:func:`_validate_twice`)
    and fill ``changes*``, ``intact``, ``valid`` and ``revoked``; returns pyHanko's
    status, or None after setting ``problem`` (Thai) when it could not be checked at
    all — a malformed signature is broken, not a crash."""
    try:
        status, offline = _validate_twice(validate, embedded_sig, reader, trust)
    except Exception as exc:  # noqa: BLE001
        log.info("signing: %s not checkable (%s: %s)", report.field_name, type(exc).__name__, exc)
        report.problem = report.why_not = problem
        report.changes_text = "ตรวจไม่ได้"
        return None
    _describe_changes(report, offline, embedded_sig, embedded, has_dss=trust.dss(reader) is not None)
    report.intact, report.valid = bool(status.intact), bool(status.valid)
    report.revoked = bool(status.revoked)
    return status


def _check_signature(embedded_sig, embedded, reader, trust: _Trust, doc_timestamps) -> SignatureReport:
    report = SignatureReport(field_name=str(embedded_sig.field_name or ""))
    sig_object = embedded_sig.sig_object
    report.reason = str(sig_object.get("/Reason") or "")
    report.location = str(sig_object.get("/Location") or "")
    try:
        _describe_certificate(report, embedded_sig.signer_cert)
    except Exception as exc:  # noqa: BLE001
        log.info("signing: signer certificate not readable (%s)", exc)
    status = _check(report, _validate_signature, embedded_sig, embedded, reader, trust,
                    problem="ตรวจลายมือชื่อนี้ไม่ได้ เพราะโครงสร้างข้อมูลลายมือชื่อเสีย")
    if status is None:
        return report
    report.signing_time = status.signer_reported_dt
    report.signing_time_text = thai_datetime(report.signing_time)
    ts = status.timestamp_validity
    if ts is not None:
        report.timestamp_time = ts.timestamp
        report.timestamp_time_text = thai_datetime(ts.timestamp)
        report.timestamp_authority = _common_name(ts.signing_cert)
    report.trusted = bool(status.trusted) and (ts is None or bool(ts.trusted))
    report.why_not = _why_not_signature(report, status)
    report.revocation_data_embedded = _revinfo_for(status.signing_cert, trust.dss(reader))
    report.level = _level(embedded_sig, status, reader, trust, doc_timestamps)
    return report


def _check_timestamp(embedded_sig, embedded, reader, trust: _Trust) -> TimestampReport:
    report = TimestampReport(field_name=str(embedded_sig.field_name or ""))
    status = _check(report, _validate_timestamp, embedded_sig, embedded, reader, trust,
                    problem="ตรวจตราประทับเวลานี้ไม่ได้ เพราะโครงสร้างข้อมูลเสีย")
    if status is None:
        return report
    report.time = status.timestamp
    report.time_text = thai_datetime(status.timestamp)
    report.authority = _common_name(status.signing_cert)
    report.trusted = bool(status.trusted)
    if not (report.intact and report.valid):
        report.why_not = "ตราประทับเวลาเสีย: ข้อมูลที่ประทับเวลาไว้ถูกแก้ไข หรือลายมือชื่อของตราประทับเวลาไม่ถูกต้อง"
    elif not report.trusted:
        report.why_not = "หน่วยประทับเวลา: " + _why_not_certificate(status, status.signing_cert)
    return report


# --------------------------------------------------------------------------- describing


def _common_name(certificate) -> str:
    try:
        return str(certificate.subject.native.get("common_name") or certificate.subject.human_friendly)
    except Exception:  # noqa: BLE001
        return ""


def _describe_certificate(report: SignatureReport, certificate) -> None:
    report.signer_name = _common_name(certificate)
    report.signer_subject = certificate.subject.human_friendly
    report.issuer = certificate.issuer.human_friendly
    report.serial = format(certificate.serial_number, "X")
    validity = certificate["tbs_certificate"]["validity"]
    report.certificate_valid_from = validity["not_before"].native
    report.certificate_valid_until = validity["not_after"].native


def _describe_changes(report: _Checked, status, embedded_sig, embedded, *, has_dss: bool) -> None:
    """Fill ``covers_whole_file``, ``changed_after``, ``changes``, ``changes_text`` and
    ``modification_level`` from pyHanko's coverage and difference analysis
    (``has_dss``: the file has a document security store)."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    coverage, level = status.coverage, status.modification_level
    report.modification_level = level.name if level is not None else ""
    report.covers_whole_file = coverage == SignatureCoverageLevel.ENTIRE_FILE
    report.changed_after = not report.covers_whole_file
    if report.covers_whole_file:
        report.changes = CHANGES_NONE
        report.changes_text = f"ไม่มีการเปลี่ยนแปลงเอกสาร{report._after} ({report._what}ครอบคลุมทั้งไฟล์)"
        return
    if coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        report.changes = CHANGES_DISALLOWED
        report.changes_text = (f"{report._what}ไม่ได้ครอบคลุมเอกสารทั้งฉบับ (ช่วงข้อมูลที่ลงนามผิดรูปแบบ) "
                               "จึงยืนยันเนื้อหาเอกสารไม่ได้")
        return
    if level is None or level >= ModificationLevel.OTHER or status.docmdp_ok is False:
        report.changes = CHANGES_DISALLOWED
        report.changes_text = (f"{report._after} เอกสารถูกแก้ไขในส่วนที่ไม่อนุญาต (เช่น เนื้อหาหรือหน้าเอกสาร) "
                               f"{report._what}นี้จึงยืนยันได้เฉพาะฉบับก่อนแก้ไข ไม่ใช่ฉบับปัจจุบัน")
        return
    later = [e for e in embedded if e.signed_revision > embedded_sig.signed_revision]
    signatures = sum(1 for e in later if e.sig_object_type == "/Sig")
    stamps = sum(1 for e in later if e.sig_object_type == "/DocTimeStamp")
    parts = []
    if signatures:
        parts.append(f"มีผู้ลงนามเพิ่มอีก {to_thai_digits(str(signatures))} ราย")
    if level >= ModificationLevel.ANNOTATIONS:
        parts.append("เพิ่มตราหรือหมายเหตุบนหน้าเอกสาร (เช่น ตรารับหนังสือ)")
    elif level == ModificationLevel.FORM_FILLING and not signatures:
        parts.append("กรอกข้อมูลในช่องของแบบฟอร์ม")
    if stamps:
        parts.append("ประทับเวลาเอกสาร")
    if not parts or (level == ModificationLevel.LTA_UPDATES and has_dss):
        parts.append("เพิ่มข้อมูลสำหรับตรวจสอบลายมือชื่อระยะยาว (ใบรับรองและสถานะการเพิกถอน)")
    report.changes = CHANGES_ALLOWED
    report.changes_text = f"{report._after}มีเฉพาะการเปลี่ยนแปลงที่อนุญาต: " + ", ".join(parts)


def _why_not_signature(report: SignatureReport, status) -> str:
    if not report.intact:
        return ("ข้อมูลเอกสารที่ลงนามไว้ถูกแก้ไข (ค่าแฮชไม่ตรงกับที่ลงนาม) "
                "ลายมือชื่อนี้ใช้ยืนยันเอกสารฉบับนี้ไม่ได้")
    if not report.valid:
        return "ลายมือชื่อไม่ถูกต้องตามหลักการเข้ารหัส (ไม่ได้ลงนามด้วยกุญแจของใบรับรองนี้)"
    if report.changes == CHANGES_DISALLOWED:
        return report.changes_text
    ts = status.timestamp_validity
    if not status.trusted:
        proven = ts.timestamp if ts is not None and ts.intact and ts.valid and ts.trusted else None
        return _why_not_certificate(status, status.signing_cert, timestamped=proven)
    if ts is not None and not ts.trusted:
        if not (ts.intact and ts.valid):
            return "ตราประทับเวลาของลายมือชื่อเสีย จึงยืนยันเวลาที่ลงนามไม่ได้"
        return "ตราประทับเวลาของลายมือชื่อ: " + _why_not_certificate(ts, ts.signing_cert)
    return ""


def _why_not_certificate(status, certificate, *, timestamped: dt.datetime | None = None) -> str:
    """Thai reason for a certificate that is not trusted, from pyHanko's AdES
    sub-indication (ETSI EN 319 102-1 §5.1.3) and the certificate's dates;
    ``timestamped``: the time a trusted signature timestamp proves, if any.

    An expired certificate is judged at the time of validation, also when a timestamp
    shows the signature was made before it expired: checking the certificate as it was
    then (ETSI EN 319 102-1 §5.6.2, "validation with time", past revocation data) is
    not done here, and the reason says so."""
    from pyhanko.sign.ades.report import AdESIndeterminate as Ind

    indic = status.trust_problem_indic
    moment = status.validation_time or timezone.now()
    validity = certificate["tbs_certificate"]["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    if indic in (Ind.REVOKED_NO_POE, Ind.REVOKED_CA_NO_POE) or status.revoked:
        details = status.revocation_details
        when = f" เมื่อ {thai_datetime(details.revocation_date)}" if details and details.revocation_date else ""
        if details is not None and details.ca_revoked:
            return f"ใบรับรองของผู้ออกใบรับรองในสายใบรับรองถูกเพิกถอนแล้ว{when}"
        return f"ใบรับรองถูกเพิกถอนแล้ว{when} (ผู้ออกใบรับรองแจ้งว่าใช้ไม่ได้)"
    if indic == Ind.NO_CERTIFICATE_CHAIN_FOUND:
        return ("ไม่พบเส้นทางจากใบรับรองไปยังใบรับรองหลัก (root) ที่ระบบเชื่อถือ "
                "— ออกโดยผู้ออกใบรับรองที่ระบบไม่รู้จัก หรือไม่ได้แนบใบรับรองของผู้ออกใบรับรองมาด้วย")
    if moment < not_before or indic == Ind.NOT_YET_VALID:
        return f"ใบรับรองยังไม่ถึงวันเริ่มใช้ (เริ่มใช้ {thai_datetime(not_before)})"
    if indic in (Ind.OUT_OF_BOUNDS_NO_POE, Ind.OUT_OF_BOUNDS_NOT_REVOKED, Ind.EXPIRED) or moment > not_after:
        if timestamped is not None and timestamped <= not_after:
            return (f"ใบรับรองหมดอายุแล้ว (เมื่อ {thai_datetime(not_after)}) ตราประทับเวลายืนยันว่าลงนามเมื่อ "
                    f"{thai_datetime(timestamped)} ก่อนหมดอายุ แต่ระบบตรวจย้อนหลังไม่ได้ว่าใบรับรองใช้ได้ ณ เวลานั้น")
        return (f"ใบรับรองหมดอายุแล้ว (เมื่อ {thai_datetime(not_after)}) "
                "และไม่มีตราประทับเวลาที่ยืนยันได้ว่าลงนามก่อนหมดอายุ")
    if indic == Ind.CHAIN_CONSTRAINTS_FAILURE:
        return ("ใบรับรองไม่ได้ออกให้ใช้ลงลายมือชื่อรับรองเอกสาร (การใช้งานกุญแจ key usage ไม่ถูกต้อง) "
                "หรือสายใบรับรองผิดเงื่อนไข")
    if indic in (Ind.CRYPTO_CONSTRAINTS_FAILURE, Ind.CRYPTO_CONSTRAINTS_FAILURE_NO_POE):
        return "ลายมือชื่อหรือใบรับรองใช้อัลกอริทึมที่ไม่ปลอดภัยแล้ว"
    if indic in (Ind.TRY_LATER, Ind.REVOCATION_OUT_OF_BOUNDS_NO_POE):
        return "ข้อมูลสถานะการเพิกถอนใบรับรองไม่เป็นปัจจุบัน กรุณาตรวจสอบใหม่ภายหลัง"
    if status.validation_path is None:
        return "ไม่พบเส้นทางจากใบรับรองไปยังใบรับรองหลัก (root) ที่ระบบเชื่อถือ"
    name = getattr(indic, "name", "")
    return "ตรวจสอบสายใบรับรองไม่ผ่าน" + (f" ({name})" if name else "")


# --------------------------------------------------------------------------- PAdES level


def _revinfo_for(certificate, dss) -> bool:
    """Whether ``dss`` holds an OCSP answer about ``certificate`` or a CRL of its issuer."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.pdf_utils.decode_limits import DecodePurpose

    if dss is None:
        return False
    try:
        for ref in dss.ocsps:
            answer = asn1_ocsp.OCSPResponse.load(ref.get_object().read_data(DecodePurpose.OCSP_RESPONSE))
            if answer["response_status"].native != "successful":
                continue
            for single in answer.basic_ocsp_response["tbs_response_data"]["responses"]:
                if single["cert_id"]["serial_number"].native == certificate.serial_number:
                    return True
        for ref in dss.crls:
            crl = asn1_crl.CertificateList.load(ref.get_object().read_data(DecodePurpose.CRL))
            if crl.issuer == certificate.issuer:
                return True
    except Exception as exc:  # noqa: BLE001
        log.info("signing: DSS revocation data not readable (%s)", exc)
    return False


def _level(embedded_sig, status, reader, trust: _Trust, doc_timestamps) -> str:
    """The PAdES baseline level reached (see the module docstring)."""
    ts = status.timestamp_validity
    later = [(e, r) for e, r in doc_timestamps
             if e.signed_revision > embedded_sig.signed_revision and r.intact and r.valid]
    if not ((ts is not None and ts.intact and ts.valid) or later):
        return LEVEL_B_B
    certificate = status.signing_cert
    if not _revinfo_for(certificate, trust.dss(reader)):
        return LEVEL_B_T
    for e, _ in later:
        try:
            covered = reader.get_historical_resolver(e.signed_revision)
        except Exception as exc:  # noqa: BLE001
            log.info("signing: revision %s not readable (%s)", e.signed_revision, exc)
            continue
        if _revinfo_for(certificate, trust.dss(covered)):
            return LEVEL_B_LTA
    return LEVEL_B_LT
