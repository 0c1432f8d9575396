"""Render Thai official letters as scan-like test and demo documents.

The project makes its own letters for tests, demos and OCR training: text is laid
out on A4 like a Thai official letter (TH Sarabun-metric font, 16 pt, margins of the
correspondence regulation), shaped with Pillow's RAQM layout engine so that Thai
vowel and tone marks sit correctly, optionally stamped with the red urgency/secrecy
marks, and optionally degraded like a 300-dpi office scan (tilt, blur, speckle,
JPEG). Output: an image-only PDF, PNG, JPEG or (multi-page) TIFF.

Only Pillow, numpy and pythainlp are used; no Django.

Born-digital PDFs with a real text layer (``render_text_pdf``) are not provided:
that needs reportlab, which is not installed in this project.
"""

from __future__ import annotations

import functools
import io
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

__all__ = [
    "A4_MM",
    "MEMO_TITLE",
    "URGENCY_STAMPS",
    "SECRECY_STAMPS",
    "find_font",
    "load_font",
    "wrap_line",
    "render_line",
    "render_letter_pages",
    "degrade",
    "render_letter",
]

A4_MM = (210.0, 297.0)
"""A4 page size in millimetres (width, height)."""

MEMO_TITLE = "บันทึกข้อความ"
"""Header of an internal memo; rendered bold 29 pt and centred when it is the first line."""

URGENCY_STAMPS = ("ด่วนที่สุด", "ด่วนมาก", "ด่วน")
"""Urgency stamps (ชั้นความเร็ว), drawn at the top-left of every page."""

SECRECY_STAMPS = ("ลับที่สุด", "ลับมาก", "ลับ", "ปกปิด")
"""Secrecy stamps (ชั้นความลับ), drawn at the top-centre and bottom-centre of every page."""

# Margins in cm: left, right, top, bottom.
_MARGINS_CM = (3.0, 2.0, 2.5, 2.0)
_LINE_PITCH_EM = 1.30  # baseline-to-baseline distance, in font sizes (TH Sarabun-like)
_PARA_GAP_EM = 0.55  # extra space of one blank input line, in font sizes
_TITLE_PT = 29.0
_STAMP_PT = 34.0
_STAMP_RGB = (205, 20, 30)

_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/tlwg"),
    Path("/usr/share/fonts/truetype/thai"),
    Path("/usr/share/fonts/truetype"),
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
)

_FORMATS = {
    "pdf": "pdf",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "tif": "tiff",
    "tiff": "tiff",
}


# --------------------------------------------------------------------------- fonts


@functools.lru_cache(maxsize=64)
def find_font(name: str = "Laksaman", *, bold: bool = False) -> Path:
    """Return the path of an installed TrueType/OpenType font.

    Args:
        name: a font file path, a file stem (``"Laksaman-Bold"``) or a family name
            (``"Laksaman"``, ``"TH Sarabun New"``, ``"Garuda"``).
        bold: pick the bold face of the family when there is one (falls back to the
            regular face when the family has no bold).

    Returns:
        Path of the font file.

    Raises:
        FileNotFoundError: no installed font matches ``name``.
    """
    p = Path(name)
    if p.suffix.lower() in (".ttf", ".otf", ".ttc") and p.is_file():
        return p
    stems = [f"{name}-Bold", f"{name}Bold", f"{name} Bold"] if bold else []
    stems += [name, f"{name}-Regular", f"{name}Regular"]
    for d in _FONT_DIRS:
        if not d.is_dir():
            continue
        for stem in stems:
            for ext in (".ttf", ".otf", ".ttc"):
                cand = d / f"{stem}{ext}"
                if cand.is_file():
                    return cand
    # fontconfig: list fonts of the family and pick the wanted style.
    try:
        out = subprocess.run(
            ["fc-list", f":family={name}", "file", "style"],
            capture_output=True, text=True, timeout=20, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    regular: Path | None = None
    bold_face: Path | None = None
    for row in out.splitlines():
        path, _, style = row.partition(":")
        style = style.lower()
        if "italic" in style or "oblique" in style:
            continue
        if "bold" in style:
            bold_face = bold_face or Path(path.strip())
        elif regular is None or "regular" in style or "book" in style:
            regular = Path(path.strip())
    chosen = (bold_face if bold else None) or regular or bold_face
    if chosen is not None and chosen.is_file():
        return chosen
    raise FileNotFoundError(f"no installed font matches {name!r}")


@functools.lru_cache(maxsize=128)
def load_font(name: str = "Laksaman", size_px: int = 67, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    """Load a font for Thai text with the RAQM layout engine (HarfBuzz shaping).

    Args:
        name: font path, file stem or family name, see :func:`find_font`.
        size_px: font size in pixels (the em size; ``pt * dpi / 72``).
        bold: use the bold face.

    Returns:
        A Pillow ``FreeTypeFont`` using ``ImageFont.Layout.RAQM``.

    Raises:
        FileNotFoundError: no such font.
        OSError: the font file cannot be read.
    """
    path = find_font(name, bold=bold)
    return ImageFont.truetype(str(path), max(1, int(round(size_px))), layout_engine=ImageFont.Layout.RAQM)


# --------------------------------------------------------------------------- layout


def _clusters(text: str) -> list[str]:
    """Split text into grapheme-like clusters (base char + Thai/combining marks)."""
    out: list[str] = []
    for ch in text:
        if out and (unicodedata.category(ch) in ("Mn", "Me") or ch == "\u0e33"):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _tokens(text: str) -> list[str]:
    """Thai word tokens (pythainlp newmm) with whitespace kept as tokens."""
    try:
        from pythainlp.tokenize import word_tokenize

        toks = word_tokenize(text, engine="newmm", keep_whitespace=True)
    except Exception:  # pragma: no cover - pythainlp missing or broken
        toks = []
        for part in text.split(" "):
            toks += [part, " "]
        toks = toks[:-1]
    return [t for t in toks if t]


def wrap_line(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Wrap one paragraph at Thai word boundaries to a maximum width.

    Args:
        text: one paragraph (no newlines).
        font: the font it will be drawn with.
        max_width: available width in pixels.

    Returns:
        The lines (at least one, possibly ``[""]``), without trailing spaces; a
        word wider than ``max_width`` (e.g. a URL) is broken between characters.
    """
    if not text.strip():
        return [""]
    lines: list[str] = []
    cur = ""
    for tok in _tokens(text):
        cand = cur + tok
        if font.getlength(cand.rstrip()) <= max_width:
            cur = cand
            continue
        if font.getlength(tok) <= max_width:
            if cur.strip():
                lines.append(cur.rstrip())
            cur = tok
            continue
        # a word wider than a whole line (e.g. a URL): break between clusters
        for cl in _clusters(tok):
            if font.getlength((cur + cl).rstrip()) <= max_width or not cur.strip():
                cur += cl
            else:
                lines.append(cur.rstrip())
                cur = cl
    if cur.strip() or not lines:
        lines.append(cur.rstrip())
    return lines


@dataclass
class _Item:
    """One drawn text run: baseline position in px, font and colour."""

    x: float
    y: float
    text: str
    font: ImageFont.FreeTypeFont
    fill: object = 0


def _px(cm: float, dpi: int) -> float:
    return cm / 2.54 * dpi


#: The inks a mark can be printed in (``stamp_ink``): red as a rubber stamp, or black as
#: a word processor prints it.
STAMP_INKS = {"red": _STAMP_RGB, "black": (0, 0, 0)}
#: How a page is scanned (``scan``): colour, 8-bit grayscale, or black and white (1 bit,
#: as a fax or a photocopier's scan-to-mail).
SCANS = ("colour", "gray", "bitonal")


def _stamp_items(stamps: Sequence[str], page_w: int, page_h: int, dpi: int,
                 font_name: str, *, ink: str = "red", size_pt: float = _STAMP_PT) -> list[_Item]:
    """Marks: urgency top-left, secrecy top-centre and bottom-centre (a secrecy word may
    carry its decoration: ``"- ลับ -"``), bold, ``size_pt``, in ``ink``."""
    items: list[_Item] = []
    size = size_pt * dpi / 72.0
    font = load_font(font_name, int(round(size)), bold=True)
    rgb = STAMP_INKS[ink]
    left = _px(_MARGINS_CM[0], dpi)
    top_base = _px(_MARGINS_CM[2], dpi) - 0.42 * _STAMP_PT * dpi / 72.0
    bottom_base = page_h - _px(0.7, dpi)
    for word in stamps:
        word = word.strip()
        if not word:
            continue
        w = font.getlength(word)
        bare = word.strip("-–() ").strip()
        if bare.startswith("ลับ") or bare == "ปกปิด":
            x = (page_w - w) / 2
            items.append(_Item(x, top_base, word, font, rgb))
            items.append(_Item(x, bottom_base, word, font, rgb))
        else:  # urgency (ด่วน…) and anything else: top-left
            items.append(_Item(left, top_base, word, font, rgb))
    return items


def _scanned(im: Image.Image, scan: str) -> Image.Image:
    """``im`` as a scanner in ``scan`` mode gives it (:data:`SCANS`)."""
    if scan == "gray":
        return im.convert("L")
    if scan == "bitonal":
        return im.convert("L").point(lambda v: 255 if v >= 160 else 0, mode="1")
    return im


def render_letter_pages(
    text: str,
    *,
    font: str = "Laksaman",
    size_pt: float = 16,
    dpi: int = 300,
    noise: bool = True,
    seed: int = 0,
    stamps: Sequence[str] = (),
    stamp_ink: str = "red",
    stamp_pt: float = _STAMP_PT,
    scan: str = "colour",
) -> list[Image.Image]:
    """Lay a letter out on A4 pages and return the page images.

    Args:
        text: the letter, one input line per paragraph; blank lines add paragraph
            spacing; a first line equal to ``"บันทึกข้อความ"`` is drawn bold 29 pt and
            centred (memo header).
        font: font family, file stem or path (default Laksaman, TH Sarabun-metric).
        size_pt: body font size in points.
        dpi: resolution in dots per inch; an A4 page is ``round(8.27*dpi)`` x
            ``round(11.69*dpi)`` px (2480 x 3508 at 300 dpi).
        noise: degrade each page like a scan (see :func:`degrade`), deterministic
            from ``seed`` (page ``i`` uses ``seed + i``).
        seed: noise seed.
        stamps: urgency (``ด่วนที่สุด``, ``ด่วนมาก``, ``ด่วน``) and/or secrecy
            (``ลับ``, ``ลับมาก``, ``ลับที่สุด``, also decorated: ``"- ลับ -"``) words,
            drawn bold at ``stamp_pt`` (34) on every page in ``stamp_ink`` ("red" or
            "black"; urgency top-left, secrecy top- and bottom-centre).
        scan: "colour", "gray" (8-bit) or "bitonal" (1-bit black and white): how the
            page comes out of the scanner, applied after the noise.

    Returns:
        One PIL image per page: mode ``"RGB"`` when stamps are present, else ``"L"``
        (white paper, black text).

    Raises:
        FileNotFoundError: the font is not installed.
        ValueError: ``dpi`` or ``size_pt`` is not positive.
    """
    if dpi <= 0 or size_pt <= 0:
        raise ValueError("dpi and size_pt must be positive")
    page_w = int(round(A4_MM[0] / 25.4 * dpi))
    page_h = int(round(A4_MM[1] / 25.4 * dpi))
    size = size_pt * dpi / 72.0
    body = load_font(font, int(round(size)))
    left, right = _px(_MARGINS_CM[0], dpi), page_w - _px(_MARGINS_CM[1], dpi)
    top, bottom = _px(_MARGINS_CM[2], dpi), page_h - _px(_MARGINS_CM[3], dpi)
    width = right - left
    pitch = _LINE_PITCH_EM * size
    gap = _PARA_GAP_EM * size
    ascent = 0.80 * size  # distance from the top margin to the first baseline

    pages: list[list[_Item]] = [[]]
    y = top + ascent
    first_on_page = True
    src_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # drop leading/trailing blank lines
    while src_lines and not src_lines[0].strip():
        src_lines.pop(0)
    while src_lines and not src_lines[-1].strip():
        src_lines.pop()
    for idx, raw in enumerate(src_lines):
        line = raw.rstrip().expandtabs(8)
        if not line.strip():
            if not first_on_page:
                y += gap
            continue
        if idx == 0 and line.strip() == MEMO_TITLE:
            tsize = _TITLE_PT * dpi / 72.0
            tfont = load_font(font, int(round(tsize)), bold=True)
            tw = tfont.getlength(MEMO_TITLE)
            y = top + 1.0 * tsize
            pages[-1].append(_Item((page_w - tw) / 2, y, MEMO_TITLE, tfont))
            y += 0.8 * tsize
            first_on_page = False
            continue
        for seg in wrap_line(line, body, width):
            if not first_on_page and y + pitch > bottom:
                pages.append([])
                y = top + ascent
                first_on_page = True
            elif not first_on_page:
                y += pitch
            pages[-1].append(_Item(left, y, seg, body))
            first_on_page = False

    if stamp_ink not in STAMP_INKS or scan not in SCANS:
        raise ValueError(f"stamp_ink must be one of {sorted(STAMP_INKS)} and scan one of {SCANS}")
    colour = bool([s for s in stamps if s.strip()]) and stamp_ink != "black"
    out: list[Image.Image] = []
    for i, items in enumerate(pages):
        im = Image.new("RGB" if colour else "L", (page_w, page_h), "white")
        draw = ImageDraw.Draw(im)
        for it in items + _stamp_items(stamps, page_w, page_h, dpi, font, ink=stamp_ink, size_pt=stamp_pt):
            fill = it.fill if colour else (it.fill if isinstance(it.fill, int) else 0)
            if colour and isinstance(fill, int):
                fill = (fill, fill, fill)
            draw.text((it.x, it.y), it.text, font=it.font, fill=fill, anchor="ls", language="th")
        if noise:
            im = degrade(im, seed=seed + i, dpi=dpi)
        out.append(_scanned(im, scan))
    return out


# --------------------------------------------------------------------------- noise


def degrade(
    image: Image.Image,
    *,
    seed: int = 0,
    dpi: int = 300,
    max_tilt_deg: float = 0.8,
    jpeg_quality: int = 60,
) -> Image.Image:
    """Make a clean page look like an office scan, deterministically.

    Applies a small rotation (uniform in ``±max_tilt_deg`` degrees), a slight
    Gaussian blur (~0.7 px at 300 dpi), faint paper noise, scattered grey speckle
    dots and a JPEG round trip.

    Args:
        image: a page, mode ``"L"`` or ``"RGB"`` (other modes are converted to L).
        seed: random seed; the same seed gives the same pixels.
        dpi: resolution of ``image`` (scales blur and speckle size).
        max_tilt_deg: largest tilt in degrees.
        jpeg_quality: JPEG quality of the round trip (1-95); 0 disables it.

    Returns:
        A new image of the same size and mode (``"L"`` or ``"RGB"``).
    """
    rng = np.random.default_rng(seed)
    mode = image.mode if image.mode in ("L", "RGB") else "L"
    im = image.convert(mode)
    fill = 255 if mode == "L" else (255, 255, 255)
    angle = float(rng.uniform(-max_tilt_deg, max_tilt_deg))
    im = im.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=fill)
    scale = dpi / 300.0
    im = im.filter(ImageFilter.GaussianBlur(radius=float(rng.uniform(0.5, 0.9)) * scale))
    a = np.asarray(im).astype(np.int16)
    h, w = a.shape[:2]
    # faint paper noise
    paper = rng.normal(0.0, 2.0, size=(h, w)).astype(np.int16)
    # speckle: small grey dots, density like the corpus scans
    n = int(h * w * 2.5e-4 / (scale * scale))  # same count per page at any dpi
    ys = rng.integers(0, h, n)
    xs = rng.integers(0, w, n)
    r = np.maximum(1, np.round(rng.uniform(0.5, 1.6, n) * scale)).astype(int)
    val = rng.integers(110, 235, n)
    spk = np.zeros((h, w), np.int16)
    for dy in range(-2, 3):
        for dx in range(-2, 3):
            m = dy * dy + dx * dx <= (r - 0.5) ** 2
            yy = np.clip(ys[m] + dy, 0, h - 1)
            xx = np.clip(xs[m] + dx, 0, w - 1)
            spk[yy, xx] = np.maximum(spk[yy, xx], 255 - val[m])
    if a.ndim == 3:
        a = a + paper[..., None] - spk[..., None]
    else:
        a = a + paper - spk
    im = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), mode)
    if jpeg_quality:
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=int(jpeg_quality))
        buf.seek(0)
        im = Image.open(buf).convert(mode)
    return im


def render_line(
    text: str,
    *,
    font: str = "Laksaman",
    size_pt: float = 16,
    dpi: int = 300,
    bold: bool = False,
    noise: bool = False,
    seed: int = 0,
) -> Image.Image:
    """Render one line of text as a tight crop, like a word/line cut from a scan.

    Args:
        text: the text (one line, not wrapped).
        font: font family, file stem or path.
        size_pt: font size in points.
        dpi: resolution; the font is ``size_pt * dpi / 72`` px.
        bold: use the bold face.
        noise: degrade like a scan (:func:`degrade`, tilt at most 0.3 degrees).
        seed: noise seed.

    Returns:
        A mode ``"L"`` image, black text on white, with a margin of about a third
        of the font size around the ink.

    Raises:
        FileNotFoundError: the font is not installed.
        ValueError: empty text or non-positive size.
    """
    if not text.strip() or size_pt <= 0 or dpi <= 0:
        raise ValueError("need non-empty text and a positive size and dpi")
    px = size_pt * dpi / 72.0
    f = load_font(font, int(round(px)), bold=bold)
    pad = int(round(0.35 * px))
    w = int(f.getlength(text)) + 2 * pad
    h = int(round(1.9 * px)) + 2 * pad
    im = Image.new("L", (w, h), 255)
    ImageDraw.Draw(im).text((pad, pad + 1.25 * px), text, font=f, fill=0, anchor="ls", language="th")
    if noise:
        im = degrade(im, seed=seed, dpi=dpi, max_tilt_deg=0.3)
    box = Image.eval(im, lambda v: 255 - v).point(lambda v: 255 if v > 60 else 0).getbbox()
    if box:
        m = int(round(px / 3))
        im = im.crop((max(0, box[0] - m), max(0, box[1] - m), min(w, box[2] + m), min(h, box[3] + m)))
    return im


# --------------------------------------------------------------------------- output


def render_letter(
    text: str,
    out_path: str | Path,
    *,
    font: str = "Laksaman",
    size_pt: float = 16,
    dpi: int = 300,
    noise: bool = True,
    seed: int = 0,
    stamps: Sequence[str] = (),
    stamp_ink: str = "red",
    stamp_pt: float = _STAMP_PT,
    scan: str = "colour",
    fmt: str | None = None,
) -> Path:
    """Render a Thai official letter to a file (image-only PDF, PNG, JPEG or TIFF).

    Layout: A4, margins left 3 cm, right 2 cm, top 2.5 cm, bottom 2 cm; one input
    line per paragraph wrapped at Thai word boundaries; blank lines as paragraph
    spacing; first line ``"บันทึกข้อความ"`` bold 29 pt centred; as many pages as
    needed. See :func:`render_letter_pages` for ``font``, ``size_pt``, ``dpi``,
    ``noise``, ``seed``, ``stamps``, ``stamp_ink``, ``stamp_pt`` and ``scan``.

    Args:
        text: the letter text.
        out_path: file to write (parent directories are created).
        fmt: ``"pdf"``, ``"png"``, ``"jpg"``/``"jpeg"`` or ``"tif"``/``"tiff"``;
            default from the suffix of ``out_path``. PDF: one page image per page at
            ``dpi`` (JPEG-compressed, no text layer). TIFF: all pages (multi-page,
            LZW). PNG/JPEG: the first page only.

    Returns:
        ``Path(out_path)``.

    Raises:
        ValueError: unknown format.
        FileNotFoundError: the font is not installed.
    """
    out = Path(out_path)
    key = (fmt or out.suffix.lstrip(".")).lower().lstrip(".")
    if key not in _FORMATS:
        raise ValueError(f"unknown output format {key!r}; use pdf, png, jpg or tiff")
    kind = _FORMATS[key]
    pages = render_letter_pages(
        text, font=font, size_pt=size_pt, dpi=dpi, noise=noise, seed=seed, stamps=stamps,
        stamp_ink=stamp_ink, stamp_pt=stamp_pt, scan=scan,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    quality = 60 if noise else 90
    if kind == "pdf":
        # JPEG pages, or 1-bit pages (a bitonal scan) as CCITT-style bilevel images
        extra = {} if pages[0].mode == "1" else {"quality": quality}
        pages[0].save(
            out, "PDF", resolution=float(dpi), save_all=True, append_images=pages[1:],
            title="", producer="saraban ocr.render", **extra,
        )
    elif kind == "tiff":
        pages[0].save(
            out, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw",
            dpi=(dpi, dpi),
        )
    elif kind == "png":
        pages[0].save(out, "PNG", dpi=(dpi, dpi))
    else:
        pages[0].save(out, "JPEG", quality=quality, dpi=(dpi, dpi))
    return out
