"""Many clerks at once: numbers issued exactly once, in order, with no gaps, and a
letter registered by two clerks at the same moment is registered once.

Real processes on a real database of their own (a SQLite file, or a new PostgreSQL
database when the suite runs on PostgreSQL), migrated and seeded by the project's
own commands.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 6
EACH = 8
SHARED = 4  # letters every process tries to register

WORKER = """
import json, sys
from saraban.core.models import User
from saraban.registry.services import DuplicateLetter, register_without_file
who = int(sys.argv[1])
clerk = User.objects.get(username="clerk")
done = []
for i in range({each}):
    letter = register_without_file(actor=clerk, fields={{"document_number": f"พม ๐๒๐๑/{{who}}-{{i}}",
        "document_date": "2025-01-02", "subject": f"ทดสอบพร้อมกัน {{who}}-{{i}}", "issuing_office": "กองกลาง"}})
    done.append(letter.receive_number)
from saraban.registry import books
code = clerk.memberships.get().unit.code + "-IN"
for i in range(2):  # reservations take numbers of the same book, in between
    done += [e.number for e in books.reserve(actor=clerk, register_code=code, reserved_for=f"จอง {{who}}-{{i}}")]
for i in range({shared}):
    try:
        letter = register_without_file(actor=clerk, fields={{"document_number": f"พม ๐๒๐๑/ร่วม{{i}}",
            "document_date": "2025-01-02", "subject": "ฉบับเดียวกัน", "issuing_office": "กองกลาง"}})
        done.append(letter.receive_number)
    except DuplicateLetter:
        pass
print(json.dumps(done))
""".format(each=EACH, shared=SHARED)


@pytest.fixture
def own_database(tmp_path):
    """DATABASE_URL of a fresh database of the engine under test; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
        return
    import psycopg

    params = settings.DATABASES["default"]
    name = f"saraban_conc_{uuid.uuid4().hex[:8]}"
    admin = dict(host=params["HOST"], port=params["PORT"], user=params["USER"], password=params["PASSWORD"],
                 dbname="postgres", autocommit=True)
    with psycopg.connect(**admin) as conn:  # outside the test's transaction
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST']}:{params['PORT']}/{name}"
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(url: str, tmp_path: Path, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "SARABAN_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "saraban.settings"}
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_concurrent_clerks_get_every_number_once(own_database, tmp_path):
    manage(own_database, tmp_path, "migrate", "-v", "0")
    manage(own_database, tmp_path, "load_organisation")
    manage(own_database, tmp_path, "seed_demo_people")
    with ThreadPoolExecutor(PROCESSES) as pool:
        outputs = list(pool.map(lambda who: manage(own_database, tmp_path, "shell", "-c", WORKER.replace(
            "int(sys.argv[1])", str(who))), range(PROCESSES)))
    import json

    numbers = sorted(n for out in outputs for n in json.loads(out.strip().splitlines()[-1]))
    expected = PROCESSES * (EACH + 2) + SHARED
    assert len(numbers) == expected, "each shared letter registered exactly once"
    book = manage(own_database, tmp_path, "shell", "-c", (
        "from saraban.registry.models import RegisterEntry as E; import json; "
        "print(json.dumps([[e.number, e.state, e.entered_at.isoformat(), e.letter_id, e.year] "
        "for e in E.objects.order_by('year', 'number')]))"))
    rows = json.loads(book.strip().splitlines()[-1])
    # The processes run on the real clock: numbers restart at 1 when the year turns in
    # Bangkok meanwhile, so the book is checked year by year.
    years = sorted({r[4] for r in rows})
    assert len(years) <= 2 and sorted(r[0] for r in rows) == numbers, "the book has one row per number"
    for year in years:
        series = [r[0] for r in rows if r[4] == year]
        assert series == list(range(1, len(series) + 1)), ("no duplicate, no gap", year)
    assert sum(r[1] == "reserved" for r in rows) == PROCESSES * 2
    assert all(a[2] <= b[2] for a, b in zip(rows, rows[1:])), "times rise with the numbers"
