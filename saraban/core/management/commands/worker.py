"""``python manage.py worker``: the database task worker with a heartbeat.

Runs django-tasks-db's ``db_worker`` and reports every few seconds that it is alive,
so that commands such as ``register`` know to queue work instead of running it
in-process; and every ``SARABAN_WORKER_PERIODIC_SECONDS`` it runs the jobs listed (by
dotted path) in ``SARABAN_WORKER_PERIODIC`` — the search outbox's drain — in the same
thread, each failure logged and retried next round. Accepts the same options as
``db_worker``.

The worker runs at a lower CPU priority (``SARABAN_WORKER_NICE``, default 10): its work
— reading scans, keeping the search index — is background work, and on a machine that
also serves the clerks it yields the processor to their requests; on an idle machine
it runs at full speed.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from saraban.core.workers import beat


class Command(DbWorkerCommand):
    help = "เริ่มตัวประมวลผลงานเบื้องหลัง (อ่านเอกสาร OCR) — db_worker พร้อมสัญญาณชีพ"

    def handle(self, *args, **options):
        worker_id = f"{socket.gethostname()}-{os.getpid()}"
        if settings.SARABAN_WORKER_NICE:
            os.nice(settings.SARABAN_WORKER_NICE)
        stop = threading.Event()

        jobs = [import_string(path) for path in settings.SARABAN_WORKER_PERIODIC]
        interval = settings.SARABAN_WORKER_PERIODIC_SECONDS

        def heartbeat() -> None:
            last_beat = 0.0
            while not stop.is_set():
                try:
                    if time.monotonic() - last_beat >= 10:
                        beat(worker_id)
                        last_beat = time.monotonic()
                    for job in jobs:
                        try:
                            job()
                        except Exception:  # a periodic job's failure never stops the worker
                            logging.getLogger(__name__).exception("periodic job %s failed", job)
                finally:
                    close_old_connections()
                stop.wait(interval)

        thread = threading.Thread(target=heartbeat, name="heartbeat", daemon=True)
        thread.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
