"""Who may see a letter — decided here, applied by every interface.

Source: DOMAIN.md §2 "Who may see a letter" (the Regulation on Maintaining Official
Secrets B.E. 2544 for classified letters). Pages, the API, search hits, counts,
snippets and file downloads all filter through :func:`letter_visibility_q`, and an
object outside it answers the same "not found" as one that never existed.

The policy is written against field names, not models, so that ``core`` imports no
other app: a letter has ``secrecy``, ``status``, ``desk_unit_id``, ``created_by_id``
and ``routes`` (each with ``to_unit_id`` and ``to_user_id``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from saraban.core.classes import Secrecy, classes_up_to


@dataclass(frozen=True)
class Viewer:
    """What the access policy needs to know about a person.

    ``unit_ids``: units the person belongs to (any role); ``archive_agency_ids``: the
    agencies whose archive they read (archive-reader role); ``clearance``: a Secrecy
    value; the flags come from the person's roles.
    """

    user_id: int | None
    clearance: str = Secrecy.UNCLASSIFIED
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    archive_agency_ids: frozenset[int] = field(default_factory=frozenset)
    is_archive_reader: bool = False
    is_secret_registrar: bool = False

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None


ANONYMOUS = Viewer(user_id=None)


def letter_visibility_q(viewer: Viewer) -> Q:
    """A filter on letters giving exactly those ``viewer`` may open.

    Unclassified: the registering desk's people, every member of a unit on the route,
    people named on the route, the person who created the draft, and archive readers
    (registered letters of their own agency only). Classified: people named personally on the route whose
    clearance covers the class, and the secret-document registrar. Anonymous: nothing.
    May join ``routes``: apply it as ``pk__in`` or with ``distinct()``.
    """
    if viewer.is_anonymous:
        return Q(pk__in=[])
    units = list(viewer.unit_ids)
    uid = viewer.user_id
    unclassified = Q(desk_unit_id__in=units) | Q(routes__to_unit_id__in=units) | Q(routes__to_user_id=uid) | Q(
        created_by_id=uid
    )
    if viewer.is_archive_reader:
        unclassified |= Q(status="registered", desk_unit__agency_id__in=list(viewer.archive_agency_ids))
    visible = Q(secrecy=Secrecy.UNCLASSIFIED) & unclassified
    if viewer.is_secret_registrar:
        visible |= ~Q(secrecy=Secrecy.UNCLASSIFIED)
    else:
        cleared = [c for c in classes_up_to(viewer.clearance) if c != Secrecy.UNCLASSIFIED]
        if cleared:
            visible |= Q(secrecy__in=cleared) & Q(routes__to_user_id=uid)
    return visible


def may_see_classified(viewer: Viewer, secrecy: str) -> bool:
    """Whether ``viewer``'s clearance covers ``secrecy`` (route membership aside)."""
    return viewer.is_secret_registrar or secrecy in classes_up_to(viewer.clearance)


@dataclass(frozen=True)
class AccessScope:
    """:func:`letter_visibility_q` in the form a search index applies inside its query.

    An indexed letter carries its access fields (``secrecy``, ``desk_unit``,
    ``agency``, ``created_by``, ``route_units``, ``route_users``, all ids); it is
    visible when

    - it is unclassified and ``desk_unit`` or one of ``route_units`` is in
      ``unit_ids``, or ``user_id`` is in ``route_users`` or is ``created_by``, or
      ``agency`` is in ``archive_agency_ids`` (archive readers; only registered letters
      are indexed); or
    - it is classified and ``all_classified`` (the secret-document registrar), or its
      class is in ``classified_classes`` and ``user_id`` is in ``route_users``.

    ``nothing`` (anonymous) matches no letter. Source: DOMAIN.md §2 "Who may see a letter".
    """

    nothing: bool
    user_id: int | None = None
    unit_ids: frozenset[int] = frozenset()
    archive_agency_ids: frozenset[int] = frozenset()
    classified_classes: tuple[str, ...] = ()
    all_classified: bool = False


def access_scope(viewer: Viewer) -> AccessScope:
    """The :class:`AccessScope` of ``viewer`` — the same rule as :func:`letter_visibility_q`."""
    if viewer.is_anonymous:
        return AccessScope(nothing=True)
    return AccessScope(
        nothing=False,
        user_id=viewer.user_id,
        unit_ids=frozenset(viewer.unit_ids),
        archive_agency_ids=frozenset(viewer.archive_agency_ids) if viewer.is_archive_reader else frozenset(),
        classified_classes=tuple(c for c in classes_up_to(viewer.clearance) if c != Secrecy.UNCLASSIFIED),
        all_classified=viewer.is_secret_registrar,
    )
