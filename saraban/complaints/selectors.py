"""Reads of complaints, always through the complaint access rule.

Who sees what (decided here, applied by pages, the API, reports and exports):

* **Working units** of a person are the units where they hold a working role (registry
  clerk, unit staff, unit head), plus the division directly above each of their groups
  (a division's complaint is worked on by its groups, as in the work manual).
* A complaint is **visible** to people whose working units include its registering
  unit (the complaints desk) or its handling unit, and to executives (Role.EXECUTIVE)
  of the same agency once it was proposed to an executive or summarised for one.
  Everyone else gets NotFound — the same answer as a complaint that never existed.
* **Personal data** (complainant, description, accused party, notices' text) is
  decrypted only for the desk's and the handling unit's people; executives see the
  complaint, its timeline notes and the summary without it. Every decryption for a
  person is an audit event ``complaint.personal_data.view`` (no data in it).
* Duplicate findings name the other complaint's tracking code, unit and date only.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from saraban.complaints import crypto
from saraban.complaints.models import OPEN_STATUSES, Category, Complaint, ComplaintStep, Status
from saraban.core.audit import record_event
from saraban.core.classes import Role
from saraban.core.errors import NotFound

WORKING_ROLES = (Role.REGISTRY_CLERK, Role.UNIT_STAFF, Role.UNIT_HEAD)
#: Jaccard similarity of the matter's words (subject + description) from which two
#: complaints about the same place count as "the same matter". Reworded complaints about
#: one matter score about 0.5–0.8; unrelated ones below 0.15.
SAME_MATTER_THRESHOLD = 0.4
REASON_LABELS = {"same_complainant": "ผู้ร้องรายเดียวกัน", "same_matter": "เรื่องเดียวกัน"}
PUBLIC_NOT_FOUND = "ไม่พบเรื่องร้องเรียน"
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32


@dataclass(frozen=True)
class Scope:
    """A person as the complaint access rule sees them."""

    user_id: int | None
    unit_ids: frozenset[int] = frozenset()
    executive_agency_ids: frozenset[int] = frozenset()


def scope_for(user) -> Scope:
    """The :class:`Scope` of ``user`` (anonymous: sees nothing)."""
    from saraban.routing.models import Membership

    if user is None or not getattr(user, "is_authenticated", False):
        return Scope(user_id=None)
    rows = list(Membership.objects.filter(user=user).values_list(
        "unit_id", "role", "unit__kind", "unit__parent_id", "unit__parent__kind", "unit__agency_id"))
    units, executive = set(), set()
    for unit_id, role, kind, parent_id, parent_kind, agency_id in rows:
        if role in WORKING_ROLES:  # the unit itself only: its groups see a complaint once it is forwarded to them
            units.add(unit_id)
        if role == Role.EXECUTIVE:
            executive.add(agency_id)
    return Scope(user_id=user.pk, unit_ids=frozenset(units), executive_agency_ids=frozenset(executive))


def _visibility_q(scope: Scope) -> Q:
    if scope.user_id is None:
        return Q(pk__in=[])
    units = list(scope.unit_ids)
    q = Q(registering_unit_id__in=units) | Q(handling_unit_id__in=units)
    if scope.executive_agency_ids:
        q |= Q(registering_unit__agency_id__in=list(scope.executive_agency_ids)) & (
            Q(proposed_at__isnull=False) | Q(summarised_at__isnull=False))
    return q


def visible_complaints(user) -> QuerySet[Complaint]:
    """Complaints ``user`` may open, deadline first (overdue ones lead)."""
    return (Complaint.objects.filter(_visibility_q(scope_for(user)))
            .select_related("registering_unit", "handling_unit").order_by("closed_at", "due_at", "id"))


def get_complaint(user, complaint_id, *, for_update: bool = False) -> Complaint:
    """The complaint if ``user`` may open it; NotFound otherwise (also when it does not exist)."""
    qs = Complaint.objects.filter(_visibility_q(scope_for(user)))
    if for_update:
        qs = Complaint.objects.select_for_update(of=("self",)).filter(pk__in=list(qs.values_list("pk", flat=True)))
    try:
        return qs.select_related("registering_unit", "handling_unit", "created_by").get(pk=int(complaint_id))
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise NotFound("ไม่พบเรื่องร้องเรียนที่ต้องการ") from None


def is_desk(user, complaint: Complaint) -> bool:
    """Whether ``user`` works at the complaint's registering unit (the complaints desk)."""
    return complaint.registering_unit_id in scope_for(user).unit_ids


def is_handler(user, complaint: Complaint) -> bool:
    """Whether ``user`` works at the complaint's handling unit."""
    return complaint.handling_unit_id is not None and complaint.handling_unit_id in scope_for(user).unit_ids


def may_see_personal_data(user, complaint: Complaint) -> bool:
    """Desk and handling unit only (see the module's rule)."""
    units = scope_for(user).unit_ids
    return complaint.registering_unit_id in units or (
        complaint.handling_unit_id is not None and complaint.handling_unit_id in units)


@dataclass
class PersonalData:
    """The decrypted personal parts of one complaint."""

    complainant: dict
    description: str
    accused: str
    notes: dict[int, str] = field(default_factory=dict)  # step id → internal note
    notices: dict[int, str] = field(default_factory=dict)  # notice id → text


def personal_data(user, complaint: Complaint, *, via: str) -> PersonalData | None:
    """The complaint's personal data for ``user`` (None when they may not see it).

    Records ``complaint.personal_data.view`` (actor, complaint, ``via``; no data) in its
    own transaction. Raises ServiceUnavailable when the key cannot decrypt.
    """
    if not may_see_personal_data(user, complaint):
        return None
    data = PersonalData(
        complainant=crypto.decrypt(complaint.complainant_enc, as_dict=True),
        description=crypto.decrypt(complaint.description_enc),
        accused=crypto.decrypt(complaint.accused_enc),
        notes={s.pk: crypto.decrypt(s.note_enc) for s in complaint.steps.all() if s.note_enc},
        notices={n.pk: crypto.decrypt(n.text_enc) for n in complaint.notices.all()},
    )
    with transaction.atomic():
        record_event(actor=user, action="complaint.personal_data.view", target_type="complaint",
                     target_id=complaint.pk, via=via)
    return data


def step_notes(user, complaint: Complaint) -> dict[int, str]:
    """Internal step notes for someone who may see the complaint but not its personal
    data (executives): analysis, proposal, report check and summary notes."""
    shown = {ComplaintStep.Kind.ANALYSED, ComplaintStep.Kind.PROPOSED, ComplaintStep.Kind.SUMMARISED,
             ComplaintStep.Kind.CHECKED, ComplaintStep.Kind.FORWARDED}
    return {s.pk: crypto.decrypt(s.note_enc) for s in complaint.steps.all() if s.note_enc and s.kind in shown}


# --------------------------------------------------------------------------- duplicates


def find_duplicates(*, national_id_index: str, contact_index: str, accused_index: str, terms: list[str],
                    province: str, district: str, received_at: dt.datetime,
                    exclude_id: int | None = None) -> list[dict]:
    """Earlier complaints, in every unit, that this one may duplicate (DOMAIN.md §5).

    Same complainant: the same national ID, or the same name and phone (blind
    indexes). Same matter, within ``SARABAN_COMPLAINT_DUPLICATE_DAYS`` before
    ``received_at``: the same province (and district when both name one) and either the
    same accused party or a Jaccard similarity of the matter's words of at least
    :data:`SAME_MATTER_THRESHOLD`. Returns findings without personal data, oldest first:
    ``{complaint_id, tracking_code, reason, reason_label, unit, received_at, similarity}``.
    """
    since = received_at - dt.timedelta(days=settings.SARABAN_COMPLAINT_DUPLICATE_DAYS)
    base = Complaint.objects.filter(received_at__lte=received_at).select_related("registering_unit", "handling_unit")
    if exclude_id:
        base = base.exclude(pk=exclude_id)
    found: dict[int, dict] = {}
    same_person = Q(pk__in=[])
    if national_id_index:
        same_person |= Q(national_id_index=national_id_index)
    if contact_index:
        same_person |= Q(contact_index=contact_index)
    for c in base.filter(same_person):
        found[c.pk] = _finding(c, "same_complainant", None)
    if province:
        place = base.filter(province=province, received_at__gte=since)
        if district:
            place = place.filter(Q(district="") | Q(district=district))
        mine = set(terms)
        for c in place.exclude(pk__in=list(found)).only(
                "pk", "tracking_code", "received_at", "registering_unit", "handling_unit", "matter_terms",
                "accused_index"):
            if accused_index and c.accused_index == accused_index:
                found[c.pk] = _finding(c, "same_matter", None)
                continue
            theirs = set(c.matter_terms or [])
            union = mine | theirs
            similarity = len(mine & theirs) / len(union) if union else 0.0
            if similarity >= SAME_MATTER_THRESHOLD:
                found[c.pk] = _finding(c, "same_matter", similarity)
    return sorted(found.values(), key=lambda f: (f["received_at"], f["complaint_id"]))


def _finding(c: Complaint, reason: str, similarity: float | None) -> dict:
    unit = c.handling_unit or c.registering_unit
    return {"complaint_id": c.pk, "tracking_code": c.tracking_code, "reason": reason,
            "reason_label": REASON_LABELS[reason], "unit": unit.name,
            "received_at": c.received_at.isoformat(),
            "similarity": None if similarity is None else round(similarity, 2)}


# --------------------------------------------------------------------------- deadlines


def overdue_complaints(now: dt.datetime | None = None) -> QuerySet[Complaint]:
    """Open complaints whose deadline (``due_at``) has passed, the most overdue first."""
    now = now or timezone.now()
    return Complaint.objects.filter(closed_at__isnull=True, status__in=OPEN_STATUSES, due_at__lt=now).order_by(
        "due_at", "id")


# --------------------------------------------------------------------------- the public status page


def normalise_code(code: str) -> str:
    """A tracking code as typed (spaces, lower case, O for 0, I/L for 1) in canonical form."""
    text = re.sub(r"[\s\-–_]+", "", (code or "").upper())[:40]
    if not text.startswith("RC") or len(text) != 14:
        return ""
    body = text[6:].translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if not text[2:6].isdigit() or any(ch not in _CODE_ALPHABET for ch in body):
        return ""
    return f"RC-{text[2:6]}-{body[:4]}-{body[4:]}"


def public_status(code: str) -> dict:
    """What anyone holding the tracking code may see — and nothing personal.

    ``{tracking_code, category, status, status_label, received_at, due_at, closed_at,
    handling_agency, steps: [{kind, label, at, note}]}``: no complainant data, no
    description, no accused party, no staff names, the handling agency at unit level.
    Raises NotFound("ไม่พบเรื่องร้องเรียน") for an unknown code.
    """
    canonical = normalise_code(code)
    complaint = (Complaint.objects.filter(tracking_code=canonical).select_related("handling_unit").first()
                 if canonical else None)
    if complaint is None:
        raise NotFound(PUBLIC_NOT_FOUND, code="complaint_not_found")
    steps = complaint.steps.filter(kind__in=ComplaintStep.PUBLIC_KINDS).order_by("at", "id")
    return {
        "tracking_code": complaint.tracking_code,
        "category": Category(complaint.category).label,
        "status": complaint.status,
        "status_label": Status(complaint.status).label,
        "received_at": complaint.received_at,
        "due_at": complaint.due_at,
        "closed_at": complaint.closed_at,
        "handling_agency": complaint.handling_unit.name if complaint.handling_unit else complaint.outside_agency,
        "steps": [{"kind": s.kind, "label": ComplaintStep.Kind(s.kind).label, "at": s.at, "note": s.public_note}
                  for s in steps],
    }
