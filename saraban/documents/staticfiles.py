"""The pages' own font as static files: ``fonts/saraban-web-regular.woff2`` and
``fonts/saraban-web-bold.woff2`` (:func:`saraban.documents.fonts.web_font`).

A staticfiles finder, so that ``collectstatic`` copies them next to the other static
files and WhiteNoise (or nginx) serves them with the rest; with ``DEBUG`` they are
found directly. They are made from the OS's Laksaman (never committed: the font is
the OS package's, GPL-2+ with the font exception) into ``SARABAN_VAR_DIR/fonts`` the
first time they are asked for (``var/fonts/``), and again when the installed font changes.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

from saraban.documents import fonts

#: static path → style of :func:`saraban.documents.fonts.web_font`
WEB_FONTS = {f"fonts/saraban-web-{style}.woff2": style for style in fonts.STYLES}


def _folder() -> Path:
    """Where the static paths are made: ``SARABAN_VAR_DIR`` (so ``fonts/…`` is ``var/fonts/…``)."""
    return Path(settings.VAR_DIR)


def _written(path: str) -> Path:
    """The file of static ``path``, made when missing or older than the installed font."""
    target = _folder() / path
    source = fonts.laksaman_path(WEB_FONTS[path])
    if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        partial.write_bytes(fonts.web_font(WEB_FONTS[path]))
        partial.replace(target)  # whole or not at all, also with two processes at once
    return target


class WebFontFinder(BaseFinder):
    """Finds :data:`WEB_FONTS` (``STATICFILES_FINDERS``)."""

    def check(self, **kwargs):  # noqa: D102 — nothing to check: the font's absence shows in find()
        return []

    def find(self, path, find_all=False, **kwargs):  # noqa: D102 — Django's finder API
        if path not in WEB_FONTS:
            return [] if find_all or kwargs.get("all") else None
        found = str(_written(path))
        return [found] if find_all or kwargs.get("all") else found

    def list(self, ignore_patterns):  # noqa: D102 — Django's finder API
        storage = FileSystemStorage(location=str(_folder()))
        for path in WEB_FONTS:
            _written(path)
            yield path, storage
