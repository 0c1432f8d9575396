"""The fonts the service prints and shows with, made from the OS's TLWG Laksaman.

Why the service makes its own font files instead of naming a family and letting
fontconfig choose:

* Thai official papers are set in TH Sarabun (Cabinet resolution of 2553: TH SarabunIT๙ /
  TH SarabunPSK, 16 pt). Its free clone on Debian is TLWG Laksaman (fonts-tlwg-laksaman,
  GPL-2+ with the font exception), whose outlines are TH Sarabun's enlarged about 1.5×.
* Debian's ``89-tlwg-laksaman-synthetic.conf`` answers any request for a family
  containing "TH Sarabun" with Laksaman under a 0.66 font matrix. WeasyPrint lays text out
  with the shrunk advances but embeds the full-size font program, so every glyph is 1.5×
  wider than the space made for it and the letters print over each other (measured: the
  PDF width tables were 34% off the embedded font's advances).
* A family given through ``@font-face`` from bytes the service made cannot be replaced
  by any alias, and the PDF embeds exactly the font it was laid out with.

So:

* :func:`print_font` is Laksaman with its em enlarged by 1/0.665 (``unitsPerEm`` 1000 →
  1504): the same outlines drawn at 0.665 of the nominal size, every metric in font units
  (advances, GPOS marks, line gaps) scaled with them. At a nominal 16 pt it has TH
  Sarabun's size, so the regulation's sizes (16 pt body, 29 pt memo heading) stay as
  written in the stylesheets. It is renamed :data:`PRINT_FAMILY` (a modified font keeps
  its licence and copyright records and gets a name of its own).
* :func:`web_font` is Laksaman unchanged, as WOFF2, for the pages (family
  :data:`WEB_FAMILY`), so that a browser without Thai fonts still shows the service's
  font at a normal screen size.

The receive stamp (:mod:`saraban.registry.stamp`) and the signature appearance
(:mod:`saraban.signing.pades`) embed Laksaman itself through pyHanko and set their own
sizes; they take its file from :func:`laksaman_path`.

No Django here: bytes in memory, cached per process.
"""

from __future__ import annotations

import io
import subprocess
from functools import lru_cache
from pathlib import Path

__all__ = [
    "PRINT_FAMILY",
    "PRINT_SCALE",
    "STYLES",
    "WEB_FAMILY",
        "font_face_css",
    "font_fetcher",
    "laksaman_path",
    "print_font",
    "web_font",
]

#: The family the printed forms name (``@font-face``); no system alias matches it.
PRINT_FAMILY = "Saraban Laksaman"
#: The family the pages name for the web font.
WEB_FAMILY = "Saraban Web"
#: Laksaman drawn at this fraction of the nominal size has TH Sarabun's size. Measured:
#: the advance widths of the THSarabunPSK embedded in the Armed Forces' regulation of 2566
#: over Laksaman's, median of 43 glyphs 0.6655 (range 0.6648–0.6667); Debian's
#: 89-tlwg-laksaman-synthetic.conf rounds it to 0.66. Laksaman's vertical metrics scaled
#: by it are THSarabunPSK's too (win ascent/descent 1270/687 → 845/457, TH 850/460).
PRINT_SCALE = 0.665
#: style → (Laksaman file stem, CSS font-weight)
STYLES = {"regular": ("Laksaman", 400), "bold": ("Laksaman-Bold", 700)}
#: Where Debian's fonts-tlwg-laksaman-ttf puts the files.
FONT_DIR = Path("/usr/share/fonts/truetype/tlwg")
#: The URL scheme of the fonts served to WeasyPrint by :class:`FontFetcher`.
SCHEME = "saraban-font"

_MISSING = "the Laksaman font (Debian package fonts-tlwg-laksaman-ttf, in fonts-thai-tlwg) is not installed"


def _style(style: str) -> tuple[str, int]:
    try:
        return STYLES[style]
    except KeyError:
        raise ValueError(f"style must be one of {sorted(STYLES)}, not {style!r}") from None


@lru_cache(maxsize=None)
def laksaman_path(style: str = "regular") -> Path:
    """The installed Laksaman face of ``style`` (``"regular"`` or ``"bold"``).

    Looks in Debian's place first, then asks fontconfig for the file of that family and
    style, and in both cases checks the file's own family name (name record 1) is
    Laksaman, so a fontconfig fallback (DejaVu, Loma) is never taken for it.

    Raises:
        FileNotFoundError: Laksaman is not installed (``scripts/install.sh`` installs
            fonts-thai-tlwg).
        ValueError: an unknown ``style``.
    """
    stem, weight = _style(style)
    candidates = [FONT_DIR / f"{stem}.ttf"]
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", f"Laksaman:weight={'bold' if weight >= 700 else 'regular'}:slant=0"],
            capture_output=True, text=True, timeout=20, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found = ""
    if found:
        candidates.append(Path(found))
    for path in candidates:
        if path.is_file() and _family(path) == "Laksaman" and _is_bold(path) == (weight >= 700):
            return path
    raise FileNotFoundError(_MISSING)


def _family(path: Path) -> str:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return str(font["name"].getDebugName(1) or "")


def _is_bold(path: Path) -> bool:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return font["OS/2"].usWeightClass >= 600


@lru_cache(maxsize=None)
def print_font(style: str = "regular") -> bytes:
    """Laksaman at TH Sarabun's size as TrueType bytes, family :data:`PRINT_FAMILY`.

    The outlines are untouched; ``head.unitsPerEm`` is divided by :data:`PRINT_SCALE`
    (1000 → 1504), so every glyph, advance, mark position and vertical metric is drawn
    at 0.665 of the nominal size. Name records 1, 4, 6, 16 and 17 carry the new name;
    the copyright, licence and version records stay — the licence's font exception
    among them, which the modified font thereby keeps (GPL-2+ with the font exception:
    "If you modify this font, you may extend this exception to your version").

    Raises:
        FileNotFoundError, ValueError: as :func:`laksaman_path`.
    """
    from fontTools.ttLib import TTFont

    _stem, weight = _style(style)
    subfamily = "Bold" if weight >= 700 else "Regular"
    font = TTFont(laksaman_path(style))
    font["head"].unitsPerEm = round(font["head"].unitsPerEm / PRINT_SCALE)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 4, 6, 16, 17):
            names.removeNames(nameID=record.nameID)
    for name_id, value in ((1, PRINT_FAMILY), (4, f"{PRINT_FAMILY} {subfamily}"),
                           (6, f"{PRINT_FAMILY.replace(' ', '')}-{subfamily}")):
        names.setName(value, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English (US)
        names.setName(value, name_id, 1, 0, 0)      # Macintosh, Roman, English
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=None)
def web_font(style: str = "regular") -> bytes:
    """Laksaman unchanged as WOFF2 bytes, for the pages' ``@font-face`` (:data:`WEB_FAMILY`).

    Raises:
        FileNotFoundError, ValueError: as :func:`laksaman_path`.
    """
    from fontTools.ttLib import TTFont

    font = TTFont(laksaman_path(style))
    font.flavor = "woff2"
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def font_url(style: str) -> str:
    """The URL :class:`FontFetcher` answers with :func:`print_font` of ``style``."""
    _style(style)
    return f"{SCHEME}:/{style}.ttf"


def font_face_css() -> str:
    """The ``@font-face`` rules of :data:`PRINT_FAMILY` (regular and bold) for WeasyPrint."""
    return "\n".join(
        f'@font-face {{ font-family: "{PRINT_FAMILY}"; src: url("{font_url(style)}"); '
        f"font-weight: {weight}; font-style: normal; }}"
        for style, (_stem, weight) in STYLES.items())


@lru_cache(maxsize=1)
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FontFetcher(URLFetcher):
        """Answers :func:`font_url` with :func:`print_font` and refuses every other URL."""

        def __init__(self):
            super().__init__(allowed_protocols=())

        def fetch(self, url, headers=None):
            for style in STYLES:
                if url == font_url(style):
                    return URLFetcherResponse(url, body=print_font(style), headers={"Content-Type": "font/ttf"})
            raise ValueError(f"URL refused: {url[:200]}")

    return FontFetcher


def font_fetcher():
    """WeasyPrint's URL fetcher for the printed forms: it answers :func:`font_url` with
    :func:`print_font` and refuses every other URL (no network, no local files), so a
    document loads nothing but the service's own fonts. WeasyPrint leaves a refused
    resource out (its ``fetch`` raises ``ValueError``)."""
    return _fetcher_class()()
