"""Complainants' personal data at rest: Fernet encryption and keyed blind indexes.

Source: DOMAIN.md §5 (complainant details are personal data under the PDPA). The key is
``settings.SARABAN_PERSONAL_DATA_KEY`` (a Fernet key: urlsafe base64 of 32 bytes). When
it is empty, a key derived from ``SECRET_KEY`` is used in DEBUG and in tests only;
otherwise every use raises :class:`ServiceUnavailable` telling the administrator to set
it. Blind indexes (HMAC-SHA256 under a second key derived from the same key) let the
service find the same complainant or accused party without storing them in plain text.

Nothing here logs: values and keys never reach a log, an audit event or an error text.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re

from cryptography.fernet import Fernet, InvalidToken

from saraban.core.errors import ServiceUnavailable
from saraban.core.secrets import fernet_key
from saraban.search.analysis import tokenize

NO_KEY = ("ยังไม่ได้ตั้งกุญแจเข้ารหัสข้อมูลส่วนบุคคล: ผู้ดูแลระบบต้องตั้งค่า SARABAN_PERSONAL_DATA_KEY "
          "(สร้างด้วย python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\") "
          "ก่อนรับเรื่องร้องเรียน")
BAD_KEY = "กุญแจ SARABAN_PERSONAL_DATA_KEY ไม่ถูกต้อง (ต้องเป็นกุญแจ Fernet ยาว 44 ตัวอักษร) กรุณาแจ้งผู้ดูแลระบบ"
WRONG_KEY = ("ถอดรหัสข้อมูลส่วนบุคคลไม่ได้: กุญแจ SARABAN_PERSONAL_DATA_KEY ไม่ตรงกับกุญแจที่ใช้เข้ารหัสไว้ "
             "กรุณาแจ้งผู้ดูแลระบบ")


def _key() -> bytes:
    """The Fernet key in use (bytes). Raises ServiceUnavailable when none may be used."""
    return fernet_key("SARABAN_PERSONAL_DATA_KEY", b"saraban.complaints.personal-data", missing=NO_KEY,
                      invalid=BAD_KEY, code="personal_data_key")


def check_key() -> None:
    """Raise ServiceUnavailable (Thai, for the administrator) when no usable key is set."""
    _key()


def encrypt(value: str | dict) -> str:
    """``value`` (text, or a JSON-able dict) as a Fernet token (ASCII text); "" stays ""."""
    if value in ("", None, {}):
        return ""
    raw = json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value)
    return Fernet(_key()).encrypt(raw.encode()).decode()


def decrypt(token: str, *, as_dict: bool = False):
    """The text (or dict) sealed in ``token``; "" gives "" (or {}).

    Raises ServiceUnavailable (code ``personal_data_key_mismatch``) when the token was
    made with another key or was altered.
    """
    if not token:
        return {} if as_dict else ""
    try:
        raw = Fernet(_key()).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ServiceUnavailable(WRONG_KEY, code="personal_data_key_mismatch") from None
    return json.loads(raw) if as_dict else raw


def _index_key() -> bytes:
    return hmac.new(_key(), b"saraban.complaints.blind-index", hashlib.sha256).digest()


def blind_index(value: str) -> str:
    """HMAC-SHA256 (hex) of an already normalised value; "" for an empty value."""
    if not value:
        return ""
    return hmac.new(_index_key(), value.encode(), hashlib.sha256).hexdigest()


def normalise_national_id(value: str) -> str:
    """Digits only (Thai digits folded): ``"๓ ๑๐๐๑-๐๐..."`` → ``"3100100..."``."""
    from ocr.thai import fold_digits

    return re.sub(r"\D", "", fold_digits(value or ""))


def normalise_name(value: str) -> str:
    """A person's name without title, spaces or punctuation, for comparison."""
    from ocr.thai import normalize

    text = normalize(value or "").lower()
    text = re.sub(r"^\s*(นาย|นางสาว|นาง|น\.ส\.|ด\.ช\.|ด\.ญ\.|mr\.?|mrs\.?|ms\.?|miss)\s*", "", text)
    return re.sub(r"[\s.\-,]+", "", text)


def normalise_phone(value: str) -> str:
    """Digits only, a leading +66 turned into 0."""
    digits = normalise_national_id(value)
    return "0" + digits[2:] if digits.startswith("66") and len(digits) >= 10 else digits


def term_fingerprints(text: str) -> list[str]:
    """The distinct words of ``text`` (PyThaiNLP segmentation, stop words dropped), each as
    a short keyed hash: comparable between complaints, unreadable without the key."""
    key = _index_key()
    terms = {t for t in tokenize(text, drop_stopwords=True) if len(t) > 1 or t.isdigit()}
    return sorted(hmac.new(key, t.encode(), hashlib.sha256).hexdigest()[:16] for t in terms)
