"""Retention (DOMAIN.md §7): 10 years unless a rule says otherwise, never for a
permanent record; the yearly list (form 25) goes to a committee; nothing is destroyed
without its approval, and the book keeps its rows."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from saraban.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from saraban.registry import books, retention, services
from saraban.registry.models import DestructionItem, Letter, LetterFile, RegisterEntry

# A fixed clock (tests/conftest.py): numbers restart each year and books, pages and
# assertions read today's date, so a run across midnight or the new year must not see two.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
BANGKOK = dt.timezone(dt.timedelta(hours=7))


def old_letter(clerk, n: int, year: int, rendered=None, **extra) -> Letter:
    fields = {"document_number": f"รบ ๐๐๑๘/{n}", "document_date": f"{year}-03-01", "subject": f"เรื่องเก่า {n}",
              "issuing_office": "ศาลากลางจังหวัดราชบุรี", **extra}
    with mock.patch("django.utils.timezone.now", return_value=dt.datetime(year, 3, 2, 10, 0, tzinfo=BANGKOK)):
        if rendered is None:
            return services.register_without_file(actor=clerk, fields=fields)
        from tests.conftest import memo_text

        with open(rendered(memo_text(subject=f"เรื่องเก่า {n}")), "rb") as fh:
            draft = services.intake_file(actor=clerk, stream=fh, file_name=f"old{n}.pdf", enqueue=False)
        return services.confirm_letter(actor=clerk, letter_id=draft.pk, fields=fields)


def test_retention_rules(people, settings):
    clerk = people["clerk"]
    letter = old_letter(clerk, 1, 2014)
    assert retention.retention_years(letter) == 10 and retention.due_year(letter) == 2024
    settings.SARABAN_RETENTION_RULES = {"directive": None}
    order = old_letter(clerk, 2, 2014, document_type="directive")
    assert retention.due_year(order) is None  # a rule keeps orders for ever
    kept = retention.set_retention(actor=clerk, letter_id=letter.pk, permanent=True)
    assert kept.permanent and retention.due_year(kept) is None
    with pytest.raises(InvalidInput):
        retention.set_retention(actor=clerk, letter_id=letter.pk, years=0)
    with pytest.raises(NotAllowed):
        retention.set_retention(actor=people["ict_staff"], letter_id=letter.pk, years=5)


def test_the_list_goes_to_the_committee_and_only_approved_letters_are_destroyed(people, rendered):
    clerk, executive = people["clerk"], people["executive"]
    due = old_letter(clerk, 1, 2014, rendered=rendered)
    keep = old_letter(clerk, 2, 2014)
    permanent = old_letter(clerk, 3, 2014)
    retention.set_retention(actor=clerk, letter_id=permanent.pk, permanent=True)
    recent = old_letter(clerk, 4, 2020)
    with pytest.raises(InvalidInput):
        retention.propose_list(actor=clerk, year=timezone.localdate().year)  # the year is not over (in Bangkok)
    lst = retention.propose_list(actor=clerk, year=2567)  # BE 2567 = 2024
    assert lst.year == 2024
    listed = set(lst.items.values_list("letter_id", flat=True))
    assert listed == {due.pk, keep.pk} and permanent.pk not in listed and recent.pk not in listed
    with pytest.raises(Conflict):
        retention.propose_list(actor=clerk, year=2024)

    with pytest.raises(Conflict) as early:
        retention.destroy_approved(actor=clerk, list_id=lst.pk)  # nothing without approval
    assert early.value.code == "not_approved"
    assert LetterFile.objects.filter(letter=due).exists()
    with pytest.raises(NotAllowed):
        retention.approve_list(actor=clerk, list_id=lst.pk, decisions={}, committee="ก", approval_reference="ข")
    with pytest.raises(InvalidInput) as undecided:
        retention.approve_list(actor=executive, list_id=lst.pk, decisions={due.pk: "destroy"},
                               committee="นายก นายข นายค", approval_reference="คำสั่ง ๑/๒๕๖๘")
    assert undecided.value.code == "undecided"
    retention.approve_list(actor=executive, list_id=lst.pk, decisions={due.pk: "destroy", keep.pk: "2570"},
                           committee="นายก นายข นายค", approval_reference="คำสั่ง ๑/๒๕๖๘")
    assert DestructionItem.objects.get(letter=keep).keep_until_year == 2027

    api = APIClient()
    api.force_authenticate(clerk)
    xlsx = api.get(f"/api/destruction-lists/{lst.pk}", {"export": "xlsx"})
    flat = " ".join(str(c.value) for row in load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
                    .iter_rows() for c in row if c.value)
    assert "บัญชีหนังสือขอทำลาย" in flat and "เรื่องเก่า 1" in flat and "ทำลาย" in flat and "2570" in flat.translate(
        str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    assert api.get(f"/api/destruction-lists/{lst.pk}", {"export": "pdf"}).status_code == 200

    assert api.post(f"/api/destruction-lists/{lst.pk}/destroy").json() == {"destroyed": 1}
    due.refresh_from_db()
    assert due.destroyed_at and not LetterFile.objects.filter(letter=due).exists() and due.text == ""
    assert Letter.objects.get(pk=keep.pk).destroyed_at is None
    row = RegisterEntry.objects.get(letter=due)  # the book keeps its row
    line = next(line for line in books.book_lines(row.register, date_from=dt.date(2014, 1, 1),
                                                  date_to=dt.date(2014, 12, 31)) if line.entry.pk == row.pk)
    assert "ทำลายแล้ว" in line.remarks
    with pytest.raises(Conflict):
        retention.destroy_approved(actor=clerk, list_id=lst.pk)


def test_lists_belong_to_their_desk_and_a_letter_marked_permanent_late_is_kept(people):
    from saraban.core.classes import Role
    from saraban.core.models import User
    from saraban.routing.models import Membership, Unit

    clerk, executive = people["clerk"], people["executive"]
    first, second = old_letter(clerk, 1, 2014), old_letter(clerk, 2, 2014)
    lst = retention.propose_list(actor=clerk, year=2024)
    other_desk = Unit.objects.exclude(pk=clerk.memberships.get().unit_id).filter(kind="division").first()
    stranger = User.objects.create(username="other_clerk")
    Membership.objects.create(user=stranger, unit=other_desk, role=Role.REGISTRY_CLERK)
    with pytest.raises(NotFound):
        retention.get_list(stranger, lst.pk)
    with pytest.raises(InvalidInput) as typo:
        retention.approve_list(actor=executive, list_id=lst.pk, decisions={first.pk: "destory", second.pk: "destroy"},
                               committee="นายก นายข นายค", approval_reference="คำสั่ง ๒/๒๕๖๘")
    assert typo.value.code == "invalid_decision"
    retention.approve_list(actor=executive, list_id=lst.pk, decisions={first.pk: "destroy", second.pk: "destroy"},
                           committee="นายก นายข นายค", approval_reference="คำสั่ง ๒/๒๕๖๘")
    with pytest.raises(NotFound):
        retention.destroy_approved(actor=stranger, list_id=lst.pk)
    retention.set_retention(actor=clerk, letter_id=second.pk, permanent=True)  # decided after the approval
    assert retention.destroy_approved(actor=clerk, list_id=lst.pk) == 1
    assert Letter.objects.get(pk=second.pk).destroyed_at is None
    assert Letter.objects.get(pk=first.pk).destroyed_at is not None
