"""Whether a background worker is running (its heartbeat is recent)."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.utils import timezone

from saraban.core.models import WorkerHeartbeat


def beat(worker_id: str) -> None:
    """Record that ``worker_id`` is alive now."""
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": timezone.now()})


def worker_running() -> bool:
    """True when some worker reported within ``SARABAN_WORKER_STALE_SECONDS``."""
    since = timezone.now() - dt.timedelta(seconds=settings.SARABAN_WORKER_STALE_SECONDS)
    return WorkerHeartbeat.objects.filter(seen_at__gte=since).exists()


_seen: tuple[float, bool] = (0.0, False)


def worker_running_recently(*, within_seconds: float = 5.0) -> bool:
    """:func:`worker_running`, asked at most once per ``within_seconds`` per process —
    for decisions taken on every request (one query saved per registration)."""
    global _seen
    checked_at, running = _seen
    if time.monotonic() - checked_at > within_seconds:
        running = worker_running()
        _seen = (time.monotonic(), running)
    return running
