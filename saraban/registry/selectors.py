"""Reads of letters, always through the access policy (DOMAIN.md §2)."""

from __future__ import annotations

from django.db.models import QuerySet

from saraban.core.access import Viewer, letter_visibility_q
from saraban.core.errors import NotFound
from saraban.registry.models import Letter, LetterFile


def visible_letters(viewer: Viewer) -> QuerySet[Letter]:
    """Every letter ``viewer`` may open (drafts included), without duplicates."""
    return Letter.objects.filter(pk__in=Letter.objects.filter(letter_visibility_q(viewer)).values("pk"))


def get_letter(viewer: Viewer, letter_id: int) -> Letter:
    """The letter ``letter_id`` if ``viewer`` may open it.

    Raises NotFound both when it does not exist and when it is hidden from the viewer,
    so that a classified letter does not exist to anyone without access.
    """
    try:
        return (
            visible_letters(viewer)
            .select_related("register", "desk_unit", "created_by", "registered_by")
            .prefetch_related("files")
            .get(pk=letter_id)
        )
    except (Letter.DoesNotExist, ValueError, TypeError):
        raise NotFound("ไม่พบหนังสือที่ต้องการ") from None


def get_letter_file(viewer: Viewer, letter_id: int, role: str) -> LetterFile:
    """A letter's file (``original`` or ``searchable``) if the viewer may open the letter.

    Raises NotFound otherwise.
    """
    letter = get_letter(viewer, letter_id)
    file = next((f for f in letter.files.all() if f.role == role), None)
    if file is None:
        raise NotFound("ไม่พบไฟล์ของหนังสือนี้")
    return file


def registered_letters(viewer: Viewer) -> QuerySet[Letter]:
    """Registered letters the viewer may open, newest receive number first."""
    return visible_letters(viewer).filter(status=Letter.Status.REGISTERED).order_by("-registered_at", "-id")


def find_duplicate(*, among: QuerySet[Letter], sha256: str | None = None, number_canonical: str = "",
                   document_date=None, sender: str = "", exclude_id: int | None = None) -> Letter | None:
    """An already-received letter of ``among`` this one duplicates, or None (DOMAIN.md §5).

    The same file (``sha256``), or the same canonical number and date — and, when both
    carry one, the same sender/issuing office — as a letter already registered.
    ``among`` is normally what the person may see (:func:`visible_letters`), so that
    the answer never reveals a letter hidden from them.
    """
    qs = among
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    if sha256:
        hit = qs.filter(files__role=LetterFile.Role.ORIGINAL, files__sha256=sha256).order_by("id").first()
        if hit:
            return hit
    if number_canonical and document_date:
        candidates = qs.filter(
            status=Letter.Status.REGISTERED, document_number_canonical=number_canonical, document_date=document_date
        ).order_by("id")
        for candidate in candidates:
            other = candidate.issuing_office or candidate.sender
            if not sender or not other or _same_sender(sender, other):
                return candidate
    return None


def _same_sender(a: str, b: str) -> bool:
    a, b = "".join(a.split()), "".join(b.split())
    return a in b or b in a
