"""Reads about the organisation: who a person is to the access policy, desks, inboxes."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from saraban.core.access import ANONYMOUS, Viewer
from saraban.core.classes import Role
from saraban.core.errors import InvalidInput, NotAllowed
from saraban.routing.models import Membership, Route, Unit


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
    """Routes addressed to ``user``'s units or to the person by name, newest first.

    Classified letters appear only where the person is named and cleared (the access
    policy decides; this filters on it).
    """
    from saraban.registry.selectors import visible_letters

    viewer = viewer_for(user)
    addressed = Q(to_unit_id__in=list(viewer.unit_ids)) | Q(to_user_id=viewer.user_id)
    qs = Route.objects.filter(letter__in=visible_letters(viewer)).filter(addressed)
    if not include_acknowledged:
        qs = qs.filter(status=Route.Status.SENT)
    return qs.select_related("letter", "to_unit", "from_unit", "to_user", "sent_by").order_by("-sent_at", "-id")


def units_by_code(codes: list[str]) -> list[Unit]:
    """Units for ``codes``, in the given order. Raises InvalidInput naming any unknown code."""
    found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise InvalidInput(f"ไม่พบหน่วยงานรหัส {', '.join(missing)}", code="unknown_unit")
    return [found[c] for c in codes]
