"""Fernet keys for data sealed at rest (complainants' personal data, signing keys).

A key comes from its setting (urlsafe base64 of 32 bytes, as ``Fernet.generate_key()``
writes). When the setting is empty, a key derived from ``SECRET_KEY`` and the purpose
is used in DEBUG and in tests only; otherwise every use raises ServiceUnavailable with
the caller's Thai message for the administrator. Nothing here logs a key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet
from django.conf import settings

from saraban.core.errors import ServiceUnavailable


def testing() -> bool:
    """Whether Django's test environment is set up (it creates ``mail.outbox``)."""
    from django.core import mail

    return hasattr(mail, "outbox")


def fernet_key(setting: str, purpose: bytes, *, missing: str, invalid: str, code: str) -> bytes:
    """The Fernet key (bytes) of ``settings.<setting>``, or one derived from SECRET_KEY
    and ``purpose`` in DEBUG and tests when it is empty.

    Raises ServiceUnavailable with ``missing`` (code ``<code>_missing``) when no key may
    be used, with ``invalid`` (``<code>_invalid``) when the setting is not a Fernet key.
    """
    configured = (getattr(settings, setting, "") or "").strip()
    if configured:
        try:
            Fernet(configured.encode())
        except (ValueError, TypeError):
            raise ServiceUnavailable(invalid, code=f"{code}_invalid") from None
        return configured.encode()
    if settings.DEBUG or testing():
        return base64.urlsafe_b64encode(hmac.new(settings.SECRET_KEY.encode(), purpose, hashlib.sha256).digest())
    raise ServiceUnavailable(missing, code=f"{code}_missing")
