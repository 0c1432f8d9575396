"""Every write about complaints: one function per step of the complaint path.

Source: DOMAIN.md §5 and the work manual (MSDHS FY 2567), process "การจัดการข้อร้องเรียน
ร้องทุกข์" of the Inspection Division: (1) receive from the channels, (2) register and
analyse, check for duplicates, (3) propose to an executive, (4) forward to the unit
concerned — or to an outside agency when not the ministry's mission — and tell the
complainant it was received, (5) the unit investigates and reports back (15 days),
(6) check the report is complete (ask again if not), (7) summarise to the executive,
(8) tell the complainant. Corruption complaints go to the anti-corruption centre
(ศูนย์ปฏิบัติการต่อต้านการทุจริต, ``OPS-ACC``).

Who may act (see :mod:`saraban.complaints.selectors` for "working units"):

* Filing: anyone with a working role in a unit; that unit becomes the registering unit
  (a unit whose ``handles`` name complaints is preferred).
* The desk's steps (analyse, propose, forward, tell the complainant, check, summarise,
  close): people working at the registering unit.
* Reporting back: people working at the handling unit (the desk itself records the
  reply of an outside agency).

Each function: keyword-only arguments, one transaction, one audit event with no personal
data (codes, statuses, unit codes only). Errors: NotFound (no such complaint, or hidden
from the actor), NotAllowed (seen but not the actor's step), Conflict (wrong status),
InvalidInput (bad data; ``too_long`` for a text over its limit in
``saraban.core.limits``, checked before anything is written), ServiceUnavailable (no
usable personal-data key).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from saraban.complaints import crypto, selectors
from saraban.complaints.models import (
    OPEN_STATUSES,
    Category,
    Channel,
    Complaint,
    ComplaintNotice,
    ComplaintStep,
    Severity,
    Status,
)
from ocr.thai import format_thai_date
from saraban.core import limits
from saraban.core.audit import record_event
from saraban.core.errors import Conflict, InvalidInput, NotAllowed, NotFound

log = logging.getLogger(__name__)

ANTI_CORRUPTION_UNIT = "OPS-ACC"
COMPLAINANT_FIELDS = ("name", "national_id", "address", "phone", "email")
#: Each complainant field: its kind in ``saraban.core.limits`` and its Thai name.
COMPLAINANT_LIMITS = {"name": ("party", "ชื่อผู้ร้อง"), "national_id": ("national_id", "เลขประจำตัวประชาชนของผู้ร้อง"),
                      "address": ("address", "ที่อยู่ของผู้ร้อง"), "phone": ("phone", "โทรศัพท์ของผู้ร้อง"),
                      "email": ("email", "อีเมลของผู้ร้อง")}
Kind = ComplaintStep.Kind


# --------------------------------------------------------------------------- helpers


def new_tracking_code(received_at: dt.datetime | None = None) -> str:
    """``RC-<BE year>-XXXX-XXXX``: 8 Crockford-base32 characters from ``secrets`` (40 bits)."""
    year = timezone.localtime(received_at or timezone.now()).year + 543
    body = "".join(secrets.choice(selectors._CODE_ALPHABET) for _ in range(8))
    return f"RC-{year}-{body[:4]}-{body[4:]}"


def due_at_for(received_at: dt.datetime, severity: str) -> dt.datetime:
    """The deadline: ``received_at`` plus ``SARABAN_COMPLAINT_SEVERITY_HOURS[severity]``
    calendar hours (probation-office standard: low 15 days, medium 7 days, high 24 h)."""
    return received_at + dt.timedelta(hours=settings.SARABAN_COMPLAINT_SEVERITY_HOURS[severity])


def clean_province(value: str) -> str:
    """A province name in its official spelling (PyThaiNLP's list of the 77 provinces);
    "จังหวัด"/"จ." prefixes dropped, "กรุงเทพฯ"/"กทม." accepted; "" stays "".

    Raises InvalidInput for a name that is not a Thai province.
    """
    from ocr.thai import normalize
    from pythainlp.corpus import provinces

    text = normalize((value or "")[:200]).strip()  # no province name is near 200 characters
    for prefix in ("จังหวัด", "จ."):
        if text.startswith(prefix):
            text = text[len(prefix):].strip()
    if not text:
        return ""
    names = {normalize(p["name_th"]): p["name_th"] for p in provinces(details=True)}
    abbr = {normalize(p["abbr_th"]): p["name_th"] for p in provinces(details=True)}
    if text in ("กรุงเทพฯ", "กรุงเทพ", "กทม."):
        text = "กรุงเทพมหานคร"
    found = names.get(text) or abbr.get(text.rstrip("."))
    if not found:
        raise InvalidInput(f"ไม่พบจังหวัด \"{value[:64]}\" กรุณาระบุชื่อจังหวัดให้ถูกต้อง", code="unknown_province")
    return found


def clean_district(value: str) -> str:
    """A district name without the "อำเภอ"/"อ."/"เขต" prefix. Raises InvalidInput
    ``too_long`` over 128 characters (``saraban.core.limits`` ``district``)."""
    from ocr.thai import normalize

    text = limits.check_length("district", " ".join((value or "").split()), field="district", label="อำเภอ/เขต")
    text = " ".join(normalize(text).split())
    for prefix in ("อำเภอ", "อ.", "เขต"):
        if text.startswith(prefix) and len(text) > len(prefix):
            return text[len(prefix):].strip()
    return text


def _valid_thai_id(digits: str) -> bool:
    if len(digits) != 13:
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def _clean_complainant(data: dict | None) -> dict:
    data = data or {}
    unknown = set(data) - set(COMPLAINANT_FIELDS)
    if unknown:
        raise InvalidInput(f"ข้อมูลผู้ร้องมีช่องที่ไม่รู้จัก: {', '.join(sorted(unknown))}", code="unknown_field")
    out = {k: " ".join(str(data.get(k) or "").split()) for k in COMPLAINANT_FIELDS}
    for key, (kind, label) in COMPLAINANT_LIMITS.items():
        limits.check_length(kind, out[key], field=f"complainant.{key}", label=label)
    if out["national_id"]:
        out["national_id"] = crypto.normalise_national_id(out["national_id"])
        if not _valid_thai_id(out["national_id"]):
            raise InvalidInput("เลขประจำตัวประชาชนไม่ถูกต้อง (ต้องมี ๑๓ หลักและหลักตรวจสอบถูกต้อง)",
                               code="invalid_national_id")
    if out["email"]:
        try:
            validate_email(out["email"])
        except ValidationError:
            raise InvalidInput("ที่อยู่ไปรษณีย์อิเล็กทรอนิกส์ของผู้ร้องไม่ถูกต้อง", code="invalid_email") from None
    return {k: v for k, v in out.items() if v}


def _typed(value: str | None, kind: str, *, field: str, label: str) -> str:
    """What a person typed, stripped; InvalidInput ``too_long`` over the limit of ``kind``."""
    return limits.check_length(kind, (value or "").strip(), field=field, label=label)


def _choice(value: str, choices, label: str, code: str) -> str:
    if value not in choices.values:
        raise InvalidInput(f"{label}ไม่ถูกต้อง (ต้องเป็น {', '.join(choices.values)})", code=code)
    return value


def _step(complaint: Complaint, kind: str, actor, *, note: str = "", public_note: str = "", unit=None,
          at: dt.datetime | None = None) -> ComplaintStep:
    return ComplaintStep.objects.create(complaint=complaint, kind=kind, by=actor, at=at or timezone.now(),
                                        unit=unit, note_enc=crypto.encrypt(note.strip()),
                                        public_note=public_note.strip()[:500])


def _check_public_note(complaint: Complaint, text: str) -> None:
    """Refuse a public note that repeats the complainant's personal data."""
    if not text.strip():
        return
    person = crypto.decrypt(complaint.complainant_enc, as_dict=True)
    folded = crypto.normalise_name(text)
    digits = crypto.normalise_national_id(text)
    for key, value in person.items():
        if key in ("national_id", "phone"):
            hit = len(crypto.normalise_national_id(value)) >= 6 and crypto.normalise_national_id(value) in digits
        elif key == "address":
            hit = len(value) >= 8 and crypto.normalise_name(value) in folded
        else:
            hit = len(crypto.normalise_name(value)) >= 3 and crypto.normalise_name(value) in folded
        if hit:
            raise InvalidInput("ข้อความที่แสดงต่อสาธารณะมีข้อมูลส่วนบุคคลของผู้ร้อง กรุณาแก้ไข",
                               code="personal_data_in_public_note")


def _for_desk(actor, complaint_id: int, allowed: list[str], doing: str) -> Complaint:
    complaint = selectors.get_complaint(actor, complaint_id, for_update=True)
    if not selectors.is_desk(actor, complaint):
        raise NotAllowed(f"เฉพาะเจ้าหน้าที่ของ{complaint.registering_unit.name}จึง{doing}ได้", code="not_the_desk")
    _expect(complaint, allowed, doing)
    return complaint


def _expect(complaint: Complaint, allowed: list[str], doing: str) -> None:
    if complaint.status not in allowed:
        raise Conflict(f"{doing}ไม่ได้ เพราะเรื่องนี้อยู่ในสถานะ \"{Status(complaint.status).label}\"",
                       code="wrong_status", status_now=complaint.status)


def _unit_people(*units) -> list:
    """People working in ``units`` (None skipped): the same people who may open the
    complaint (:func:`selectors.scope_for`)."""
    from saraban.notifications.selectors import unit_members

    return list(unit_members([u for u in units if u is not None], roles=selectors.WORKING_ROLES))


def _notify_staff(event: str, complaint: Complaint, recipients: list, title: str) -> None:
    """Tell staff through the notifications app (inside the caller's transaction): the
    tracking code, subject-free title and the link only — no personal data."""
    from saraban.notifications.services import notify

    notify(event=event, recipients=recipients, title=title, url=f"/complaints/{complaint.pk}/",
           payload={"complaint_id": complaint.pk, "status": complaint.status})


def _event(actor, complaint: Complaint, action: str, **data) -> None:
    record_event(actor=actor, action=action, target_type="complaint", target_id=complaint.pk,
                 tracking_code=complaint.tracking_code, status=complaint.status, **data)


# --------------------------------------------------------------------------- filing


def desk_unit_of(actor):
    """The unit where ``actor`` registers complaints: a working unit whose ``handles``
    name complaints first, else their first working unit. Raises NotAllowed."""
    from saraban.routing.models import Membership

    units = [m.unit for m in Membership.objects.filter(user=actor, role__in=selectors.WORKING_ROLES)
             .select_related("unit").order_by("id")]
    if not units:
        raise NotAllowed("ท่านไม่ได้สังกัดหน่วยงานใด จึงรับเรื่องร้องเรียนไม่ได้", code="no_unit")
    for unit in units:
        if any("ร้องเรียน" in h or "ร้องทุกข์" in h for h in unit.handles or []):
            return unit
    return units[0]


def file_complaint(*, actor, channel: str, complainant: dict, subject: str, description: str, province: str,
                   district: str, category: str, severity: str, accused: str = "",
                   received_at: dt.datetime | None = None, letter_id: int | None = None) -> Complaint:
    """Register a complaint at the actor's desk and look for duplicates in every unit.

    ``complainant``: ``{name, national_id, address, phone, email}`` (all optional: an
    anonymous complaint is allowed), stored encrypted with blind indexes of the national
    ID (digits) and of name + phone. ``description`` and ``accused`` are encrypted too.
    ``province`` is checked against the list of Thai provinces; ``due_at`` is
    ``received_at`` (default now) plus the severity's hours. ``letter_id``: the
    registered letter or scan it arrived as (must be visible to the actor).
    Duplicate findings go to ``possible_duplicates`` (and the oldest to
    ``duplicate_of``). Returns the complaint with status ``registered``. Limits
    (``saraban.core.limits``): subject 500, description 20,000, accused 500,
    complainant name and address 500 each.
    """
    crypto.check_key()
    desk = desk_unit_of(actor)
    _choice(channel, Channel, "ช่องทาง", "invalid_channel")
    _choice(category, Category, "ประเภทเรื่อง", "invalid_category")
    _choice(severity, Severity, "ระดับความรุนแรง", "invalid_severity")
    subject = " ".join((subject or "").split())
    if not subject:
        raise InvalidInput("กรุณาระบุเรื่องที่ร้องเรียน", code="subject_required")
    limits.check_length("complaint_subject", subject, field="subject", label="เรื่องที่ร้องเรียน",
                        hint="กรุณาย่อ และใส่รายละเอียดในช่องรายละเอียด")
    description = _typed(description, "complaint_description", field="description", label="รายละเอียด")
    accused = limits.check_length("party", " ".join((accused or "").split()), field="accused",
                                  label="ผู้ถูกร้องเรียน")
    person = _clean_complainant(complainant)
    province, district = clean_province(province), clean_district(district)
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + dt.timedelta(minutes=5):
        raise InvalidInput("วันที่รับเรื่องต้องไม่เป็นวันในอนาคต", code="received_in_future")
    letter = None
    if letter_id:
        from saraban.registry.selectors import get_letter
        from saraban.routing.selectors import viewer_for

        letter = get_letter(viewer_for(actor), letter_id)
    indexes = {
        "national_id_index": crypto.blind_index(person.get("national_id", "")),
        "contact_index": crypto.blind_index(
            f"{crypto.normalise_name(person['name'])}|{crypto.normalise_phone(person['phone'])}")
        if person.get("name") and person.get("phone") else "",
        "accused_index": crypto.blind_index(crypto.normalise_name(accused)) if accused else "",
        "matter_terms": crypto.term_fingerprints(f"{subject}\n{description or ''}"),
    }
    with transaction.atomic():
        findings = selectors.find_duplicates(province=province, district=district, received_at=received_at,
                                             terms=indexes["matter_terms"],
                                             **{k: indexes[k] for k in ("national_id_index", "contact_index",
                                                                        "accused_index")})
        code = new_tracking_code(received_at)
        while Complaint.objects.filter(tracking_code=code).exists():
            code = new_tracking_code(received_at)
        complaint = Complaint.objects.create(
            tracking_code=code, channel=channel, subject=subject, category=category, severity=severity,
            province=province, district=district, received_at=received_at,
            due_at=due_at_for(received_at, severity), registering_unit=desk, letter=letter, created_by=actor,
            complainant_enc=crypto.encrypt(person), description_enc=crypto.encrypt((description or "").strip()),
            accused_enc=crypto.encrypt(accused), has_email=bool(person.get("email")),
            duplicate_of_id=findings[0]["complaint_id"] if findings else None, possible_duplicates=findings,
            **indexes,
        )
        _step(complaint, Kind.REGISTERED, actor, unit=desk, at=received_at)
        _event(actor, complaint, "complaint.file", channel=channel, category=category, severity=severity,
               unit=desk.code, province=province, duplicates=[f["tracking_code"] for f in findings])
    return complaint


# --------------------------------------------------------------------------- the desk's steps


def analyse(*, actor, complaint_id: int, note: str, severity: str | None = None,
            category: str | None = None) -> Complaint:
    """Record the desk's analysis (registered → analysed); the severity (the deadline is
    recomputed from ``received_at``) and category may be corrected here."""
    note = _typed(note, "complaint_note", field="note", label="ผลการวิเคราะห์")
    with transaction.atomic():
        complaint = _for_desk(actor, complaint_id, [Status.REGISTERED], "วิเคราะห์เรื่อง")
        changed = {}
        if severity and severity != complaint.severity:
            complaint.severity = _choice(severity, Severity, "ระดับความรุนแรง", "invalid_severity")
            complaint.due_at = due_at_for(complaint.received_at, severity)
            changed["severity"] = severity
        if category and category != complaint.category:
            complaint.category = _choice(category, Category, "ประเภทเรื่อง", "invalid_category")
            changed["category"] = category
        complaint.status = Status.ANALYSED
        complaint.save()
        _step(complaint, Kind.ANALYSED, actor, note=note, unit=complaint.registering_unit)
        _event(actor, complaint, "complaint.analyse", **changed)
    return complaint


def propose_to_executive(*, actor, complaint_id: int, note: str) -> Complaint:
    """Propose the complaint to an executive (registered/analysed → proposed); from
    then on the agency's executives see it (without personal data)."""
    note = _typed(note, "complaint_note", field="note", label="ข้อความเสนอผู้บริหาร")
    with transaction.atomic():
        complaint = _for_desk(actor, complaint_id, [Status.REGISTERED, Status.ANALYSED], "เสนอผู้บริหาร")
        complaint.status, complaint.proposed_at = Status.PROPOSED, timezone.now()
        complaint.save()
        _step(complaint, Kind.PROPOSED, actor, note=note, unit=complaint.registering_unit)
        _event(actor, complaint, "complaint.propose")
    return complaint


def suggested_unit_code(complaint: Complaint) -> str | None:
    """The unit the matter should go to: the anti-corruption centre for corruption, the
    anti-trafficking division for trafficking, else the best rule-based suggestion."""
    if complaint.category == Category.CORRUPTION:
        return ANTI_CORRUPTION_UNIT
    if complaint.category == Category.HUMAN_TRAFFICKING:
        return "OPS-ANTITIP"
    from saraban.routing.suggestions import suggest_units

    for s in suggest_units(subject=complaint.subject, sender=""):
        if s.code != complaint.registering_unit.code:
            return s.code
    return None


def forward(*, actor, complaint_id: int, unit_code: str | None = None, outside_agency: str | None = None,
            instruction: str, public_note: str = "") -> Complaint:
    """Send the complaint to a unit of the ministry (``unit_code``) or, when it is not
    the ministry's mission, to an outside agency (``outside_agency``, a name) — exactly one.

    A corruption complaint forwarded inside the ministry must go to the anti-corruption
    centre (``OPS-ACC`` or one of its groups); a high-severity one must be proposed to an
    executive first. May re-forward a misrouted complaint. Status → forwarded.
    """
    from saraban.routing.models import Unit

    unit_code, outside_agency = (unit_code or "").strip(), " ".join((outside_agency or "").split())
    limits.check_length("agency", outside_agency, field="outside_agency", label="หน่วยงานภายนอก")
    instruction = _typed(instruction, "complaint_instruction", field="instruction", label="คำสั่งการ")
    public_note = _typed(public_note, "public_note", field="public_note", label="ข้อความที่แสดงต่อสาธารณะ")
    if bool(unit_code) == bool(outside_agency):
        raise InvalidInput("กรุณาเลือกหน่วยงานในกระทรวง หรือระบุหน่วยงานภายนอก อย่างใดอย่างหนึ่ง",
                           code="target_required")
    with transaction.atomic():
        complaint = _for_desk(actor, complaint_id, [Status.REGISTERED, Status.ANALYSED, Status.PROPOSED,
                                                    Status.FORWARDED, Status.INVESTIGATING], "ส่งต่อเรื่อง")
        if complaint.severity == Severity.HIGH and complaint.proposed_at is None:
            raise Conflict("เรื่องรุนแรงมากต้องเสนอผู้บริหารพิจารณาก่อนส่งต่อ", code="propose_first")
        unit = None
        if unit_code:
            unit = Unit.objects.filter(code=unit_code).select_related("parent").first()
            if unit is None:
                raise InvalidInput(f"ไม่พบหน่วยงานรหัส {unit_code}", code="unknown_unit")
            if complaint.category == Category.CORRUPTION and ANTI_CORRUPTION_UNIT not in {
                    u.code for u in unit.chain_of_command()}:
                raise InvalidInput("เรื่องร้องเรียนการทุจริตต้องส่งศูนย์ปฏิบัติการต่อต้านการทุจริต (ศปท.) "
                                   "หรือหน่วยงานภายนอก เช่น สำนักงาน ป.ป.ท.", code="corruption_goes_to_acc")
        _check_public_note(complaint, public_note)
        complaint.handling_unit, complaint.outside_agency = unit, outside_agency
        complaint.status, complaint.forwarded_at = Status.FORWARDED, timezone.now()
        complaint.save()
        _step(complaint, Kind.FORWARDED, actor, note=instruction, unit=unit,
              public_note=public_note or f"ส่งเรื่องให้ {unit.name if unit else outside_agency} ดำเนินการ")
        _event(actor, complaint, "complaint.forward", unit=unit.code if unit else None,
               outside_agency=outside_agency or None)
        if unit is not None:
            _notify_staff("complaint.assigned", complaint, _unit_people(unit),
                          f"เรื่องร้องเรียนเลขที่ {complaint.pk} ส่งถึง{unit.name} กำหนดแล้วเสร็จ "
                          f"{format_thai_date(timezone.localtime(complaint.due_at).date())}")
    return complaint


def notify_complainant(*, actor, complaint_id: int, kind: str, text: str, public_note: str = "") -> ComplaintNotice:
    """Tell the complainant the complaint was received (``kind="received"``) or its
    result (``kind="result"``, after the summary; closes the complaint).

    With an e-mail address the notice is e-mailed at once (text, tracking code and the
    link to the status page, nothing about anyone else); otherwise it is recorded as
    "ต้องแจ้งทางไปรษณีย์/โทรศัพท์" for an officer (see :func:`mark_notice_sent`). A
    failed e-mail is recorded the same way. Telling "received" moves a forwarded
    complaint to "under investigation".
    """
    if kind not in ComplaintNotice.Kind.values:
        raise InvalidInput("ประเภทการแจ้งต้องเป็น received หรือ result", code="invalid_kind")
    if not (text or "").strip():
        raise InvalidInput("กรุณาระบุข้อความที่จะแจ้งผู้ร้อง", code="text_required")
    text = _typed(text, "complaint_message", field="text", label="ข้อความที่แจ้งผู้ร้อง")
    public_note = _typed(public_note, "public_note", field="public_note", label="ข้อความที่แสดงต่อสาธารณะ")
    with transaction.atomic():
        if kind == ComplaintNotice.Kind.RECEIVED:
            complaint = _for_desk(actor, complaint_id, OPEN_STATUSES, "แจ้งผู้ร้อง")
        else:
            complaint = _for_desk(actor, complaint_id, [Status.SUMMARISED], "แจ้งผลผู้ร้อง")
        _check_public_note(complaint, public_note)
        person = crypto.decrypt(complaint.complainant_enc, as_dict=True)
        email = person.get("email", "")
        notice = ComplaintNotice.objects.create(
            complaint=complaint, kind=kind, channel=ComplaintNotice.Via.EMAIL if email else ComplaintNotice.Via.POST,
            state=ComplaintNotice.State.TO_SEND, text_enc=crypto.encrypt(text.strip()), created_by=actor)
        if kind == ComplaintNotice.Kind.RECEIVED:
            _step(complaint, Kind.INFORMED_RECEIVED, actor, public_note=public_note or "แจ้งผู้ร้องว่าได้รับเรื่องแล้ว")
            if complaint.status == Status.FORWARDED:
                complaint.status = Status.INVESTIGATING
        else:
            _step(complaint, Kind.INFORMED_RESULT, actor, public_note=public_note or "แจ้งผลการดำเนินการให้ผู้ร้องทราบแล้ว")
            complaint.status, complaint.closed_at = Status.CLOSED, timezone.now()
        complaint.save()
        _event(actor, complaint, "complaint.notify", kind=kind, channel=notice.channel)
    if email:
        _send_notice_email(notice, complaint, to=email, text=text.strip())
    return notice


def _send_notice_email(notice: ComplaintNotice, complaint: Complaint, *, to: str, text: str) -> None:
    from django.urls import reverse

    link = settings.SARABAN_BASE_URL.rstrip("/") + reverse("complaints:track_code", args=[complaint.tracking_code])
    label = ComplaintNotice.Kind(notice.kind).label
    body = (f"{text}\n\nรหัสติดตามเรื่อง: {complaint.tracking_code}\n"
            f"ติดตามความคืบหน้าได้ที่ {link}\n\n{settings.SARABAN_AGENCY_NAME}")
    try:
        send_mail(f"{label} เรื่องร้องเรียนรหัส {complaint.tracking_code}", body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception as exc:  # the notice stays for an officer to send by post or phone
        log.warning("complaint notice e-mail failed (complaint %s): %s", complaint.pk, type(exc).__name__)
        ComplaintNotice.objects.filter(pk=notice.pk).update(state=ComplaintNotice.State.FAILED)
        notice.state = ComplaintNotice.State.FAILED
        return
    ComplaintNotice.objects.filter(pk=notice.pk).update(state=ComplaintNotice.State.SENT, sent_at=timezone.now())
    notice.state, notice.sent_at = ComplaintNotice.State.SENT, timezone.now()


def mark_notice_sent(*, actor, notice_id: int, channel: str) -> ComplaintNotice:
    """An officer records that a notice waiting for post/phone was sent (``channel``
    ``post`` or ``phone``)."""
    if channel not in (ComplaintNotice.Via.POST, ComplaintNotice.Via.PHONE):
        raise InvalidInput("ช่องทางต้องเป็น post หรือ phone", code="invalid_channel")
    with transaction.atomic():
        notice = ComplaintNotice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None:
            raise NotFound("ไม่พบรายการแจ้งผู้ร้อง")
        complaint = selectors.get_complaint(actor, notice.complaint_id)
        if not selectors.is_desk(actor, complaint):
            raise NotAllowed("เฉพาะเจ้าหน้าที่ของหน่วยรับเรื่องจึงบันทึกการแจ้งผู้ร้องได้", code="not_the_desk")
        if notice.state == ComplaintNotice.State.SENT:
            raise Conflict("บันทึกการแจ้งนี้ว่าส่งแล้ว", code="already_sent")
        notice.channel, notice.state, notice.sent_at = channel, ComplaintNotice.State.SENT, timezone.now()
        notice.save()
        _event(actor, complaint, "complaint.notice_sent", notice=notice.pk, channel=channel)
    return notice


def report_back(*, actor, complaint_id: int, report_text: str) -> Complaint:
    """The handling unit reports the result of its investigation (forwarded/under
    investigation → report received). For an outside agency the desk records its reply."""
    if not (report_text or "").strip():
        raise InvalidInput("กรุณาระบุผลการตรวจสอบข้อเท็จจริง", code="report_required")
    report_text = _typed(report_text, "complaint_report", field="report_text", label="ผลการตรวจสอบข้อเท็จจริง")
    with transaction.atomic():
        complaint = selectors.get_complaint(actor, complaint_id, for_update=True)
        outside = complaint.handling_unit_id is None and complaint.outside_agency
        if not (selectors.is_handler(actor, complaint) or (outside and selectors.is_desk(actor, complaint))):
            raise NotAllowed("เฉพาะหน่วยงานที่ได้รับมอบหมายจึงรายงานผลได้", code="not_the_handler")
        _expect(complaint, [Status.FORWARDED, Status.INVESTIGATING], "รายงานผล")
        complaint.status, complaint.reported_at = Status.REPORTED, timezone.now()
        complaint.save()
        _step(complaint, Kind.REPORTED, actor, note=report_text, unit=complaint.handling_unit,
              public_note="หน่วยงานรายงานผลการตรวจสอบข้อเท็จจริงแล้ว")
        _event(actor, complaint, "complaint.report", unit=complaint.handling_unit.code if complaint.handling_unit
               else None)
    return complaint


def check_report(*, actor, complaint_id: int, complete: bool, note: str) -> Complaint:
    """The desk checks the report: complete → checked; not complete → back to the
    handling unit ("asked again", under investigation)."""
    note = _typed(note, "complaint_note", field="note", label="บันทึกการตรวจสอบรายงาน")
    with transaction.atomic():
        complaint = _for_desk(actor, complaint_id, [Status.REPORTED], "ตรวจสอบรายงาน")
        if complete:
            complaint.status = Status.CHECKED
            _step(complaint, Kind.CHECKED, actor, note=note, unit=complaint.registering_unit,
                  public_note="ตรวจสอบรายงานผลครบถ้วนแล้ว")
        else:
            if not (note or "").strip():
                raise InvalidInput("กรุณาระบุประเด็นที่ขอข้อมูลเพิ่มเติม", code="note_required")
            complaint.status = Status.INVESTIGATING
            _step(complaint, Kind.ASKED_AGAIN, actor, note=note, unit=complaint.handling_unit,
                  public_note="ขอข้อมูลเพิ่มเติมจากหน่วยงานที่ตรวจสอบ")
        complaint.save()
        _event(actor, complaint, "complaint.check_report", complete=bool(complete))
    return complaint


def summarise(*, actor, complaint_id: int, summary: str) -> Complaint:
    """Summarise the result to the executive (checked → summarised)."""
    if not (summary or "").strip():
        raise InvalidInput("กรุณาระบุสรุปผล", code="summary_required")
    summary = _typed(summary, "complaint_note", field="summary", label="สรุปผล")
    with transaction.atomic():
        complaint = _for_desk(actor, complaint_id, [Status.CHECKED], "สรุปผลเสนอผู้บริหาร")
        complaint.status, complaint.summarised_at = Status.SUMMARISED, timezone.now()
        complaint.save()
        _step(complaint, Kind.SUMMARISED, actor, note=summary, unit=complaint.registering_unit,
              public_note="สรุปผลการดำเนินการเสนอผู้บริหารแล้ว")
        _event(actor, complaint, "complaint.summarise")
    return complaint


def close(*, actor, complaint_id: int, reason: str, public_note: str = "") -> Complaint:
    """End a complaint without the full path (withdrawn, a duplicate, not a complaint);
    ``reason`` is internal, ``public_note`` shown on the status page."""
    if not (reason or "").strip():
        raise InvalidInput("กรุณาระบุเหตุที่ยุติเรื่อง", code="reason_required")
    reason = _typed(reason, "complaint_instruction", field="reason", label="เหตุที่ยุติเรื่อง")
    public_note = _typed(public_note, "public_note", field="public_note", label="ข้อความที่แสดงต่อสาธารณะ")
    with transaction.atomic():
        complaint = _for_desk(actor, complaint_id, OPEN_STATUSES, "ยุติเรื่อง")
        _check_public_note(complaint, public_note)
        complaint.status, complaint.closed_at = Status.CLOSED, timezone.now()
        complaint.save()
        _step(complaint, Kind.CLOSED, actor, note=reason, unit=complaint.registering_unit,
              public_note=public_note or "ยุติเรื่อง")
        _event(actor, complaint, "complaint.close")
    return complaint


# --------------------------------------------------------------------------- deadlines


def escalate_overdue(now: dt.datetime | None = None) -> int:
    """Mark open complaints past their deadline as escalated, once each (a timeline step
    and an audit event ``complaint.escalate`` per complaint). Returns how many.

    For the worker's periodic loop: one indexed query when nothing is due.
    """
    now = now or timezone.now()
    ids = list(selectors.overdue_complaints(now).filter(escalated_at__isnull=True).values_list("pk", flat=True)[:500])
    count = 0
    for pk in ids:
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().filter(pk=pk, escalated_at__isnull=True).first()
            if complaint is None:
                continue
            complaint.escalated_at = now
            complaint.save(update_fields=["escalated_at"])
            _step(complaint, Kind.ESCALATED, None, unit=complaint.handling_unit or complaint.registering_unit, at=now)
            _event(None, complaint, "complaint.escalate", due_at=complaint.due_at.isoformat(),
                   unit=(complaint.handling_unit or complaint.registering_unit).code)
            _notify_staff("complaint.overdue", complaint,
                          _unit_people(complaint.registering_unit, complaint.handling_unit),
                          f"เรื่องร้องเรียนเลขที่ {complaint.pk} เกินกำหนดแล้ว")
            count += 1
    return count
