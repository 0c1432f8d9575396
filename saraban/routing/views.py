"""Thai web pages of routing: the letter page's routing part (timeline, send,
receive, acknowledge, return, done, forward, propose, endorse, close), the inbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from saraban.core.classes import Role
from saraban.core.views import is_local
from saraban.core.errors import DomainError, InvalidInput
from saraban.registry.services import keeps_registry
from saraban.routing import selectors, services
from saraban.routing.models import Delegation, Endorsement, Membership, Route, Unit
from saraban.routing.suggestions import suggest_units


def letter_routing_context(user, letter) -> dict:
    """What the letter page shows and offers ``user`` about routing (the letter is
    already known visible): the timeline; the hops waiting for the person with the
    actions they may take; proposals to endorse; whether they may send, propose,
    forward, record a paper endorsement or close; unit suggestions."""
    if letter.status != letter.Status.REGISTERED:
        return {"routing": None}
    viewer = selectors.viewer_for(user)
    held = set(viewer.unit_ids)
    mine = list(letter.routes.filter(status__in=Route.OPEN, kind=Route.Kind.SEND)
                .filter(Q(to_unit_id__in=list(held)) | Q(to_user_id=user.pk))
                .select_related("to_unit", "from_unit", "sent_by"))
    clerk_units = set(Membership.objects.filter(user=user, role=Role.REGISTRY_CLERK).values_list("unit_id", flat=True))
    desk = keeps_registry(user, letter.desk_unit_id)
    proposals = list(letter.routes.filter(kind=Route.Kind.PROPOSE, status__in=Route.OPEN)
                     .select_related("position", "to_user", "sent_by"))
    to_endorse = [r for r in proposals if r.to_user_id == user.pk]
    delegations = list(Delegation.objects.filter(to_position__in=[r.position_id for r in to_endorse])
                       .select_related("from_position"))
    may_send = desk or bool(mine) or letter.routes.filter(Q(to_unit_id__in=list(held)) | Q(to_user_id=user.pk)).exists()
    suggestions = (suggest_units(subject=letter.subject, sender=letter.sender or letter.issuing_office)
                   if may_send and letter.subject and not letter.is_classified else [])
    return {"routing": {
        "timeline": selectors.letter_timeline(letter),
        "mine": [{"route": r, "may_receive": r.to_unit_id in clerk_units and not r.received_at} for r in mine],
        "to_endorse": to_endorse, "delegations": delegations,
        "paper_proposals": proposals if desk else [],
        "may_send": may_send, "may_close": desk and not letter.closed_at,
        "suggestions": suggestions, "choices": Endorsement.Choice.choices,
        "units": Unit.objects.order_by("code").only("code", "name") if may_send or to_endorse or desk else [],
        "now": timezone.now(),
    }}


@login_required
@require_POST
def route(request, letter_id: int):
    """Send the letter to the units ticked on its page, with an instruction."""
    try:
        routes = services.route_letter(actor=request.user, letter_id=letter_id,
                                       unit_codes=request.POST.getlist("units"),
                                       user_ids=_ids(request.POST.getlist("users")),
                                       instruction=request.POST.get("instruction", ""),
                                       purpose=request.POST.get("purpose") or Route.Purpose.ACTION)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        names = ", ".join(r.target_name for r in routes)
        messages.success(request, f"ส่งหนังสือถึง {names} แล้ว")
    return redirect("registry:letter", letter_id=letter_id)


LETTER_ACTIONS = {
    "propose": (lambda user, pk, post: services.propose_letter(
        actor=user, letter_id=pk, note=post.get("note", ""), position_code=post.get("position") or None),
        "เสนอเรื่องแล้ว"),
    "forward": (lambda user, pk, post: services.forward_outside(
        actor=user, letter_id=pk, agency=post.get("agency", ""), instruction=post.get("instruction", "")),
        "บันทึกการส่งต่อหน่วยงานภายนอกแล้ว"),
    "close": (lambda user, pk, post: services.close_letter(actor=user, letter_id=pk,
                                                           action_taken=post.get("action_taken", "")),
              "ปิดเรื่องแล้ว"),
}
ROUTE_ACTIONS = {
    "receive": (lambda user, pk, post: services.receive_route(actor=user, route_id=pk), "ลงรับแล้ว"),
    "return": (lambda user, pk, post: services.return_route(actor=user, route_id=pk, reason=post.get("reason", "")),
               "ส่งคืนแล้ว"),
    "done": (lambda user, pk, post: services.complete_route(actor=user, route_id=pk,
                                                            action_taken=post.get("action_taken", "")),
             "บันทึกการปฏิบัติแล้ว"),
    "endorse": (lambda user, pk, post: services.endorse(
        actor=user, route_id=pk, choice=post.get("choice", ""), text=post.get("text", ""),
        unit_codes=post.getlist("units"), user_ids=_ids(post.getlist("users")),
        propose_next=post.get("propose_next") == "1",
        on_behalf_of=post.get("on_behalf_of") or None,
        endorsed_by_id=_one_id(post.get("endorsed_by"))), "บันทึกเกษียนแล้ว"),
}


@login_required
@require_POST
def letter_action(request, letter_id: int, action: str):
    """One routing action on a letter from its page (propose, forward, close)."""
    if action not in LETTER_ACTIONS:
        return redirect("registry:letter", letter_id=letter_id)
    run, done = LETTER_ACTIONS[action]
    try:
        run(request.user, letter_id, request.POST)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("registry:letter", letter_id=letter_id)


@login_required
@require_POST
def route_action(request, route_id: int, action: str):
    """One action on a hop (receive, return, done, endorse), back to the page it came from."""
    result = None
    if action in ROUTE_ACTIONS:
        run, done = ROUTE_ACTIONS[action]
        try:
            result = run(request.user, route_id, request.POST)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
    target = request.POST.get("next", "")
    if not is_local(request, target):
        target = (reverse("registry:letter", kwargs={"letter_id": result.letter_id}) if result is not None
                  else reverse("routing:inbox"))
    return redirect(target)


@login_required
def inbox(request):
    """Letters sent to the person's units (or to them by name) awaiting acknowledgement."""
    show_all = request.GET.get("all") == "1"
    routes = selectors.inbox_routes(request.user, include_acknowledged=show_all)[:200]
    return render(request, "routing/inbox.html", {"routes": routes, "show_all": show_all, "now": timezone.now(),
                                                  "proposals": selectors.pending_proposals(request.user)[:100]})


@login_required
@require_POST
def acknowledge(request, route_id: int):
    """Acknowledge one route from the inbox."""
    try:
        route = services.acknowledge_route(actor=request.user, route_id=route_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"รับทราบหนังสือเลขรับ {route.letter.receive_number} แล้ว")
    target = request.POST.get("next", "")
    if not is_local(request, target):
        target = reverse("routing:inbox")
    return redirect(target)


def _one_id(value: str | None) -> int | None:
    ids = _ids([value or ""])
    if value and not ids:
        raise InvalidInput("รหัสผู้เกษียนไม่ถูกต้อง", code="invalid_user")
    return ids[0] if ids else None


def _ids(values: list[str]) -> list[int]:
    """People's ids from a form; anything that is not a plain positive number is dropped."""
    return [int(v) for v in values if v.isascii() and v.isdigit() and 0 < int(v) < 2**31]
