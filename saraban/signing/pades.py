"""PAdES signing of a PDF with a visible Thai signature appearance (pyHanko).

Pure PDF work, no Django models: :func:`sign_pdf` takes the bytes of the registered PDF
and a pyHanko ``Signer`` and returns the bytes with one more signature, appended as an
incremental update (ISO 32000-1 §7.5.6), so every earlier revision — the original, the
receive stamp, earlier signatures — stays byte for byte what it was and earlier
signatures stay valid (DOMAIN.md §6).

Levels (ETSI EN 319 142-1, PAdES baseline):

- **B-B**: a CAdES-detached signature (``ETSI.CAdES.detached``) with the signing
  certificate in the signed attributes;
- **B-T**: plus a signature timestamp from the timestamp authority at
  ``timestamp_url`` (RFC 3161);
- **B-LT**: plus the chain's certificates, CRLs and OCSP answers in the document
  security store (DSS), fetched from the URLs in the certificates;
- **B-LTA**: B-LT with a document timestamp over it (only with a TSA).

Without a TSA the revocation data is still embedded when it can be fetched, but the
level stays B-B: ETSI's B-LT builds on B-T (validation reports it the same way).

The highest level that can be reached is made: when revocation information cannot be
fetched (no URL, the responder down, or the chain not trusted), the signature is made
again at B-T (or B-B without a TSA) and the reason is returned. A timestamp authority
that is configured but does not answer is an error, not a silent downgrade.

Appearance: a box with Thai lines (Laksaman, shaped with HarfBuzz through pyHanko's
OpenType engine), placed by :func:`place` where it overlaps no existing annotation.
Units are PDF points (1 cm = 28.35 pt).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

from pyhanko.pdf_utils.generic import ArrayObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.rw_common import find_inherited_value_in_tree
from pyhanko.sign import fields, signers, timestamps
from pyhanko.stamp import TextStampStyle

from saraban.core.errors import InvalidInput, ServiceUnavailable
from saraban.registry.stamp import CM, INK, _font_file

log = logging.getLogger(__name__)

FONT_SIZE = 12  #: pt, of the appearance text
LEADING = 1.25  #: line height as a multiple of the font size
PADDING = 6  #: pt, inside the box
BOX_WIDTH = 7.5 * CM  #: the appearance's width
MARGIN = 1.5 * CM  #: from the page edges

#: PAdES baseline levels. Signing makes B-B, B-T or B-LTA; validation also reports B-LT
#: (a file whose revocation data came later, without a document timestamp over it).
LEVEL_B_B, LEVEL_B_T, LEVEL_B_LT, LEVEL_B_LTA = "B-B", "B-T", "B-LT", "B-LTA"

_MSG_BROKEN = ("ลงนามไม่ได้ เพราะไฟล์ PDF ของหนังสือเสียหรืออ่านไม่ได้ "
               "กรุณาแจ้งเจ้าหน้าที่สารบรรณให้ตรวจไฟล์ของหนังสือ")
_MSG_TSA = ("ลงนามไม่ได้ เพราะติดต่อหน่วยประทับเวลา (TSA) ที่ตั้งไว้ไม่ได้ "
            "กรุณาลองใหม่ภายหลัง หรือแจ้งผู้ดูแลระบบให้ตรวจ SARABAN_SIGNING_TSA_URL")


@dataclass(frozen=True)
class Appearance:
    """What the visible signature shows: ``lines`` of Thai text, top to bottom (each
    already short enough, see :func:`wrap`), on ``page`` (0-based) in ``box``
    ``(x1, y1, x2, y2)`` in points, in the page's default user space."""

    lines: tuple[str, ...]
    page: int
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class Result:
    """The signed PDF (``data``), the level reached and, when it is lower than asked,
    the Thai reason (``downgraded``, "" otherwise)."""

    data: bytes
    level: str
    downgraded: str = ""


@lru_cache(maxsize=1)
def _measure():
    from PIL import ImageFont

    font = ImageFont.truetype(_font_file(), 100)
    return lambda text: font.getlength(text) / 100 * FONT_SIZE


def wrap(text: str, width: float = BOX_WIDTH - 2 * PADDING) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points at :data:`FONT_SIZE`,
    between Thai words (PyThaiNLP's newmm) or at spaces; existing line breaks kept."""
    from pythainlp.tokenize import word_tokenize

    measure, lines = _measure(), []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in word_tokenize(paragraph, engine="newmm", keep_whitespace=True):
            if line and measure(line + word) > width:
                lines.append(line.rstrip())
                line = word.lstrip()
            else:
                line += word
        lines.append(line.rstrip())
    return lines


def next_field_name(data: bytes) -> str:
    """``Signature<n>``: the next name not yet taken by a signature field in ``data``
    (PDF bytes). Raises InvalidInput (``pdf_unreadable``) when it cannot be read."""
    try:
        taken = {s.field_name for s in PdfFileReader(BytesIO(data), strict=False).embedded_signatures}
    except Exception as exc:  # noqa: BLE001 — any reader failure means a broken file
        raise InvalidInput(_MSG_BROKEN, code="pdf_unreadable") from exc
    n = len(taken) + 1
    while f"Signature{n}" in taken:
        n += 1
    return f"Signature{n}"


def box_height(lines: int) -> float:
    """Height in points of an appearance of ``lines`` lines."""
    return lines * FONT_SIZE * LEADING + 2 * PADDING


def _rect(value) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = (float(v) for v in value)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def place(data: bytes, *, lines: int, page: int = -1, side: str = "right") -> tuple[int, tuple]:
    """Where an appearance of ``lines`` lines goes: ``(page index, box)``.

    On ``page`` (``-1``: the last), at the bottom ``side`` (``"right"`` for a signature
    under a letter, ``"left"`` for an endorsement in the margin) of the visible page
    (CropBox, else MediaBox), moved up past any annotation already there (the receive
    stamp, earlier signatures). Raises InvalidInput when the PDF cannot be read.
    """
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        index = page % int(reader.root["/Pages"]["/Count"])
        page_obj = reader.find_page_for_modification(index)[0].get_object()
        visible = _rect(find_inherited_value_in_tree(page_obj, "/CropBox", "/Parent")
                        or find_inherited_value_in_tree(page_obj, "/MediaBox", "/Parent") or (0, 0, 595, 842))
        taken = [_rect(a.get_object()["/Rect"]) for a in (page_obj.get("/Annots") or ArrayObject())
                 if "/Rect" in a.get_object()]
    except Exception as exc:  # noqa: BLE001 — any reader failure means a broken file
        raise InvalidInput(_MSG_BROKEN, code="pdf_unreadable") from exc
    height = box_height(lines)
    x1 = visible[2] - MARGIN - BOX_WIDTH if side == "right" else visible[0] + MARGIN
    y1 = visible[1] + MARGIN
    box = [x1, y1, x1 + BOX_WIDTH, y1 + height]
    for _ in range(40):
        clash = [r for r in taken if r[0] < box[2] and box[0] < r[2] and r[1] < box[3] and box[1] < r[3]]
        if not clash:
            break
        y1 = max(r[3] for r in clash) + 4
        box = [x1, y1, x1 + BOX_WIDTH, y1 + height]
    return index, tuple(round(v, 2) for v in box)


def _style() -> TextStampStyle:
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle

    return TextStampStyle(
        stamp_text="%(lines)s",
        border_width=1,
        background=None,
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(_font_file()), font_size=FONT_SIZE,
                                    leading=round(FONT_SIZE * LEADING), text_color=INK),
    )


def sign_pdf(data: bytes, *, signer, field_name: str, appearance: Appearance, reason: str, location: str = "",
             timestamp_url: str = "", validation_context=None) -> Result:
    """Sign ``data`` (PDF bytes) with ``signer`` (a pyHanko ``Signer``) in a new
    signature field ``field_name``; returns a :class:`Result`.

    ``validation_context`` (pyHanko ``ValidationContext`` with the trusted roots, fetching
    allowed) asks for revocation data to be fetched and embedded (B-LTA with a TSA). Without it,
    or when that fails, the signature is B-T with ``timestamp_url`` or else B-B.

    Raises InvalidInput (``pdf_unreadable``) for a broken PDF, ServiceUnavailable
    (``tsa_unreachable``) when the timestamp authority does not answer.
    """
    timestamper = timestamps.HTTPTimeStamper(timestamp_url, timeout=15) if timestamp_url else None
    downgraded = ""
    if validation_context is not None:
        try:
            level = LEVEL_B_LTA if timestamper else LEVEL_B_B  # B-LT needs B-T (EN 319 142-1)
            return Result(_sign(data, signer, field_name, appearance, reason, location, timestamper,
                                validation_context), level)
        except (InvalidInput, ServiceUnavailable):
            raise
        except Exception as exc:  # noqa: BLE001 — pyHanko raises many kinds when revocation data is missing
            log.warning("signing: revocation information not embedded (%s: %s)", type(exc).__name__, exc)
            downgraded = ("ไม่ได้ฝังข้อมูลการเพิกถอนใบรับรอง (B-LT) เพราะตรวจสถานะใบรับรองทางเครือข่ายไม่ได้ "
                          "หรือใบรับรองไม่ได้ออกโดยผู้ออกใบรับรองที่เชื่อถือ")
    level = LEVEL_B_T if timestamper else LEVEL_B_B
    return Result(_sign(data, signer, field_name, appearance, reason, location, timestamper, None), level, downgraded)


def _sign(data, signer, field_name, appearance, reason, location, timestamper, validation_context) -> bytes:
    from pyhanko.sign.general import SigningError

    try:
        writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    except Exception as exc:  # noqa: BLE001
        raise InvalidInput(_MSG_BROKEN, code="pdf_unreadable") from exc
    if writer.prev.encrypted:
        raise InvalidInput("ลงนามไม่ได้ เพราะไฟล์ PDF ถูกเข้ารหัสไว้", code="pdf_encrypted")
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, reason=reason or None, location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=validation_context is not None,
        use_pades_lta=validation_context is not None and timestamper is not None,
        validation_context=validation_context,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, timestamper=timestamper, stamp_style=_style(),
        new_field_spec=fields.SigFieldSpec(field_name, on_page=appearance.page,
                                           box=tuple(int(round(v)) for v in appearance.box)),
    )
    text = "\n".join(appearance.lines)
    try:
        out = pdf_signer.sign_pdf(writer, appearance_text_params={"lines": text})
    except SigningError as exc:
        if timestamper is not None and "timestamp" in str(exc).lower():
            raise ServiceUnavailable(_MSG_TSA, code="tsa_unreachable") from exc
        raise
    except timestamps.TimestampRequestError as exc:
        raise ServiceUnavailable(_MSG_TSA, code="tsa_unreachable") from exc
    return out.getvalue()
