"""Template filters for Thai pages: Buddhist-era dates, Thai digits."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from ocr import thai

register = template.Library()


@register.filter
def thai_date(value, style: str = "full") -> str:
    """A date (or datetime) as ``๓๑ ตุลาคม ๒๕๖๒``; ``style`` ``short`` gives ``๓๑ ต.ค. ๖๒``."""
    if not value:
        return "—"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return thai.format_thai_date(value, abbreviated=(style == "short"))


def format_thai_datetime(value: dt.datetime, *, seconds: bool = False, thai_digits: bool = True) -> str:
    """``value`` in local time (``TIME_ZONE``; a naive one as it is), Buddhist era:
    ``๓๑ ตุลาคม ๒๕๖๒ เวลา ๑๐.๓๐ น.`` (``seconds``: ``๑๐.๓๐.๔๕``; ``thai_digits`` False:
    Arabic digits)."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    time = local.strftime("%H.%M.%S" if seconds else "%H.%M")
    return (f"{thai.format_thai_date(local.date(), thai_digits=thai_digits)} เวลา "
            f"{thai.to_thai_digits(time) if thai_digits else time} น.")


@register.filter
def thai_datetime(value) -> str:
    """A datetime as ``๓๑ ตุลาคม ๒๕๖๒ เวลา ๑๐.๓๐ น.``."""
    return format_thai_datetime(value) if value else "—"


@register.filter
def thai_digits(value) -> str:
    """Arabic digits of ``value`` as Thai digits."""
    return thai.to_thai_digits("" if value is None else str(value))


@register.filter
def be_year(value) -> str:
    """A CE year as its Buddhist-era year in Thai digits."""
    return thai.to_thai_digits(str(int(value) + 543)) if value else "—"


@register.filter
def percent(value) -> str:
    """A 0..1 confidence as a whole percentage."""
    try:
        return f"{round(float(value) * 100)}%"
    except (TypeError, ValueError):
        return "—"
