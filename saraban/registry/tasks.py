"""Background tasks of the registry (thin: fetch by id, call a service)."""

from __future__ import annotations

from django_tasks import task

from saraban.registry import services


@task()
def read_letter_task(letter_id: int) -> int:
    """Read a draft letter's file (OCR) and store its suggested fields; returns the id."""
    services.read_letter(letter_id=letter_id)
    return letter_id
