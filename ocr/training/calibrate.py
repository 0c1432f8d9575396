"""Measure when a read field can be called confident, and write ``ocr/models/calibration.json``.

The project renders letters it never trained on (memos and external letters with
random header fields drawn from the pools below, marks in red or black, colour, gray
or bitonal scans, scan noise, seeds apart from every training script), reads them with
:func:`ocr.read`, and, per field, finds the lowest confidence at which at least 98% of
the fields at or above it were right (:func:`ocr.calibration.fit_threshold`). At
least ``--letters`` x 9 field values (default 64 letters: 576 values).

With the corpus (``../shared/corpus``), the real pages (``real/rtarf`` with its
heuristic number and subject, and the three scanned ``letters``) are read too and their
table is printed and stored apart (``real_pages``), with its counts: those decide
whether numbers and dates may ever be confident (:mod:`ocr.calibration`).

Usage::

    python -m ocr.training.calibrate [--letters 64] [--out ocr/models/calibration.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ocr import calibration as C  # noqa: E402
from ocr.thai import to_thai_digits  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
#: the fields scored: those every generated letter carries
SCORED = ("document_type", "document_number", "document_date", "subject", "addressee", "signer_name",
          "signer_position", "urgency", "secrecy")
MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
          "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
OFFICES = [("กห", "๐๓๑๒.๒", "กองสารบรรณ กรมสารบรรณทหาร"), ("กห", "๐๓๐๗.๔", "กองแผนและโครงการ กรมการสื่อสารทหาร"),
           ("กห", "๐๓๐๒", "กรมกำลังพลทหาร"), ("กห", "๐๓๑๔.๑", "กองกลาง กรมแผนที่ทหาร"),
           ("ยธ", "๐๕๐๓", "กองพัฒนาการคุมประพฤติ"), ("พม", "๐๒๐๑", "สำนักงานปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"),
           ("มท", "๐๒๑๑.๓", "กรมส่งเสริมการปกครองท้องถิ่น"), ("ศธ", "๐๔๐๐๗", "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน"),
           ("สธ", "๐๒๐๑.๐๔", "กองบริหารทรัพยากรบุคคล"), ("นร", "๐๑๐๕", "สำนักเลขาธิการคณะรัฐมนตรี"),
           ("ราชบุรี", "", ""), ("กค", "๐๔๐๒.๒", "กรมบัญชีกลาง"), ("รบ", "๐๐๑๘", "ศาลากลางจังหวัดราชบุรี")]
TOPICS = ["การประชุมคณะทำงานพัฒนาระบบสารบรรณอิเล็กทรอนิกส์", "การฝึกอบรมหลักสูตรงานสารบรรณ", "การจัดซื้อวัสดุสำนักงาน",
          "การตรวจสอบภายในประจำปีงบประมาณ", "การรายงานผลการปฏิบัติราชการ", "การเตรียมการรับเสด็จ",
          "การขอรับการสนับสนุนงบประมาณ", "การแต่งตั้งคณะกรรมการทำลายหนังสือ", "การป้องกันและปราบปรามการทุจริต",
          "การใช้รถราชการในวันหยุดราชการ", "การจัดงานวันคล้ายวันสถาปนา", "การสำรวจข้อมูลกำลังพล",
          "การปรับปรุงระบบเครือข่ายคอมพิวเตอร์", "การขอความร่วมมือประชาสัมพันธ์โครงการ", "การเบิกจ่ายค่าเบี้ยเลี้ยงเดินทาง"]
VERBS = ["ขอเชิญ", "ขออนุมัติ", "ขอความอนุเคราะห์", "แจ้ง", "ขอส่ง", "ขอรายงาน", ""]
ADDRESSEES = ["ผู้อำนวยการกองกลาง", "เจ้ากรมสารบรรณทหาร", "ผู้ว่าราชการจังหวัดราชบุรี", "ปลัดกระทรวงมหาดไทย",
              "หัวหน้าหน่วยงานในสังกัด", "อธิบดีกรมคุมประพฤติ", "ผู้บัญชาการทหารสูงสุด", "นายอำเภอ ทุกอำเภอ",
              "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา", "เลขาธิการคณะรัฐมนตรี"]
TITLES = ["นาย", "นาง", "นางสาว", "พลเอก ", "พันเอก ", "นาวาเอก ", "พลอากาศตรี "]
FIRST = ["สมชาย", "วิไลวรรณ", "ประเสริฐ", "สุดารัตน์", "ธนากร", "พรทิพย์", "กิตติศักดิ์", "อรอุมา", "ณัฐวุฒิ", "ศิริพร",
         "บุญเลิศ", "จิราภรณ์", "วัชระ", "ปิยะนุช", "เกรียงไกร"]
LAST = ["ใจดี", "ศรีสุข", "วงศ์สวัสดิ์", "ทองประเสริฐ", "บุญมา", "แก้วมณี", "รัตนพงศ์", "สายสุวรรณ", "จันทร์เพ็ญ",
        "พึ่งบุญ", "มั่นคง", "ชัยมงคล"]
POSITIONS = ["ผู้อำนวยการกองกลาง", "หัวหน้ากลุ่มงานบริหารทั่วไป", "รองเจ้ากรมสารบรรณทหาร", "ผู้อำนวยการกองพัฒนาการคุมประพฤติ",
             "นายอำเภอเมืองราชบุรี", "หัวหน้าสำนักงานจังหวัด", "ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร"]
URGENCY = [("ด่วนที่สุด", "most_urgent"), ("ด่วนมาก", "very_urgent"), ("ด่วน", "urgent")]
SECRECY = [("ลับ", "confidential"), ("ลับมาก", "secret"), ("ลับที่สุด", "top_secret")]


def make_letter(rng: np.random.Generator) -> tuple[str, dict, dict]:
    """One letter: ``(text, expected fields, render_letter keyword arguments)``."""
    pick = lambda seq: seq[int(rng.integers(0, len(seq)))]  # noqa: E731
    code, unit, office = pick(OFFICES)
    if code == "ราชบุรี":
        code, unit, office = "รบ", "๐๐" + to_thai_digits(str(int(rng.integers(10, 40)))), "ศาลากลางจังหวัดราชบุรี"
    run = to_thai_digits(str(int(rng.integers(1, 9999))))
    number = f"{code} {unit}/{'ว ' if rng.random() < 0.2 else ''}{run}"
    d = date(int(rng.integers(2019, 2027)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    date_th = f"{to_thai_digits(str(d.day))} {MONTHS[d.month - 1]} {to_thai_digits(str(d.year + 543))}"
    subject = (pick(VERBS) + pick(TOPICS)).strip()
    addressee = pick(ADDRESSEES)
    signer = f"{pick(TITLES)}{pick(FIRST)} {pick(LAST)}"
    position = pick(POSITIONS)
    memo = rng.random() < 0.55
    body = (f"ด้วย{office or 'หน่วยงาน'}มีความประสงค์ดำเนิน{subject.replace('ขอ', '')} ในวันที่ "
            f"{to_thai_digits(str(int(rng.integers(1, 29))))} {pick(MONTHS)} {to_thai_digits(str(d.year + 543))} "
            "จึงขอให้หน่วยงานพิจารณาดำเนินการตามระเบียบต่อไป")
    if memo:
        text = (f"บันทึกข้อความ\n\nส่วนราชการ {office} โทร. ๐ ๒๖๕๙ ๖๑๒๓\n\nที่ {number} วันที่ {date_th}\n\n"
                f"เรื่อง {subject}\n\nเรียน {addressee}\n\n{body}\n\nจึงเรียนมาเพื่อโปรดพิจารณา\n\n"
                f"({signer})\n{position}\n")
    else:
        text = (f"ที่ {number}\n\n{office}\nถนนราชดำเนิน กรุงเทพฯ ๑๐๒๐๐\n\n{date_th}\n\nเรื่อง {subject}\n\n"
                f"เรียน {addressee}\n\n{body}\n\nจึงเรียนมาเพื่อโปรดพิจารณา\n\nขอแสดงความนับถือ\n\n"
                f"({signer})\n{position}\n")
    stamps, urgency, secrecy = [], "normal", "unclassified"
    if rng.random() < 0.35:
        word, urgency = pick(URGENCY)
        stamps.append(word)
    if rng.random() < 0.15:
        word, secrecy = pick(SECRECY)
        stamps.append(word)
    kwargs = {"font": "Laksaman" if rng.random() < 0.7 else pick(["Norasi", "Kinnari", "Garuda", "Sawasdee"]),
              "stamps": stamps, "stamp_ink": "red" if rng.random() < 0.6 else "black",
              "scan": pick(["colour", "colour", "gray", "bitonal"]), "seed": int(rng.integers(10_000, 99_999))}
    expected = {"document_type": "internal" if memo else "external", "document_number": number,
                "document_date": d.isoformat(), "subject": subject, "addressee": addressee, "signer_name": signer,
                "signer_position": position, "urgency": urgency, "secrecy": secrecy}
    return text, expected, kwargs


def _read_one(args) -> dict:
    path, expected = args
    import ocr

    try:
        r = ocr.read(path, searchable_pdf=False, workers=1)
    except Exception as exc:  # a failed read scores every field wrong at confidence 0
        return {name: (0.0, False, None) for name in expected} | {"_error": str(exc)}
    out = {}
    for name, exp in expected.items():
        got = r.fields.get(name)
        if got in (None, "", []):
            continue  # never confident: not an observation
        out[name] = (float(r.field_confidence.get(name, 0.0)), C.field_right(name, exp, got),
                     name in r.needs_review)
    return out


def read_all(items: list[tuple[str, dict]], workers: int) -> dict[str, list[tuple[float, bool]]]:
    """Read every (path, expected) item; per field, (confidence, right) of the fields
    read and not sent to review."""
    obs: dict[str, list[tuple[float, bool]]] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for i, res in enumerate(pool.map(_read_one, items), 1):
            for name, v in res.items():
                if name.startswith("_"):
                    continue
                conf, ok, review = v
                if not review:
                    obs.setdefault(name, []).append((conf, ok))
            if i % 8 == 0:
                print(f"  read {i}/{len(items)}", flush=True)
    return obs


def real_items(corpus: Path) -> list[tuple[str, dict]]:
    """The corpus's real pages with the fields they carry: the scanned ``letters``
    (every field of their JSON) and ``real/rtarf`` (its heuristic number, only when
    the record has one)."""
    items = []
    for j in sorted((corpus / "letters").glob("*.json")):
        exp = json.loads(j.read_text(encoding="utf-8"))
        pdf = j.with_suffix(".pdf")
        if pdf.is_file():
            items.append((str(pdf), {k: v for k, v in exp.items() if k in SCORED and v}))
    gt = corpus / "real" / "rtarf" / "ground_truth.jsonl"
    if gt.is_file():
        for row in gt.read_text(encoding="utf-8").splitlines():
            rec = json.loads(row)
            f = corpus / "real" / "rtarf" / rec.get("file", "")
            exp = {}
            if rec.get("doc_number"):
                exp["document_number"] = rec["doc_number"]
            if rec.get("urgency_label") in C.URGENCY_LABELS:
                exp["urgency"] = C.URGENCY_LABELS[rec["urgency_label"]]
            if f.is_file() and exp:
                items.append((str(f), exp))
    return items


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--letters", type=int, default=64)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=C.CALIBRATION_PATH)
    ap.add_argument("--min-support", type=int, default=C.MIN_SUPPORT)
    args = ap.parse_args(argv)
    from ocr.render import render_letter

    t0 = time.time()
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory(prefix="saraban-calibrate-") as tmp:
        items = []
        for i in range(args.letters):
            text, expected, kwargs = make_letter(rng)
            items.append((str(render_letter(text, Path(tmp) / f"letter-{i}.pdf", **kwargs)), expected))
        print(f"rendered {len(items)} letters; reading", flush=True)
        obs = read_all(items, args.workers)
    fields = {name: C.fit_threshold(o, min_support=args.min_support) for name, o in sorted(obs.items())}
    thresholds = {name: f["threshold"] for name, f in fields.items()}
    out = {"built": {"letters": args.letters, "seed": args.seed, "field_values": sum(len(o) for o in obs.values()),
                     "target": C.TARGET, "min_support": args.min_support},
           "fields": fields, "rendered_pages": C.precision_table(obs, thresholds), "real_pages": {}}
    real = real_items(args.corpus) if args.corpus.is_dir() else []
    if real:
        print(f"reading {len(real)} real pages", flush=True)
        out["real_pages"] = C.precision_table(read_all(real, args.workers), thresholds)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{'field':18} {'n':>4} {'threshold':>9} {'confident':>9} {'right':>6} {'precision':>9}   real pages: "
          f"{'n':>3} {'confident':>9} {'right':>5}")
    for name, f in fields.items():
        rp = out["real_pages"].get(name) or {}
        print(f"{name:18} {f['n']:>4} {str(f['threshold']):>9} {f['above']:>9} {f['right_above']:>6} "
              f"{str(f['precision']):>9}   {rp.get('n', 0):>15} {rp.get('confident', 0):>9} "
              f"{rp.get('right_confident', 0):>5}")
    print(f"{(time.time() - t0) / 60:.1f} min")
    print(json.dumps({"fields": {k: v["threshold"] for k, v in fields.items()},
                      "field_values": out["built"]["field_values"]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
