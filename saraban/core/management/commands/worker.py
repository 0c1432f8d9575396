"""``python manage.py worker``: the database task worker with a heartbeat.

Runs django-tasks-db's ``db_worker`` and reports every few seconds that it is alive,
so that commands such as ``register`` know to queue work instead of running it
in-process. Accepts the same options as ``db_worker``.
"""

from __future__ import annotations

import os
import socket
import threading

from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from saraban.core.workers import beat


class Command(DbWorkerCommand):
    help = "เริ่มตัวประมวลผลงานเบื้องหลัง (อ่านเอกสาร OCR) — db_worker พร้อมสัญญาณชีพ"

    def handle(self, *args, **options):
        worker_id = f"{socket.gethostname()}-{os.getpid()}"
        stop = threading.Event()

        def heartbeat() -> None:
            while not stop.is_set():
                try:
                    beat(worker_id)
                finally:
                    close_old_connections()
                stop.wait(10)

        thread = threading.Thread(target=heartbeat, name="heartbeat", daemon=True)
        thread.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
