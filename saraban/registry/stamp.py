"""The receive stamp (ตรารับหนังสือ) put on page 1 of a registered PDF.

Rule: form 12 of the PM's Office Regulation on Correspondence B.E. 2526 and
``shared/spec/DOMAIN.md`` §3 ("Receive stamp"): at the top-right of the first page, a
box with the agency name, the receive number (เลขรับ), the date (วันที่) and the time
(เวลา); in this service it must not alter the original file nor break signatures
already in it (DOMAIN.md §6).

How: the original bytes are kept as they are and one *incremental update* is appended
(pyHanko's :class:`~pyhanko.pdf_utils.incremental_writer.IncrementalPdfFileWriter`).
The update adds a ``/Stamp`` annotation (flags Print|Locked, ``/F 132``) to page 1's
``/Annots`` whose normal appearance (``/AP /N``) is a form XObject drawing the stamp;
the page content stream is not touched, so a signature over the earlier revision still
verifies (its byte range is unchanged).

Shapes and units: PDF points (1 cm = 28.35 pt). The stamp is
``STAMP_WIDTH`` × ``STAMP_HEIGHT`` (5 × 2.8 cm), a thin dark-blue border and blue text
in Laksaman (the TLWG clone of TH SarabunPSK, embedded as a subset, shaped with
HarfBuzz so that Thai vowels and tone marks sit right), placed ``MARGIN`` (1 cm) from
the top and right edges of the *visible* page: the CropBox (else the MediaBox) and the
page's ``/Rotate``, both possibly inherited from the page tree, are honoured so that
the stamp is upright at the top-right as the viewer shows the page.

pyHanko's own :class:`pyhanko.stamp.TextStamp` is not used for the layout because its
text box left-aligns every line and only takes whole-point font sizes; the agency name
must be centred and shrunk or wrapped. Its appearance machinery
(:class:`~pyhanko.pdf_utils.content.AppearanceContent`) and font engine are reused.
"""

from __future__ import annotations

import datetime
import uuid
from io import BytesIO

from django.utils import timezone
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.content import AppearanceContent, ResourceType
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.rw_common import find_inherited_value_in_tree
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    FormUpdatingRule,
    GenericFieldModificationRule,
    ModificationLevel,
    QualifiedWhitelistRule,
    ReferenceUpdate,
    SigFieldCreationRule,
    SigFieldModificationRule,
    StandardDiffPolicy,
)
from pyhanko.sign.diff_analysis.commons import compare_dicts, safe_whitelist

from ocr.thai import fold_digits, format_thai_date, to_thai_digits
from saraban.core.errors import InvalidInput

__all__ = [
    "stamp_receive", "STAMP_DIFF_POLICY", "AddedAnnotationRule",
    "CM", "STAMP_WIDTH", "STAMP_HEIGHT", "MARGIN", "INK",
]

CM = 28.35  #: PDF points per centimetre
STAMP_WIDTH = 5 * CM
STAMP_HEIGHT = 2.8 * CM
MARGIN = 1 * CM  #: from the top and right edges of the visible page
INK = (0.05, 0.2, 0.6)  #: dark blue, as the ink of a receive stamp (RGB 0–1)
BORDER = 0.8  #: border line width, pt
PADDING = 4.0  #: inside the border, pt
NAME_SIZE = 12.0  #: largest font size of the agency name, pt
NAME_MIN_ONE_LINE = 10.0  #: below this the name is wrapped to two lines instead
LINE_SIZE = 11.0  #: font size of the number, date and time lines, pt
LEADING = 1.2  #: line height as a multiple of the font size

#: Form /Matrix per page /Rotate: turns the stamp against the page's rotation so it is
#: upright for the reader.
_ROTATION_MATRIX = {0: None, 90: (0, 1, -1, 0, 0, 0), 180: (-1, 0, 0, -1, 0, 0),
                    270: (0, -1, 1, 0, 0, 0)}

_MSG_BROKEN = ("ประทับตรารับหนังสือไม่ได้ เพราะไฟล์ไม่ใช่ PDF หรือไฟล์เสีย "
               "กรุณาตรวจสอบไฟล์ แล้วสแกนหรือบันทึกเป็น PDF ใหม่แล้วแนบอีกครั้ง")
_MSG_ENCRYPTED = ("ประทับตรารับหนังสือไม่ได้ เพราะไฟล์ PDF ถูกเข้ารหัสหรือตั้งรหัสผ่านไว้ "
                  "กรุณาขอไฟล์ที่ไม่มีรหัสผ่านจากผู้ส่ง แล้วแนบอีกครั้ง")


def stamp_receive(source: bytes, *, agency_name: str, receive_number: str,
                  stamped_at: datetime.datetime, thai_digits: bool = True) -> bytes:
    """Return ``source`` with the receive stamp added to page 1 as an incremental update.

    Args:
        source: the PDF as registered; it is never changed, and the result starts with
            exactly these bytes (``result.startswith(source)``).
        agency_name: the receiving agency, e.g. ``"กรมการปกครอง"``; a long name is
            shrunk or wrapped to two lines.
        receive_number: the receive number as displayed, e.g. ``"123/2569"``.
        stamped_at: when the letter was received; an aware datetime, printed in local
            time (``settings.TIME_ZONE``, Asia/Bangkok) with the Buddhist-Era year.
        thai_digits: print every digit as ๐–๙ (default) or as 0–9.

    Returns:
        The new PDF bytes: ``source`` followed by one incremental update that adds a
        ``/Stamp`` annotation to page 1 (see the module docstring for the layout).

    Raises:
        InvalidInput: code ``"pdf_encrypted"`` for an encrypted PDF, ``"stamp_failed"``
            for bytes that are not a readable PDF; the Thai message tells the clerk what
            to do.
        ValueError: ``stamped_at`` is naive, or the name or number is blank.
        FileNotFoundError: the Laksaman font is not installed (fonts-tlwg-laksaman).
    """
    name = " ".join(agency_name.split())
    if not name or not receive_number.strip():
        raise ValueError("agency_name and receive_number must not be blank")
    local = timezone.localtime(stamped_at)
    digits = to_thai_digits if thai_digits else fold_digits
    lines = [
        "เลขรับ " + digits(receive_number.strip()),
        "วันที่ " + format_thai_date(local.date(), thai_digits=thai_digits, abbreviated=True),
        "เวลา " + digits(local.strftime("%H.%M")) + " น.",
    ]
    font_file = _font_file()  # a missing font is the server's fault, not the file's
    try:
        # not strict: scanners and converters write small slips (Pillow: a free
        # entry of generation 65536) that every viewer forgives
        writer = IncrementalPdfFileWriter(BytesIO(source), strict=False)
        encrypted = writer.prev.encrypted
    except Exception as exc:  # pyHanko raises many kinds of errors on garbage
        raise InvalidInput(_MSG_BROKEN, code="stamp_failed") from exc
    if encrypted:
        raise InvalidInput(_MSG_ENCRYPTED, code="pdf_encrypted")
    try:
        page_ref, _ = writer.find_page_for_modification(0)
        rect, rotate = _stamp_rect(page_ref.get_object())
        annot = generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Stamp"),
            pdf_name("/Rect"): generic.ArrayObject(generic.FloatObject(round(v, 2)) for v in rect),
            pdf_name("/F"): generic.NumberObject(132),  # Print | Locked
            pdf_name("/P"): page_ref,
            pdf_name("/NM"): generic.TextStringObject(f"saraban-receive-{uuid.uuid4()}"),
            pdf_name("/M"): generic.pdf_date(local),
            pdf_name("/T"): generic.TextStringObject(name),
            pdf_name("/Subj"): generic.TextStringObject("ตรารับหนังสือ"),
            pdf_name("/Contents"): generic.TextStringObject("\n".join([name, *lines])),
            pdf_name("/C"): generic.ArrayObject(generic.FloatObject(c) for c in INK),
        })
        _StampAppearance(writer, font_file, name, lines, rotate).apply_appearance(annot)
        writer.register_annotation(page_ref, writer.add_object(annot))
        out = BytesIO()
        writer.write(out)
    except Exception as exc:
        raise InvalidInput(_MSG_BROKEN, code="stamp_failed") from exc
    result = out.getvalue()
    if not result.startswith(source):  # pragma: no cover - guards the promise above
        raise InvalidInput(_MSG_BROKEN, code="stamp_failed")
    return result


def _stamp_rect(page: generic.DictionaryObject) -> tuple[tuple[float, float, float, float], int]:
    """The annotation /Rect (user space, pt) and the page's rotation in degrees."""
    box = (find_inherited_value_in_tree(page, "/CropBox", "/Parent")
           or find_inherited_value_in_tree(page, "/MediaBox", "/Parent"))
    xa, ya, xb, yb = (float(v) for v in box)
    x0, y0, cw, ch = min(xa, xb), min(ya, yb), abs(xb - xa), abs(yb - ya)
    rotate = int(find_inherited_value_in_tree(page, "/Rotate", "/Parent") or 0) % 360
    if rotate not in _ROTATION_MATRIX:
        rotate = 0
    # the stamp in viewer space: origin at the bottom-left of the page as displayed
    vw, vh = (cw, ch) if rotate in (0, 180) else (ch, cw)
    corners = [(vw - MARGIN - STAMP_WIDTH, vh - MARGIN - STAMP_HEIGHT), (vw - MARGIN, vh - MARGIN)]

    def to_user(u: float, v: float) -> tuple[float, float]:
        return {0: (u, v), 90: (cw - v, u), 180: (cw - u, ch - v), 270: (v, ch - u)}[rotate]

    (xa, ya), (xb, yb) = (to_user(u, v) for u, v in corners)
    return (x0 + min(xa, xb), y0 + min(ya, yb), x0 + max(xa, xb), y0 + max(ya, yb)), rotate


def _font_file() -> str:
    """Laksaman's file (:func:`saraban.documents.fonts.laksaman_path`, checked to be Laksaman)."""
    from saraban.documents.fonts import laksaman_path

    return str(laksaman_path("regular"))


def _split_two(text: str, width_em) -> tuple[str, str] | None:
    """Break ``text`` into two lines of about equal width at a word boundary."""
    from pythainlp.tokenize import word_tokenize  # lazy: ~0.4 s on first use

    words = [w for w in word_tokenize(text, engine="newmm", keep_whitespace=True) if w]
    best = None
    for i in range(1, len(words)):
        first, second = "".join(words[:i]).strip(), "".join(words[i:]).strip()
        if first and second:
            widest = max(width_em(first), width_em(second))
            if best is None or widest < best[0]:
                best = (widest, first, second)
    return best[1:] if best else None


class _StampAppearance(AppearanceContent):
    """The stamp's normal appearance: a form XObject of STAMP_WIDTH × STAMP_HEIGHT."""

    def __init__(self, writer, font_file: str, name: str, lines: list[str], rotate: int) -> None:
        super().__init__(writer=writer, box=layout.BoxConstraints(STAMP_WIDTH, STAMP_HEIGHT))
        self.font: GlyphAccumulator = GlyphAccumulatorFactory(font_file).create_font_engine(writer)
        if "FFTM" in self.font.tt:  # FontForge's timestamp; fontTools warns it cannot subset it
            del self.font.tt["FFTM"]
        self.name, self.lines, self.rotate = name, lines, rotate

    def _width_em(self, text: str) -> float:
        return self.font.shape(text).x_advance

    def _name_lines(self, inner: float) -> tuple[list[str], float]:
        """The agency name as one or two lines, and its font size."""
        one = min(NAME_SIZE, inner / max(self._width_em(self.name), 1e-6))
        if one >= NAME_MIN_ONE_LINE:
            return [self.name], one
        halves = _split_two(self.name, self._width_em)
        if halves:
            two = min(NAME_SIZE, inner / max(map(self._width_em, halves)))
            if two > one:
                return list(halves), two
        return [self.name], one

    def _text(self, text: str, size: float, x: float, y: float) -> bytes:
        self.font.font_size = size  # the engine positions glyphs in pt at this size
        ops = self.font.shape(text).graphics_ops
        return b"BT /F1 %g Tf 1 0 0 1 %g %g Tm %s ET" % (size, x, y, ops)

    def render(self) -> bytes:
        inner = STAMP_WIDTH - 2 * (BORDER + PADDING)
        name_lines, name_size = self._name_lines(inner)
        rows = [(t, name_size, True) for t in name_lines] + [(t, LINE_SIZE, False) for t in self.lines]
        block = sum(size * LEADING for _, size, _ in rows)
        y = (STAMP_HEIGHT + block) / 2  # top of the text block, centred vertically
        ops = [b"q %g %g %g RG %g %g %g rg %g w" % (*INK, *INK, BORDER),
               b"%g %g %g %g re S" % (BORDER / 2, BORDER / 2, STAMP_WIDTH - BORDER, STAMP_HEIGHT - BORDER)]
        left = BORDER + PADDING + 2
        for text, size, centred in rows:
            y -= size * LEADING
            x = (STAMP_WIDTH - self._width_em(text) * size) / 2 if centred else left
            ops.append(self._text(text, size, x, y + size * 0.3))  # baseline above descenders
        ops.append(b"Q")
        self.set_resource(ResourceType.FONT, pdf_name("/F1"), self.font.as_resource())
        return b"\n".join(ops)

    def as_form_xobject(self) -> generic.StreamObject:
        form = super().as_form_xobject()
        matrix = _ROTATION_MATRIX[self.rotate]
        if matrix:
            form[pdf_name("/Matrix")] = generic.ArrayObject(generic.NumberObject(v) for v in matrix)
        return form


class AddedAnnotationRule(QualifiedWhitelistRule):
    """pyHanko difference-analysis rule for annotations appended to pages.

    pyHanko 0.38's default policy explains only the widgets of new signature fields
    on a page: any other new annotation, such as this module's receive stamp, is
    unexplained (level ``OTHER``, the earlier signature judged invalid although its
    bytes verify), and a signature added *after* a stamp is rejected too, because its
    page walk refuses unknown annotations. This rule takes over that walk (use it with
    ``SigFieldCreationRule(approve_widget_bindings=False)``, as
    :data:`STAMP_DIFF_POLICY` does). For each page whose only change is entries
    appended to ``/Annots`` (none removed or reordered, no other key changed):

    * widgets of signature fields (``/FT /Sig`` on the widget or its parent): the page
      change is cleared at ``LTA_UPDATES``, as pyHanko does; the fields and widgets
      themselves are left to pyHanko's form rules;
    * any other new annotation: the page change, the annotation and the new objects
      it uses (appearance stream, fonts) are cleared at ``ANNOTATIONS``.

    Anything else stays unexplained. Annotations are allowed after an approval
    signature; a DocMDP certification with P=1 or 2 still rejects them.
    """

    def apply_qualified(self, old, new):
        for page_ref in _pages_if_same_tree(old.root.raw_get("/Pages"), new.root.raw_get("/Pages")):
            old_page, new_page = old(page_ref), new(page_ref)
            old_annots, old_arr = _annots(old_page)
            new_annots, new_arr = _annots(new_page)
            added = new_annots[len(old_annots):]
            if not added or new_annots[:len(old_annots)] != old_annots:
                continue  # unchanged, or changed in a way this rule does not explain
            if not all(isinstance(a, generic.IndirectObject) and old.is_ref_unassignable(a.reference)
                       for a in added):
                continue
            others = [a for a in added if not _is_signature_widget(a.get_object())]
            level = ModificationLevel.ANNOTATIONS if others else ModificationLevel.LTA_UPDATES
            compare_dicts(old_page, new_page, frozenset({"/Annots"}))  # raises if more changed
            yield level, ReferenceUpdate(page_ref)  # blanket, like pyHanko for signature widgets
            if new_arr is not None:
                for ref in safe_whitelist(old, old_arr, new_arr):
                    yield level, ReferenceUpdate(ref)
            for annot in others:
                yield level, ReferenceUpdate(annot.reference)
                for ref in new.collect_dependencies(annot.get_object(), since_revision=old.revision + 1):
                    yield level, ReferenceUpdate(ref)


def _is_signature_widget(annot) -> bool:
    if annot.get("/Subtype") != "/Widget":
        return False
    field = annot if "/FT" in annot else annot.get("/Parent")
    return isinstance(field, generic.DictionaryObject) and field.get("/FT") == "/Sig"


def _annots(page) -> tuple[list, generic.Reference | None]:
    """A page's /Annots entries (unresolved) and the array's own reference if indirect."""
    try:
        value = page.raw_get("/Annots")
    except KeyError:
        return [], None
    array = value.get_object()
    entries = [array.raw_get(i) for i in range(len(array))] if isinstance(array, generic.ArrayObject) else []
    return entries, value.reference if isinstance(value, generic.IndirectObject) else None


def _pages_if_same_tree(old_node, new_node, depth: int = 0):
    """References of the leaf pages, as long as both page trees have the same shape."""
    old_obj, new_obj = old_node.get_object(), new_node.get_object()
    if "/Kids" not in old_obj:
        yield old_node.reference
        return
    if depth > 64:  # a loop in a broken tree
        return
    old_kids, new_kids = old_obj["/Kids"], new_obj.get("/Kids")
    if not isinstance(new_kids, generic.ArrayObject) or len(old_kids) != len(new_kids):
        return
    for i in range(len(old_kids)):
        old_kid, new_kid = old_kids.raw_get(i), new_kids.raw_get(i)
        if not isinstance(old_kid, generic.IndirectObject) or old_kid != new_kid:
            return
        yield from _pages_if_same_tree(old_kid, new_kid, depth + 1)


#: pyHanko's default difference policy with :class:`AddedAnnotationRule`; pass it as
#: ``validate_pdf_signature(..., diff_policy=STAMP_DIFF_POLICY)`` so that a signature
#: followed by a receive stamp reads "extended with annotations", not "modified".
STAMP_DIFF_POLICY = StandardDiffPolicy(
    global_rules=[*DEFAULT_DIFF_POLICY.global_rules, AddedAnnotationRule()],
    form_rule=FormUpdatingRule(field_rules=[
        SigFieldCreationRule(approve_widget_bindings=False),  # AddedAnnotationRule does it
        SigFieldModificationRule(),
        GenericFieldModificationRule(),
    ]),
)
