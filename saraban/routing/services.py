"""Every write of routing (DOMAIN.md §4): sending a letter on, receiving it at a desk
with the desk's own number, acknowledging, returning, forwarding outside, closing with
the action taken, proposing up the line of command and endorsing; loading the
organisation. One function per action, one transaction, one audit event; people are
told through ``saraban.notifications`` in the same transaction (delivered after)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from saraban.core import limits
from saraban.core.audit import record_event
from saraban.core.classes import Role
from saraban.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from saraban.notifications.selectors import unit_members
from saraban.registry.models import Letter, RegisterEntry
from saraban.registry.services import keeps_registry
from saraban.routing.models import (ActingAssignment, Agency, ChainStep, Delegation, Endorsement, Membership, Position,
                                    Route, Unit)
from saraban.routing.selectors import (active_acting, active_delegation, chain_for, units_by_code, viewer_for)
from saraban.search.services import enqueue_index

ORGANISATION_FILE = Path(__file__).resolve().parent / "data" / "organisation.json"
#: The longest text routing writes into a book's การปฏิบัติ column when it builds one
#: itself (what people type is refused over its limit instead: ``saraban.core.limits``).
REASON_LIMIT = 2000
#: Roles that act on a unit's letters (an archive reader or administrator membership does not).
WORKING_ROLES = (Role.REGISTRY_CLERK, Role.UNIT_STAFF, Role.UNIT_HEAD, Role.EXECUTIVE, Role.SECRET_REGISTRAR)


def _one_line(text: str | None, kind: str, *, field: str, label: str) -> str:
    """What a person typed, on one line with single spaces; None → "". Raises
    InvalidInput ``too_long`` when it is longer than the limit of ``kind``
    (``saraban.core.limits``)."""
    return limits.check_length(kind, " ".join((text or "").split()), field=field, label=label)


def _typed(text: str | None, kind: str, *, field: str, label: str) -> str:
    """What a person typed, stripped (line breaks kept); None → "". Raises InvalidInput
    ``too_long`` when it is longer than the limit of ``kind`` (``saraban.core.limits``)."""
    return limits.check_length(kind, (text or "").strip(), field=field, label=label)


def _notify(event: str, recipients, *, letter: Letter, title: str, body: str = "") -> None:
    """Tell people about a hop (web, e-mail, webhook per their preferences); never the
    subject of a classified letter outside the pages (the notifications app's rule)."""
    from django.urls import reverse

    from saraban.notifications.services import notify

    people = [p for p in recipients if p is not None]
    if people:
        notify(event=event, recipients=people, title=title, body=body, letter=letter,
               url=reverse("registry:letter", kwargs={"letter_id": letter.pk}))


def _label(letter: Letter) -> str:
    number = f"เลขรับ {letter.receive_number}" if letter.receive_number else f"#{letter.pk}"
    return number if letter.is_classified else f"{number} เรื่อง {letter.subject[:120]}"


def _due(letter: Letter, sent_at):
    """A hop's deadline: its own from when it is sent, never later than the letter's
    from when it was received (DOMAIN.md §3: the time received starts the deadlines)."""
    from saraban.routing.deadlines import letter_due_at, route_due_at

    return min(route_due_at(urgency=letter.urgency, sent_at=sent_at, explicit_due=letter.due_at),
               letter_due_at(letter))


def _locked_letter(actor, letter_id: int) -> Letter:
    from saraban.registry.selectors import get_letter

    letter = get_letter(viewer_for(actor), letter_id)
    if letter.status != Letter.Status.REGISTERED:
        raise Conflict("ต้องยืนยันลงทะเบียนรับก่อนจึงจะส่งต่อหนังสือได้", code="not_registered")
    return letter


def _addressed_to(actor, held) -> Q:
    return Q(to_unit_id__in=list(held)) | Q(to_user_id=actor.pk)


def _held_route(actor, letter: Letter, held: set[int]) -> Route | None:
    """The open hop through which ``actor`` holds the letter (their unit's or their own), latest first."""
    return (letter.routes.filter(status__in=Route.OPEN, kind__in=[Route.Kind.SEND, Route.Kind.PROPOSE])
            .filter(_addressed_to(actor, held)).order_by("-sent_at", "-id").first())


def _sender_unit(actor, letter: Letter) -> tuple[Unit | None, Route | None]:
    """Where ``actor`` sends from: the registering desk they keep, or the open hop they
    hold (a hop returned, done or only acknowledged for information is no longer held).

    Raises NotAllowed when they hold neither (DOMAIN.md §4: only the desk and the
    receivers pass a letter on)."""
    held = set(viewer_for(actor).unit_ids)
    parent = _held_route(actor, letter, held)
    if letter.desk_unit_id in held:
        return letter.desk_unit, parent
    if parent is not None:
        return (parent.to_unit or _own_unit(actor)), parent
    raise NotAllowed("ท่านไม่ได้เป็นผู้รับหรือผู้ลงทะเบียนหนังสือนี้ จึงส่งต่อไม่ได้", code="not_on_route")


def _own_unit(actor) -> Unit | None:
    membership = (Membership.objects.filter(user=actor, role__in=WORKING_ROLES).select_related("unit")
                  .order_by("id").first())
    return membership.unit if membership else None


def route_letter(*, actor, letter_id: int, unit_codes: list[str] = (), user_ids: list[int] = (),
                 instruction: str = "", purpose: str = Route.Purpose.ACTION) -> list[Route]:
    """Send a registered letter to one or more units (and/or people by name).

    Each receiving unit gets its own hop and receives and acknowledges separately
    (circulation, เวียน: ``purpose="information"``; DOMAIN.md §4). The sender must see
    the letter and either keep the registering desk or hold an open hop of it (passing
    it on: the new hops hang under theirs, which counts as acted on). A classified
    letter goes only to people by name whose clearance covers its class (DOMAIN.md §2).
    Each hop's deadline comes from the letter's urgency in working days, or its
    ด่วนภายใน time when earlier (:mod:`saraban.routing.deadlines`).

    Raises NotFound (letter hidden or missing), InvalidInput (no target, unknown unit,
    classified letter to a unit, person not cleared, unknown purpose, an instruction
    over 2,000 characters — ``too_long``, ``saraban.core.limits``), Conflict (still
    a draft), NotAllowed (the actor holds neither the desk nor a hop of the letter).
    """
    instruction = _typed(instruction, "instruction", field="instruction", label="คำสั่งการ")
    if not unit_codes and not user_ids:
        raise InvalidInput("กรุณาเลือกหน่วยงานหรือบุคคลที่จะส่งหนังสือถึง", code="no_route_target")
    if purpose not in Route.Purpose.values:
        raise InvalidInput("วัตถุประสงค์การส่งไม่ถูกต้อง (ดำเนินการ หรือ เพื่อทราบ)", code="invalid_purpose")
    with transaction.atomic():
        letter = _locked_letter(actor, letter_id)
        from_unit, parent = _sender_unit(actor, letter)
        units, people = units_by_code(list(dict.fromkeys(unit_codes))), _people(user_ids)
        _check_targets(letter, units, people)
        now = timezone.now()
        routes = _send_hops(letter, actor=actor, from_unit=from_unit, parent=parent, units=units, people=people,
                            instruction=instruction, purpose=purpose, now=now,
                            body=f"จาก {from_unit or actor.display_name}"
                            + (f" — {instruction}" if instruction else ""))
        if parent is not None and parent.kind == Route.Kind.SEND and parent.status in (Route.Status.SENT,
                                                                                       Route.Status.RECEIVED):
            _mark_acknowledged(parent, actor, now)
        record_event(actor=actor, action="letter.route", target_type="letter", target_id=letter.pk,
                     to_units=[u.code for u in units], to_users=[p.username for p in people], purpose=purpose,
                     instruction=instruction, routes=[r.pk for r in routes],
                     parent=parent.pk if parent else None)
        enqueue_index(letter.pk)
    return routes


def _people(user_ids) -> list:
    """The people ``user_ids`` names. Raises InvalidInput when any is unknown."""
    from saraban.core.models import User

    people = list(User.objects.filter(pk__in=list(user_ids)))
    if len(people) != len(set(user_ids)):
        raise InvalidInput("ไม่พบบุคคลที่ระบุบางราย", code="unknown_user")
    return people


def _check_targets(letter: Letter, units, people) -> None:
    """A classified letter goes to no whole unit, and only to people whose clearance
    covers its class (DOMAIN.md §2). Raises InvalidInput."""
    from saraban.core.access import may_see_classified

    if not letter.is_classified:
        return
    if units:
        raise InvalidInput("หนังสือลับต้องส่งถึงตัวบุคคลที่มีสิทธิเข้าถึงเท่านั้น ไม่ส่งทั้งหน่วยงาน",
                           code="classified_to_unit")
    for person in people:
        if not may_see_classified(viewer_for(person), letter.secrecy):
            raise InvalidInput(f"{person.display_name} ไม่มีสิทธิเข้าถึงหนังสือชั้น {letter.get_secrecy_display()}",
                               code="not_cleared")


def _send_hops(letter: Letter, *, actor, from_unit, parent, units, people, instruction: str, purpose: str, now,
               body: str) -> list[Route]:
    """One hop per unit and per person, due by :func:`_due`; each unit's people (or the
    person) told with ``body``."""
    common = dict(letter=letter, from_unit=from_unit, parent=parent, sent_by=actor, purpose=purpose,
                  instruction=instruction, due_at=_due(letter, now))
    hops = ([Route.objects.create(to_unit=unit, **common) for unit in units]
            + [Route.objects.create(to_user=person, **common) for person in people])
    for hop in hops:
        _notify("route.received", [hop.to_user] if hop.to_user_id else unit_members([hop.to_unit_id]), letter=letter,
                title=f"หนังสือ{hop.get_purpose_display()}: {_label(letter)}", body=body)
    return hops


def _mark_acknowledged(route: Route, actor, now) -> None:
    """Acknowledge ``route``; a hop for information (เพื่อทราบ) is then done: there is
    nothing more to do on it."""
    route.received_at = route.received_at or now
    route.received_by = route.received_by or actor
    route.status, route.acknowledged_at, route.acknowledged_by = Route.Status.ACKNOWLEDGED, now, actor
    if route.purpose == Route.Purpose.INFORMATION:
        route.status, route.done_at, route.done_by, route.action_taken = Route.Status.DONE, now, actor, "รับทราบ"
    route.save()


def _open_route_for(actor, route_id: int, *, kinds=(Route.Kind.SEND,)) -> Route:
    """The hop ``route_id`` addressed to ``actor`` (their unit or them), locked.

    Raises NotFound when there is no such hop the actor may see or act on."""
    from saraban.registry.selectors import visible_letters

    viewer = viewer_for(actor)
    route = (Route.objects.select_for_update().filter(letter__in=visible_letters(viewer), pk=route_id,
                                                       kind__in=list(kinds)).first())
    working = route is not None and route.to_unit_id is not None and Membership.objects.filter(
        user=actor, unit_id=route.to_unit_id, role__in=WORKING_ROLES).exists()
    if route is None or not (working or route.to_user_id == actor.pk):
        raise NotFound("ไม่พบรายการส่งหนังสือที่ต้องการ")
    return route


def receive_route(*, actor, route_id: int) -> Route:
    """The receiving unit's registry clerk receives a hop (ลงรับ) and gives it the
    desk's own receive number (DOMAIN.md §4: "the division's own registry receives it
    (its own receive number)"): a row of the unit's incoming register for the same
    letter, its การปฏิบัติ filled when the hop is done.

    A unit without a registry clerk of its own receives by acknowledging. Raises
    NotFound (no such hop for the actor), NotAllowed (not a registry clerk of the
    receiving unit), Conflict (already received, returned or done).
    """
    from saraban.registry import numbering
    from saraban.registry.services import desk_register

    with transaction.atomic():
        route = _open_route_for(actor, route_id)
        if route.received_at or route.status not in Route.OPEN:
            raise Conflict("ลงรับหนังสือนี้แล้ว", code="already_received")
        if route.to_unit_id is None or not Membership.objects.filter(
                user=actor, unit_id=route.to_unit_id, role=Role.REGISTRY_CLERK).exists():
            raise NotAllowed("เฉพาะเจ้าหน้าที่สารบรรณของหน่วยงานผู้รับจึงลงรับด้วยเลขทะเบียนรับของหน่วยงานได้",
                             code="not_the_desk")
        letter = route.letter
        register = desk_register(desk=route.to_unit, direction="incoming")
        issued = numbering.issue_number(register)
        entry = RegisterEntry.objects.create(
            register=register, year=issued.year, number=issued.number, state=RegisterEntry.State.ISSUED,
            entered_at=issued.at, entered_by=actor, letter=letter, document_number=letter.document_number,
            document_date=letter.document_date, sender=letter.sender or letter.issuing_office,
            addressee=letter.addressee, subject=letter.subject,
            remarks=f"รับจาก {route.from_unit or route.sent_by.display_name}")
        route.status, route.received_at, route.received_by, route.receive_entry = (
            Route.Status.RECEIVED, issued.at, actor, entry)
        route.save(update_fields=["status", "received_at", "received_by", "receive_entry"])
        record_event(actor=actor, action="route.receive", target_type="letter", target_id=letter.pk, route=route.pk,
                     register=register.code, year=issued.year, receive_number=issued.number)
    return route


def acknowledge_route(*, actor, route_id: int) -> Route:
    """The receiving unit (any of its members) or the named person acknowledges a hop.

    Receiving without a desk number happens here too (``received_at``). A hop for
    information (เวียนแจ้งเพื่อทราบ) is done once acknowledged. Raises
    NotFound (no such hop the actor may see), Conflict (already acknowledged, returned
    or done).
    """
    with transaction.atomic():
        route = _open_route_for(actor, route_id)
        if route.status not in (Route.Status.SENT, Route.Status.RECEIVED):
            raise Conflict("รับทราบหนังสือนี้แล้ว", code="already_acknowledged")
        _mark_acknowledged(route, actor, timezone.now())
        record_event(actor=actor, action="route.acknowledge", target_type="letter", target_id=route.letter_id,
                     route=route.pk, unit=route.to_unit.code if route.to_unit else None)
    return route


def return_route(*, actor, route_id: int, reason: str) -> Route:
    """The receiving unit returns a misrouted letter to whoever sent it, with a reason
    (DOMAIN.md §4). The sender is told, and routes it again.

    Raises InvalidInput (no reason, or one over 1,000 characters: ``too_long``), NotFound
    (no such hop for the actor), Conflict (the hop is already done or returned, or the
    unit has passed the letter on).
    """
    reason = _one_line(reason, "reason", field="reason", label="เหตุที่ส่งคืน")
    if not reason:
        raise InvalidInput("กรุณาระบุเหตุที่ส่งคืน เช่น ไม่ใช่เรื่องในหน้าที่ของหน่วยงาน", code="no_reason")
    with transaction.atomic():
        route = _open_route_for(actor, route_id)
        if route.status not in Route.OPEN:
            raise Conflict("หนังสือนี้ดำเนินการแล้วหรือส่งคืนแล้ว", code="not_open")
        if route.children.exists():
            raise Conflict("หน่วยงานส่งต่อหนังสือนี้แล้ว จึงส่งคืนไม่ได้", code="already_passed_on")
        now = timezone.now()
        route.status, route.returned_at, route.return_reason = Route.Status.RETURNED, now, reason
        route.received_at = route.received_at or now
        route.received_by = route.received_by or actor
        route.save(update_fields=["status", "returned_at", "return_reason", "received_at", "received_by"])
        if route.receive_entry_id:
            RegisterEntry.objects.filter(pk=route.receive_entry_id).update(action=f"ส่งคืน: {reason}"[:REASON_LIMIT])
        record_event(actor=actor, action="route.return", target_type="letter", target_id=route.letter_id,
                     route=route.pk, reason=reason)
        _notify("route.returned", [route.sent_by], letter=route.letter,
                title=f"หนังสือถูกส่งคืนจาก {route.target_name}: {_label(route.letter)}", body=f"เหตุผล: {reason}")
    return route


def forward_outside(*, actor, letter_id: int, agency: str, instruction: str = "") -> Route:
    """Record that the letter was forwarded to an outside agency (not within the
    ministry's mission; DOMAIN.md §4–5). The hop is done when sent; the reply, if any,
    comes back as a new letter.

    Raises InvalidInput (no agency named; an agency name over 255 characters or an
    instruction over 2,000: ``too_long``), NotFound, Conflict (draft), NotAllowed.
    """
    agency = _one_line(agency, "agency", field="agency", label="หน่วยงานภายนอก")
    instruction = _typed(instruction, "instruction", field="instruction", label="คำสั่งการ")
    if not agency:
        raise InvalidInput("กรุณาระบุหน่วยงานภายนอกที่ส่งต่อ", code="no_agency")
    with transaction.atomic():
        letter = _locked_letter(actor, letter_id)
        from_unit, parent = _sender_unit(actor, letter)
        now = timezone.now()
        route = Route.objects.create(letter=letter, kind=Route.Kind.FORWARD_OUTSIDE, from_unit=from_unit,
                                     outside_agency=agency, instruction=instruction,
                                     sent_by=actor, parent=parent, status=Route.Status.DONE, done_at=now,
                                     done_by=actor, action_taken=f"ส่งต่อ {agency}")
        if parent is not None and parent.is_open:
            _finish(parent, actor, now, f"ส่งต่อ {agency}")
        record_event(actor=actor, action="letter.forward_outside", target_type="letter", target_id=letter.pk,
                     route=route.pk, agency=agency)
    return route


def _finish(route: Route, actor, now, action_taken: str) -> None:
    route.received_at = route.received_at or now
    route.acknowledged_at = route.acknowledged_at or now
    route.acknowledged_by = route.acknowledged_by or actor
    route.status, route.done_at, route.done_by, route.action_taken = Route.Status.DONE, now, actor, action_taken
    route.save()
    if route.receive_entry_id:
        RegisterEntry.objects.filter(pk=route.receive_entry_id).update(action=action_taken[:REASON_LIMIT])


def complete_route(*, actor, route_id: int, action_taken: str) -> Route:
    """The receiving unit records what it did (การปฏิบัติ) and its hop is done; the
    unit's own register row shows it. The hops it came down through are done with it
    when nothing else for action is open under them; when no hop for action is left
    open at all, the letter is closed with the actions taken (see :func:`close_letter`).

    Raises InvalidInput (nothing said, or over 2,000 characters: ``too_long``), NotFound,
    Conflict (not open).
    """
    action_taken = _one_line(action_taken, "instruction", field="action_taken", label="การปฏิบัติ")
    if not action_taken:
        raise InvalidInput("กรุณาระบุการปฏิบัติ เช่น ดำเนินการแล้ว ตอบหนังสือที่ ...", code="no_action")
    with transaction.atomic():
        route = _open_route_for(actor, route_id)
        if route.status not in Route.OPEN:
            raise Conflict("หนังสือนี้ดำเนินการแล้วหรือส่งคืนแล้ว", code="not_open")
        # One unit at a time per letter: two sub-units finishing together must each see
        # the other's hop done before deciding about the hop above them.
        letter = Letter.objects.select_for_update().get(pk=route.letter_id)
        now = timezone.now()
        _finish(route, actor, now, action_taken)
        parent = route.parent
        while (parent is not None and parent.kind == Route.Kind.SEND and parent.is_open
               and not parent.children.filter(status__in=Route.OPEN, purpose=Route.Purpose.ACTION).exists()):
            _finish(parent, actor, now, action_taken)  # the unit's work was done by the unit it passed it to
            parent = parent.parent
        record_event(actor=actor, action="route.done", target_type="letter", target_id=route.letter_id,
                     route=route.pk, action_taken=action_taken)
        open_work = letter.routes.filter(status__in=Route.OPEN).filter(
            Q(kind=Route.Kind.SEND, purpose=Route.Purpose.ACTION) | Q(kind=Route.Kind.PROPOSE))
        if not letter.closed_at and not open_work.exists():
            _close(letter, actor, _actions_summary(letter))
    return route


def _actions_summary(letter: Letter) -> str:
    done = letter.routes.filter(status=Route.Status.DONE).exclude(action_taken="").select_related("to_unit")
    return "; ".join(f"{r.to_unit.short_name or r.to_unit.name}: {r.action_taken}" if r.to_unit_id else r.action_taken
                     for r in done)


def _close(letter: Letter, actor, action_taken: str) -> None:
    """Close ``letter`` and write the register's การปฏิบัติ column of its desk's row:
    where it was sent and what was done (form 13)."""
    now = timezone.now()
    letter.action_taken, letter.closed_at, letter.closed_by = action_taken[:REASON_LIMIT], now, actor
    letter.save(update_fields=["action_taken", "closed_at", "closed_by"])
    for hop in letter.routes.filter(status__in=Route.OPEN, kind=Route.Kind.SEND):  # nothing left to chase
        _finish(hop, actor, now, "ปิดเรื่องแล้ว")
    sent = [r.target_name if not r.to_unit_id else (r.to_unit.short_name or r.to_unit.name)
            for r in letter.routes.filter(from_unit_id=letter.desk_unit_id).select_related("to_unit", "to_user",
                                                                                           "position")]
    column = "; ".join(filter(None, [f"ส่ง {', '.join(dict.fromkeys(sent))}" if sent else "", action_taken]))
    RegisterEntry.objects.filter(letter=letter, register_id=letter.register_id, corrects__isnull=True).update(
        action=column[:REASON_LIMIT])
    record_event(actor=actor, action="letter.close", target_type="letter", target_id=letter.pk,
                 action_taken=action_taken)
    enqueue_index(letter.pk)


def close_letter(*, actor, letter_id: int, action_taken: str) -> Letter:
    """The registering desk closes a letter with the action taken (เสร็จสิ้น); the
    incoming register's การปฏิบัติ column fills from it (DOMAIN.md §3).

    Raises InvalidInput (nothing said, or over 2,000 characters: ``too_long``), NotFound,
    NotAllowed (not the desk's clerk), Conflict (draft, or already closed).
    """
    action_taken = _one_line(action_taken, "instruction", field="action_taken", label="การปฏิบัติ")
    if not action_taken:
        raise InvalidInput("กรุณาระบุการปฏิบัติ", code="no_action")
    with transaction.atomic():
        letter = _locked_letter(actor, letter_id)
        if not keeps_registry(actor, letter.desk_unit_id):
            raise NotAllowed("เฉพาะเจ้าหน้าที่สารบรรณของหน่วยงานที่ลงทะเบียนรับจึงปิดเรื่องได้", code="not_the_desk")
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if letter.closed_at:
            raise Conflict("ปิดเรื่องนี้แล้ว", code="already_closed")
        _close(letter, actor, action_taken)
    return letter


# --------------------------------------------------------------------------- proposals and endorsements
def propose_letter(*, actor, letter_id: int, note: str = "", position_code: str | None = None,
                   unit_code: str | None = None) -> Route:
    """Propose an important or new-policy matter up the line of command (DOMAIN.md §4
    step 5): to ``position_code``, or to the first post of the proposing unit's line
    (``unit_code``, default the desk or the unit through which the actor holds the
    letter) that the actor does not hold. The hop goes to the person who holds the
    post now, or who acts for it (รักษาราชการแทน), by name: executives see what was
    proposed to them (DOMAIN.md §2).

    Raises InvalidInput (unknown post or unit, a line with no post above the actor, an
    empty post, a person not cleared for a classified letter, a note over 2,000
    characters — ``too_long``), NotFound, Conflict, NotAllowed.
    """
    note = _typed(note, "instruction", field="note", label="ข้อความเสนอ")
    with transaction.atomic():
        letter = _locked_letter(actor, letter_id)
        from_unit, parent = _sender_unit(actor, letter)
        if position_code:
            position = Position.objects.filter(code=position_code).select_related("unit", "holder").first()
            if position is None:
                raise InvalidInput(f"ไม่พบตำแหน่งรหัส {position_code}", code="unknown_position")
        else:
            unit = units_by_code([unit_code])[0] if unit_code else from_unit
            chain = chain_for(unit) if unit else []
            position = _next_post(chain, actor)
            if position is None:
                raise InvalidInput("ไม่พบผู้บังคับบัญชาในสายงานที่จะเสนอ", code="no_chain")
        route = _propose_to(actor, letter, position, from_unit=from_unit, parent=parent, note=note)
        record_event(actor=actor, action="letter.propose", target_type="letter", target_id=letter.pk,
                     route=route.pk, position=position.code, to_user=route.to_user.username)
    return route


def _next_post(chain: list[Position], actor) -> Position | None:
    """The first post of ``chain`` that someone other than ``actor`` holds or acts for
    (a vacant post with nobody acting is passed over, as on paper)."""
    for position in chain:
        acting = active_acting(position)
        person_id = acting.user_id if acting else position.holder_id
        if person_id and person_id != actor.pk:
            return position
    return None


def _propose_to(actor, letter: Letter, position: Position, *, from_unit, parent, note: str) -> Route:
    acting = active_acting(position)
    person = acting.user if acting else position.holder
    if person is None:
        raise InvalidInput(f"ตำแหน่ง {position.title} ว่างและไม่มีผู้รักษาราชการแทน", code="vacant_position")
    _check_targets(letter, [], [person])
    now = timezone.now()
    route = Route.objects.create(letter=letter, kind=Route.Kind.PROPOSE, from_unit=from_unit, to_user=person,
                                 position=position, instruction=note.strip(), sent_by=actor,
                                 parent=parent, due_at=_due(letter, now))
    if parent is not None and parent.is_open and parent.kind == Route.Kind.SEND:
        _mark_acknowledged(parent, actor, now)
    _notify("proposal.awaiting", [person], letter=letter, title=f"เสนอเพื่อพิจารณา: {_label(letter)}",
            body=(f"ในฐานะรักษาราชการแทน {position.title}" if acting else position.title)
            + (f" — {note.strip()}" if note.strip() else ""))
    enqueue_index(letter.pk)
    return route


def endorse(*, actor, route_id: int, choice: str, text: str = "", unit_codes: list[str] = (),
            user_ids: list[int] = (), propose_next: bool = False, on_behalf_of: str | None = None,
            endorsed_by_id: int | None = None) -> Endorsement:
    """Write the endorsement (เกษียน) on a proposed letter (DOMAIN.md §4 step 6).

    ``choice`` is one of Endorsement.Choice (ทราบ, มอบ … ดำเนินการ, เวียนแจ้ง, อนุมัติ,
    ไม่อนุมัติ, ความเห็น); ``text`` free text. The endorser is the post's holder, or the
    person acting for it (recorded รักษาราชการแทน); with ``on_behalf_of`` (a post higher
    in the line that delegated this choice to the endorser's post, มอบอำนาจ) it is
    recorded ปฏิบัติราชการแทน that post. The registry clerk of the letter's desk may
    record an endorsement written on paper by ``endorsed_by_id`` (recorded_by differs).

    Then: ``propose_next`` sends it on to the next post of the line (an opinion on the
    way up); มอบ/เวียนแจ้ง with ``unit_codes`` sends it to those units (for action /
    for information) with the endorsement as the instruction, or with ``user_ids`` to
    people by name (the only way for a classified letter; each must be cleared); the
    proposer is told.

    Raises NotFound (no such proposal for the actor), NotAllowed (the actor neither
    holds nor acts for the post, or no delegation covers the choice), InvalidInput
    (unknown choice or unit, มอบ without units, no next post, a text over 2,000
    characters — ``too_long``, ``saraban.core.limits``), Conflict (already endorsed).
    """
    from saraban.core.models import User
    from saraban.registry.selectors import visible_letters

    if choice not in Endorsement.Choice.values:
        raise InvalidInput("ข้อสั่งการไม่ถูกต้อง", code="invalid_choice")
    text = _typed(text, "instruction", field="text", label="ข้อความเกษียน")
    units, people = units_by_code(list(dict.fromkeys(unit_codes))), _people(user_ids)
    if choice == Endorsement.Choice.ASSIGN and not units and not people:
        raise InvalidInput("ข้อสั่งการ “มอบ … ดำเนินการ” ต้องระบุหน่วยงานหรือบุคคลที่มอบ", code="no_units")
    with transaction.atomic():
        route = (Route.objects.select_for_update(of=("self",)).filter(pk=route_id, kind=Route.Kind.PROPOSE)
                 .select_related("position", "position__unit", "letter").first())
        if route is None or not visible_letters(viewer_for(actor)).filter(pk=route.letter_id).exists():
            raise NotFound("ไม่พบเรื่องที่เสนอ")
        letter = route.letter
        if endorsed_by_id and endorsed_by_id != actor.pk:
            if not keeps_registry(actor, letter.desk_unit_id):
                raise NotAllowed("เฉพาะเจ้าหน้าที่สารบรรณของหน่วยงานที่ลงทะเบียนจึงบันทึกเกษียนแทนได้",
                                 code="not_the_desk")
            endorser = User.objects.filter(pk=endorsed_by_id).first()
            if endorser is None:
                raise InvalidInput("ไม่พบผู้เกษียนที่ระบุ", code="unknown_user")
        else:
            endorser = actor
            if route.to_user_id != actor.pk and route.position.holder_id != actor.pk and not _acting_for(
                    actor, route.position):
                raise NotFound("ไม่พบเรื่องที่เสนอ")
        if route.status != Route.Status.SENT and route.status != Route.Status.RECEIVED:
            raise Conflict("เรื่องนี้เกษียนแล้ว", code="already_endorsed")
        position = route.position
        if position.holder_id == endorser.pk:
            capacity = Endorsement.Capacity.HOLDER
        elif _acting_for(endorser, position):
            capacity = Endorsement.Capacity.ACTING
        else:
            raise NotAllowed(f"{endorser.display_name} ไม่ได้ดำรงตำแหน่งหรือรักษาราชการแทน {position.title}",
                             code="not_the_post")
        behalf = None
        if on_behalf_of:
            behalf = Position.objects.filter(code=on_behalf_of).first()
            if behalf is None or active_delegation(behalf, position, choice) is None:
                raise NotAllowed(f"ไม่มีคำสั่งมอบอำนาจให้ {position.title} {Endorsement.Choice(choice).label}"
                                 f"แทน {behalf.title if behalf else on_behalf_of}", code="no_delegation")
            capacity = Endorsement.Capacity.DELEGATED if capacity == Endorsement.Capacity.HOLDER else capacity
        now = timezone.now()
        endorsement = Endorsement.objects.create(
            letter=letter, route=route, position=position, on_behalf_of=behalf, capacity=capacity, choice=choice,
            text=text, unit_codes=[u.code for u in units], endorsed_by=endorser, recorded_by=actor, endorsed_at=now,
            signature_line=_signature_line(endorser, position, capacity, behalf))
        route.status, route.acknowledged_at, route.acknowledged_by = Route.Status.ENDORSED, now, endorser
        route.received_at = route.received_at or now
        route.done_at, route.done_by = now, endorser
        route.action_taken = f"{Endorsement.Choice(choice).label} {text}".strip()
        route.save()
        record_event(actor=actor, action="letter.endorse", target_type="letter", target_id=letter.pk,
                     route=route.pk, endorsement=endorsement.pk, choice=choice, capacity=capacity,
                     position=position.code, on_behalf_of=behalf.code if behalf else None,
                     endorsed_by=endorser.username, units=[u.code for u in units],
                     users=[p.username for p in people])
        if propose_next:
            chain = chain_for(route.from_unit) if route.from_unit_id else []
            codes = [p.code for p in chain]
            above = _next_post(chain[codes.index(position.code) + 1:] if position.code in codes else [], endorser)
            if above is None:
                raise InvalidInput("ไม่มีผู้บังคับบัญชาลำดับถัดไปในสายงาน", code="no_next_level")
            _propose_to(endorser, letter, above, from_unit=position.unit, parent=route,
                        note=f"{Endorsement.Choice(choice).label} {text}".strip())
        elif units or people:
            _check_targets(letter, units, people)
            purpose = Route.Purpose.INFORMATION if choice == Endorsement.Choice.CIRCULATE else Route.Purpose.ACTION
            instruction = text or Endorsement.Choice(choice).label
            _send_hops(letter, actor=actor, from_unit=position.unit, parent=route, units=units, people=people,
                       instruction=instruction, purpose=purpose, now=now,
                       body=f"ข้อสั่งการ {position.title}: {instruction}")
        _notify("endorsement.recorded", [route.sent_by], letter=letter,
                title=f"{position.title} เกษียนแล้ว: {_label(letter)}",
                body=f"{Endorsement.Choice(choice).label} {text}".strip())
        enqueue_index(letter.pk)
    return endorsement


def _acting_for(user, position: Position) -> bool:
    acting = active_acting(position)
    return acting is not None and acting.user_id == user.pk


def _signature_line(user, position: Position, capacity: str, behalf: Position | None) -> str:
    """The lines under an endorsement, as written in Thai practice (regulation
    on correspondence B.E. 2526, the signature block): name, post, and the right."""
    lines = [f"({user.display_name})"]
    if capacity == Endorsement.Capacity.ACTING:
        lines += [user.position or "", f"รักษาราชการแทน{position.title}"]
    else:
        lines.append(position.title)
    if behalf is not None:
        lines.append(f"ปฏิบัติราชการแทน{behalf.title}")
    return "\n".join(line for line in lines if line)


def assign_acting(*, actor, position_code: str, user_id: int, starts_at=None, ends_at=None,
                  order_reference: str = "") -> ActingAssignment:
    """Appoint ``user_id`` to act for a post (รักษาราชการแทน) from ``starts_at`` (now)
    until ``ends_at`` (open). Administrators only. Raises NotAllowed, InvalidInput
    (unknown post or person, end before start, an order reference over 255 characters:
    ``too_long``)."""
    from saraban.core.models import User
    from saraban.routing.selectors import roles_of

    if Role.ADMINISTRATOR not in roles_of(actor):
        raise NotAllowed("เฉพาะผู้ดูแลระบบจึงบันทึกคำสั่งรักษาราชการแทนได้", code="not_admin")
    order_reference = _one_line(order_reference, "order_reference", field="order_reference", label="คำสั่งที่")
    position = Position.objects.filter(code=position_code).first()
    user = User.objects.filter(pk=user_id).first()
    if position is None or user is None:
        raise InvalidInput("ไม่พบตำแหน่งหรือบุคคลที่ระบุ", code="unknown_position")
    starts_at = starts_at or timezone.now()
    if ends_at and ends_at <= starts_at:
        raise InvalidInput("วันสิ้นสุดต้องหลังวันเริ่ม", code="invalid_period")
    with transaction.atomic():
        acting = ActingAssignment.objects.create(position=position, user=user, starts_at=starts_at, ends_at=ends_at,
                                                 order_reference=order_reference.strip(), created_by=actor)
        record_event(actor=actor, action="position.acting", target_type="position", target_id=position.code,
                     user=user.username, starts_at=starts_at.isoformat(),
                     ends_at=ends_at.isoformat() if ends_at else None, order_reference=order_reference)
    return acting


def delegate(*, actor, from_position: str, to_position: str, powers: list[str], starts_at=None, ends_at=None,
             order_reference: str = "") -> Delegation:
    """Record a delegation of authority (มอบอำนาจ) of ``powers`` (endorsement choices)
    from one post to another. Administrators only. Raises NotAllowed, InvalidInput
    (unknown post, bad powers, an order reference over 255 characters: ``too_long``)."""
    from saraban.routing.selectors import roles_of

    if Role.ADMINISTRATOR not in roles_of(actor):
        raise NotAllowed("เฉพาะผู้ดูแลระบบจึงบันทึกคำสั่งมอบอำนาจได้", code="not_admin")
    order_reference = _one_line(order_reference, "order_reference", field="order_reference",
                                label="คำสั่งมอบอำนาจที่")
    posts = {p.code: p for p in Position.objects.filter(code__in=[from_position, to_position])}
    if from_position not in posts or to_position not in posts:
        raise InvalidInput("ไม่พบตำแหน่งที่ระบุ", code="unknown_position")
    if not powers or any(p not in Endorsement.Choice.values for p in powers):
        raise InvalidInput("อำนาจที่มอบต้องเป็นข้อสั่งการ เช่น approve, reject", code="invalid_powers")
    with transaction.atomic():
        delegation = Delegation.objects.create(from_position=posts[from_position], to_position=posts[to_position],
                                               powers=list(powers), starts_at=starts_at or timezone.now(),
                                               ends_at=ends_at, order_reference=order_reference.strip())
        record_event(actor=actor, action="position.delegate", target_type="position", target_id=from_position,
                     to_position=to_position, powers=list(powers), order_reference=order_reference)
    return delegation


def load_organisation(*, path: Path = ORGANISATION_FILE, actor=None) -> dict[str, int]:
    """Load (or update) the agency and its units from the organisation JSON file.

    The file's shape: ``{"agency": {code, name, short_name, letter_code}, "units":
    [{code, name, short_name, kind, parent, duties, handles, head_title}]}``; parents may
    come after children. Safe to run again: units are matched by code and updated.
    Posts and lines of command come with them (:func:`_load_positions`). Returns
    ``{"units": n, "created": k, "positions": p}``. Raises InvalidInput on a parent that names
    no unit of the file.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created = 0
    with transaction.atomic():
        agency_data = data["agency"]
        agency, _ = Agency.objects.update_or_create(
            code=agency_data["code"],
            defaults={k: agency_data.get(k, "") for k in ("name", "short_name", "letter_code")},
        )
        codes = {u["code"] for u in data["units"]}
        for item in data["units"]:
            if item.get("parent") and item["parent"] not in codes:
                raise InvalidInput(f"หน่วยงาน {item['code']} อ้างถึงหน่วยงานแม่ {item['parent']} ที่ไม่มีในไฟล์")
            _, was_created = Unit.objects.update_or_create(
                code=item["code"],
                defaults={
                    "agency": agency, "name": item["name"], "short_name": item.get("short_name", ""),
                    "kind": item["kind"], "duties": item.get("duties", []), "handles": item.get("handles", []),
                    "head_title": item.get("head_title", ""), "parent": None,
                },
            )
            created += was_created
        units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        for item in data["units"]:
            if item.get("parent"):
                Unit.objects.filter(pk=units[item["code"]].pk).update(parent=units[item["parent"]])
        positions = _load_positions(data, units)
        record_event(actor=actor, action="organisation.load", target_type="agency", target_id=agency.code,
                     units=len(codes), created=created, positions=positions)
    return {"units": len(codes), "created": created, "positions": positions}


def _load_positions(data: dict, units: dict[str, Unit]) -> int:
    """Each unit's head post (``<code>-HEAD`` from ``head_title``), the file's other
    posts (``positions``: code, unit, title, oversees), and a line of command for every
    unit that has none yet: the heads from the unit up to its division, the deputy who
    oversees the division, then the head of the department (work manual). Lines already
    set (edited in the admin) are kept."""
    units = {u.code: u for u in Unit.objects.filter(code__in=list(units))}
    posts = {}
    for item in data["units"]:
        if item.get("head_title"):
            posts[f"{item['code']}-HEAD"], _ = Position.objects.update_or_create(
                code=f"{item['code']}-HEAD",
                defaults={"unit": units[item["code"]], "title": item["head_title"], "is_head": True})
    oversight = {}
    for item in data.get("positions", []):
        if item["unit"] not in units:
            raise InvalidInput(f"ตำแหน่ง {item['code']} อ้างถึงหน่วยงาน {item['unit']} ที่ไม่มีในไฟล์")
        posts[item["code"]], _ = Position.objects.update_or_create(
            code=item["code"], defaults={"unit": units[item["unit"]], "title": item["title"], "is_head": False})
        for code in item.get("oversees", []):
            oversight[code] = posts[item["code"]]
    configured = set(ChainStep.objects.values_list("unit_id", flat=True))
    steps = []
    for unit in units.values():
        if unit.pk in configured:
            continue
        line = []
        for level in unit.chain_of_command():
            if level.code in oversight:
                line.append(posts.get(f"{level.code}-HEAD"))
                line.append(oversight[level.code])
            else:
                line.append(posts.get(f"{level.code}-HEAD"))
        line = [p for p in dict.fromkeys(line) if p is not None]
        steps += [ChainStep(unit=unit, order=i, position=p) for i, p in enumerate(line, start=1)]
    ChainStep.objects.bulk_create(steps)
    return len(posts)
