"""Thai web pages of routing: send a letter on, the unit inbox, acknowledging."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from saraban.core.errors import DomainError
from saraban.routing import selectors, services


@login_required
@require_POST
def route(request, letter_id: int):
    """Send the letter to the units ticked on its page, with an instruction."""
    try:
        routes = services.route_letter(actor=request.user, letter_id=letter_id,
                                       unit_codes=request.POST.getlist("units"),
                                       user_ids=_ids(request.POST.getlist("users")),
                                       instruction=request.POST.get("instruction", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        names = ", ".join(str(r.to_unit or r.to_user.display_name) for r in routes)
        messages.success(request, f"ส่งหนังสือถึง {names} แล้ว")
    return redirect("registry:letter", letter_id=letter_id)


@login_required
def inbox(request):
    """Letters sent to the person's units (or to them by name) awaiting acknowledgement."""
    show_all = request.GET.get("all") == "1"
    routes = selectors.inbox_routes(request.user, include_acknowledged=show_all)[:200]
    return render(request, "routing/inbox.html", {"routes": routes, "show_all": show_all})


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
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = reverse("routing:inbox")
    return redirect(target)


def _ids(values: list[str]) -> list[int]:
    """People's ids from a form; anything that is not a plain positive number is dropped."""
    return [int(v) for v in values if v.isascii() and v.isdigit() and 0 < int(v) < 2**31]
