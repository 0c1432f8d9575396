"""The reading step asks ``settings.SARABAN_READER`` for its reader: the Tesseract
pipeline by default, a fake one in tests (the ``fake_reader`` fixture), so that what
intake does around the reading is tested without OCR: what the reader found is kept on
the draft, the progress is reported per page, a failure is recorded."""

from __future__ import annotations

import datetime as dt

import pytest

from ocr.errors import ReadError
from ocr.reader import FakeReader, TesseractReader
from saraban.core.models import AuditEvent
from saraban.registry import services
from saraban.registry.models import Letter
from tests.conftest import memo_text

pytestmark = pytest.mark.django_db


def draft_of(clerk, path) -> Letter:
    with open(path, "rb") as fh:
        return services.intake_file(actor=clerk, stream=fh, file_name=path.name, enqueue=False)


def test_the_reader_is_the_tesseract_pipeline_unless_the_setting_names_another(settings):
    assert isinstance(services.letter_reader(), TesseractReader)
    settings.SARABAN_READER = "ocr.reader.FakeReader"  # a class: made for each reading
    assert isinstance(services.letter_reader(), FakeReader)
    reader = FakeReader()
    settings.SARABAN_READER = reader  # a reader: used as it is
    assert services.letter_reader() is reader


def test_what_the_reader_found_is_kept_on_the_draft(people, rendered, fake_reader):
    text = memo_text(number="พม ๐๒๐๑/ว ๓๔๕", date="๑๗ มิถุนายน ๒๕๖๘")
    fake_reader.pages = [text]
    fake_reader.needs_review = ["urgency"]
    draft = draft_of(people["clerk"], rendered(memo_text()))
    seen = []
    draft = services.read_letter(letter_id=draft.pk, progress=lambda done, total: seen.append((done, total)))
    assert fake_reader.calls == [draft.original.file.path] and seen == [(1, 1)]
    assert draft.reading_status == Letter.ReadingStatus.DONE and draft.reading_progress == 100
    assert draft.reading_pages == 1 and draft.text == text
    assert draft.document_number_canonical == "พม0201/ว345" and draft.document_date == dt.date(2025, 6, 17)
    assert draft.suggested["needs_review"] == ["urgency"]
    assert draft.searchable is not None  # kept beside the original
    assert draft.status == Letter.Status.DRAFT and draft.receive_number is None


def test_a_suggested_secrecy_waits_for_a_person(people, rendered, fake_reader):
    fake_reader.fields = {"subject": "รายงานการข่าว", "secrecy": "secret"}
    draft = services.read_letter(letter_id=draft_of(people["clerk"], rendered(memo_text())).pk)
    assert draft.subject == "รายงานการข่าว" and draft.suggested["secrecy"] == "secret"
    assert draft.secrecy == "unclassified"  # not applied before a person confirms


def test_a_failing_reader_leaves_the_draft_failed_with_its_reason(people, rendered, settings):
    class FailingReader:
        def read(self, path, **options):
            raise ReadError(detail="tesseract crashed")

    settings.SARABAN_READER = FailingReader()
    draft = draft_of(people["clerk"], rendered(memo_text()))
    with pytest.raises(ReadError):
        services.read_letter(letter_id=draft.pk)
    draft.refresh_from_db()
    assert draft.reading_status == Letter.ReadingStatus.FAILED and draft.reading_error
    assert AuditEvent.objects.filter(action="letter.read_failed", target_id=str(draft.pk)).exists()


def test_the_draft_page_colours_by_the_calibrated_flags_and_numbers_always_wait(people, rendered, fake_reader,
                                                                                 client):
    fake_reader.pages = [memo_text(number="พม ๐๒๐๑/ว ๓๔๕", date="๑๗ มิถุนายน ๒๕๖๘")]
    fake_reader.confidences = {name: 1.0 for name in ("document_number", "document_date", "subject", "addressee",
                                                      "signer_name", "signer_position", "document_type")}
    draft = services.read_letter(letter_id=draft_of(people["clerk"], rendered(memo_text())).pk)
    sure = set(draft.suggested["confident"])
    assert not sure & {"document_number", "document_date"}  # numbers and dates wait for a person, even at 100%
    client.force_login(people["clerk"])
    page = client.get(f"/letters/{draft.pk}/").content.decode()

    def label(name: str) -> str:
        return page[page.index(f'for="f-{name}"'):page.index(f'id="f-{name}"')]

    for name in ("document_number", "document_date"):
        assert "โปรดตรวจกับภาพหนังสือ" in label(name) and "ระบบอ่านมั่นใจ" not in label(name)
    for name in sure:
        assert "ระบบอ่านมั่นใจ" in label(name)
    assert "อ่านได้ 100" not in page  # no raw percentage dressed as certainty
