#!/usr/bin/env python3
"""OCR benchmark: the project's reader (``ocr.read``) against stock Tesseract.

Usage::

    .venv/bin/python bench/ocr_bench.py [--corpus DIR] [--sets rtarf,lines,letters]
                                        [--limit N] [--detail] [--stock-omp]

``--corpus`` defaults to ``../shared/corpus`` relative to the repository root; when the
directory is absent the script says so and exits 0. Both readers run on the same pages,
in the same run, one page after another (no parallelism):

* project: ``ocr.read(path, workers=1)`` (its defaults otherwise: ``tha+eng``, searchable
  PDF built) on the PDF or image file as it is;
* stock: ``tesseract PAGE - -l tha+eng`` with default segmentation on each PDF page
  rendered at 300 dpi by pypdfium2 (render time counted), and
  ``tesseract IMG - -l tha+eng --psm 7`` on the line images; run single-threaded
  (``OMP_THREAD_LIMIT=1``, as the project's reader runs it) unless ``--stock-omp``
  leaves Tesseract's OpenMP threads at their default. The text is the same either way;
  on a busy 2-core machine OpenMP makes a page several times slower.

Sets: ``real/rtarf`` (8 real RTARF pages, ``ground_truth.jsonl``), ``real/lines``
(55 cut text lines, ``gt.tsv``), ``letters`` (3 scanned letters, ``.txt`` + ``.json``).

Figures per set, each reader, and their ratio (project / stock):

* ``cer``: character error rate = Levenshtein distance / reference length, pooled over
  the set, both texts Unicode NFKC with all whitespace removed;
* ``thai_digit_er``: edit distance between the reference's Thai digits (๐-๙, in order)
  and the hypothesis' digits (Arabic folded to Thai), over the number of reference Thai
  digits, pooled;
* ``field_exact``: header fields read exactly (numbers by ``ocr.thai.canonical_number``,
  dates as ISO strings, texts ``ocr.thai.normalize`` + NFKC with whitespace removed), over
  the fields that have a non-empty reference; null for stock (it has no field extractor);
* ``urgency_acc``: urgency (most_urgent/very_urgent/urgent/normal) right, over the
  documents; null for stock (no extractor) and for the lines;
* ``sec_per_page``: wall seconds per page.

Also per set: ``by_kind`` (CER and Thai-digit error of each reader per page kind:
born-digital, scanner layer, image only, line image); for the lines, ``recogniser``
(the project's line recogniser alone, on the ``validation`` lines, on the ``held_out``
third that its training never looked at, and on ``all``) and ``combination`` (spans
where Tesseract and the recogniser disagreed, and how many the reader took from the
recogniser); for sets with fields, ``confident`` (fields shown confident and how many
of them were right). At the top level, ``calibration``: the shipped thresholds and
their tables (rendered letters, and real pages apart), as printed.

The last line printed is one JSON object:
``{"sets": {set: {"reader": {...}, "stock": {...}, "ratio": {...}}}, "cores": n, ...}``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

#: The environment stock Tesseract runs with: a snapshot taken before the project's
#: reader runs (``ocr.tesseract`` sets ``OMP_THREAD_LIMIT=1`` in this process), with
#: ``OMP_THREAD_LIMIT=1`` added unless ``--stock-omp`` (see :func:`main`).
STOCK_ENV = dict(os.environ)

SET_NAMES = {"rtarf": "real/rtarf", "lines": "real/lines", "letters": "letters", "marks": "marks"}
METRICS = ("cer", "thai_digit_er", "field_exact", "urgency_acc", "secrecy_acc", "sec_per_page")
LABELS = {
    "cer": "CER",
    "thai_digit_er": "Thai-digit error rate",
    "secrecy_acc": "secrecy accuracy",
    "field_exact": "header fields exact",
    "urgency_acc": "urgency accuracy",
    "sec_per_page": "seconds per page",
}
from ocr.calibration import URGENCY_LABELS, text_key  # noqa: E402
from ocr.calibration import field_right as field_equal  # noqa: E402
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)
_WS = re.compile(r"\s+")
_NOT_THAI_DIGIT = re.compile(r"[^๐-๙]")


# --------------------------------------------------------------------------- metrics

def levenshtein(a: str, b: str) -> int:
    """Edit distance (unit costs), one numpy row per character of the shorter string.

    Insertions within a row are resolved with the running-minimum trick:
    ``cur[j] = min_k<=j (cur'[k] + j - k)``.
    """
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    bb = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    m = len(bb)
    ramp = np.arange(m + 1, dtype=np.int64)
    prev = ramp.copy()
    cur = np.empty(m + 1, dtype=np.int64)
    for i, ch in enumerate(a, 1):
        cost = (bb != ord(ch)).astype(np.int64)
        cur[0] = i
        np.minimum(prev[:-1] + cost, prev[1:] + 1, out=cur[1:])
        cur = np.minimum.accumulate(cur - ramp) + ramp
        prev, cur = cur, prev
    return int(prev[m])


def cer_text(text: str) -> str:
    """NFKC, all whitespace removed."""
    return _WS.sub("", unicodedata.normalize("NFKC", text or ""))


def thai_digits(text: str, *, fold_arabic: bool) -> str:
    t = unicodedata.normalize("NFKC", text or "")
    if fold_arabic:
        t = t.translate(_TO_THAI)
    return _NOT_THAI_DIGIT.sub("", t)


# --------------------------------------------------------------------------- readers

def run_reader(path: Path) -> tuple[str, dict, float, list[str], str | None, dict]:
    """``ocr.read`` on one file: (text, fields, seconds, page sources, error, confident flags)."""
    import ocr

    t0 = time.perf_counter()
    try:
        reading = ocr.read(str(path), workers=1)
    except Exception as exc:  # a failing file is scored as an empty reading
        return "", {}, time.perf_counter() - t0, [], f"{type(exc).__name__}: {exc}", {}
    dt = time.perf_counter() - t0
    return (reading.text, dict(reading.fields), dt, [p.source for p in reading.pages], None,
            dict(getattr(reading, "confident", {}) or {}))


def _tesseract(image: str, extra: list[str]) -> str:
    out = subprocess.run(["tesseract", image, "-", "-l", "tha+eng", *extra],
                         capture_output=True, env=STOCK_ENV, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.decode("utf-8", "replace").strip()[-300:])
    return out.stdout.decode("utf-8", "replace")


def run_stock_pdf(path: Path, tmp: str) -> tuple[str, float, int, str | None]:
    """Stock Tesseract on every page of a PDF rendered at 300 dpi (render included)."""
    import pypdfium2 as pdfium

    t0 = time.perf_counter()
    texts: list[str] = []
    pages = 0
    try:
        pdf = pdfium.PdfDocument(str(path))
        try:
            pages = len(pdf)
            for i in range(pages):
                img = pdf[i].render(scale=300 / 72.0).to_pil().convert("RGB")
                png = os.path.join(tmp, f"page-{i}.png")
                img.save(png, dpi=(300, 300), compress_level=1)
                texts.append(_tesseract(png, []))
        finally:
            pdf.close()
    except Exception as exc:
        return "\n".join(texts), time.perf_counter() - t0, pages, f"{type(exc).__name__}: {exc}"
    return "\n".join(texts), time.perf_counter() - t0, pages, None


def run_stock_line(path: Path) -> tuple[str, float, str | None]:
    t0 = time.perf_counter()
    try:
        text = _tesseract(str(path), ["--psm", "7"])
    except Exception as exc:
        return "", time.perf_counter() - t0, f"{type(exc).__name__}: {exc}"
    return text, time.perf_counter() - t0, None


def pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


# --------------------------------------------------------------------------- sets

def load_rtarf(corpus: Path) -> list[dict]:
    root = corpus / "real" / "rtarf"
    items = []
    with open(root / "ground_truth.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            label = rec.get("urgency_label")
            label = label.strip() if isinstance(label, str) else label
            if label not in URGENCY_LABELS:
                print(f"warning: {rec['file']}: unknown urgency label {label!r}, not scored",
                      file=sys.stderr)
            fields = {}
            if (rec.get("doc_number") or "").strip():
                fields["document_number"] = rec["doc_number"]
            if (rec.get("subject") or "").strip():
                fields["subject"] = rec["subject"]
            items.append({"name": rec["file"], "path": root / rec["file"], "kind": "pdf",
                          "ref": rec["ground_truth"], "fields": fields,
                          "urgency": URGENCY_LABELS.get(label), "page_kind": page_kind(rec.get("pdf_kind"))})
    return items


def page_kind(label: str | None) -> str:
    """The corpus's ``pdf_kind`` label as one of: born-digital, scanner layer, image only."""
    label = (label or "").lower()
    if "born" in label or "digital" in label:
        return "born-digital"
    if "layer" in label or "text" in label:
        return "scanner layer"
    return "image only"


def load_lines(corpus: Path) -> list[dict]:
    """The real lines, each marked ``validation`` or ``held_out`` as the recogniser's
    training script splits them (:func:`ocr.training.train_lines.real_lines`)."""
    from ocr.training.train_lines import is_held_out

    root = corpus / "real" / "lines"
    items = []
    with open(root / "gt.tsv", encoding="utf-8", newline="") as fh:
        rows = sorted(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), key=lambda r: r["image"])
    for i, row in enumerate(rows):
        items.append({"name": row["image"], "path": root / "images" / row["image"],
                      "kind": "line", "ref": row["ground_truth"], "fields": {},
                      "urgency": None, "page_kind": "line image",
                      "split": "held_out" if is_held_out(i) else "validation"})
    return items


def load_letters(corpus: Path) -> list[dict]:
    root = corpus / "letters"
    items = []
    for pdf in sorted(root.glob("*.pdf")):
        txt, js = pdf.with_suffix(".txt"), pdf.with_suffix(".json")
        if not (txt.exists() and js.exists()):
            continue
        meta = json.loads(js.read_text(encoding="utf-8"))
        fields = {k: meta[k] for k in ("document_number", "document_date", "subject", "addressee")
                  if meta.get(k)}
        items.append({"name": pdf.name, "path": pdf, "kind": "pdf",
                      "ref": txt.read_text(encoding="utf-8"), "fields": fields,
                      "urgency": meta.get("urgency")})
    return items


#: The marks set: (marks, ink, scan, size in pt, urgency, secrecy) — every mark class in
#: red and in black, on colour, grayscale and black-and-white scans, and letters with none.
MARK_CASES = [
    (("ด่วนที่สุด", "ลับ"), "red", "colour", 34, "most_urgent", "confidential"),
    (("ด่วนมาก", "ลับมาก"), "red", "gray", 34, "very_urgent", "secret"),
    (("ด่วน",), "red", "bitonal", 34, "urgent", "unclassified"),
    (("ด่วนมาก",), "black", "colour", 18, "very_urgent", "unclassified"),
    (("ด่วนที่สุด", "- ลับ -"), "black", "gray", 20, "most_urgent", "confidential"),
    (("ด่วน", "ลับมาก"), "black", "bitonal", 16, "urgent", "secret"),
    (("ลับที่สุด",), "black", "gray", 16, "normal", "top_secret"),
    (("- ลับที่สุด -",), "black", "bitonal", 24, "normal", "top_secret"),
    ((), "black", "gray", 16, "normal", "unclassified"),
    ((), "black", "bitonal", 16, "normal", "unclassified"),
]


def load_marks(corpus: Path) -> list[dict]:
    """Letters this bench renders itself (``samples/letters``, no corpus needed) with
    every :data:`MARK_CASES` case, into a temporary folder removed at exit."""
    import atexit
    import shutil

    from ocr.render import render_letter

    folder = Path(tempfile.mkdtemp(prefix="ocr-bench-marks-"))
    atexit.register(shutil.rmtree, folder, True)
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "samples" / "letters").glob("*.txt"))]
    items = []
    for n, (marks, ink, scan, size, urgency, secrecy) in enumerate(MARK_CASES):
        text = texts[n % len(texts)]
        path = render_letter(text, folder / f"marks-{n}.pdf", stamps=marks, stamp_ink=ink, stamp_pt=size, scan=scan,
                             seed=300 + n)
        items.append({"name": f"{ink}-{scan}-{size}pt-{'+'.join(marks) or 'none'}", "path": path, "kind": "pdf",
                      "ref": text, "fields": {}, "urgency": urgency, "secrecy": secrecy})
    return items


LOADERS = {"real/rtarf": load_rtarf, "real/lines": load_lines, "letters": load_letters, "marks": load_marks}


# --------------------------------------------------------------------------- running

def run_line_reader(path: Path) -> tuple[str, dict, float, list[str], str | None, dict]:
    """``ocr.read_line`` on one line image, in the shape of :func:`run_reader`; its
    last item holds the recogniser's own reading and the combination's counts."""
    import ocr
    from ocr.pipeline import read_line_detail

    t0 = time.perf_counter()
    try:
        detail = read_line_detail(str(path))
    except Exception as exc:
        return "", {}, time.perf_counter() - t0, [], f"{type(exc).__name__}: {exc}", {}
    return detail.text, {}, time.perf_counter() - t0, ["ocr"], None, {
        "recogniser": detail.recogniser, "taken": detail.taken, "spans": detail.spans}


def run_item(item: dict, tmp: str) -> dict:
    reader = run_reader if item["kind"] == "pdf" else run_line_reader
    r_text, r_fields, r_time, sources, r_err, extra = reader(item["path"])
    if item["kind"] == "pdf":
        s_text, s_time, pages, s_err = run_stock_pdf(item["path"], tmp)
        pages = pages or pdf_pages(item["path"])
    else:
        s_text, s_time, s_err = run_stock_line(item["path"])
        pages = 1
    ref = cer_text(item["ref"])
    ref_d = thai_digits(item["ref"], fold_arabic=False)
    res = {"name": item["name"], "pages": pages, "sources": sources, "page_kind": item.get("page_kind", "image only"),
           "split": item.get("split"), "ref_chars": len(ref), "ref_digits": len(ref_d), "errors": {}}
    if item["kind"] == "line" and extra.get("recogniser") is not None:
        res["recogniser"] = {"edits": levenshtein(ref, cer_text(extra["recogniser"])),
                             "digit_edits": levenshtein(ref_d, thai_digits(extra["recogniser"], fold_arabic=True)),
                             "taken": extra["taken"], "spans": extra["spans"]}
    for who, text, dt, err in (("reader", r_text, r_time, r_err), ("stock", s_text, s_time, s_err)):
        res[who] = {
            "edits": levenshtein(ref, cer_text(text)),
            "digit_edits": levenshtein(ref_d, thai_digits(text, fold_arabic=True)),
            "seconds": dt,
        }
        if err:
            res["errors"][who] = err
    fl = {name: field_equal(name, exp, r_fields.get(name)) for name, exp in item["fields"].items()}
    res["reader"]["fields"] = fl
    res["reader"]["field_values"] = {name: r_fields.get(name) for name in item["fields"]}
    if item["kind"] == "pdf":
        res["reader"]["confident"] = {name: bool(extra.get(name)) for name in item["fields"]}
    if item["urgency"] is not None:
        res["reader"]["urgency"] = r_fields.get("urgency")
        res["urgency_ref"] = item["urgency"]
    if item.get("secrecy") is not None:
        res["reader"]["secrecy"] = r_fields.get("secrecy")
        res["secrecy_ref"] = item["secrecy"]
    return res


def _rate(num: float, den: float) -> float | None:
    return None if den == 0 else num / den


def summarize(results: list[dict], has_fields: bool, has_urgency: bool) -> dict:
    chars = sum(r["ref_chars"] for r in results)
    digits = sum(r["ref_digits"] for r in results)
    pages = sum(r["pages"] for r in results)
    out = {}
    for who in ("reader", "stock"):
        m = {
            "cer": _rate(sum(r[who]["edits"] for r in results), chars),
            "thai_digit_er": _rate(sum(r[who]["digit_edits"] for r in results), digits),
            "field_exact": None,
            "urgency_acc": None,
            "secrecy_acc": None,
            "sec_per_page": _rate(sum(r[who]["seconds"] for r in results), pages),
        }
        if who == "reader" and has_fields:
            flags = [ok for r in results for ok in r["reader"]["fields"].values()]
            m["field_exact"] = _rate(sum(flags), len(flags))
        if who == "reader" and has_urgency:
            scored = [r for r in results if "urgency_ref" in r]
            m["urgency_acc"] = _rate(sum(r["reader"]["urgency"] == r["urgency_ref"] for r in scored),
                                     len(scored))
        marked = [r for r in results if "secrecy_ref" in r]
        if who == "reader" and marked:
            m["secrecy_acc"] = _rate(sum(r["reader"]["secrecy"] == r["secrecy_ref"] for r in marked), len(marked))
        out[who] = m
    out.update(_by_kind(results))
    rec = [r for r in results if "recogniser" in r]
    if rec:
        out["recogniser"] = {}
        for split in ("validation", "held_out", None):
            part = [r for r in rec if split is None or r["split"] == split]
            out["recogniser"][split or "all"] = {
                "lines": len(part),
                "cer": _round(_rate(sum(r["recogniser"]["edits"] for r in part), sum(r["ref_chars"] for r in part))),
                "thai_digit_er": _round(_rate(sum(r["recogniser"]["digit_edits"] for r in part),
                                              sum(r["ref_digits"] for r in part))),
                "reader_cer": _round(_rate(sum(r["reader"]["edits"] for r in part), sum(r["ref_chars"] for r in part))),
                "stock_cer": _round(_rate(sum(r["stock"]["edits"] for r in part), sum(r["ref_chars"] for r in part))),
            }
        out["combination"] = {"spans": sum(r["recogniser"]["spans"] for r in rec),
                              "taken": sum(r["recogniser"]["taken"] for r in rec)}
    flagged = [(ok, r["reader"]["confident"].get(name)) for r in results if "confident" in r["reader"]
               for name, ok in r["reader"]["fields"].items()]
    if flagged:
        conf = [ok for ok, c in flagged if c]
        out["confident"] = {"fields": len(flagged), "confident": len(conf), "right": sum(conf),
                            "precision": _round(_rate(sum(conf), len(conf)))}
    out["ratio"] = {k: (None if out["reader"][k] is None or not out["stock"][k]
                        else out["reader"][k] / out["stock"][k]) for k in METRICS}
    for who in ("reader", "stock", "ratio"):
        out[who] = {k: (None if v is None else round(v, 4)) for k, v in out[who].items()}
    return out


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 4)


def _by_kind(results: list[dict]) -> dict:
    """CER and Thai-digit error per page kind (born-digital, scanner layer, image only,
    line image), each reader."""
    kinds: dict[str, dict] = {}
    for kind in sorted({r["page_kind"] for r in results}):
        part = [r for r in results if r["page_kind"] == kind]
        chars, digits = sum(r["ref_chars"] for r in part), sum(r["ref_digits"] for r in part)
        kinds[kind] = {"items": len(part), **{who: {
            "cer": _round(_rate(sum(r[who]["edits"] for r in part), chars)),
            "thai_digit_er": _round(_rate(sum(r[who]["digit_edits"] for r in part), digits))}
            for who in ("reader", "stock")}}
    return {"by_kind": kinds}


def _fmt(key: str, v: float | None, ratio: bool = False) -> str:
    if v is None:
        return "n/a"
    if ratio:
        return f"{v:.2f}"
    if key == "sec_per_page":
        return f"{v:.2f}"
    return f"{100 * v:.1f}%"


def print_set(name: str, results: list[dict], summary: dict, detail: bool) -> None:
    pages = sum(r["pages"] for r in results)
    chars = sum(r["ref_chars"] for r in results)
    digits = sum(r["ref_digits"] for r in results)
    nfields = sum(len(r["reader"]["fields"]) for r in results)
    nurg = sum("urgency_ref" in r for r in results)
    print(f"\n== {name}: {len(results)} items, {pages} pages, {chars} reference chars, "
          f"{digits} Thai digits, {nfields} header fields, {nurg} urgency labels ==")
    if detail or len(results) <= 12:
        print(f"  {'item':28s} {'pages':>5s} {'source':12s} {'CER rd':>7s} {'CER st':>7s} "
              f"{'dig rd':>7s} {'dig st':>7s} {'fields':>6s} {'urg':>4s} {'s rd':>6s} {'s st':>6s}")
        for r in results:
            rc, sc = r["reader"], r["stock"]
            src = ",".join(sorted(set(r["sources"]))) or "-"
            fl = r["reader"]["fields"]
            fs = f"{sum(fl.values())}/{len(fl)}" if fl else "-"
            urg = "-" if "urgency_ref" not in r else ("ok" if rc.get("urgency") == r["urgency_ref"] else "NO")
            dd = r["ref_digits"] or 1
            print(f"  {r['name'][:28]:28s} {r['pages']:5d} {src[:12]:12s} "
                  f"{100 * rc['edits'] / max(1, r['ref_chars']):6.1f}% "
                  f"{100 * sc['edits'] / max(1, r['ref_chars']):6.1f}% "
                  f"{100 * rc['digit_edits'] / dd:6.1f}% {100 * sc['digit_edits'] / dd:6.1f}% "
                  f"{fs:>6s} {urg:>4s} {rc['seconds']:6.2f} {sc['seconds']:6.2f}")
            for who, err in r["errors"].items():
                print(f"      {who} failed: {err}")
    ocr_only = [r for r in results if r["sources"] and set(r["sources"]) == {"ocr"}]
    if ocr_only and len(ocr_only) < len(results):
        oc = sum(r["ref_chars"] for r in ocr_only)
        od = sum(r["ref_digits"] for r in ocr_only) or 1
        print(f"  items the project OCR'd (no text layer used): {len(ocr_only)}; CER project "
              f"{100 * sum(r['reader']['edits'] for r in ocr_only) / oc:.1f}% stock "
              f"{100 * sum(r['stock']['edits'] for r in ocr_only) / oc:.1f}%; Thai digits project "
              f"{100 * sum(r['reader']['digit_edits'] for r in ocr_only) / od:.1f}% stock "
              f"{100 * sum(r['stock']['digit_edits'] for r in ocr_only) / od:.1f}%")
    for kind, k in summary.get("by_kind", {}).items():
        print(f"  {kind:14s} {k['items']:3d} items: CER project {_fmt('cer', k['reader']['cer'])} stock "
              f"{_fmt('cer', k['stock']['cer'])}; Thai digits project {_fmt('cer', k['reader']['thai_digit_er'])} "
              f"stock {_fmt('cer', k['stock']['thai_digit_er'])}")
    for split, k in summary.get("recogniser", {}).items():
        print(f"  recogniser alone, {split:10s} {k['lines']:3d} lines: CER {_fmt('cer', k['cer'])} "
              f"(project {_fmt('cer', k['reader_cer'])}, stock {_fmt('cer', k['stock_cer'])}); "
              f"Thai digits {_fmt('cer', k['thai_digit_er'])}")
    if "combination" in summary:
        c = summary["combination"]
        print(f"  combination: {c['spans']} spans where Tesseract and the recogniser disagreed, "
              f"{c['taken']} taken from the recogniser")
    if "confident" in summary:
        c = summary["confident"]
        print(f"  fields shown confident: {c['confident']} of {c['fields']}, right {c['right']} "
              f"({_fmt('cer', c['precision'])})")
    print(f"  {'metric':24s} {'project':>9s} {'stock':>9s} {'ratio':>7s}")
    for k in METRICS:
        print(f"  {LABELS[k]:24s} {_fmt(k, summary['reader'][k]):>9s} "
              f"{_fmt(k, summary['stock'][k]):>9s} {_fmt(k, summary['ratio'][k], True):>7s}")


def calibration_table() -> dict:
    """The shipped calibration (``ocr/models/calibration.json``, made by
    ``python -m ocr.training.calibrate``): per field the threshold and how the
    confident flags did on rendered letters, and apart, on the real pages; printed."""
    from ocr import calibration

    cal = calibration.load()
    if not cal.get("fields"):
        print("\n== calibration: none shipped ==")
        return {}
    b = cal.get("built", {})
    print(f"\n== calibration: {b.get('field_values')} field values on {b.get('letters')} rendered letters; "
          f"confident = right >= {b.get('target')} with >= {b.get('min_support')} fields ==")
    print(f"  {'field':16s} {'threshold':>9s} {'rendered: n':>11s} {'confident':>9s} {'right':>6s}"
          f" {'real pages: n':>14s} {'confident':>9s} {'right':>6s}")
    for name, f in cal["fields"].items():
        rp = (cal.get("real_pages") or {}).get(name) or {}
        never = " (a person confirms)" if name in calibration.NEVER_CONFIDENT else ""
        print(f"  {name:16s} {str(f['threshold']):>9s} {f['n']:>11d} {f['above']:>9d} {f['right_above']:>6d}"
              f" {rp.get('n', 0):>14d} {rp.get('confident', 0):>9d} {rp.get('right_confident', 0):>6d}{never}")
    return {"built": b, "fields": cal["fields"], "real_pages": cal.get("real_pages", {})}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"),
                    help="corpus directory (default ../shared/corpus from the repository root)")
    ap.add_argument("--sets", default="rtarf,lines,letters,marks",
                    help="comma-separated: rtarf, lines, letters, marks (default all)")
    ap.add_argument("--limit", type=int, default=None, help="first N items of each set")
    ap.add_argument("--detail", action="store_true", help="a row per item for every set")
    ap.add_argument("--stock-omp", action="store_true",
                    help="let stock Tesseract use its default OpenMP threads (default: "
                         "OMP_THREAD_LIMIT=1, like the project's reader)")
    args = ap.parse_args(argv)

    cores = os.cpu_count() or 1
    if not args.stock_omp:
        STOCK_ENV["OMP_THREAD_LIMIT"] = "1"
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"corpus not found at {corpus}: nothing to benchmark (skipped)")
        print(json.dumps({"sets": {}, "cores": cores, "skipped": f"no corpus at {corpus}"}))
        return 0
    wanted = []
    for s in (x.strip() for x in args.sets.split(",") if x.strip()):
        name = SET_NAMES.get(s, s)
        if name not in LOADERS:
            ap.error(f"unknown set {s!r} (choose from {', '.join(SET_NAMES)})")
        wanted.append(name)
    try:
        ver = subprocess.run(["tesseract", "--version"], capture_output=True, text=True,
                             env=STOCK_ENV).stdout.splitlines()[0]
    except (OSError, IndexError):
        print("tesseract is not installed: cannot benchmark", file=sys.stderr)
        return 2

    import ocr.pipeline  # noqa: F401  (import cost not counted against the first page)

    print(f"OCR benchmark  {time.strftime('%Y-%m-%d %H:%M:%S %Z')}  corpus={corpus}")
    print(f"cores={cores}  {ver}  stock OMP_THREAD_LIMIT={STOCK_ENV.get('OMP_THREAD_LIMIT', 'unset')}"
          f"  project: ocr.read(path, workers=1) for pages, ocr.read_line for line images  ratio = project / stock")
    started = time.perf_counter()
    out: dict = {"sets": {}, "cores": cores}
    with tempfile.TemporaryDirectory(prefix="ocr-bench-") as tmp:
        for name in wanted:
            try:
                items = LOADERS[name](corpus)
            except FileNotFoundError as exc:
                print(f"\n== {name}: missing ({exc.filename}), skipped ==")
                continue
            if args.limit is not None:
                items = items[:args.limit]
            if not items:
                print(f"\n== {name}: no items, skipped ==")
                continue
            results = []
            for item in items:
                results.append(run_item(item, tmp))
                print(f"  . {name} {item['name']}", file=sys.stderr, flush=True)
            summary = summarize(results, has_fields=any(i["fields"] for i in items),
                                has_urgency=any(i["urgency"] is not None for i in items))
            print_set(name, results, summary, args.detail)
            out["sets"][name] = summary
    out["calibration"] = calibration_table()
    out["seconds_total"] = round(time.perf_counter() - started, 1)
    print(f"\ntotal wall time {out['seconds_total']:.1f} s")
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
