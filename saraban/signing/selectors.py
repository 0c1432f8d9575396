"""Signing reads: a person's certificates, what waits for their signature, and the
signatures on a letter (with the access policy applied)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Exists, OuterRef, QuerySet, When

from saraban.core.classes import Secrecy
from saraban.signing.models import Signature, SigningCertificate


def my_certificates(user, *, usable_only: bool = False) -> QuerySet[SigningCertificate]:
    """``user``'s active certificates, newest first (``usable_only``: not expired)."""
    from django.utils import timezone

    rows = SigningCertificate.objects.filter(owner=user, active=True)
    if usable_only:
        now = timezone.now()
        rows = rows.filter(not_before__lte=now, not_after__gt=now)
    return rows


@dataclass(frozen=True)
class Pending:
    """Something waiting for ``user``'s signature: an endorsement on an incoming letter
    (``endorsement`` set) or an outgoing letter (``outgoing`` set)."""

    kind: str  # "endorsement" | "outgoing"
    letter: object = None
    endorsement: object = None
    outgoing: object = None


def unsigned_endorsements(user, *, letter=None, limit: int = 100) -> QuerySet:
    """Endorsements ``user`` wrote and has not signed, on unclassified registered letters
    that have a stamped PDF (all of them, or on ``letter`` only), newest first."""
    from saraban.registry.models import LetterFile
    from saraban.routing.models import Endorsement

    rows = (Endorsement.objects.filter(endorsed_by=user, letter__secrecy=Secrecy.UNCLASSIFIED,
                                       letter__status="registered", letter__destroyed_at__isnull=True)
            .filter(Exists(LetterFile.objects.filter(letter=OuterRef("letter"), role=LetterFile.Role.STAMPED)))
            .exclude(Exists(Signature.objects.filter(endorsement=OuterRef("pk")))))
    if letter is not None:
        rows = rows.filter(letter=letter)
    return rows.select_related("letter").order_by("-endorsed_at", "-id")[:limit]


def pending_for(user, *, limit: int = 100) -> list[Pending]:
    """Unsigned endorsements ``user`` wrote on unclassified registered letters that have a
    stamped PDF, and sent unclassified outgoing letters of the agency that ``user`` may
    sign and has not signed (named as the signer first). Classified letters never appear:
    they are never e-signed."""
    from saraban.registry.models import OutgoingLetter
    from saraban.routing.models import Membership
    from saraban.signing.services import SIGNER_ROLES

    items = [Pending("endorsement", letter=e.letter, endorsement=e)
             for e in unsigned_endorsements(user, limit=limit)]
    agencies = Membership.objects.filter(user=user, role__in=SIGNER_ROLES).values("unit__agency_id")
    outgoing = (OutgoingLetter.objects.filter(status=OutgoingLetter.Status.SENT, secrecy=Secrecy.UNCLASSIFIED,
                                              desk_unit__agency_id__in=agencies)
                .exclude(file="")
                .exclude(Exists(Signature.objects.filter(outgoing=OuterRef("pk"), signer=user)))
                .annotate(named=Case(When(signer_name=user.display_name, then=0), default=1))
                .select_related("desk_unit").order_by("named", "-sent_at", "-id")[:limit])
    return items + [Pending("outgoing", outgoing=o) for o in outgoing]


def recent_signatures(user, *, limit: int = 20) -> QuerySet[Signature]:
    """The signatures ``user`` made, newest first."""
    return (Signature.objects.filter(signer=user).select_related("letter", "outgoing")
            .order_by("-signed_at", "-id")[:limit])


def letter_signatures(letter) -> QuerySet[Signature]:
    """The signatures on ``letter`` (already visible to the caller), oldest first."""
    return Signature.objects.filter(letter=letter).select_related("signer", "certificate", "endorsement")


def outgoing_signatures(outgoing) -> QuerySet[Signature]:
    """The signatures on outgoing letter ``outgoing``, oldest first."""
    return Signature.objects.filter(outgoing=outgoing).select_related("signer", "certificate")
