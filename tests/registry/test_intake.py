"""Bad input gets a clear error before any expensive work, and leaves nothing behind."""

from __future__ import annotations

import io

import pytest

from saraban.core.errors import InvalidInput
from saraban.registry import services
from saraban.registry.models import Letter, LetterFile
from tests.hostile import forbid_decoding, png_header_only

pytestmark = pytest.mark.django_db


BAD_FILES = {
    "empty": b"",
    "broken_pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not a pdf\n%%EOF",
    "huge_image": png_header_only(20000, 20000),
    "wrong_type": b"PK\x03\x04 a zip file, not a letter" + b"\x00" * 100,
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_files_are_rejected_fast_and_leave_nothing(people, kind, monkeypatch):
    with monkeypatch.context() as patched:  # fast: refused from headers, before any pixel or page is drawn
        decoded = forbid_decoding(patched)
        with pytest.raises(InvalidInput) as error:
            services.intake_file(actor=people["clerk"], stream=io.BytesIO(BAD_FILES[kind]),
                                 file_name=f"{kind}.pdf")
    assert decoded == []
    assert error.value.message and error.value.code
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in error.value.message), "the message is in Thai"
    assert Letter.objects.count() == 0 and LetterFile.objects.count() == 0
    letter = services.register_without_file(actor=people["clerk"], fields={"subject": "ฉบับถัดไป"})
    assert letter.receive_number == 1, "no receive number was used by the rejected file"


def test_the_file_is_kept_byte_for_byte_and_a_second_copy_is_a_duplicate(people, rendered):
    from tests.conftest import memo_text

    path = rendered(memo_text())
    data = path.read_bytes()
    draft = services.intake_file(actor=people["clerk"], stream=io.BytesIO(data), file_name="memo.pdf", enqueue=False)
    stored = draft.original
    with stored.file.open("rb") as fh:
        assert fh.read() == data
    import hashlib

    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.mime == "application/pdf" and stored.pages == 1
    with pytest.raises(services.DuplicateLetter) as dup:
        services.intake_file(actor=people["clerk"], stream=io.BytesIO(data), file_name="again.pdf")
    assert dup.value.extra["duplicate_of"] == draft.pk
    assert Letter.objects.count() == 1


def test_too_large_upload_is_refused_while_streaming(people, settings):
    settings.SARABAN_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(InvalidInput) as error:
        services.intake_file(actor=people["clerk"], stream=io.BytesIO(b"%PDF" + b"0" * 5000), file_name="big.pdf")
    assert error.value.code == "file_too_large"
    assert Letter.objects.count() == 0
