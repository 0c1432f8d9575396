"""Fixtures of the ``ocr`` tests: no Django (the project-wide autouse MEDIA_ROOT
fixture is replaced by a no-op here), letters rendered by ``ocr.render``."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _media_root():
    """Override the project's Django settings fixture: these tests use no Django."""
    yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Override the project's cache-clearing fixture: these tests use no Django."""
    yield


@pytest.fixture(scope="session")
def render_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ocr-letters")
