"""Agency codes and the armed forces' unit numbers, each with its source (ocr.agency_codes)."""

from __future__ import annotations

import pytest

from ocr import agency_codes as A
from ocr.fields import extract_fields
from tests.ocr.test_fields import EXTERNAL, MEMO, TODAY, lines_of


def test_the_armed_forces_units_are_those_of_appendix_cho():
    roots = sorted(A.RTARF_UNIT_ROOTS)
    # บก.ทท. ๐๓๐๐ and its units ๐๓๐๑ .. ๐๓๑๘ (appendix ฉ part 1, pp. ๑๔๒-๑๔๓)
    assert roots == ["๐๓" + "๐๑๒๓๔๕๖๗๘๙"[n // 10] + "๐๑๒๓๔๕๖๗๘๙"[n % 10] for n in range(0, 19)]
    assert A.RTARF_UNITS["๐๓๑๒"] == ("กรมสารบรรณทหาร", "สบ.ทหาร")
    assert A.RTARF_UNITS["๐๓๐๑.๑๐"][1] == "ศซบ.ทหาร"
    assert "ผนวก ฉ" in A.RTARF_SOURCE


@pytest.mark.parametrize("unit, expected, listed, repaired", [
    ("๐๓๐๑.๑๐.๖", "๐๓๐๑.๑๐.๖", True, False),   # a listed unit's own sub-unit
    ("๐๓๑๒.๒", "๐๓๑๒.๒", True, False),
    ("๐๓๙๒", "๐๓๐๒", True, True),               # ๙ read for ๐: the one listed unit within reach
    ("๐๓๔๔", "๐๓๔๔", False, False),             # nothing listed within one look-alike digit
])
def test_a_unit_number_is_checked_against_the_list(unit, expected, listed, repaired):
    got = A.check_rtarf_unit(unit)
    assert (got.unit, got.listed, got.repaired) == (expected, listed, repaired)


def test_numbers_outside_the_headquarters_are_left_alone():
    assert A.check_rtarf_unit("๐๔๐๑") is None      # the army's units are not in appendix ฉ
    assert A.check_rtarf_unit("๑๒") is None


def test_codes_without_a_source_are_a_hint_only():
    assert A.code_source("กห") == "sourced" and A.code_source("นร") == "sourced"
    assert A.code_source("มท") == "unsourced" and A.code_source("ซซ") == "unknown"
    assert A.SOURCED_CODES.isdisjoint(A.UNSOURCED_CODES)


def test_a_repair_to_an_unsourced_code_is_trusted_less_than_a_read_code():
    read, conf_read = extract_fields(lines_of(["ที่ รบ ๐๐๑๘/๒๗๒๕๘"] + EXTERNAL[1:]), today=TODAY)
    fixed, conf_fixed = extract_fields(lines_of(["ที่ รป ๐๐๑๘/๒๗๒๕๘"] + EXTERNAL[1:]), today=TODAY)
    assert read["document_number"] == fixed["document_number"] == "รบ ๐๐๑๘/๒๗๒๕๘"
    assert conf_fixed["document_number"] <= 0.6 * conf_read["document_number"] + 1e-9


def test_an_armed_forces_number_with_a_misread_unit_digit_is_repaired_and_doubted():
    def memo(number: str) -> list:
        return [f"ที่ {number} วันที่ ๑๔ กุมภาพันธ์ ๒๕๖๘" if isinstance(r, str) and r.startswith("ที่ ") else r
                for r in MEMO]

    rows, good = memo("กห ๐๓๙๒/๒๑๔"), memo("กห ๐๓๐๒/๒๑๔")
    fixed, conf_fixed = extract_fields(lines_of(rows), today=TODAY)
    read, conf_read = extract_fields(lines_of(good), today=TODAY)
    assert fixed["document_number"] == read["document_number"] == "กห ๐๓๐๒/๒๑๔"
    assert conf_fixed["document_number"] < conf_read["document_number"]
