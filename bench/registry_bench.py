#!/usr/bin/env python3
"""Registry benchmark: receive numbers issued by many clerks at once, on PostgreSQL.

Usage::

    .venv/bin/python bench/registry_bench.py [--clients C] [--letters N] [--database-url URL] [--skip-api]

Method
------
A fresh PostgreSQL database (on the local server of ``scripts/postgres.sh`` unless
``--database-url`` names another server) is migrated and seeded with the project's own
commands (``migrate``, ``load_organisation``, ``seed_demo_people``), then dropped at
the end. N letters are registered without a file (no OCR) by the demo clerk, each with
its own number and subject, so every registration takes a receive number of the same
register and year — the most contended case:

1. **service layer, one client**: one process calls
   ``registry.services.register_without_file`` N / C times (at least 50) — the baseline;
2. **service layer, C clients**: C processes (real processes, each with its own
   database connection) call it N / C times each, all starting at the same instant once every one has
   imported Django and connected;
3. **HTTP API, one client** and **4. A clients** (``--api-clients``, default 10: the
   development server accepts a backlog of 10 connections): the same through
   ``POST /api/letters`` on ``manage.py runserver --noreload`` (threaded), each client a process with
   ``urllib`` holding a logged-in session, as the pages do (HTTP basic authentication
   would hash the password on every request, ~250 ms of CPU).

The project's background worker (``manage.py worker``) runs throughout, as in a
deployment: with a worker running, registrations leave the search index to it (it
sends the outbox in batches), and its work shares the cores with the clients. After
each layer the benchmark reports how long the index took to catch up.

Each phase prints registrations per second (letters / wall time from the common start
to the last client's end), the p50/p95 latency of one registration and the ratio to
the single client of the same layer. After each phase the book is checked straight in
the database: duplicates (a number held by two rows of the book), gaps (numbers missing
between 1 and the highest), out-of-order rows (consecutive numbers whose times go
backwards), and registered letters without exactly one book row of their number. Targets (issue 5): 0 duplicates, 0 gaps, ≥ 200
registrations/s through the service layer with 50 clients.

Progress goes to stderr; the last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np

REPO = Path(__file__).resolve().parent.parent
PY = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv" / "bin" / "python").exists() else sys.executable

#: How a client starts: it says it is ready, reads the common start instant, waits for it.
START = r"""
print("ready", flush=True)
start_at = float(sys.stdin.readline())
while time.time() < start_at:
    time.sleep(0.005)
"""

SERVICE_CLIENT = r"""
import json, os, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saraban.settings")
django.setup()
from saraban.core.models import User
from saraban.registry.services import register_without_file
who, count = sys.argv[1], int(sys.argv[2])
clerk = User.objects.get(username="clerk")
User.objects.filter(pk=clerk.pk).exists()  # connect before the start
{start}
latencies = []
for i in range(count):
    t = time.perf_counter()
    register_without_file(actor=clerk, fields={"document_number": f"พม ๐๒๐๑/{who}-{i}", "document_date": "2025-01-02",
                                               "subject": f"ทดสอบทะเบียน {who}-{i}", "issuing_office": "กองกลาง"})
    latencies.append(time.perf_counter() - t)
print(json.dumps({"latencies": latencies, "end": time.time()}))
""".replace("{start}", START.strip("\n"))

API_CLIENT = r"""
import http.cookiejar, json, re, sys, time, urllib.parse, urllib.request
who, count, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
# a session, as the pages and a browser use it (the password is checked once, not per request)
page = opener.open(f"{base}/login/", timeout=120).read().decode()
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
form = urllib.parse.urlencode({"username": "clerk", "password": "saraban-demo", "csrfmiddlewaretoken": token}).encode()
opener.open(urllib.request.Request(f"{base}/login/", data=form, headers={"Referer": f"{base}/login/"}), timeout=120).read()
csrf = next(c.value for c in jar if c.name == "csrftoken")
{start}
latencies = []
for i in range(count):
    body = json.dumps({"document_number": f"พม ๐๒๐๑/api{who}-{i}", "document_date": "2025-01-02",
                       "subject": f"ทดสอบทะเบียนผ่าน API {who}-{i}", "issuing_office": "กองกลาง"}).encode()
    request = urllib.request.Request(f"{base}/api/letters", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "X-CSRFToken": csrf,
                                              "Referer": f"{base}/"})
    t = time.perf_counter()
    with opener.open(request, timeout=120) as response:
        assert response.status == 201, response.status
        response.read()
    latencies.append(time.perf_counter() - t)
print(json.dumps({"latencies": latencies, "end": time.time()}))
""".replace("{start}", START.strip("\n"))


def log(message: str) -> None:
    print(f"  . {message}", file=sys.stderr, flush=True)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def manage(env: dict, *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)


def run_phase(name: str, script: str, clients: int, each: int, env: dict, extra: list[str]) -> dict:
    """Start ``clients`` processes running ``script``; once every one has imported
    Django and connected (it prints ``ready``), all are given one start instant."""
    tag = "".join(c for c in name if c.isalnum())  # numbers unique across phases (no duplicate refusals)
    procs = [subprocess.Popen([PY, "-c", script, f"{tag}{n}", str(each), *extra], cwd=REPO, env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in range(clients)]
    for proc in procs:
        if proc.stdout.readline().strip() != "ready":
            raise SystemExit(f"{name}: a client did not start:\n{proc.stderr.read()[-2000:]}")
    start_at = time.time() + 0.5
    for proc in procs:
        proc.stdin.write(f"{start_at}\n")
        proc.stdin.flush()
    latencies, ends = [], []
    for proc in procs:
        out, err = proc.communicate(timeout=3600)
        if proc.returncode != 0:
            raise SystemExit(f"{name}: a client failed:\n{err[-2000:]}")
        result = json.loads(out.strip().splitlines()[-1])
        latencies += result["latencies"]
        ends.append(result["end"])
    wall = max(ends) - start_at
    figures = {"clients": clients, "letters": len(latencies), "seconds": round(wall, 2),
               "per_second": round(len(latencies) / wall, 1),
               "p50_ms": round(float(np.percentile(latencies, 50)) * 1000, 1),
               "p95_ms": round(float(np.percentile(latencies, 95)) * 1000, 1)}
    log(f"{name}: {figures['letters']:,} letters by {clients} clients in {wall:.1f} s — "
        f"{figures['per_second']:,.1f}/s, p95 {figures['p95_ms']} ms")
    return figures


def check_book(url: str) -> dict:
    """Duplicates, gaps and out-of-order rows in each register's book of each year, read
    straight from the database (``registry_registerentry``), and registered letters
    whose number is not the number of exactly one issued book row."""
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT register_id, year, number, entered_at FROM registry_registerentry "
            "ORDER BY register_id, year, number, entered_at").fetchall()
        unmatched = conn.execute(
            "SELECT count(*) FROM registry_letter l WHERE l.status = 'registered' AND 1 <> (SELECT count(*) "
            "FROM registry_registerentry e WHERE e.letter_id = l.id AND e.register_id = l.register_id "
            "AND e.year = l.year AND e.number = l.receive_number AND e.state = 'issued')").fetchone()[0]
    books: dict = {}
    for register, year, number, at in rows:
        books.setdefault((register, year), []).append((number, at))
    duplicates = gaps = out_of_order = 0
    for entries in books.values():
        numbers = [n for n, _ in entries]
        duplicates += len(numbers) - len(set(numbers))
        gaps += max(numbers) - len(set(numbers))
        out_of_order += sum(1 for (_, a), (_, b) in zip(entries, entries[1:]) if b < a)
    return {"entries": len(rows), "books": len(books), "duplicates": duplicates, "gaps": gaps,
            "out_of_order": out_of_order, "letters_not_in_book": unmatched}


def index_catch_up(url: str, *, timeout: float = 600) -> float:
    """Seconds until the worker has sent every outbox entry to the search index."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        while time.perf_counter() - started < timeout:
            pending = conn.execute("SELECT count(*) FROM search_outboxentry WHERE processed_at IS NULL").fetchone()[0]
            if pending == 0:
                break
            time.sleep(0.2)
    return round(time.perf_counter() - started, 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--letters", type=int, default=5000, help="letters per multi-client phase (default 5,000)")
    ap.add_argument("--database-url", default=None, help="a PostgreSQL server (default: scripts/postgres.sh)")
    ap.add_argument("--api-clients", type=int, default=10,
                    help="clients of the API phase (default 10: runserver accepts a backlog of 10 connections)")
    ap.add_argument("--skip-api", action="store_true")
    args = ap.parse_args()
    import psycopg

    base_url = args.database_url or subprocess.run(["bash", "scripts/postgres.sh", "start"], cwd=REPO, check=True,
                                                   capture_output=True, text=True).stdout.strip().splitlines()[-1]
    name = f"saraban_registry_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = with_database(base_url, name)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "saraban.settings",
           "SARABAN_LOG_LEVEL": "ERROR", "PYTHONPATH": str(REPO),
           "SARABAN_DEBUG": "0"}  # as in production: no per-query debug bookkeeping
    env.pop("ELASTICSEARCH_URL", None)  # the embedded index, in the same database
    print(f"Registry benchmark  {time.strftime('%Y-%m-%d %H:%M:%S %z')}  clients={args.clients}  "
          f"letters={args.letters:,}  cores={os.cpu_count()}  database=PostgreSQL ({name})")
    results: dict = {"clients": args.clients, "letters": args.letters}
    server = worker = None
    try:
        log("migrating and seeding a fresh database")
        manage(env, "migrate", "--noinput")
        manage(env, "load_organisation")
        manage(env, "seed_demo_people")
        # The deployment's background worker runs throughout: it sends the search outbox in
        # batches (registrations then leave indexing to it) and shares the machine's cores.
        worker = subprocess.Popen([PY, "manage.py", "worker"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        time.sleep(3)
        each = max(1, args.letters // args.clients)
        single_each = max(50, each)
        results["service_1"] = run_phase("service, 1 client", SERVICE_CLIENT, 1, single_each, env, [])
        results["service_n"] = run_phase(f"service, {args.clients} clients", SERVICE_CLIENT, args.clients, each,
                                         env, [])
        results["service_book"] = check_book(url)
        results["service_index_catch_up_s"] = index_catch_up(url)
        log(f"search index caught up {results['service_index_catch_up_s']} s after the last registration")
        if not args.skip_api:
            port = free_port()
            server = subprocess.Popen([PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=REPO,
                                      env={**env, "SARABAN_DEBUG": "0"}, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            results["api_1"] = run_phase("API, 1 client", API_CLIENT, 1, single_each, env, [base])
            api_each = max(1, args.letters // args.api_clients)
            results["api_n"] = run_phase(f"API, {args.api_clients} clients", API_CLIENT, args.api_clients, api_each,
                                         env, [base])
            results["book"] = check_book(url)
            results["api_index_catch_up_s"] = index_catch_up(url)
    finally:
        for process in (server, worker):
            if process:
                process.terminate()
                process.wait(timeout=30)
        with psycopg.connect(base_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    book = results.get("book", results["service_book"])
    print("\n                          registrations/s   p50 ms   p95 ms   × 1 client")
    for key, label in [("service_1", "service, 1 client"), ("service_n", f"service, {args.clients} clients"),
                       ("api_1", "API, 1 client"), ("api_n", f"API, {args.api_clients} clients")]:
        if key in results:
            r = results[key]
            single = results[key.replace("_n", "_1")]["per_second"]
            print(f"{label:26}{r['per_second']:>15,.1f}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['per_second'] / single:>13.2f}")
    print(f"\nbook: {book['entries']:,} entries in {book['books']} book(s); duplicates {book['duplicates']}, "
          f"gaps {book['gaps']}, out of order {book['out_of_order']}, letters not in the book "
          f"{book['letters_not_in_book']}")
    results["ratios"] = {"service": round(results["service_n"]["per_second"] / results["service_1"]["per_second"], 2)}
    if "api_n" in results:
        results["ratios"]["api"] = round(results["api_n"]["per_second"] / results["api_1"]["per_second"], 2)
    results["targets"] = {"duplicates_0": book["duplicates"] == 0, "gaps_0": book["gaps"] == 0,
                          "every_letter_in_book": book["letters_not_in_book"] == 0,
                          "service_ge_200_per_s": results["service_n"]["per_second"] >= 200}
    print("targets: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in results["targets"].items()))
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
