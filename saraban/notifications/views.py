"""Thai web pages of notifications: the person's list and their choices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from saraban.core.errors import DomainError
from saraban.core.views import is_local
from saraban.notifications import selectors, services
from saraban.notifications.models import EmailChoice


@login_required
def notification_list(request):
    """The person's notifications, unread first (``?unread=1``: unread only)."""
    unread_only = request.GET.get("unread") == "1"
    items = selectors.notifications_for(request.user, unread_only=unread_only)[:200]
    return render(request, "notifications/list.html", {
        "items": items, "unread_only": unread_only, "unread": selectors.unread_count(request.user)})


@login_required
def open_notification(request, notification_id: int):
    """Mark one notification read and go to what it is about."""
    try:
        services.mark_read(actor=request.user, notification_ids=[notification_id])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("notifications:list")
    target = selectors.notifications_for(request.user).filter(pk=notification_id).values_list("url", flat=True).first()
    if not is_local(request, target):
        return redirect("notifications:list")
    return redirect(target)


@login_required
@require_POST
def mark_read(request):
    """Mark the ticked notifications read (``ids``), or all of them (``all=1``)."""
    if request.POST.get("all") == "1":
        ids = None
    else:
        ids = [int(v) for v in request.POST.getlist("ids") if v.isascii() and v.isdigit() and 0 < int(v) < 2**63]
        if not ids:
            messages.warning(request, "ไม่ได้เลือกการแจ้งเตือน")
            return redirect("notifications:list")
    try:
        changed = services.mark_read(actor=request.user, notification_ids=ids)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"ทำเครื่องหมายว่าอ่านแล้ว {changed} รายการ")
    return redirect("notifications:list")


@login_required
def preferences(request):
    """A table of events × web × e-mail; POST saves every row."""
    rows = selectors.preferences_for(request.user)
    if request.method == "POST":
        prefs = {row["event"]: {"web": request.POST.get(f"web-{row['event']}") == "on",
                                "email": request.POST.get(f"email-{row['event']}", row["email"])} for row in rows}
        try:
            services.set_preferences(actor=request.user, prefs=prefs)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "บันทึกการตั้งค่าการแจ้งเตือนแล้ว")
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {
        "rows": rows, "choices": EmailChoice.choices, "has_email": bool(request.user.email)})
