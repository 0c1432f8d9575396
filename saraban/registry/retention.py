"""Retention: how long a letter is kept, the yearly list of letters due for destruction
(form 25), the committee's decision, and destruction only of what it approved.

Source: DOMAIN.md §7 and the Regulation on Correspondence's chapter on keeping and
destroying letters: a letter is kept at least 10 years unless a rule says otherwise,
never destroyed when marked permanent (ห้ามทำลาย); within 60 days after the calendar
year ends the registry lists the letters whose retention expired (บัญชีหนังสือขอทำลาย,
form 25) for a destruction committee; nothing is destroyed without that approval.
Destroying removes a letter's files and text; its register rows stay (the book is
itself a permanent record), with the destruction noted.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from saraban.core import limits
from saraban.core.audit import record_event
from saraban.core.classes import Role
from saraban.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from saraban.registry.models import DestructionItem, DestructionList, Letter, LetterFile


def retention_years(letter: Letter) -> int | None:
    """Years ``letter`` is kept after the year it was registered; None = permanent.

    In order: marked permanent (ห้ามทำลาย) → None; the letter's own period; the rule for
    its document type (``SARABAN_RETENTION_RULES``, None = permanent); otherwise
    ``SARABAN_RETENTION_YEARS`` (10, DOMAIN.md §7).
    """
    if letter.permanent:
        return None
    if letter.retention_years:
        return letter.retention_years
    rules = settings.SARABAN_RETENTION_RULES
    if letter.document_type in rules:
        return rules[letter.document_type]
    return settings.SARABAN_RETENTION_YEARS


def due_year(letter: Letter) -> int | None:
    """The CE year at whose end ``letter``'s retention has run out (its registration
    year + the period); None for a permanent record or an unregistered letter."""
    years = retention_years(letter)
    return None if years is None or letter.year is None else letter.year + years


def set_retention(*, actor, letter_id: int, years: int | None = None, permanent: bool = False) -> Letter:
    """Set a registered letter's retention: ``years`` (1–100) or ``permanent``.

    Only a keeper of the letter's register may do it. Raises NotFound, NotAllowed,
    InvalidInput (years out of range), Conflict (already destroyed).
    """
    from saraban.registry.books import keeps_register

    if not permanent and (years is None or not 1 <= years <= 100):
        raise InvalidInput("อายุการเก็บต้องเป็น 1–100 ปี หรือกำหนดเป็นห้ามทำลาย", code="invalid_years")
    with transaction.atomic():
        letter = Letter.objects.select_for_update(of=("self",)).select_related("register").filter(pk=letter_id).first()
        if letter is None or letter.register is None:
            raise NotFound()
        if not keeps_register(actor, letter.register):
            raise NotAllowed("เฉพาะเจ้าหน้าที่ของทะเบียนนี้กำหนดอายุการเก็บได้", code="not_register_keeper")
        if letter.destroyed_at:
            raise Conflict("หนังสือนี้ทำลายแล้ว", code="destroyed")
        letter.permanent, letter.retention_years = permanent, None if permanent else years
        letter.save(update_fields=["permanent", "retention_years"])
        record_event(actor=actor, action="letter.retention", target_type="letter", target_id=letter.pk,
                     years=letter.retention_years, permanent=permanent)
    return letter


def _desk_for(actor, *, secret: bool):
    from saraban.routing.models import Membership

    role = Role.SECRET_REGISTRAR if secret else Role.REGISTRY_CLERK
    membership = Membership.objects.filter(user=actor, role=role).select_related("unit").first()
    if membership is None:
        who = "นายทะเบียนข้อมูลข่าวสารลับ" if secret else "เจ้าหน้าที่สารบรรณ"
        raise NotAllowed(f"เฉพาะ{who}จัดทำบัญชีหนังสือขอทำลายได้", code="not_a_clerk")
    return membership.unit


def due_letters(*, desk, year: int, secret: bool):
    """Registered letters of ``desk``'s registers (the secret registers when ``secret``)
    whose retention ran out by the end of ``year`` and that no committee has decided to
    destroy, nor to keep beyond ``year``."""
    letters = (Letter.objects.filter(status=Letter.Status.REGISTERED, destroyed_at__isnull=True, permanent=False,
                                     register__is_secret=secret)
               .select_related("register"))
    letters = letters.filter(register__desk_unit__agency_id=desk.agency_id) if secret else letters.filter(
        register__desk_unit=desk)
    decided = DestructionItem.objects.filter(
        Q(decision=DestructionItem.Decision.DESTROY) | Q(decision=DestructionItem.Decision.KEEP,
                                                         keep_until_year__gt=year)
    ).values("letter_id")
    letters = letters.exclude(pk__in=decided).filter(year__lte=year)
    return [letter for letter in letters.order_by("year", "receive_number") if (due_year(letter) or 10**6) <= year]


def propose_list(*, actor, year: int, secret: bool = False) -> DestructionList:
    """Make the list of letters due for destruction at the end of ``year`` (CE, or BE
    when > 2400) for the actor's desk — the secret registrar's for ``secret`` — and put
    it to the committee. Only after the year has ended; one list per desk and year.
    Raises NotAllowed, InvalidInput (year not over), Conflict (already made).
    """
    year = year - 543 if year > 2400 else year
    if year >= timezone.localdate().year:
        raise InvalidInput(f"จัดทำบัญชีหนังสือขอทำลายประจำปี พ.ศ. {year + 543} ได้เมื่อสิ้นปีแล้ว", code="year_not_over")
    desk = _desk_for(actor, secret=secret)
    with transaction.atomic():
        if DestructionList.objects.filter(year=year, desk_unit=desk, secret=secret).exists():
            raise Conflict(f"บัญชีหนังสือขอทำลายประจำปี พ.ศ. {year + 543} จัดทำไว้แล้ว", code="already_made")
        lst = DestructionList.objects.create(year=year, desk_unit=desk, secret=secret, created_by=actor)
        letters = due_letters(desk=desk, year=year, secret=secret)
        DestructionItem.objects.bulk_create([DestructionItem(destruction_list=lst, letter=letter)
                                             for letter in letters])
        record_event(actor=actor, action="retention.propose", target_type="destruction_list", target_id=lst.pk,
                     year=year, secret=secret, letters=len(letters))
    return lst


def get_list(actor, list_id: int) -> DestructionList:
    """Destruction list ``list_id`` if the actor makes or approves lists of its desk:
    the registry clerks of the desk (for a secret list, the secret registrar of the
    desk), and the agency's executives (for a secret list, those whose clearance
    covers secret documents). NotFound otherwise: a list of another desk does not
    exist for the person."""
    from saraban.core.access import may_see_classified
    from saraban.core.classes import Secrecy
    from saraban.routing.models import Membership
    from saraban.routing.selectors import viewer_for

    lst = DestructionList.objects.select_related("desk_unit").filter(pk=list_id).first()
    if lst is None:
        raise NotFound()
    if _makes_lists(actor, lst):
        return lst
    executive = Membership.objects.filter(user=actor, role=Role.EXECUTIVE,
                                          unit__agency_id=lst.desk_unit.agency_id).exists()
    if executive and (not lst.secret or may_see_classified(viewer_for(actor), Secrecy.TOP_SECRET)):
        return lst
    raise NotFound()


def _makes_lists(actor, lst: DestructionList) -> bool:
    from saraban.routing.models import Membership

    role = Role.SECRET_REGISTRAR if lst.secret else Role.REGISTRY_CLERK
    return Membership.objects.filter(user=actor, role=role, unit=lst.desk_unit).exists()


def approve_list(*, actor, list_id: int, decisions: dict[int, Any], committee: str,
                 approval_reference: str) -> DestructionList:
    """Record the committee's decision and its approval (DOMAIN.md §7).

    ``decisions``: letter id → ``"destroy"``, or ``"keep"`` / a CE or BE year to keep
    it until; every item must be decided. ``committee``: the members' names;
    ``approval_reference``: the approving authority's letter or order. Recorded by an
    executive (the head of the agency approves the committee's proposal). Raises
    NotFound, NotAllowed, InvalidInput (an item undecided, no committee, a committee
    or reference over its limit — ``too_long``, ``saraban.core.limits``), Conflict
    (already approved).
    """
    from saraban.routing.selectors import roles_of

    lst = get_list(actor, list_id)
    if Role.EXECUTIVE not in roles_of(actor) or _makes_lists(actor, lst):
        raise NotAllowed("ผู้บริหารเท่านั้นบันทึกการอนุมัติของคณะกรรมการทำลายหนังสือได้", code="not_an_executive")
    committee, approval_reference = committee.strip(), approval_reference.strip()
    limits.check_length("committee", committee, field="committee", label="คณะกรรมการทำลายหนังสือ")
    limits.check_length("approval_reference", approval_reference, field="approval_reference", label="หนังสืออนุมัติ")
    if not committee or not approval_reference:
        raise InvalidInput("กรุณาระบุรายชื่อคณะกรรมการและหนังสืออนุมัติ", code="committee_required")
    with transaction.atomic():
        lst = DestructionList.objects.select_for_update().filter(pk=list_id).first()
        if lst is None:
            raise NotFound()
        if lst.status != DestructionList.Status.PROPOSED:
            raise Conflict("บัญชีนี้อนุมัติแล้ว", code="already_approved")
        items = list(lst.items.select_related("letter"))
        for item in items:
            choice = decisions.get(item.letter_id, decisions.get(str(item.letter_id)))
            if choice in (None, ""):
                raise InvalidInput(f"ยังไม่ได้พิจารณาหนังสือเลขรับ {item.letter.receive_number}/{item.letter.year + 543}",
                                   code="undecided", letter_id=item.letter_id)
            choice = str(choice).strip()
            if choice == DestructionItem.Decision.DESTROY:
                item.decision, item.keep_until_year = DestructionItem.Decision.DESTROY, None
            elif choice != DestructionItem.Decision.KEEP and not (choice.isdigit() and len(choice) <= 4):
                raise InvalidInput(f"ผลการพิจารณา '{choice[:20]}' ไม่ถูกต้อง (ใช้ destroy, keep หรือปีที่ให้เก็บถึง)",
                                   code="invalid_decision", letter_id=item.letter_id)
            else:
                until = int(choice) if choice.isdigit() else lst.year + 1
                until = until - 543 if until > 2400 else until
                if until <= lst.year:
                    raise InvalidInput("ปีที่ให้เก็บต่อต้องหลังปีของบัญชี", code="invalid_year")
                item.decision, item.keep_until_year = DestructionItem.Decision.KEEP, until
            item.save(update_fields=["decision", "keep_until_year"])
        lst.status, lst.approved_at, lst.approved_by = DestructionList.Status.APPROVED, timezone.now(), actor
        lst.committee, lst.approval_reference = committee, approval_reference
        lst.save()
        record_event(actor=actor, action="retention.approve", target_type="destruction_list", target_id=lst.pk,
                     committee=committee, approval_reference=approval_reference,
                     destroy=sum(i.decision == DestructionItem.Decision.DESTROY for i in items),
                     keep=sum(i.decision == DestructionItem.Decision.KEEP for i in items))
    return lst


def destroy_approved(*, actor, list_id: int) -> int:
    """Destroy the letters the committee approved for destruction on ``list_id``: their
    files and text are removed, ``destroyed_at`` set, the book rows stay; a letter
    marked ห้ามทำลาย since is kept. Returns how many. Only the clerks of the list's
    desk (the secret registrar for a secret list) may do it. Raises NotFound,
    NotAllowed, Conflict (``not_approved``: nothing is destroyed without approval)."""
    from saraban.search.services import enqueue_index

    lst = get_list(actor, list_id)
    if not _makes_lists(actor, lst):
        raise NotAllowed("เฉพาะเจ้าหน้าที่ของทะเบียนที่จัดทำบัญชีนี้ทำลายหนังสือได้", code="not_a_clerk")
    with transaction.atomic():
        lst = DestructionList.objects.select_for_update().get(pk=lst.pk)
        if lst.status != DestructionList.Status.APPROVED:
            raise Conflict("ยังทำลายไม่ได้ บัญชีนี้ยังไม่ได้รับอนุมัติจากคณะกรรมการ" if lst.status ==
                           DestructionList.Status.PROPOSED else "บัญชีนี้ทำลายไปแล้ว", code="not_approved")
        now, names, destroyed = timezone.now(), [], []
        for item in lst.items.filter(decision=DestructionItem.Decision.DESTROY).select_related("letter"):
            letter = item.letter
            if letter.permanent:  # marked ห้ามทำลาย since the approval: kept
                continue
            files = list(LetterFile.objects.filter(letter=letter))
            names += [(f.file.storage, f.file.name) for f in files]
            destroyed.append({"letter": letter.pk, "files": [{"name": f.original_name, "sha256": f.sha256}
                                                            for f in files]})
            LetterFile.objects.filter(letter=letter).delete()
            Letter.objects.filter(pk=letter.pk).update(destroyed_at=now, text="")
            enqueue_index(letter.pk)
        lst.status, lst.destroyed_at = DestructionList.Status.DESTROYED, now
        lst.save(update_fields=["status", "destroyed_at"])
        record_event(actor=actor, action="retention.destroy", target_type="destruction_list", target_id=lst.pk,
                     destroyed=destroyed)
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])
    return len(destroyed)


def as_document(lst: DestructionList):
    """The list as ``saraban.documents.data.DestructionList`` (form 25, PDF and XLSX)."""
    from saraban.documents import data
    from ocr import thai

    items = []
    for item in lst.items.select_related("letter__register"):
        letter = item.letter
        decision = {DestructionItem.Decision.DESTROY: "ทำลาย", DestructionItem.Decision.PENDING: "",
                    DestructionItem.Decision.KEEP: f"เก็บไว้ถึง พ.ศ. {(item.keep_until_year or 0) + 543}"}[item.decision]
        years = retention_years(letter)
        items.append(data.DestructionItem(
            file_code=letter.register.code, document_number=letter.document_number,
            document_date=letter.document_date, subject=letter.subject, decision=decision,
            remarks=f"เลขรับ {letter.receive_number}/{letter.year + 543} "
                    + ("ห้ามทำลาย" if years is None else f"อายุการเก็บ {years} ปี")))
    approved = ""
    if lst.approved_at:
        approved = (f"คณะกรรมการ: {lst.committee} — อนุมัติตาม {lst.approval_reference} "
                    f"เมื่อ {thai.format_thai_date(timezone.localdate(lst.approved_at))}")
    return data.DestructionList(agency_name=settings.SARABAN_AGENCY_NAME, year_be=lst.year + 543, items=tuple(items),
                                printed_at=timezone.now(), approved_note=approved,
                                thai_digits=settings.SARABAN_THAI_DIGITS)
