"""Elasticsearch in the service: an outage never fails a save and loses nothing; a
rebuild swaps the alias with no downtime; the commands use it end to end.

Runs against the real local node that ``make test`` starts (``ELASTICSEARCH_URL``);
the outage test stops and restarts that node with scripts/elasticsearch.sh.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest
from django.core.management import call_command

from saraban.core.access import access_scope
from saraban.core.errors import ServiceUnavailable
from saraban.registry import services as registry
from saraban.routing.selectors import viewer_for
from saraban.search.backends import SearchQuery, get_backend
from saraban.search.selectors import search_letters
from saraban.search.services import drain_all, outbox_lag, reindex_all
from tests.factories import registered_letter

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _elasticsearch_is_the_backend():
    if not os.environ.get("ELASTICSEARCH_URL"):
        pytest.fail("ELASTICSEARCH_URL is not set: these tests need the local Elasticsearch "
                    "(`make elasticsearch`, or run the whole suite with `make test`)")
    assert type(get_backend()).__name__ == "ElasticsearchBackend"


def elasticsearch(action: str) -> None:
    done = subprocess.run(["bash", str(ROOT / "scripts" / "elasticsearch.sh"), action], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def fields(n: int, subject: str) -> dict:
    return {"document_number": f"ศธ ๐๒๐๖/{n}", "document_date": "2025-07-01", "subject": subject,
            "issuing_office": "สำนักงานเขตพื้นที่การศึกษา"}


def found(user, text: str) -> set[int]:
    return {h.letter_id for h in search_letters(viewer_for(user), text, limit=100).hits}


def test_an_outage_never_fails_a_save_and_loses_nothing(people, django_capture_on_commit_callbacks, client):
    clerk = people["clerk"]
    before = [registered_letter(clerk, subject=f"ทุนการศึกษาก่อนหยุด {i}") for i in range(3)]
    assert found(clerk, "ทุนการศึกษา") == {l.pk for l in before}
    elasticsearch("stop")
    try:
        during = []
        for i in range(5):  # registrations go on while the engine is down
            with django_capture_on_commit_callbacks(execute=True):
                during.append(registry.register_without_file(
                    actor=clerk, fields=fields(900 + i, f"ทุนการศึกษาระหว่างหยุด {i}")))
        assert [letter.receive_number for letter in during] == list(range(4, 9))
        lag = outbox_lag()
        assert lag["pending"] == 5 and lag["retrying"] == 5  # each tried once after its commit
        with pytest.raises(ServiceUnavailable):
            search_letters(viewer_for(clerk), "ทุนการศึกษา")
        client.force_login(clerk)
        answer = client.get("/api/search", {"q": "ทุนการศึกษา"})
        assert answer.status_code == 503 and "ลองใหม่" in answer.json()["title"]
        assert "ลองใหม่" in client.get("/search/", {"q": "ทุนการศึกษา"}).content.decode()
        assert drain_all(retry_now=True).failed == 5  # the worker's retry while still down
        with pytest.raises(SystemExit):
            call_command("search_status", "--json")
    finally:
        elasticsearch("start")
    result = drain_all(retry_now=True)  # what the worker does once the engine is back
    assert result.indexed == 5 and result.failed == 0
    assert outbox_lag()["pending"] == 0
    assert found(clerk, "ทุนการศึกษา") == {l.pk for l in before + during}


def test_reindex_builds_a_new_index_and_swaps_the_alias_without_downtime(people, django_capture_on_commit_callbacks,
                                                                         monkeypatch):
    from saraban.search import services

    clerk = people["clerk"]
    letters = [registered_letter(clerk, subject=f"โครงการอาหารกลางวัน {i}") for i in range(40)]
    backend = get_backend()
    old_indexes = backend._indexes()
    scope = access_scope(viewer_for(clerk))
    totals: list[int] = []
    stop = threading.Event()

    def keep_searching():
        while not stop.is_set():
            totals.append(backend.search(SearchQuery(text="อาหารกลางวัน", limit=1), scope=scope).total)

    # A letter registered while the rebuild runs (after the rebuild has read past it)
    # is written to the old index by the outbox; it must not be lost by the swap.
    late: list = []
    real_document_for = services.document_for

    def document_for_and_register_once(letter):
        if not late and letter.pk == letters[-1].pk:
            with django_capture_on_commit_callbacks(execute=True):
                late.append(registry.register_without_file(actor=clerk, fields=fields(990, "โครงการอาหารกลางวันล่าช้า")))
        return real_document_for(letter)

    monkeypatch.setattr(services, "document_for", document_for_and_register_once)
    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        count = reindex_all()
    finally:
        stop.set()
        searcher.join()
    assert count == 40
    new_indexes = backend._indexes()
    assert len(new_indexes) == 1 and new_indexes != old_indexes
    assert not backend.client.indices.exists(index=old_indexes[0])  # the old index is gone
    assert totals and min(totals) >= 40  # never an empty answer during the rebuild
    assert found(clerk, "อาหารกลางวัน") == {l.pk for l in letters + late}


def test_register_and_search_commands_use_elasticsearch(people, rendered, capsys, django_capture_on_commit_callbacks):
    from tests.conftest import memo_text

    path = rendered(memo_text(subject="ขอความอนุเคราะห์ตรวจสอบระบบประปาหมู่บ้าน"), "memo.pdf")
    with django_capture_on_commit_callbacks(execute=True):  # the command's commits, as in production
        call_command("register", str(path), "--json")
    registered = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    call_command("search", "ประปาหมู่บ้าน", "--user", "clerk", "--json")
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert [h["letter_id"] for h in hits] == [registered["letter_id"]]
    call_command("search_status", "--json")
    status = json.loads(capsys.readouterr().out)
    assert status["backend"] == "elasticsearch" and status["documents"] == 1 and status["outbox"]["pending"] == 0
