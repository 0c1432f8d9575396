"""Reads about the organisation: who a person is to the access policy, desks, inboxes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from saraban.core.access import ANONYMOUS, Viewer
from saraban.core.classes import Role
from saraban.core.errors import InvalidInput, NotAllowed
from saraban.routing.models import ActingAssignment, ChainStep, Delegation, Membership, Position, Route, Unit


def viewer_for(user) -> Viewer:
    """The access-policy view of ``user`` (a User, AnonymousUser or None).

    Unit ids are every unit the person holds any role in; archive reader and secret
    registrar come from their roles (DOMAIN.md §2).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    memberships = list(Membership.objects.filter(user=user).values_list("unit_id", "role", "unit__agency_id"))
    roles = {role for _, role, _ in memberships}
    return Viewer(
        user_id=user.pk,
        clearance=user.clearance,
        unit_ids=frozenset(unit_id for unit_id, _, _ in memberships),
        archive_agency_ids=frozenset(agency for _, role, agency in memberships if role == Role.ARCHIVE_READER),
        is_archive_reader=Role.ARCHIVE_READER in roles,
        is_secret_registrar=Role.SECRET_REGISTRAR in roles,
    )


def roles_of(user) -> set[str]:
    """The set of Role values ``user`` holds in any unit."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def registry_desk_of(user) -> Unit:
    """The unit whose registry ``user`` keeps as a registry clerk or secret registrar.

    Raises NotAllowed when the person is neither.
    """
    membership = (
        Membership.objects.filter(user=user, role__in=[Role.REGISTRY_CLERK, Role.SECRET_REGISTRAR])
        .select_related("unit")
        .order_by("role", "id")
        .first()
    )
    if membership is None:
        raise NotAllowed("ท่านไม่ได้เป็นเจ้าหน้าที่สารบรรณของหน่วยงานใด จึงลงทะเบียนรับหนังสือไม่ได้", code="not_a_clerk")
    return membership.unit


def inbox_routes(user, *, include_acknowledged: bool = False) -> QuerySet[Route]:
    """Hops addressed to ``user``'s units or to the person by name (proposals to them
    included) that wait for them (sent or received, not yet acknowledged), soonest due
    first (issue: "inboxes sort by what is due"), then newest.

    Classified letters appear only where the person is named and cleared (the access
    policy decides; this filters on it).
    """
    from saraban.registry.selectors import visible_letters

    viewer = viewer_for(user)
    addressed = Q(to_unit_id__in=list(viewer.unit_ids)) | Q(to_user_id=viewer.user_id)
    qs = Route.objects.filter(letter__in=visible_letters(viewer)).filter(addressed)
    if not include_acknowledged:
        qs = qs.filter(status__in=[Route.Status.SENT, Route.Status.RECEIVED])
    return (qs.select_related("letter", "to_unit", "from_unit", "to_user", "sent_by", "position")
            .order_by(F("due_at").asc(nulls_last=True), "-sent_at", "-id"))


def units_by_code(codes: list[str]) -> list[Unit]:
    """Units for ``codes``, in the given order. Raises InvalidInput naming any unknown code."""
    found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise InvalidInput(f"ไม่พบหน่วยงานรหัส {', '.join(missing)}", code="unknown_unit")
    return [found[c] for c in codes]


def chain_for(unit: Unit) -> list[Position]:
    """``unit``'s line of command, nearest post first: its own ChainStep rows, or the
    nearest ancestor's when it has none (work manual: group head → division director →
    deputy permanent secretary → permanent secretary)."""
    for level in unit.chain_of_command():
        steps = list(ChainStep.objects.filter(unit=level).select_related("position", "position__holder",
                                                                         "position__unit").order_by("order"))
        if steps:
            return [step.position for step in steps]
    return []


def active_acting(position: Position, at: datetime | None = None) -> ActingAssignment | None:
    """The person acting for ``position`` (รักษาราชการแทน) at ``at`` (now), latest order first."""
    at = at or timezone.now()
    return (ActingAssignment.objects.filter(position=position, starts_at__lte=at)
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at)).select_related("user")
            .order_by("-starts_at", "-id").first())


def active_delegation(from_position: Position, to_position: Position, choice: str,
                      at: datetime | None = None) -> Delegation | None:
    """The delegation (มอบอำนาจ) in force at ``at`` that lets ``to_position`` decide
    ``choice`` for ``from_position``; None when there is none."""
    at = at or timezone.now()
    for delegation in (Delegation.objects.filter(from_position=from_position, to_position=to_position,
                                                 starts_at__lte=at)
                       .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at)).order_by("-starts_at", "-id")):
        if choice in delegation.powers:
            return delegation
    return None


@dataclass(frozen=True)
class TimelineItem:
    """One line of a letter's timeline: ``at`` (aware), ``kind`` (registered, sent,
    proposed, received, acknowledged, returned, done, endorsed, escalated, closed),
    ``text`` in Thai, and the hop it belongs to (None for the letter itself)."""

    at: datetime
    kind: str
    text: str
    route_id: int | None = None
    overdue: bool = False


def letter_timeline(letter) -> list[TimelineItem]:
    """Everything that happened to ``letter`` (already checked visible), oldest first:
    registration, each hop sent/received (with the desk's own number)/acknowledged/
    returned/done/escalated, each endorsement with its signature line, the closing."""
    from saraban.registry.books import number_text

    items = []
    if letter.registered_at:
        items.append(TimelineItem(letter.registered_at, "registered",
                                  f"ลงทะเบียนรับ เลขรับ {letter.receive_number} ที่ {letter.desk_unit}"))
    routes = (letter.routes.select_related("from_unit", "to_unit", "to_user", "sent_by", "received_by",
                                           "acknowledged_by", "done_by", "position", "receive_entry",
                                           "receive_entry__register")
              .order_by("sent_at", "id"))
    now = timezone.now()
    for r in routes:
        source = r.from_unit or r.sent_by.display_name
        if r.kind == Route.Kind.PROPOSE:
            items.append(TimelineItem(r.sent_at, "proposed", f"{source} เสนอ {r.target_name}"
                                      + (f": {r.instruction}" if r.instruction else ""), r.pk))
        elif r.kind == Route.Kind.FORWARD_OUTSIDE:
            items.append(TimelineItem(r.sent_at, "forwarded", f"{source} ส่งต่อ {r.outside_agency}"
                                      + (f": {r.instruction}" if r.instruction else ""), r.pk))
            continue
        else:
            items.append(TimelineItem(r.sent_at, "sent", f"{source} ส่ง {r.target_name} "
                                      f"({r.get_purpose_display()})" + (f": {r.instruction}" if r.instruction else ""),
                                      r.pk))
        if r.receive_entry_id:
            entry = r.receive_entry
            items.append(TimelineItem(r.received_at, "received", f"{r.to_unit} ลงรับ เลขรับ "
                                      f"{number_text(entry.register, entry.number, entry.year)} โดย "
                                      f"{r.received_by.display_name}", r.pk))
        if r.acknowledged_at and r.status != Route.Status.ENDORSED:
            items.append(TimelineItem(r.acknowledged_at, "acknowledged",
                                      f"{r.target_name} รับทราบ โดย {r.acknowledged_by.display_name}", r.pk))
        if r.returned_at:
            items.append(TimelineItem(r.returned_at, "returned", f"{r.target_name} ส่งคืน: {r.return_reason}", r.pk))
        if r.escalated_at:
            items.append(TimelineItem(r.escalated_at, "escalated",
                                      f"เกินกำหนดของ {r.target_name} แจ้งหัวหน้าหน่วยงานแล้ว", r.pk, overdue=True))
        if r.done_at and r.kind == Route.Kind.SEND and r.purpose == Route.Purpose.ACTION:
            items.append(TimelineItem(r.done_at, "done", f"{r.target_name} ดำเนินการแล้ว: {r.action_taken}", r.pk,
                                      overdue=bool(r.due_at and r.done_at > r.due_at)))
        elif r.is_open and r.due_at and r.due_at < now and not r.escalated_at:
            items.append(TimelineItem(now, "overdue", f"{r.target_name} เกินกำหนด", r.pk, overdue=True))
    for e in letter.endorsements.select_related("endorsed_by", "recorded_by", "position").order_by("endorsed_at", "id"):
        recorded = "" if e.recorded_by_id == e.endorsed_by_id else f" (บันทึกโดย {e.recorded_by.display_name})"
        items.append(TimelineItem(e.endorsed_at, "endorsed", f"เกษียน: {e.get_choice_display()} {e.text} — "
                                  f"{e.signature_line.replace(chr(10), ' ')}{recorded}".strip(), e.route_id))
    if letter.closed_at:
        items.append(TimelineItem(letter.closed_at, "closed", f"ปิดเรื่อง: {letter.action_taken}"))
    order = {"registered": 0, "sent": 1, "proposed": 1, "forwarded": 1, "received": 2, "acknowledged": 3,
             "endorsed": 4, "returned": 4, "done": 5, "escalated": 6, "overdue": 7, "closed": 8}
    return sorted(items, key=lambda i: (i.at, order.get(i.kind, 9)))


def pending_proposals(user) -> QuerySet[Route]:
    """Proposals waiting for ``user``'s endorsement (to them by name), soonest due first."""
    from saraban.registry.selectors import visible_letters

    return (Route.objects.filter(kind=Route.Kind.PROPOSE, to_user=user,
                                 status__in=[Route.Status.SENT, Route.Status.RECEIVED],
                                 letter__in=visible_letters(viewer_for(user)))
            .select_related("letter", "position", "from_unit", "sent_by")
            .order_by(F("due_at").asc(nulls_last=True), "sent_at", "id"))
