"""Shared fixtures: the organisation, demo people and holidays loaded once per test database,
files under a temporary MEDIA_ROOT, and letters rendered by the project itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ocr.render import render_letter

#: The moment the ``clock`` fixture starts at: a Wednesday morning in Bangkok in the
#: middle of a month, of the calendar year and of the fiscal year (which turns on
#: 1 October), with no holiday near — far from every edge where today's date, the month,
#: the (Buddhist-era) year or a working day turns.
FROZEN_AT = dt.datetime(2026, 6, 17, 10, 0, tzinfo=ZoneInfo("Asia/Bangkok"))


class Clock:
    """``django.utils.timezone.now`` for one test: starts at :data:`FROZEN_AT` and moves
    on one microsecond per reading, so that times keep their order (no ties) and every
    run reads the same times. ``at`` is the next reading; ``set(moment)`` jumps there."""

    def __init__(self, start: dt.datetime) -> None:
        self.set(start)

    def set(self, moment: dt.datetime) -> None:
        self.at = moment.astimezone(dt.timezone.utc)  # aware UTC, as Django's own now()

    def __call__(self) -> dt.datetime:
        now, self.at = self.at, self.at + dt.timedelta(microseconds=1)
        return now


@pytest.fixture
def clock(monkeypatch):
    """A fixed clock (:class:`Clock` from :data:`FROZEN_AT`) for tests whose assertions
    depend on today's date, month or year: everything that asks
    ``django.utils.timezone.now()`` (``localdate()``, ``auto_now_add``…) reads it. The
    same patch as the tests' own ``mock.patch("django.utils.timezone.now", …)``, which
    still works inside it for a moment of their choosing."""
    from django.utils import timezone

    frozen = Clock(FROZEN_AT)
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The organisation fixture and the demo people, in every test database."""
    from saraban.routing.deadlines import load_holidays
    from saraban.routing.demo import seed_demo_people
    from saraban.routing.services import load_organisation

    with django_db_blocker.unblock():
        load_organisation()
        seed_demo_people()
        load_holidays()


@pytest.fixture(autouse=True)
def _no_remembered_worker():
    """Each test decides afresh whether a worker runs (the answer is cached per process)."""
    from saraban.core import workers

    workers._seen = (0.0, False)
    yield
    workers._seen = (0.0, False)


@pytest.fixture
def thai_digits(settings):
    """Numbers in messages and documents in Thai digits, whatever the environment sets
    (``SARABAN_THAI_DIGITS``), for tests that read them."""
    settings.SARABAN_THAI_DIGITS = True


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: throttles (public complaint status,
    signature validation) and miss counters are per client address, so one test's
    requests must not count against the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A developer's own trained routing model must not change what tests see.
    settings.SARABAN_ROUTING_MODEL_PATH = tmp_path / "models" / "routing.json"
    # Tasks run at once in tests (on commit), so pages and APIs see the reading finish.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def fake_reader(settings):
    """Letters are read by an :class:`ocr.reader.FakeReader` in this test, with no OCR: it
    is put in ``settings.SARABAN_READER`` and returned, so that the test says what the
    letter holds (``fake_reader.pages = [memo_text()]``: the fields are then found in that
    text; or ``fake_reader.fields = {...}``) and sees what was read
    (``fake_reader.calls``). By default each page of the file reads as empty. For tests
    that go through the reading without asserting what OCR makes of a scan; those that
    do keep the real reader."""
    from ocr.reader import FakeReader

    reader = FakeReader()
    settings.SARABAN_READER = reader
    return reader


@pytest.fixture
def people(db):
    """The demo people by username."""
    from saraban.core.models import User

    return {u.username: u for u in User.objects.all()}


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """``rendered(text, name, **kwargs) -> Path``: a letter rendered as a scan, cached per session."""
    folder = tmp_path_factory.mktemp("letters")
    cache: dict[tuple, Path] = {}

    def make(text: str, name: str = "letter.pdf", **kwargs) -> Path:
        key = (text, name, tuple(sorted(kwargs.items())))
        if key not in cache:
            path = folder / f"{len(cache)}-{name}"
            render_letter(text, path, **kwargs)
            cache[key] = path
        return cache[key]

    return make


MEMO_TEMPLATE = """บันทึกข้อความ

ส่วนราชการ {office} โทร. ๐ ๒๖๕๙ ๖๑๒๓

ที่ {number} วันที่ {date}

เรื่อง {subject}

เรียน {addressee}

ตามที่ {office} ได้ดำเนินการเรื่องดังกล่าวมาแล้วนั้น จึงขอให้หน่วยงานพิจารณาดำเนินการตามระเบียบต่อไป

จึงเรียนมาเพื่อโปรดทราบและพิจารณาดำเนินการ

({signer})
{position}
"""


def memo_text(*, number="พม ๐๒๐๑/ว ๓๔๕", date="๑๗ มิถุนายน ๒๕๖๘", subject="ขอเชิญประชุมคณะทำงานพัฒนาระบบสารบรรณอิเล็กทรอนิกส์",
              addressee="ผู้อำนวยการกองกลาง", office="ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร",
              signer="นายสมชาย ใจดี", position="ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร") -> str:
    """A memo (บันทึกข้อความ) text with the given header fields."""
    return MEMO_TEMPLATE.format(number=number, date=date, subject=subject, addressee=addressee, office=office,
                                signer=signer, position=position)


@pytest.fixture(autouse=True)
def _search_index(settings, request):
    """Each test gets its own search index: with Elasticsearch (``ELASTICSEARCH_URL``
    set, as ``make test`` does for the search suite) a fresh alias per test, deleted
    after it; with the embedded backend the test database already isolates it."""
    import uuid

    from saraban.search.backends import get_backend

    config = dict(settings.SEARCH_BACKENDS["default"])
    elastic = config["BACKEND"].endswith("ElasticsearchBackend")
    if elastic:
        config["INDEX"] = f"saraban-test-{uuid.uuid4().hex[:12]}"
        settings.SEARCH_BACKENDS = {"default": config}
    get_backend.cache_clear()
    yield
    if elastic:
        try:
            get_backend().clear()
        except Exception:  # the outage test leaves it to the next start
            pass
    get_backend.cache_clear()


def pdf_text(content: bytes) -> str:
    """A PDF's text as a reader copies it (``pdftotext -raw``), normalised (ำ, mark
    order) like the search."""
    import subprocess

    from ocr.thai import normalize

    return normalize(subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True,
                                    check=True).stdout.decode())
