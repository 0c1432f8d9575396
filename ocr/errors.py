"""Errors raised by the ``ocr`` package.

Two families:

* :class:`InputError` and its subclasses are raised by :func:`ocr.preflight` (and so by
  :func:`ocr.read`, which calls it first) *before* any expensive work, when the file
  cannot or should not be read.  Each carries an ASCII ``code`` for programs (API
  problem details, logs) and a Thai ``message`` for the person who uploaded the file,
  telling them what to do.  ``str(error)`` is the Thai message.
* :class:`ReadError` is raised when reading fails part-way (Tesseract missing or
  crashing, a page that cannot be rendered).

None of these import Django; the Django side maps ``code`` to its own problem types.
"""

from __future__ import annotations

__all__ = [
    "OcrError",
    "InputError",
    "EmptyFile",
    "UnsupportedType",
    "BrokenFile",
    "EncryptedFile",
    "ImageTooLarge",
    "TooManyPages",
    "ReadError",
]


class OcrError(Exception):
    """Base class of every error raised by ``ocr``.

    Attributes:
        code: short ASCII identifier, stable across releases (e.g. ``"empty_file"``).
        message: Thai sentence for the end user, saying what went wrong and what to do.
    """

    code: str = "ocr_error"
    default_message: str = "อ่านไฟล์ไม่สำเร็จ กรุณาลองใหม่อีกครั้ง"

    def __init__(self, message: str | None = None, *, detail: str | None = None) -> None:
        """Create the error.

        Args:
            message: Thai message; defaults to the class's ``default_message``.
            detail: optional technical detail (English, for logs); kept in ``.detail``
                and not shown to the end user.
        """
        self.message = message or self.default_message
        self.detail = detail
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class InputError(OcrError):
    """The file was rejected by the preflight checks (nothing expensive was done)."""

    code = "input_error"
    default_message = "ไฟล์นี้ไม่สามารถอ่านได้ กรุณาตรวจสอบไฟล์แล้วส่งใหม่"


class EmptyFile(InputError):
    """The file has zero bytes."""

    code = "empty_file"
    default_message = "ไฟล์ว่างเปล่า (ขนาด 0 ไบต์) กรุณาสแกนหรือบันทึกไฟล์ใหม่แล้วส่งอีกครั้ง"


class UnsupportedType(InputError):
    """The file's content (its magic bytes, not its name) is not PDF, PNG, JPEG or TIFF."""

    code = "unsupported_type"
    default_message = (
        "ไม่รองรับไฟล์ประเภทนี้ กรุณาส่งเป็นไฟล์ PDF, PNG, JPEG หรือ TIFF "
        "(เช่น สแกนเอกสารเป็น PDF)"
    )


class BrokenFile(InputError):
    """The file claims a supported type but is damaged or truncated."""

    code = "broken_file"
    default_message = (
        "ไฟล์เสียหายหรือไม่สมบูรณ์ เปิดอ่านไม่ได้ กรุณาสแกนหรือดาวน์โหลดไฟล์ใหม่แล้วส่งอีกครั้ง"
    )


class EncryptedFile(BrokenFile):
    """A PDF protected by a password: it cannot be opened without it."""

    code = "encrypted_file"
    default_message = (
        "ไฟล์ PDF นี้ถูกตั้งรหัสผ่านไว้ จึงเปิดอ่านไม่ได้ "
        "กรุณายกเลิกรหัสผ่านหรือสแกนเอกสารใหม่แล้วส่งอีกครั้ง"
    )


class ImageTooLarge(InputError):
    """A page has more pixels than the limit (:data:`ocr.preflight.MAX_PIXELS`, 40 MP;
    keep the figure in the message in step with it)."""

    code = "image_too_large"
    default_message = (
        "ภาพมีขนาดใหญ่เกินไป (เกิน 40 ล้านพิกเซลต่อหน้า) "
        "กรุณาสแกนใหม่ที่ความละเอียดไม่เกิน 300 dpi"
    )


class TooManyPages(InputError):
    """The document has more pages than the limit (see :data:`ocr.preflight.MAX_PAGES`)."""

    code = "too_many_pages"
    default_message = (
        "เอกสารมีจำนวนหน้ามากเกินไป (เกิน 200 หน้า) กรุณาแยกไฟล์เป็นหลายฉบับแล้วส่งทีละไฟล์"
    )


class ReadError(OcrError):
    """Reading failed after preflight accepted the file (OCR engine missing or crashed)."""

    code = "read_error"
    default_message = (
        "ระบบอ่านข้อความจากเอกสารไม่สำเร็จ กรุณาลองใหม่ภายหลัง "
        "หากยังไม่ได้ผลให้แจ้งผู้ดูแลระบบ"
    )
