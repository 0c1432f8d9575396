"""Agency letter codes and unit numbers that open document numbers, with their sources.

A document number (เลขที่หนังสือ) is the owner's ministry letter code (อักษรประจำกระทรวง),
the unit number (หมายเลขประจำกรม กอง), and a running number: ``กห ๐๓๐๑.๑๐.๖/๓๔``.

Sources, kept apart because they are not worth the same:

- :data:`RTARF_UNITS` — the armed forces' unit numbers after ``กห``, transcribed from
  the Royal Thai Armed Forces Headquarters' Regulation on Correspondence B.E. 2566
  (ระเบียบกองบัญชาการกองทัพไทย ว่าด้วยงานสารบรรณ พ.ศ. ๒๕๖๖), appendix ฉ part 1
  (listed at p. ๑๔๑ of its contents; the table is on pp. ๑๔๒–๑๔๓). Part 2 of the
  appendix (p. ๑๔๔, rule 2) gives the sub-unit rule: a unit's own units add ``.๑``,
  ``.๒``, ... in order after the unit number (กองกลาง กรมสารบรรณทหาร = ``กห ๐๓๑๒.๑``).
- :data:`SOURCED_CODES` — letter codes the regulation itself prescribes or quotes:
  ``กห`` (its clauses on the number line: "ที่ ให้ลงอักษรประจำกระทรวง (กห)"), ``นร``
  (the Prime Minister's Office letters it cites, e.g. ``นร ๑๓๐๕/ว ๗๙๙๕``).
- :data:`UNSOURCED_CODES` — the other ministries', agencies' and provinces' codes, typed
  from memory of the Prime Minister's Office Regulation on Correspondence B.E. 2526
  appendix. No copy of that appendix is in the project's corpus, so they are **only a
  hint**: a code repaired to one of them is never taken as certain
  (:func:`repair_code` says so, and the reader then asks a person to check).
"""

from __future__ import annotations

from dataclasses import dataclass

#: the regulation cited for :data:`RTARF_UNITS`
RTARF_SOURCE = "ระเบียบกองบัญชาการกองทัพไทย ว่าด้วยงานสารบรรณ พ.ศ. ๒๕๖๖ ผนวก ฉ ส่วนที่ ๑ (หน้า ๑๔๑–๑๔๓)"

#: unit number after ``กห`` (Thai digits, with its dotted sub-unit) -> (unit name, abbreviation),
#: as appendix ฉ part 1 lists them
RTARF_UNITS: dict[str, tuple[str, str]] = {
    "๐๓๐๐": ("กองบัญชาการกองทัพไทย", "บก.ทท."),
    "๐๓๐๑": ("สำนักผู้บัญชาการทหารสูงสุด", "สน.ผบ.ทสส."),
    "๐๓๐๑.๑": ("สำนักกองบัญชาการ กองบัญชาการกองทัพไทย", "สน.บก.บก.ทท."),
    "๐๓๐๑.๒": ("สำนักงานเลขานุการ กองบัญชาการกองทัพไทย", "สลก.บก.ทท."),
    "๐๓๐๑.๓": ("สำนักงานจเรทหาร", "สจร.ทหาร"),
    "๐๓๐๑.๔": ("สำนักงานตรวจสอบภายในทหาร", "สตน.ทหาร"),
    "๐๓๐๑.๖": ("สำนักงานพระธรรมนูญทหาร", "สธน.ทหาร"),
    "๐๓๐๑.๗": ("สำนักสวัสดิการทหาร", "สสก.ทหาร"),
    "๐๓๐๑.๘": ("สำนักยุทธโยธาทหาร", "สยย.ทหาร"),
    "๐๓๐๑.๙": ("ศูนย์ประสานงานโครงการอันเนื่องมาจากพระราชดำริและความมั่นคง", "ศปร."),
    "๐๓๐๑.๑๐": ("ศูนย์ไซเบอร์ทหาร", "ศซบ.ทหาร"),
    "๐๓๐๒": ("กรมกำลังพลทหาร", "กพ.ทหาร"),
    "๐๓๐๓": ("กรมข่าวทหาร", "ขว.ทหาร"),
    "๐๓๐๔": ("กรมยุทธการทหาร", "ยก.ทหาร"),
    "๐๓๐๕": ("กรมส่งกำลังบำรุงทหาร", "กบ.ทหาร"),
    "๐๓๐๖": ("กรมกิจการพลเรือนทหาร", "กร.ทหาร"),
    "๐๓๐๗": ("กรมการสื่อสารทหาร", "สส.ทหาร"),
    "๐๓๐๘": ("สำนักงานปลัดบัญชีทหาร", "สปช.ทหาร"),
    "๐๓๐๙": ("หน่วยบัญชาการทหารพัฒนา", "นทพ."),
    "๐๓๑๐": ("ศูนย์รักษาความปลอดภัย", "ศรภ."),
    "๐๓๑๑": ("ศูนย์ปฏิบัติการต่อต้านการก่อการร้ายสากล", "ศตก."),
    "๐๓๑๒": ("กรมสารบรรณทหาร", "สบ.ทหาร"),
    "๐๓๑๓": ("กรมการเงินทหาร", "กง.ทหาร"),
    "๐๓๑๔": ("กรมแผนที่ทหาร", "ผท.ทหาร"),
    "๐๓๑๕": ("กรมยุทธบริการทหาร", "ยบ.ทหาร"),
    "๐๓๑๖": ("กรมกิจการชายแดนทหาร", "ชด.ทหาร"),
    "๐๓๑๗": ("สถาบันวิชาการป้องกันประเทศ", "สปท."),
    "๐๓๑๗.๑": ("กองบัญชาการ สถาบันวิชาการป้องกันประเทศ", "บก.สปท."),
    "๐๓๑๗.๒": ("วิทยาลัยป้องกันราชอาณาจักร สถาบันวิชาการป้องกันประเทศ", "วปอ.สปท."),
    "๐๓๑๗.๓": ("วิทยาลัยเสนาธิการทหาร สถาบันวิชาการป้องกันประเทศ", "วสท.สปท."),
    "๐๓๑๗.๔": ("สถาบันจิตวิทยาความมั่นคง สถาบันวิชาการป้องกันประเทศ", "สจว.สปท."),
    "๐๓๑๗.๕": ("ศูนย์ศึกษายุทธศาสตร์ สถาบันวิชาการป้องกันประเทศ", "ศศย.สปท."),
    "๐๓๑๗.๖": ("โรงเรียนเตรียมทหาร สถาบันวิชาการป้องกันประเทศ", "รร.ตท.สปท."),
    "๐๓๑๗.๗": ("โรงเรียนช่างฝีมือทหาร สถาบันวิชาการป้องกันประเทศ", "รร.ชท.สปท."),
    "๐๓๑๗.๘": ("สำนักการศึกษาทหาร สถาบันวิชาการป้องกันประเทศ", "สศท.สปท."),
    "๐๓๑๘": ("ศูนย์บัญชาการทางทหาร", "ศบท."),
}

#: the four-digit unit numbers of the armed forces headquarters (``๐๓๐๐``-``๐๓๑๘``)
RTARF_UNIT_ROOTS = frozenset(k.split(".")[0] for k in RTARF_UNITS)

#: letter codes the regulation prescribes or quotes (see the module's docstring)
SOURCED_CODES = frozenset({"กห", "นร"})

#: letter codes typed from memory: a hint only (see the module's docstring)
UNSOURCED_CODES = frozenset("""
กค กต กก พม กษ คค ทส ดศ พน พณ มท ยธ รง วธ อว ศธ สธ อก
รล พว ตช ปช อส ศย ตผ ลต สผ สว
กท กบ กจ กส กพ ขก จบ ฉช ชบ ชน ชย ชพ ชร ชม ตง ตร ตก นย นฐ นพ นม นศ นว นบ นธ นน บก บร
ปท ปข ปจ ปน อย พย พง พท พจ พล พบ พช พร ภก มค มห มส ยส ยล รอ รน รย รบ ลบ ลป ลพ ลย
ศก สน สข สต สป สส สค สก สบ สห สท สพ สฎ สร นค นภ อท อจ อด อต อน อบ
""".split()) - SOURCED_CODES

#: every code the reader knows, sourced or not
AGENCY_CODES = SOURCED_CODES | UNSOURCED_CODES

#: Thai digits that scans confuse with each other (shape pairs seen on real memos)
DIGIT_CONFUSION = {"๐": "๘๙", "๑": "๗", "๒": "๖๓", "๓": "๒๕", "๔": "๕", "๕": "๔๘๙๓", "๖": "๒๘", "๗": "๑",
                   "๘": "๕๖๐", "๙": "๕๐"}


@dataclass(frozen=True)
class UnitCheck:
    """What :func:`check_rtarf_unit` found.

    ``unit``: the unit number as it should read (Thai digits); ``name``: the unit's name
    in appendix ฉ, or "" when it is not listed; ``listed``: the number (or its root before
    the first dot) is in appendix ฉ; ``repaired``: one digit was changed to reach a listed
    unit (a person should check it).
    """

    unit: str
    name: str
    listed: bool
    repaired: bool


def check_rtarf_unit(unit: str) -> UnitCheck | None:
    """Check the unit number after ``กห`` against appendix ฉ (:data:`RTARF_UNITS`).

    Args:
        unit: the digits after the code up to the ``/``, Thai digits, dotted sub-units
            allowed (``"๐๓๐๑.๑๐.๖"``).

    Returns:
        None when the number is not an armed-forces-headquarters number at all (it does
        not start ``๐๓``: other defence units, such as the services, are not in the
        appendix and are left as read). Otherwise a :class:`UnitCheck`: listed as read;
        or repaired when exactly one look-alike digit of the four-digit root
        (:data:`DIGIT_CONFUSION`) reaches a listed root; or not listed.
    """
    root, _, rest = unit.partition(".")
    if len(root) != 4 or not root.startswith("๐๓"):
        return None
    if root in RTARF_UNIT_ROOTS:
        name = RTARF_UNITS.get(unit) or RTARF_UNITS.get(root) or ("", "")
        return UnitCheck(unit=unit, name=name[0], listed=True, repaired=False)
    found = set()
    for i in (2, 3):
        for alt in DIGIT_CONFUSION.get(root[i], ""):
            cand = root[:i] + alt + root[i + 1:]
            if cand in RTARF_UNIT_ROOTS:
                found.add(cand)
    if len(found) == 1:
        fixed = found.pop()
        new = fixed + ("." + rest if rest else "")
        return UnitCheck(unit=new, name=RTARF_UNITS.get(new, RTARF_UNITS[fixed])[0], listed=True, repaired=True)
    return UnitCheck(unit=unit, name="", listed=False, repaired=False)


def code_source(code: str) -> str:
    """``"sourced"``, ``"unsourced"`` (a hint only) or ``"unknown"`` for a two-letter code."""
    if code in SOURCED_CODES:
        return "sourced"
    if code in UNSOURCED_CODES:
        return "unsourced"
    return "unknown"
