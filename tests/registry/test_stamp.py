"""The receive stamp (ตรารับหนังสือ, form 12) added to page 1 as an incremental update.

Fixture PDFs are made here: Thai letters with WeasyPrint (Laksaman), rotated and
cropped variants with pypdf, an image-only scan with Pillow, a signed letter with
pyHanko and a throwaway self-signed certificate. Pages are rendered with pypdfium2
(which applies /Rotate and /CropBox) to see where the blue ink lands.
"""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from functools import lru_cache
from io import BytesIO

import numpy as np
import pypdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from saraban.core.errors import InvalidInput
from saraban.registry.stamp import CM, STAMP_DIFF_POLICY, stamp_receive

LONG_NAME = "สำนักงานปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"
# 10.05 in Bangkok (UTC+7) on 21 November 2026 = 21 พ.ย. 2569
AT = datetime.datetime(2026, 11, 21, 3, 5, tzinfo=datetime.timezone.utc)
THAI = re.compile(r"[\u0e01-\u0e4e]")
THAI_DIGIT = re.compile(r"[๐-๙]")


def stamp(pdf: bytes, **kwargs) -> bytes:
    args = {"agency_name": "กรมการปกครอง", "receive_number": "123/2569", "stamped_at": AT, **kwargs}
    return stamp_receive(pdf, **args)


# ---------------------------------------------------------------- fixture PDFs

@lru_cache
def letter(pages: int = 1) -> bytes:
    """An A4 Thai letter in Laksaman, black text only."""
    body = "".join(
        f"<p style='page-break-before: {'always' if i else 'auto'}'>หน้า {i + 1}: ที่ นร ๐๑๐๕/๑๒๓ "
        "เรื่อง ขอเชิญประชุมคณะกรรมการ เรียน อธิบดีกรมการปกครอง</p>"
        for i in range(pages)
    )
    import weasyprint

    html = f"<html><head><style>@page {{ size: A4; margin: 2.5cm }}</style></head>" \
           f"<body style='font-family: Laksaman; font-size: 16pt'>{body}</body></html>"
    return weasyprint.HTML(string=html).write_pdf()


def modified(pdf: bytes, change) -> bytes:
    """``pdf`` rewritten by pypdf after ``change(writer)``."""
    writer = pypdf.PdfWriter(clone_from=BytesIO(pdf))
    change(writer)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def rotated(degrees: int, *, inherited: bool = False) -> bytes:
    """The letter with /Rotate on page 1, or on the page-tree root (inherited)."""
    def change(writer):
        target = writer.root_object["/Pages"] if inherited else writer.pages[0]
        target[pypdf.generic.NameObject("/Rotate")] = pypdf.generic.NumberObject(degrees)
    return modified(letter(), change)


def cropped() -> bytes:
    """The letter with a CropBox 3 cm in from the right and 4 cm down from the top."""
    def change(writer):
        page = writer.pages[0]
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        page.cropbox = pypdf.generic.RectangleObject([0, 0, w - 3 * CM, h - 4 * CM])
    return modified(letter(), change)


def scan() -> bytes:
    """An image-only PDF, as from a scanner: a grey page with black blocks for text."""
    img = Image.new("L", (1240, 1754), 245)
    draw = ImageDraw.Draw(img)
    for row in range(12):
        draw.rectangle((150, 300 + row * 90, 1000, 330 + row * 90), fill=20)
    out = BytesIO()
    img.save(out, "PDF", resolution=150)
    return out.getvalue()


# ---------------------------------------------------------------- helpers

def blue_ink(pdf: bytes) -> tuple[np.ndarray, tuple[int, int]]:
    """Mask of blue pixels of page 1 rendered at 72 dpi (1 px = 1 pt) as the viewer shows it."""
    doc = pdfium.PdfDocument(pdf)
    img = np.asarray(doc[0].render(scale=1, draw_annots=True).to_pil().convert("RGB")).astype(int)
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (b > 100) & (b - r > 50) & (b - g > 30), (img.shape[1], img.shape[0])


def bbox(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return xs.min(), ys.min(), xs.max() + 1, ys.max() + 1


def correlation(a: np.ndarray, b: np.ndarray, block: int = 8) -> float:
    """Correlation of two ink masks' densities in ``block`` × ``block`` px squares."""
    h, w = min(a.shape[0], b.shape[0]) // block * block, min(a.shape[1], b.shape[1]) // block * block

    def density(m):
        return m[:h, :w].reshape(h // block, block, w // block, block).mean(axis=(1, 3)).ravel()
    return float(np.corrcoef(density(a), density(b))[0, 1])


def the_stamp(pdf: bytes):
    """Page 1's stamp annotation (pypdf), asserting there is exactly one."""
    stamps = [a.get_object() for a in pypdf.PdfReader(BytesIO(pdf)).pages[0].get("/Annots", [])
              if a.get_object()["/Subtype"] == "/Stamp"]
    assert len(stamps) == 1
    return stamps[0]


def pdftotext(pdf: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    return subprocess.run(["pdftotext", "-l", "1", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()


# ---------------------------------------------------------------- 1. an incremental update

def test_original_bytes_kept_and_one_annotation_added_to_page_one():
    source = letter(2)
    result = stamp(source)

    assert result.startswith(source) and len(result) > len(source)
    before, after = pypdf.PdfReader(BytesIO(source)), pypdf.PdfReader(BytesIO(result))
    assert len(after.pages) == len(before.pages) == 2
    assert len(pdfium.PdfDocument(result)) == 2
    assert len(after.pages[0].get("/Annots", [])) == len(before.pages[0].get("/Annots", [])) + 1
    # the page's own drawing is untouched: the stamp lives only in the annotation
    assert after.pages[0].get_contents().get_data() == before.pages[0].get_contents().get_data()
    assert after.pages[1].get_contents().get_data() == before.pages[1].get_contents().get_data()
    assert after.pages[1].get("/Annots") == before.pages[1].get("/Annots")

    annot = the_stamp(result)
    assert annot["/F"] == 132  # Print | Locked
    appearance = annot["/AP"]["/N"].get_object()
    assert appearance["/Subtype"] == "/Form"
    font = appearance["/Resources"]["/Font"]["/F1"].get_object()
    assert re.match(r"/[A-Z]{6}\+Laksaman", font["/BaseFont"])  # an embedded subset
    assert "/FontFile2" in font["/DescendantFonts"][0].get_object()["/FontDescriptor"]


# ---------------------------------------------------------------- 2. where it lands

def test_rect_is_a_5cm_box_1cm_from_the_top_right_corner():
    result = stamp(letter())
    x0, y0, x1, y1 = (float(v) for v in the_stamp(result)["/Rect"])
    page = pypdf.PdfReader(BytesIO(result)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)

    assert x1 - x0 == pytest.approx(5 * CM, abs=1)
    assert 2.5 * CM <= y1 - y0 <= 3 * CM
    assert width - x1 == pytest.approx(CM, abs=1)
    assert height - y1 == pytest.approx(CM, abs=1)


@pytest.mark.parametrize("source", [
    pytest.param(letter, id="portrait"),
    pytest.param(lambda: rotated(90), id="rotate-90"),
    pytest.param(lambda: rotated(180), id="rotate-180"),
    pytest.param(lambda: rotated(270, inherited=True), id="rotate-270-inherited"),
    pytest.param(cropped, id="cropbox"),
    pytest.param(scan, id="image-only-scan"),
])
def test_blue_stamp_appears_upright_at_the_top_right_of_the_page_as_shown(source):
    pdf = source()
    assert not blue_ink(pdf)[0].any()  # the fixtures have no blue of their own

    ink, (width, _) = blue_ink(stamp(pdf))
    left, top, right, bottom = bbox(ink)
    # a landscape 5 × 2.5–3 cm box, 1 cm from the top and right edges as displayed ...
    assert right - left == pytest.approx(5 * CM, abs=3)
    assert 2.5 * CM - 3 <= bottom - top <= 3 * CM + 3
    assert width - right == pytest.approx(CM, abs=3)
    assert top == pytest.approx(CM, abs=3)
    # ... and looking the same as on a plain portrait page (so its text is upright):
    # ink density in 8 × 8 px blocks correlates (≥ 0.94 measured; turned 180° or
    # mirrored: ≤ 0.52)
    reference, _ = blue_ink(stamp(letter()))
    l0, t0, _, _ = bbox(reference)
    h, w = bottom - top, right - left
    ours, theirs = ink[top:bottom, left:right], reference[t0:t0 + h, l0:l0 + w]
    assert correlation(ours, theirs) > 0.85
    assert correlation(ours[::-1, ::-1], theirs) < 0.7


# ---------------------------------------------------------------- 3. what it says

def test_text_has_agency_number_date_and_time_in_thai_digits():
    text = pdftotext(stamp(letter(), agency_name=LONG_NAME))
    flat = re.sub(r"\s+", "", text)

    assert LONG_NAME in flat  # wrapped over two lines, but all there
    assert "เลขรับ ๑๒๓/๒๕๖๙" in text
    assert "วันที่ ๒๑ พ.ย. ๒๕๖๙" in text  # Buddhist era: 2026 + 543
    assert "เวลา ๑๐.๐๕ น." in text  # Bangkok time, not UTC 03.05


def test_arabic_digits_on_request():
    result = stamp(letter(), receive_number="๔๕", thai_digits=False)
    text = pdftotext(result)
    stamp_text = text[text.index("กรมการปกครอง"):]

    assert "เลขรับ 45" in stamp_text
    assert "วันที่ 21 พ.ย. 2569" in stamp_text
    assert "เวลา 10.05 น." in stamp_text
    assert not THAI_DIGIT.search(the_stamp(result)["/Contents"])


def test_date_is_the_local_bangkok_date():
    late_evening_utc = datetime.datetime(2026, 12, 31, 20, 30, tzinfo=datetime.timezone.utc)
    contents = the_stamp(stamp(letter(), stamped_at=late_evening_utc))["/Contents"]

    assert "วันที่ ๑ ม.ค. ๒๕๗๐" in contents and "เวลา ๐๓.๓๐ น." in contents


def test_long_agency_name_stays_inside_the_box_and_readable():
    result = stamp(letter(), agency_name=LONG_NAME)
    annot = the_stamp(result)
    data = annot["/AP"]["/N"].get_object().get_data()
    sizes = [float(s) for s in re.findall(rb"/F1 ([\d.]+) Tf", data)]

    assert len(sizes) == 5  # two lines of name, number, date, time
    assert min(sizes) >= 8
    ink, (width, _) = blue_ink(result)
    left, top, right, bottom = bbox(ink)
    assert right - left == pytest.approx(5 * CM, abs=3)  # nothing sticks out of the border
    assert bottom - top <= 3 * CM + 3


# ---------------------------------------------------------------- 4. signatures survive

@lru_cache
def signer():
    from asn1crypto import keys as akeys
    from asn1crypto import x509 as ax509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Saraban Test Signer")])
    now = datetime.datetime.now(datetime.timezone.utc)
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True,
                          crl_sign=False, encipher_only=False, decipher_only=False)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .sign(key, hashes.SHA256()))
    cert = ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    key = akeys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return signers.SimpleSigner(signing_cert=cert, signing_key=key,
                                cert_registry=SimpleCertificateStore.from_certs([cert])), cert


def sign(pdf: bytes, field: str = "Signature1") -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    out = BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)),
                     signers.PdfSignatureMetadata(field_name=field), signer=signer()[0], output=out)
    return out.getvalue()


def validate(pdf: bytes, index: int = 0, policy=STAMP_DIFF_POLICY):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    sig = PdfFileReader(BytesIO(pdf)).embedded_signatures[index]
    return validate_pdf_signature(sig, ValidationContext(trust_roots=[signer()[1]]), diff_policy=policy)


def pdfsig(pdf: bytes, tmp_path) -> str:
    if not shutil.which("pdfsig"):
        pytest.skip("poppler-utils is not installed")
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def test_signature_made_before_the_stamp_stays_valid_in_pyhanko():
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    signed = sign(letter())
    stamped = stamp(signed)
    assert stamped.startswith(signed)

    status = validate(stamped)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_REVISION  # the stamp is a later revision
    assert status.modification_level == ModificationLevel.ANNOTATIONS
    assert status.docmdp_ok and status.bottom_line
    # pyHanko's own default policy does not explain a new non-widget annotation at all,
    # which is why the stamp module ships STAMP_DIFF_POLICY
    assert validate(stamped, policy=DEFAULT_DIFF_POLICY).modification_level == ModificationLevel.OTHER


def test_stamp_policy_still_catches_other_changes():
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.diff_analysis import ModificationLevel

    signed = sign(letter())
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    page["/MediaBox"] = generic.ArrayObject(map(generic.NumberObject, (0, 0, 300, 300)))  # hides text
    annot = generic.DictionaryObject({"/Type": generic.NameObject("/Annot"),
                                      "/Subtype": generic.NameObject("/Stamp"),
                                      "/Rect": generic.ArrayObject(map(generic.NumberObject, (0, 0, 9, 9)))})
    writer.register_annotation(page_ref, writer.add_object(annot))
    writer.mark_update(page_ref)
    out = BytesIO()
    writer.write(out)

    status = validate(out.getvalue())
    assert status.modification_level == ModificationLevel.OTHER and not status.docmdp_ok


def test_signing_after_the_stamp_keeps_both_signatures_valid():
    from pyhanko.sign.diff_analysis import ModificationLevel

    twice = sign(stamp(sign(letter())), field="Signature2")

    first, second = validate(twice, 0), validate(twice, 1)
    assert first.intact and first.valid and first.docmdp_ok
    assert first.modification_level == ModificationLevel.ANNOTATIONS
    assert second.intact and second.valid and second.docmdp_ok


def test_stamp_policy_judges_plain_countersignatures_like_pyhanko():
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY

    twice = sign(sign(letter()), field="Signature2")

    ours, pyhankos = validate(twice), validate(twice, policy=DEFAULT_DIFF_POLICY)
    assert ours.modification_level == pyhankos.modification_level
    assert ours.docmdp_ok and pyhankos.docmdp_ok


def test_pdfsig_says_the_earlier_signature_is_valid(tmp_path):
    signed = sign(letter())
    stamped = stamp(signed)

    report = pdfsig(stamped, tmp_path)
    assert "Signature is Valid." in report
    assert "Not total document signed" in report
    assert not re.search(r"Invalid|Mismatch", report, re.IGNORECASE)

    # the check can fail: one byte changed inside the signed range (the header's
    # binary comment, so the file still parses)
    second_line = stamped.index(b"\n") + 2
    tampered = bytearray(stamped)
    tampered[second_line] ^= 0x01
    report = pdfsig(bytes(tampered), tmp_path)
    assert "Signature is Valid." not in report
    assert "Digest Mismatch" in report
    assert not validate(bytes(tampered)).intact


# ---------------------------------------------------------------- 5. errors

def encrypted() -> bytes:
    return modified(letter(), lambda writer: writer.encrypt("", "owner-secret", algorithm="AES-128"))


@pytest.mark.parametrize("data, code", [
    pytest.param(bytes(range(256)) * 20, "stamp_failed", id="random-bytes"),
    pytest.param(b"", "stamp_failed", id="empty"),
    pytest.param(None, "stamp_failed", id="truncated"),
    pytest.param("encrypted", "pdf_encrypted", id="encrypted"),
])
def test_unusable_files_raise_invalid_input_in_thai(data, code):
    if data is None:
        data = letter()[: len(letter()) // 2]
    elif data == "encrypted":
        data = encrypted()

    with pytest.raises(InvalidInput) as caught:
        stamp(data)
    assert caught.value.code == code
    assert THAI.search(caught.value.message) and "PDF" in caught.value.message
