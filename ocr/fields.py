"""Header fields of a Thai official letter, extracted from positioned text lines.

Input: :class:`Line` objects (from OCR, a PDF text layer, or OCR of red stamp regions),
each with its words, boxes and confidences and, for OCR lines, a :class:`RegionReader`
that can re-read a region of the page image (as digits, or as Thai text alone).

Output of :func:`extract_fields`: the fields of ``DOMAIN.md`` §1 with the values of §2:
``document_type``, ``document_number``, ``document_date`` (ISO, CE), ``subject``,
``addressee``, ``references`` (``[{"number", "date"}]``), ``enclosures`` (list of
strings), ``signer_name``, ``signer_position``, ``issuing_office``, ``urgency``,
``secrecy``; and a confidence 0..1 per field.

Rules and their sources:

* Layout of the letter types (external letter: ที่ + address block + date line +
  เรื่อง/เรียน/อ้างถึง/สิ่งที่ส่งมาด้วย + ขอแสดงความนับถือ + signature; memo:
  บันทึกข้อความ, ส่วนราชการ, ที่ … วันที่ …; stamped letter: ถึง, no signature;
  orders ``n/พ.ศ.``): ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ พ.ศ. 2526 and its
  appendices (forms 1–8), summarised in DOMAIN.md §1.
* Document-number grammar (2 Thai letters + unit digits with optional dots + ``/`` +
  optional series letter + running number; or ``n/พ.ศ.`` for orders): DOMAIN.md §1.
* Urgency and secrecy are *stamps* (red, ≥ 32 pt; urgency at the top, secrecy at the
  top and bottom centre): DOMAIN.md §2 and the Secrets Regulation B.E. 2544. So only
  red lines or lines ≥ :data:`STAMP_HEIGHT_RATIO` × the page's body text height in
  those places count; words in the body or on the อ้างถึง line never do.
* Field-guided repair: Tesseract's ``tha`` model confuses Thai digits (๘→๕, ๗→๓,
  ๖→๒, ๙→๕, ๔→๕, ๖→๐) and reads digits as Latin letters; a day must be 1–31 and
  valid for its month, a BE year is ≥ 2500 and ≤ this year + 1, and near the other
  years of the letter; implausible values are re-read from the image with the digit
  classifier (:mod:`ocr.digits`) or repaired through the confusion table.

Where each concern lives: :mod:`ocr.layout` (boxes, words, lines, the
:class:`RegionReader` protocol), :mod:`ocr.labels` (label matching), :mod:`ocr.numbers`
(document numbers and agency codes), :mod:`ocr.dates` (dates), :mod:`ocr.marks`
(urgency and secrecy); this module keeps the header fields found by their labels and
place (subject, addressee, references, enclosures, issuing office, signer, document
type) and composes the extractor from the concerns' mixins.
"""

from __future__ import annotations

import re
from datetime import date

from .dates import _Ctx, _date_parts, _DateMixin
from .labels import _join_thai, _label_rest, _skel, _strip_leader, _which_label
from .layout import Line, _words_conf
from .marks import MARK_SOURCES, _body_height, _MarkMixin, classify_secrecy, classify_urgency
from .numbers import _fix_agency_code, _fix_unit, _NumberMixin, parse_document_number
from .thai import _edit_distance, find_thai_dates, fold_digits, join_split_words, normalize, repair_marks

# Names that moved to the concern modules and are still importable from here, as they
# were before the split (the public ones are in ``__all__``).
from .layout import Box, RegionReader, Word, widen_box  # noqa: E402,F401
from .marks import MARK_DECORATION, STAMP_HEIGHT_RATIO, holds_mark  # noqa: E402,F401
from .numbers import AGENCY_CODES  # noqa: E402,F401

__all__ = [
    "AGENCY_CODES",
    "Box",
    "Word",
    "Line",
    "RegionReader",
    "FIELD_NAMES",
    "STAMP_HEIGHT_RATIO",
    "extract_fields",
    "widen_box",
    "parse_document_number",
    "classify_urgency",
    "classify_secrecy",
    "holds_mark",
    "review_fields",
]

FIELD_NAMES = (
    "document_type", "document_number", "document_date", "subject", "addressee",
    "references", "enclosures", "signer_name", "signer_position", "issuing_office",
    "urgency", "secrecy", "due_at",
)


class _HeaderMixin:
    """The header fields found by their label or their place, for :class:`_Extractor`:
    subject, addressee, references, enclosures, issuing office and document type."""

    # -- subject / addressee -------------------------------------------------------------
    def _junk_start(self, ln: Line) -> bool:
        """The line's first word has no Thai letter: a label OCR may have garbled."""
        return bool(ln.words) and not re.search(r"[\u0e01-\u0e2e]", ln.words[0].text)

    def _find_label(self, label: str, lines: list[Line]) -> tuple[int, Line] | None:
        """(index, line) of the first line starting with ``label``; when none does, the
        first line whose garbled first word reads as ``label`` when re-read alone."""
        for i, ln in enumerate(lines):
            if _label_rest(ln.text, label) is not None:
                return i, ln
        for i, ln in enumerate(lines):
            if self._junk_start(ln) and ln.reader is not None:
                alt = self.alt(ln)
                if alt is not None and _label_rest(alt.text, label) is not None:
                    return i, alt
        return None

    #: A wrapped subject never goes on with a numbered item (``๑.``, ``(๑)``) or a
    #: body opener: such a line is the body after an addressee OCR lost.
    _ITEM_START = re.compile(r"^\s*(?:[0-9๐-๙]{1,2}\s*[.)]|\(\s*[0-9๐-๙]{1,2}\s*\))")

    def _ends_header_block(self, ln: Line, alt: Line | None = None) -> bool:
        """The line cannot continue a subject: it starts with a label (in the page
        reading or its re-reading), a numbered item or a body opener."""
        for cand in (ln, alt):
            if cand is None:
                continue
            t = normalize(cand.text).strip()
            if _which_label(t) is not None or self._ITEM_START.match(t):
                return True
            if any(_skel(t).startswith(_skel(o)) for o in self._BODY_OPENERS):
                return True
        return False

    def subject(self) -> None:
        """subject: the "เรื่อง" line, continued on following unlabelled lines (not past
        a label, a numbered item or a body opener; see :meth:`_ends_header_block`)."""
        found = self._find_label("เรื่อง", self.header)
        if found is None:
            return
        i, ln = found
        best = self.better(ln, "เรื่อง") if ln in self.header else ln
        value = _strip_leader(_label_rest(best.text, "เรื่อง") or "")
        used = [best]
        prev = ln
        for nxt in self.page0[i + 1:i + 3]:
            if nxt.page != ln.page:
                break
            if nxt.box[1] - prev.box[3] > 1.5 * max(ln.height, 1):
                break
            b = self.better(nxt)
            if self._ends_header_block(nxt, b if b is not nxt else None):
                break
            if b is nxt and (self._junk_start(nxt) or self._ends_glued_label(nxt)):
                alt = self.alt(nxt)
                if alt is not None and self._ends_header_block(alt):
                    break
            value = _join_thai(value, _strip_leader(b.text))
            used.append(b)
            prev = nxt
        if value:
            self.fields["subject"] = value
            self.conf["subject"] = _words_conf([w for u in used for w in u.words[1:] or u.words])

    @staticmethod
    def _ends_glued_label(ln: Line) -> bool:
        """The line's first word is within two letters of an addressee label glued to
        its value (``เรียบผู้…``): worth re-reading alone before taking it as part of
        a subject."""
        sk = _skel(ln.words[0].text) if ln.words else ""
        return any(_edit_distance(sk[:len(_skel(lab))], _skel(lab), 2) <= 2
                   for lab in ("เรียน", "เสนอ"))

    def addressee(self) -> None:
        """addressee: the "เรียน" (also "เสนอ", and "ถึง" of stamped letters) line."""
        lines = list(self.header)
        if not any(_which_label(ln.text) == "addressee" for ln in lines):
            # the label may be garbled: try re-reading lines that start with junk
            # (or a misread label glued to its value: "เรียบผู้อำนวยการ")
            for i, ln in enumerate(lines):
                if (self._junk_start(ln) or self._ends_glued_label(ln)) and ln.reader is not None:
                    alt = self.alt(ln)
                    if alt is not None and _which_label(alt.text) == "addressee":
                        lines[i] = alt
                        break
        for ln in lines:
            t = normalize(ln.text)
            label = None
            for lab in ("เรียน", "เสนอ"):
                if _label_rest(t, lab) is not None:
                    label = lab
                    break
            if label is None:
                m = re.match(r"^\s*ถึง[\s.:]+", t)
                if m:
                    rest = t[m.end():]
                    self._salutation = "ถึง"
                    if _strip_leader(rest):
                        self.fields["addressee"] = _strip_leader(rest)
                        self.conf["addressee"] = _words_conf(ln.words[1:] or ln.words)
                        return
                continue
            best = self.better(ln, label)
            rest = _label_rest(best.text, label) or ""
            if _strip_leader(rest):
                self.fields["addressee"] = _strip_leader(rest)
                self.conf["addressee"] = _words_conf(best.words[1:] or best.words)
                return


    # -- references ----------------------------------------------------------------------
    def references(self) -> None:
        """references: the numbers (with their dates) on the "อ้างถึง" line(s) only."""
        for i, ln in enumerate(self.page0[:60]):
            rest = _label_rest(ln.text, "อ้างถึง")
            if rest is None:
                continue
            ln = self.best_number_line(ln)
            rest = _label_rest(ln.text, "อ้างถึง") or rest
            text = rest
            used = [ln]
            for nxt in self.page0[i + 1:i + 5]:
                if _which_label(nxt.text) is not None:
                    break
                if nxt.box[1] - used[-1].box[3] > 1.5 * max(ln.height, 1):
                    break
                # stop when the reference is complete and the next line is prose
                if self._refs_complete(text) and not re.match(r"^\s*[0-9๐-๙]{1,2}\s*\.", nxt.text):
                    break
                nxt = self.best_number_line(nxt)
                text = text + " " + nxt.text
                used.append(nxt)
            refs = []
            nums = []
            pos = 0
            while True:
                found = parse_document_number(text[pos:])
                if not found:
                    break
                nums.append((found, pos + found.start, pos + found.end))
                pos += found.end
            for k, (found, s, e) in enumerate(nums):
                nxt_s = nums[k + 1][1] if k + 1 < len(nums) else len(text)
                dates = find_thai_dates(text[e:nxt_s], today=self.ctx.today)
                d = dates[0][0] if dates else None
                if d is not None and not (2500 <= d.year + 543 <= self.ctx.now_be + 1):
                    d = None
                printed = found.printed if found.order else _fix_unit(_fix_agency_code(found.printed)[0])[0]
                refs.append({"number": printed, "date": d.isoformat() if d else None})
            if refs:
                self.fields["references"] = refs
                self.conf["references"] = _words_conf([w for u in used for w in u.words])
            return

    def _refs_complete(self, text: str) -> bool:
        found = parse_document_number(text)
        if not found:
            return False
        return bool(find_thai_dates(text[found.end:], today=self.ctx.today)) or bool(
            re.search(r"ลงวันที่\s*\S+\s+\S+\s+\S+", text[found.end:]))

    # -- enclosures ------------------------------------------------------------------------
    _BODY_OPENERS = ("ตามที่", "ด้วย", "เนื่องด้วย", "เนื่องจาก", "ตามหนังสือ", "อนุสนธิ",
                     "ตามคำสั่ง", "ตามประกาศ", "ตามระเบียบ", "ด้วยกรม", "ด้วยจังหวัด")
    _UNIT_END = re.compile(r"(ฉบับ|ชุด|เล่ม|แผ่น|แผ่นดิสก์|หน้า|แผ่นซีดี|ไฟล์|รายการ|อัน)\s*$")

    def enclosures(self) -> None:
        """enclosures: the numbered list after "สิ่งที่ส่งมาด้วย" (continuation lines
        joined) until the body begins."""
        for i, ln in enumerate(self.page0[:60]):
            rest = _label_rest(ln.text, "สิ่งที่ส่งมาด้วย")
            if rest is None:
                continue
            items: list[str] = []
            used = [ln]
            first = _strip_leader(rest)
            expect = 1
            m = re.match(r"^([0-9๐-๙]{1,2})\s*\.\s*(.*)$", first)
            if m:
                expect = int(fold_digits(m.group(1))) + 1
                first = m.group(2)
            items.append(first)
            cont = 0
            label_right = ln.words[0].box[2] if ln.words else ln.box[0]
            for nxt in self.page0[i + 1:i + 12]:
                if _which_label(nxt.text) is not None:
                    break
                if nxt.box[1] - used[-1].box[3] > 2.0 * max(ln.height, 1):
                    break
                t = normalize(nxt.text).strip()
                m = re.match(r"^([0-9๐-๙]{1,2})\s*\.\s*(.*)$", t)
                if m and int(fold_digits(m.group(1))) == expect and not any(
                        m.group(2).startswith(o) for o in self._BODY_OPENERS):
                    items.append(m.group(2))
                    expect += 1
                    cont = 0
                    used.append(nxt)
                    continue
                if any(t.startswith(o) for o in self._BODY_OPENERS):
                    break
                indented = nxt.box[0] >= label_right - 0.02 * nxt.page_size[0]
                if self._UNIT_END.search(items[-1]) and not indented:
                    break
                if cont >= 2 and not indented:
                    break
                items[-1] = _join_thai(items[-1], t)
                cont += 1
                used.append(nxt)
            items = [" ".join(x.split()) for x in items if x.strip()]
            if items:
                self.fields["enclosures"] = items
                self.conf["enclosures"] = _words_conf([w for u in used for w in u.words])
            return

    # -- issuing office ------------------------------------------------------------------------
    _ADDRESS = re.compile(r"^(ถนน|ถ\.|ตำบล|ต\.|แขวง|ซอย|ซ\.|หมู่|เลขที่|[0-9๐-๙])|[0-9๐-๙]{5}")

    # a telephone number (9–10 digits, maybe spaced or hyphenated) with the misread
    # "โทร." before it ("Ins. ๐ ๒๖๕๙ ๖๑๒๓")
    _PHONE = re.compile(r"(?:\s+[^\s\u0e01-\u0e2e]{1,6})?\s*[0-9๐-๙](?:[\s\-]?[0-9๐-๙]){7,}.*$")

    _NUM_SHAPE = re.compile(r"[0-9๐-๙][0-9๐-๙\s.]*/\s*(?:[ก-ฮ]\s*\.?\s*)?[0-9๐-๙]+")

    @staticmethod
    def _drop_lead_junk(text: str) -> str:
        """Drop leading tokens of at most two characters with at most one Thai letter
        and no vowel (a speck or the margin read as ``อ``, ``อ๐``, ``n``) before an
        office name; not a letter split from its vowel (``ส ำนักงาน``)."""
        toks = text.split()
        while (len(toks) > 1 and re.fullmatch(r"[^\u0e30-\u0e4e]{1,2}", toks[0])
               and len(re.findall(r"[\u0e01-\u0e2e]", toks[0])) <= 1
               and not re.match(r"[\u0e30-\u0e3a\u0e47-\u0e4e]", toks[1])):
            toks.pop(0)
        return " ".join(toks)

    def office(self) -> None:
        """issuing_office: the memo's "ส่วนราชการ" value up to "โทร", or the office
        lines of an external letter's address block (before the street address)."""
        for i, ln in enumerate(self.header):
            rest = _label_rest(ln.text, "ส่วนราชการ")
            if rest is None:
                continue
            value = rest
            used = [ln]
            if not re.search(r"โทร", value):
                for nxt in self.header[i + 1:i + 2]:
                    t = normalize(nxt.text)
                    if re.match(r"^\s*ที[่]?[\s.…:]", t) or _which_label(t) is not None:
                        break
                    value = _join_thai(value, t)
                    used.append(nxt)
            value = re.split(r"\s*โทร", value)[0]
            value = self._PHONE.split(value)[0]
            value = self._drop_lead_junk(_strip_leader(value))
            if value.count("(") > value.count(")"):
                value = value.rstrip(" (") + (")" if "(" in value.rstrip(" (") else "")
            if value:
                self.fields["issuing_office"] = value
                self.conf["issuing_office"] = _words_conf([w for u in used for w in u.words[1:] or u.words])
            return
        # external letter: the office lines of the address block, above the date line
        block: list[str] = []
        used = []
        for ln in self.header:
            t = normalize(ln.text).strip()
            if _which_label(t) is not None:
                break
            if self._is_stamp_like(ln) or classify_urgency(t) or classify_secrecy(t):
                continue
            num_shape = self._NUM_SHAPE.search(t) if not block else None
            if re.match(r"^\s*ที[่]?[\s.…:]", t) or num_shape is not None:
                # the "ที่" line (its label may be garbled): keep what follows the number
                found = parse_document_number(t)
                tail = t[found.end:].strip() if found else (t[num_shape.end():].strip() if num_shape else "")
                if tail and not self._ADDRESS.search(tail):
                    block.append(tail)
                continue
            if _date_parts(ln) is not None and len(ln.words) <= 6:
                break
            if block and self._ADDRESS.search(t):
                break
            if self._ADDRESS.search(t) and not block:
                # an address line before any office line: the office is unknown
                break
            if len(_skel(t)) < 3:
                continue
            block.append(self._drop_lead_junk(t) if not block else t)
            used.append(ln)
            if len(block) >= 2:
                break
        if block:
            self.fields["issuing_office"] = " ".join(block)
            self.conf["issuing_office"] = _words_conf([w for u in used for w in u.words]) or 0.5


    # -- document type ----------------------------------------------------------------------------
    def doc_type(self) -> None:
        """document_type from the title, the ส่วนราชการ label, complaint markers, the
        closing and the salutation (DOMAIN.md §1 table of letter types)."""
        top = [ln for ln in self.page0[:6] if not self._is_stamp_like(ln)][:4]
        body_text = " ".join(normalize(ln.text) for ln in self.lines)
        sk_all = _skel(body_text)
        conf = 0.6
        kind = None
        for ln in top[:3]:
            sk = _skel(ln.text)
            if not sk:
                continue
            if _edit_distance(sk[:11], _skel("บันทึกข้อความ"), 3) <= 3 and len(sk) <= 16:
                kind, conf = "internal", 0.9
                break
            if sk.startswith(_skel("คำสั่ง")) or sk.startswith(_skel("คําสั่ง")):
                kind, conf = "directive", 0.85
                break
            if sk.startswith(_skel("ระเบียบ")) or sk.startswith(_skel("ข้อบังคับ")):
                kind, conf = "directive", 0.8
                break
            if sk.startswith(_skel("ประกาศ")) or sk.startswith(_skel("แถลงการณ์")) or sk == _skel("ข่าว"):
                kind, conf = "announcement", 0.8
                break
        if kind is None and any(_label_rest(ln.text, "ส่วนราชการ") is not None for ln in self.header):
            kind, conf = "internal", 0.85
        number_ok = (self.fields.get("document_number") is not None and
                     parse_document_number(self.fields["document_number"] or "") is not None)
        subj = _skel(self.fields.get("subject") or "")
        complaint = (subj.startswith(_skel("ร้องเรียน")) or subj.startswith(_skel("ขอร้องเรียน"))
                     or subj.startswith(_skel("ร้องทุกข์")) or _skel("ขอความเป็นธรรม") in subj
                     or (_skel("ข้าพเจ้า") in sk_all and _skel("ร้องเรียน") in sk_all))
        if kind is None and complaint and not number_ok:
            kind, conf = "complaint", 0.6
        closing = _skel("ขอแสดงความนับถือ") in sk_all
        if kind is None and closing:
            kind, conf = "external", 0.85
        if kind is None and getattr(self, "_salutation", None) == "ถึง" and not self.fields.get("signer_name"):
            kind, conf = "stamped", 0.7
        if kind is None and number_ok and self.fields.get("addressee"):
            kind, conf = "external", 0.5
        if kind is None:
            kind, conf = "record", 0.4
        self.fields["document_type"] = kind
        self.conf["document_type"] = conf


class _SignatureMixin:
    """The signer's name and position under the closing, for :class:`_Extractor`."""

    _CLOSINGS = ("ขอแสดงความนับถือ", "จึงเรียนมา", "จึงเสนอมา", "จึงแจ้งมา", "จึงเรียน",
                 "จึงเสนอ", "จึงขอ")
    _TITLES = re.compile(r"^(นาย|นาง|นางสาว|น\.ส\.|ว่าที่|ดร\.|พล|พ\.|ร\.|จ\.|ส\.|นาวา|เรือ|"
                         r"ศ\.|รศ\.|ผศ\.|หม่อม|ม\.ร\.ว\.|ม\.ล\.)")

    @staticmethod
    def _name_text(text: str) -> str | None:
        """The name inside a signature line ``(นาย… …)``, or None when the line is not
        one (OCR junk before/after the brackets is tolerated)."""
        t = normalize(text).strip().strip(".,'\"|:;-_ ")
        m = re.search(r"[(\[{]\s*([^()\[\]{}]+?)\s*[)\]}]", t)
        if m and re.search(r"[\u0e01-\u0e2e]", t[:m.start()] + t[m.end():]):
            m = None  # Thai words outside the brackets: not a signature line
        if m is None:
            m = re.match(r"^[(\[{]\s*([^()\[\]{}]+?)\s*[)\]}|1l]?$", t)
        if not m or len(t) > 70 or len(m.group(1)) < 4 or re.search(r"[0-9๐-๙]{3}", t):
            return None
        if not re.search(r"[\u0e01-\u0e2e]{2}", m.group(1)):
            return None
        toks = m.group(1).split()
        # OCR splits words ("นา ยประเสริฐ"): glue fragments of 1–2 letters without a dot
        # to the next part ("ณ" of surnames such as "ณ อยุธยา" excepted)
        out: list[str] = []
        for tok in toks:
            if out and len(_skel(out[-1])) <= 2 and "." not in out[-1] and out[-1] != "ณ" \
                    and len(toks) > 2:
                out[-1] += tok
            else:
                out.append(tok)
        return " ".join(out)

    def signature(self) -> None:
        """signer_name: the bracketed name after the closing (ขอแสดงความนับถือ /
        จึงเรียนมา…); signer_position: the lines under it (see :meth:`_position`)."""
        closing_idx = None
        for i, ln in enumerate(self.lines):
            sk = _skel(ln.text)
            if any(sk.startswith(_skel(c)) for c in self._CLOSINGS) or (
                    _edit_distance(sk[:14], _skel("ขอแสดงความนับถือ"), 2) <= 2):
                closing_idx = i
                if sk.startswith(_skel("ขอแสดงความนับถือ")):
                    break
        start = closing_idx + 1 if closing_idx is not None else 0
        name_idx = None
        for i in range(start, len(self.lines)):
            if closing_idx is not None and i > closing_idx + 10:
                break
            t = self._name_text(self.lines[i].text)
            if t is not None:
                name_idx = i
                break
        if name_idx is None:
            return
        ln = self.lines[name_idx]
        if re.search(r"[A-Za-z]", ln.text):
            alt = self.alt(ln)
            if alt is not None and self._name_text(alt.text) and \
                    len(re.findall(r"[A-Za-z]", alt.text)) < len(re.findall(r"[A-Za-z]", ln.text)):
                ln = alt
        else:
            ln = self.better(ln)
        name = self._name_text(ln.text) or self._name_text(self.lines[name_idx].text) or ""
        self.fields["signer_name"] = name
        self.conf["signer_name"] = _words_conf(ln.words)
        self._position(name_idx)

    _ACTING = re.compile(r"(ปฏิบัติราชการแทน|รักษาราชการแทน|ทำการแทน|รักษาการแทน|ปฏิบัติหน้าที่|"
                         r"รักษาการในตำแหน่ง|แทน)$")
    _ACTING_START = re.compile(r"^(ปฏิบัติราชการแทน|รักษาราชการแทน|ทำการแทน|รักษาการแทน|"
                               r"ปฏิบัติหน้าที่|รักษาการในตำแหน่ง)")
    _CONTACT = re.compile(r"^(ที่ทำการ|สำนักงาน|สำนัก|กลุ่มงาน|กลุ่ม|ฝ่าย|ส่วน|กอง|งาน|ศูนย์|โทร|"
                          r"โทรสาร|ไปรษณีย์|อีเมล|e-?mail|www\.|http)", re.I)

    def _position(self, name_idx: int) -> None:
        """Position lines under the signer's name: the first line, then more lines while
        an acting formula chains them (``… ปฏิบัติราชการแทน`` / ``ผู้ว่าราชการ…``), or
        while they stay centred under a centred name (a wrapped position); never the
        owner-unit / telephone block. The block may continue at the top of the next
        page when the name ends a page."""
        name = self.lines[name_idx]
        out: list[str] = []
        used: list[Line] = []
        prev = name
        for k in range(name_idx + 1, min(len(self.lines), name_idx + 8)):
            nxt = self.lines[k]
            t = normalize(nxt.text).strip().strip(".,'\"|:;-_ ")
            if len(_skel(t)) < 2:
                continue
            if nxt.page != prev.page:
                # continuation at the top of the next page: skip a page number line
                if re.fullmatch(r"[-–\s0-9๐-๙]+", t) or nxt.cy > 0.25:
                    continue
            elif nxt.box[1] - prev.box[3] > 1.6 * max(name.height, 1):
                break
            if self._CONTACT.match(t) or re.search(r"โทร\.?\s*[0-9๐-๙]", t):
                break
            if not out:
                if abs(nxt.cx - name.cx) > 0.2 and nxt.page == name.page:
                    break
                out.append(t)
                used.append(nxt)
                prev = nxt
                continue
            chained = bool(self._ACTING.search(out[-1]) or self._ACTING_START.match(t))
            wrapped = (nxt.page == name.page and name.cx > 0.4 and abs(nxt.cx - name.cx) < 0.04
                       and len(t) < 60)
            if not (chained or wrapped):
                break
            out.append(t)
            used.append(nxt)
            prev = nxt
        if out:
            self.fields["signer_position"] = " ".join(out)
            self.conf["signer_position"] = _words_conf([w for u in used for w in u.words])


class _Extractor(_NumberMixin, _DateMixin, _MarkMixin, _HeaderMixin, _SignatureMixin):
    """One extraction: the lines of a letter and what was found in them.

    Each concern's mixin finds its fields (:class:`ocr.numbers._NumberMixin`,
    :class:`ocr.dates._DateMixin`, :class:`ocr.marks._MarkMixin`, :class:`_HeaderMixin`,
    :class:`_SignatureMixin`) from the shared state set up here: ``all`` (every line),
    ``stamps`` (mark lines), ``lines`` (the letter's own lines), ``page0`` and
    ``header``, ``heights``, ``ctx``; and writes ``fields``, ``conf`` and
    ``needs_review``. :meth:`run` runs them in order.
    """

    def __init__(self, lines: list[Line], today: date | None) -> None:
        self.all = [ln for ln in lines if ln.text.strip()]
        self.stamps = [ln for ln in self.all if ln.source in MARK_SOURCES]
        self.lines = [ln for ln in self.all if ln.source not in MARK_SOURCES]
        #: the fields a person must check before confirming (see :meth:`marks`)
        self.needs_review: set[str] = set()
        self.ctx = _Ctx(self.lines, today)
        self.fields: dict = {k: None for k in FIELD_NAMES}
        self.conf: dict[str, float] = {k: 0.0 for k in FIELD_NAMES}
        self.heights = {p: _body_height([ln for ln in self.lines if ln.page == p])
                        for p in {ln.page for ln in self.all}}
        first_page = min((ln.page for ln in self.lines), default=0)
        self.page0 = [ln for ln in self.lines if ln.page == first_page]
        self.header_end = self._find_header_end()
        self._alt: dict[int, Line | None] = {}

    # -- header region: page-one lines up to the addressee (or the first 30 lines)
    def _find_header_end(self) -> int:
        for i, ln in enumerate(self.page0[:40]):
            if _which_label(ln.text) == "addressee":
                return i + 1
        return min(len(self.page0), 15)

    @property
    def header(self) -> list[Line]:
        """Page-one lines up to the addressee line (or the first 15 lines)."""
        return self.page0[: self.header_end]

    # -- re-reading a line ------------------------------------------------------------
    def alt(self, ln: Line) -> Line | None:
        """The line re-read alone with Thai only (cached), or None without a reader."""
        key = id(ln)
        if key not in self._alt:
            new = None
            if ln.reader is not None:
                try:
                    new = ln.reader.read_line(ln.box, lang="tha", psm=7)
                except Exception:
                    new = None
            self._alt[key] = new
        return self._alt[key]

    # -- choosing a reading ---------------------------------------------------------
    def better(self, ln: Line, label: str | None = None) -> Line:
        """The line or its Thai-only single-line re-reading, whichever Tesseract is
        surer of (Tesseract reads a line alone with more context than within a page
        of mixed layout); the re-reading must keep ``label`` and most of the text."""
        alt = self.alt(ln)
        if alt is None or alt.conf <= ln.conf + 0.02:
            return ln
        if len(_skel(alt.text)) < 0.8 * len(_skel(ln.text)):
            return ln
        if label is not None and _label_rest(alt.text, label) is None:
            return ln
        return alt

    def run(self) -> tuple[dict, dict[str, float]]:
        """Run every extractor and return ``(fields, confidence)``."""
        self.number()
        self.date()
        self.subject()
        self.addressee()
        self.references()
        self.enclosures()
        self.signature()
        self.office()
        self.marks()
        for k in ("subject", "addressee", "signer_position", "issuing_office"):
            if isinstance(self.fields.get(k), str):
                # a lone Latin letter glued to Thai is OCR junk ("สงเคราะห์A")
                v = re.sub(r"(?<=[\u0e01-\u0e4e])[A-Za-z](?![A-Za-z])", "", self.fields[k])
                v = re.sub(r"(?<![A-Za-z])[A-Za-z](?=[\u0e01-\u0e4e])", "", v)
                self.fields[k] = repair_marks(join_split_words(" ".join(v.split())))
        if isinstance(self.fields.get("signer_name"), str):
            self.fields["signer_name"] = repair_marks(self.fields["signer_name"], names=True)
        self.doc_type()
        conf = {k: round(float(max(0.0, min(1.0, v))), 3) for k, v in self.conf.items()}
        for k in FIELD_NAMES:
            if self.fields.get(k) is None:
                conf[k] = 0.0
        return self.fields, conf


def extract_fields(lines: list[Line], *, today: date | None = None,
                   had_colour: bool = False) -> tuple[dict, dict[str, float]]:
    """Extract the header fields of a letter from its lines.

    Args:
        lines: all lines of the document in reading order, pages in order; stamp lines
            (``source="stamp"``, OCR of red regions) may be anywhere in the list.
        today: reference date for plausible years and 2-digit years (default today).
        had_colour: the pages were colour, so red stamps were looked for; raises the
            confidence of "normal"/"unclassified" when no stamp was found.

    Returns:
        ``(fields, confidence)``: ``fields`` has every key of :data:`FIELD_NAMES`
        (None when absent; ``urgency`` defaults to ``"normal"``, ``secrecy`` to
        ``"unclassified"``, ``document_type`` to ``"record"``); ``confidence`` maps the
        same keys to 0..1 (0 for absent fields).

    Never raises on odd input; a failing re-read is treated as no re-read.
    """
    fields, confidence, _review = review_fields(lines, today=today, had_colour=had_colour)
    return fields, confidence


def review_fields(lines: list[Line], *, today: date | None = None,
                  had_colour: bool = False) -> tuple[dict, dict[str, float], list[str]]:
    """:func:`extract_fields`, and the names of the fields a person must check before
    confirming them (``needs_review``, in :data:`FIELD_NAMES` order): an uncertain
    secrecy or urgency mark (see ``_Extractor.marks``)."""
    ex = _Extractor(lines, today)
    ex.had_colour = had_colour
    fields, confidence = ex.run()
    return fields, confidence, [name for name in FIELD_NAMES if name in ex.needs_review]
