"""URL maps of notifications: ``pages`` (Thai web pages) and ``api`` (under /api/)."""

from django.urls import path  # noqa: F401

pages: list = []
api: list = []
