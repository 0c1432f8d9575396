"""Every write of routing: sending a letter to units, acknowledging it, loading the
organisation. One function per action, one transaction, one audit event."""

from __future__ import annotations

import json
from pathlib import Path
from django.db import transaction
from django.utils import timezone

from saraban.core.audit import record_event
from saraban.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from saraban.registry.models import Letter
from saraban.routing.models import Agency, Route, Unit
from saraban.routing.selectors import units_by_code, viewer_for
from saraban.search.services import enqueue_index

ORGANISATION_FILE = Path(__file__).resolve().parent / "data" / "organisation.json"


def route_letter(*, actor, letter_id: int, unit_codes: list[str] = (), user_ids: list[int] = (),
                 instruction: str = "") -> list[Route]:
    """Send a registered letter to one or more units (and/or people by name).

    Each receiving unit gets its own route and acknowledges separately (circulation,
    DOMAIN.md §4). The sender must see the letter and either keep the registering desk
    or be a member of a unit that received it (passing it on). A classified letter may
    only go to people by name whose clearance covers its class (DOMAIN.md §2): naming a
    whole unit for it is refused.

    Raises NotFound (letter hidden or missing), InvalidInput (no target, unknown unit,
    classified letter to a unit, person not cleared), Conflict (still a draft),
    NotAllowed (the actor holds neither the desk nor a receiving unit).
    """
    from saraban.core.access import may_see_classified
    from saraban.core.models import User
    from saraban.registry.selectors import get_letter

    viewer = viewer_for(actor)
    if not unit_codes and not user_ids:
        raise InvalidInput("กรุณาเลือกหน่วยงานหรือบุคคลที่จะส่งหนังสือถึง", code="no_route_target")
    with transaction.atomic():
        letter = get_letter(viewer, letter_id)
        if letter.status != Letter.Status.REGISTERED:
            raise Conflict("ต้องยืนยันลงทะเบียนรับก่อนจึงจะส่งต่อหนังสือได้", code="not_registered")
        held = set(viewer.unit_ids)
        received_units = set(letter.routes.filter(to_unit_id__in=held).values_list("to_unit_id", flat=True))
        named = letter.routes.filter(to_user_id=actor.pk).exists()
        if letter.desk_unit_id not in held and not received_units and not named:
            raise NotAllowed("ท่านไม่ได้เป็นผู้รับหรือผู้ลงทะเบียนหนังสือนี้ จึงส่งต่อไม่ได้", code="not_on_route")
        units = units_by_code(list(unit_codes))
        if units and letter.is_classified:
            raise InvalidInput("หนังสือลับต้องส่งถึงตัวบุคคลที่มีสิทธิเข้าถึงเท่านั้น ไม่ส่งทั้งหน่วยงาน",
                               code="classified_to_unit")
        people = list(User.objects.filter(pk__in=list(user_ids)))
        if len(people) != len(set(user_ids)):
            raise InvalidInput("ไม่พบบุคคลที่ระบุบางราย", code="unknown_user")
        for person in people:
            if letter.is_classified and not may_see_classified(viewer_for(person), letter.secrecy):
                raise InvalidInput(f"{person.display_name} ไม่มีสิทธิเข้าถึงหนังสือชั้น {letter.get_secrecy_display()}",
                                   code="not_cleared")
        from_unit = letter.desk_unit if letter.desk_unit_id in held else (
            Unit.objects.filter(pk__in=received_units).first() if received_units else None
        )
        routes = [
            Route.objects.create(letter=letter, from_unit=from_unit, to_unit=unit, instruction=instruction.strip(),
                                 sent_by=actor)
            for unit in units
        ] + [
            Route.objects.create(letter=letter, from_unit=from_unit, to_user=person, instruction=instruction.strip(),
                                 sent_by=actor)
            for person in people
        ]
        record_event(actor=actor, action="letter.route", target_type="letter", target_id=letter.pk,
                     to_units=[u.code for u in units], to_users=[p.username for p in people],
                     instruction=instruction.strip(), routes=[r.pk for r in routes])
        enqueue_index(letter.pk)
    return routes


def acknowledge_route(*, actor, route_id: int) -> Route:
    """The receiving unit (any of its members) or the named person acknowledges a route.

    Raises NotFound (no such route the actor may see), Conflict (already acknowledged).
    """
    from saraban.registry.selectors import visible_letters

    viewer = viewer_for(actor)
    with transaction.atomic():
        route = (
            Route.objects.select_for_update()
            .filter(letter__in=visible_letters(viewer))
            .filter(pk=route_id)
            .first()
        )
        if route is None or not (route.to_unit_id in viewer.unit_ids or route.to_user_id == actor.pk):
            raise NotFound("ไม่พบรายการส่งหนังสือที่ต้องการ")
        if route.status == Route.Status.ACKNOWLEDGED:
            raise Conflict("รับทราบหนังสือนี้แล้ว", code="already_acknowledged")
        route.status = Route.Status.ACKNOWLEDGED
        route.acknowledged_at = timezone.now()
        route.acknowledged_by = actor
        route.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
        record_event(actor=actor, action="route.acknowledge", target_type="letter", target_id=route.letter_id,
                     route=route.pk, unit=route.to_unit.code if route.to_unit else None)
    return route


def load_organisation(*, path: Path = ORGANISATION_FILE, actor=None) -> dict[str, int]:
    """Load (or update) the agency and its units from the organisation JSON file.

    The file's shape: ``{"agency": {code, name, short_name, letter_code}, "units":
    [{code, name, short_name, kind, parent, duties, handles, head_title}]}``; parents may
    come after children. Safe to run again: units are matched by code and updated.
    Returns ``{"units": n, "created": k}``. Raises InvalidInput on a parent that names
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
        record_event(actor=actor, action="organisation.load", target_type="agency", target_id=agency.code,
                     units=len(codes), created=created)
    return {"units": len(codes), "created": created}

