"""ocr.preflight: cheap rejections before any expensive work."""

from __future__ import annotations

import zlib

import pytest
from PIL import Image

from ocr.errors import (
    BrokenFile,
    EmptyFile,
    ImageTooLarge,
    InputError,
    TooManyPages,
    UnsupportedType,
)
from ocr.preflight import MAX_PAGES, preflight
from tests.hostile import finishes, forbid_decoding, png_bytes, png_header_only


def _png_header_only(path, width, height):
    """Write a PNG that claims width × height with almost no pixel data; returns ``path``."""
    path.write_bytes(png_header_only(width, height))
    return path


def _assert_thai_message(err: InputError):
    assert err.code.isascii() and err.code
    assert any("\u0e01" <= ch <= "\u0e5b" for ch in str(err))
    assert str(err) == err.message


def test_empty_file(tmp_path):
    p = tmp_path / "letter.pdf"
    p.write_bytes(b"")
    with pytest.raises(EmptyFile) as exc:
        preflight(p)
    assert exc.value.code == "empty_file"
    _assert_thai_message(exc.value)


def test_type_is_sniffed_not_taken_from_the_extension(tmp_path):
    p = tmp_path / "letter.pdf"
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 100)  # a .docx (zip) named .pdf
    with pytest.raises(UnsupportedType) as exc:
        preflight(p)
    _assert_thai_message(exc.value)
    q = tmp_path / "scan.txt"
    Image.new("L", (40, 30), 255).save(q, format="PNG")  # a PNG named .txt
    assert preflight(q).kind == "png"


def test_broken_pdf(tmp_path):
    p = tmp_path / "broken.pdf"
    p.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without xref")
    with pytest.raises(BrokenFile) as exc:
        preflight(p)
    assert exc.value.code == "broken_file"
    _assert_thai_message(exc.value)


def test_truncated_png(tmp_path):
    p = tmp_path / "scan.png"
    Image.new("L", (300, 200), 200).save(p)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(BrokenFile):
        preflight(p)


def test_truncated_jpeg(tmp_path):
    p = tmp_path / "scan.jpg"
    Image.new("RGB", (300, 200), (200, 10, 10)).save(p, quality=90)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) - 200])
    with pytest.raises(BrokenFile):
        preflight(p)


def test_huge_png_is_rejected_fast(tmp_path, monkeypatch):
    """From its header alone: no pixel is decoded (rather than a time limit, which
    depends on how busy the machine is)."""
    p = _png_header_only(tmp_path / "huge.png", 20_000, 20_000)
    decoded = forbid_decoding(monkeypatch)
    with pytest.raises(ImageTooLarge) as exc:
        preflight(p)
    assert decoded == []
    assert exc.value.code == "image_too_large"
    _assert_thai_message(exc.value)


def test_a_50_megapixel_image_is_refused_and_a_600_dpi_a4_scan_is_not(tmp_path):
    with pytest.raises(ImageTooLarge):
        preflight(_png_header_only(tmp_path / "50mp.png", 8_000, 6_250))
    assert preflight(_png_header_only(tmp_path / "a4-600dpi.png", 4_960, 7_016)).pages == 1


def test_a_zip_bomb_png_is_refused_without_decoding(tmp_path, monkeypatch):
    """A few hundred kilobytes that would inflate to 2.5 GB of pixels."""
    p = tmp_path / "bomb.png"
    width = height = 50_000
    row = b"\x00" + b"\x00" * width
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(200)) + compressor.flush()

    p.write_bytes(png_bytes(width, height, data))
    decoded = forbid_decoding(monkeypatch)
    with pytest.raises(ImageTooLarge):
        preflight(p)
    assert decoded == []


def test_a_pdf_whose_page_tree_loops_is_refused(tmp_path):
    """/Pages lists itself among its kids: a reader that walks the tree never ends."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    body, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    p = tmp_path / "loop.pdf"
    p.write_bytes(bytes(body))
    with pytest.raises(InputError) as exc:
        finishes(lambda: preflight(p))  # refused, not walked for ever
    _assert_thai_message(exc.value)


def test_large_pdf_page_is_rejected(tmp_path):
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=5000, height=5000)  # 69 × 69 in: 434 MP at 300 dpi
    p = tmp_path / "poster.pdf"
    with p.open("wb") as fh:
        w.write(fh)
    with pytest.raises(ImageTooLarge):
        preflight(p)


def test_too_many_pages(tmp_path):
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(MAX_PAGES + 1):
        w.add_blank_page(width=595, height=842)
    p = tmp_path / "long.pdf"
    with p.open("wb") as fh:
        w.write(fh)
    with pytest.raises(TooManyPages) as exc:
        preflight(p)
    _assert_thai_message(exc.value)


def test_good_files_are_described(tmp_path):
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    w.add_blank_page(width=595, height=842)
    p = tmp_path / "two.pdf"
    with p.open("wb") as fh:
        w.write(fh)
    info = preflight(p)
    assert (info.kind, info.mime, info.pages) == ("pdf", "application/pdf", 2)
    assert info.size_bytes == p.stat().st_size

    t = tmp_path / "pages.tiff"
    frames = [Image.new("L", (100, 140), 255) for _ in range(3)]
    frames[0].save(t, save_all=True, append_images=frames[1:])
    info = preflight(t)
    assert (info.kind, info.mime, info.pages) == ("tiff", "image/tiff", 3)
