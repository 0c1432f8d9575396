"""Train the project's Thai line recogniser (:mod:`ocr.recogniser`) from nothing.

Nothing is downloaded. Training lines are rendered here:

- **text**: chunks of the Thai text of the agencies' manuals (``corpus/seeds``) and of
  the correspondence regulation (``corpus/real/rtarf_saraban_regulation_2566.pdf``,
  through ``pdftotext``), plus generated strings of what letters carry: document
  numbers with agency abbreviations, Buddhist-era dates, phone numbers, amounts,
  dotted leaders (about 40% of the lines). Without the corpus only generated strings
  are used;
- **fonts**: every Thai font of the OS (regular and bold), Laksaman (TH Sarabun's
  metrics) weighted most, the hand-writing-like Purisa weighted up for numbers;
- **scan degradation**: tilt, shear, width scale, blur, ink and paper levels, thin or
  thick ink, noise, speckle, low resolution, JPEG, binarisation, a stamp over the
  text, a dotted leader under it and bits of the neighbouring lines.

The real lines of ``corpus/real/lines`` are never trained on. Sorted by name, every
third one (index 2, 5, 8, ...) is held out even from validation and only reported at
the end; the others choose the best checkpoint.

The model (JAX + optax) is the one :class:`ocr.recogniser.LineRecogniser` runs in
numpy; the weights go to ``ocr/models/thai_lines.npz`` as plain arrays.
Deterministic for a given seed, up to the floating-point order of XLA's CPU kernels.
The default run (``--lines 160000 --minutes 150``) takes about 2 h 40 min on two
cores: about 6 minutes of rendering, then training until the time budget.

Usage::

    python -m ocr.training.train_lines                      # full rebuild
    python -m ocr.training.train_lines --tiny --out /tmp/t.npz   # a few steps (tests)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import time
import unicodedata
from multiprocessing import get_context
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ocr import recogniser as R  # noqa: E402
from ocr.thai import _edit_distance  # noqa: E402
from ocr.training.train_digits import _font, thai_fonts  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
ALPHABET = R.ALPHABET
INDEX = {c: i + 1 for i, c in enumerate(ALPHABET)}
#: normalised widths of the training buckets (px) and their batch sizes
BUCKETS = ((160, 48), (320, 24), (512, 16), (800, 10))
FULL = {"convs": [[1, 32], [32, 64], [64, 96], [96, 96], [96, 128]],
        "pools": [[2, 2], [2, 2], None, [2, 1], [2, 1]], "dense": 256, "tconvs": 2}
TINY = {"convs": [[1, 8], [8, 8], [8, 8], [8, 8], [8, 8]],
        "pools": [[2, 2], [2, 2], None, [2, 1], [2, 1]], "dense": 16, "tconvs": 1}

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
TO_THAI = str.maketrans("0123456789", THAI_DIGITS)
CODES = ["กห", "นร", "มท", "กค", "ศธ", "สธ", "พม", "ยธ", "รง", "อก", "คค", "ทส", "พณ", "กษ", "วท", "กต",
         "ตช", "สร", "ดศ", "พน", "อว", "วธ", "กก", "ลป", "ชม", "ขก", "นม", "ภก", "สข", "รบ", "ปท", "สป"]
MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
          "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
MONTHS_ABBR = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
HEADS = ["ที่", "วันที่", "ลงวันที่", "ส่วนราชการ", "เรื่อง", "เรียน", "อ้างถึง", "สิ่งที่ส่งมาด้วย", "โทร.",
         "โทรสาร", "ฉบับที่", "คำสั่งที่", "ข้อ", "หน้า", "จำนวน", "ด่วนที่สุด", "ด่วนมาก", "ด่วน", "ลับ",
         "ลับมาก", "ลับที่สุด", "ปกติ", "ผู้รับ", "เลขรับ", "เวลา", "น.", "พ.ศ."]
UNITS = ["กองทัพไทย", "กรมคุมประพฤติ", "สำนักงานปลัดกระทรวง", "กองกลาง", "กลุ่มงานสารบรรณ", "ศูนย์ปฏิบัติการ",
         "สำนักงานจังหวัดราชบุรี", "กรมการปกครอง", "กองบัญชาการกองทัพไทย", "สำนักนายกรัฐมนตรี",
         "กรมส่งเสริมการปกครองท้องถิ่น", "สำนักงานเลขานุการกรม", "ฝ่ายบริหารทั่วไป"]


# --------------------------------------------------------------------------- text


def _clusters(text: str) -> list[str]:
    """Split text into base + combining-mark clusters (never cut a mark from its base)."""
    out: list[str] = []
    for ch in text:
        if out and unicodedata.category(ch) == "Mn":
            out[-1] += ch
        else:
            out.append(ch)
    return out


def corpus_text(corpus: Path) -> list[str]:
    """Lines of Thai text from the manuals and the regulation (never ``real/lines``
    nor the letters the benchmark reads), cleaned to the alphabet; [] without a corpus."""
    texts: list[str] = []
    for f in sorted((corpus / "seeds").glob("*.txt")):
        texts.append(f.read_text(encoding="utf-8", errors="ignore"))
    reg = corpus / "real" / "rtarf_saraban_regulation_2566.pdf"
    if reg.is_file():
        try:
            texts.append(subprocess.run(["pdftotext", "-layout", str(reg), "-"], capture_output=True, text=True,
                                        timeout=300, check=False).stdout)
        except (OSError, subprocess.SubprocessError):
            pass
    lines = []
    for t in texts:
        for ln in t.splitlines():
            ln = unicodedata.normalize("NFC", ln).replace("\u0e4d\u0e32", "\u0e33").replace("\t", " ")
            ln = re.sub(r"\s+", " ", "".join(c if c in INDEX else " " for c in ln)).strip()
            if len(ln) >= 4 and sum("\u0e01" <= c <= "\u0e5b" for c in ln) >= 0.4 * len(ln):
                lines.append(ln)
    return lines


def _n(rng, lo, hi, thai):
    s = str(int(rng.integers(lo, hi + 1)))
    return s.translate(TO_THAI) if thai else s


def generated(rng: np.random.Generator) -> str:
    """One generated string of what a letter's header and text carry."""
    thai = rng.random() < 0.75
    pick = lambda seq: seq[int(rng.integers(0, len(seq)))]  # noqa: E731
    n = lambda lo, hi: _n(rng, lo, hi, thai)  # noqa: E731
    k = int(rng.integers(0, 11))
    if k == 0:  # document number
        code = pick(CODES)
        parts = [n(0, 9) * 0 + ("๐" if thai else "0") + n(100, 999)]
        for _ in range(int(rng.integers(0, 4))):
            parts.append(n(1, 99))
        s = f"{code} {'.'.join(parts)}/{'ว ' if rng.random() < 0.2 else ''}{n(1, 9999)}"
        return ("ที่ " + s) if rng.random() < 0.6 else s
    if k == 1:  # full date
        s = f"{n(1, 31)} {pick(MONTHS)} {n(2560, 2572)}"
        return (pick(["วันที่ ", "ลงวันที่ ", ""]) + s)
    if k == 2:  # short date
        return f"{n(1, 31)} {pick(MONTHS_ABBR)} {n(60, 72)}"
    if k == 3:  # phone
        return (f"{pick(['โทร. ', 'โทร ', 'โทรสาร ', 'โทร.ทหาร '])}{n(0, 0)} {n(2000, 2999)} {n(1000, 9999)}"
                if rng.random() < 0.7 else f"โทร. {n(10000, 99999)}")
    if k == 4:  # amount
        v = int(rng.integers(1, 10_000_000))
        s = f"{v:,}".translate(TO_THAI) if thai else f"{v:,}"
        return f"{pick(['จำนวน ', 'เป็นเงิน ', ''])}{s}{pick(['.-', ' บาท', '.๐๐ บาท', ''])}"
    if k == 5:  # dotted leader after a head
        return f"{pick(HEADS)}{'.' * int(rng.integers(4, 30))}"
    if k == 6:  # a head and a unit
        return f"{pick(HEADS)} {pick(UNITS)}"
    if k == 7:  # list numbers
        return f"{n(1, 20)}.{n(1, 9)} {pick(UNITS)}"
    if k == 8:  # time
        return f"เวลา {n(0, 23)}.{n(10, 59)} น."
    if k == 9:  # register and receive numbers
        return f"เลขรับ {n(1, 9999)} {pick(['วันที่', 'ลงวันที่'])} {n(1, 31)} {pick(MONTHS_ABBR)} {n(60, 72)}"
    return "".join(pick("0123456789๐๑๒๓๔๕๖๗๘๙/.-") for _ in range(int(rng.integers(3, 14))))


def sample_text(rng: np.random.Generator, lines: list[str]) -> str:
    """One training string: a chunk of corpus text (60%) or a generated one."""
    if lines and rng.random() < 0.6:
        cl = _clusters(lines[int(rng.integers(0, len(lines)))])
        size = int(rng.integers(3, 46))
        start = int(rng.integers(0, max(1, len(cl) - size + 1)))
        s = "".join(cl[start:start + size]).strip()
        if rng.random() < 0.12:  # Thai digits as letters print them where the text had Arabic
            s = s.translate(TO_THAI)
        return s or generated(rng)
    return generated(rng)


# --------------------------------------------------------------------------- images


def pick_font(rng: np.random.Generator, fonts: list[tuple[str, Path]], numeric: bool) -> Path:
    """Laksaman faces for 35% of the lines, Purisa (hand-writing-like) for 8% (25% of
    numbers), the other Thai fonts for the rest."""
    r = rng.random()
    laks = [p for f, p in fonts if f == "Laksaman"]
    puri = [p for f, p in fonts if f == "Purisa"]
    if laks and r < 0.35:
        return laks[int(rng.integers(0, len(laks)))]
    if puri and r < (0.6 if numeric else 0.43):
        return puri[int(rng.integers(0, len(puri)))]
    return fonts[int(rng.integers(0, len(fonts)))][1]


def render(text: str, font: Path, px: int, rng: np.random.Generator) -> np.ndarray:
    """Render ``text`` as a scanned-looking uint8 line image (dark ink), with margins."""
    f = _font(font, px)
    pad = int(px * rng.uniform(0.2, 0.6))
    w = int(f.getlength(text, language="th")) + 2 * pad + 2
    h = int(px * 1.9) + 2 * pad
    im = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(im)
    base = pad + int(1.2 * px)
    d.text((pad, base), text, font=f, fill=0, anchor="ls", language="th")
    a = np.asarray(im).astype(np.float32)
    if rng.random() < 0.15:  # a dotted leader under the text
        y = base + int(px * 0.12)
        for x in range(pad, w - pad, max(3, px // 6)):
            cv2.circle(a, (x, y), max(1, px // 28), 0, -1)
    if rng.random() < 0.2:  # bits of the lines above and below
        other = _font(font, px)
        for dy in (-1, 1):
            if rng.random() < 0.6:
                junk = "".join(rng.choice(list("กขคงจฉชซญดตถทนบปผพฟมยรลวศสหอฮ่้๊๋ิีึืุู"), int(w / px * 1.5)))
                d2 = Image.new("L", (w, h), 255)
                ImageDraw.Draw(d2).text((pad, base + dy * int(px * 1.45)), junk, font=other, fill=0, anchor="ls",
                                        language="th")
                a = np.minimum(a, np.asarray(d2).astype(np.float32))
    if rng.random() < 0.08:  # a stamp's outline and text over the line (red or blue ink, in gray)
        c = float(rng.uniform(90, 170))
        cx, cy = int(rng.uniform(0, w)), int(rng.uniform(0, h))
        ov = np.full_like(a, 255)
        cv2.ellipse(ov, (cx, cy), (int(px * rng.uniform(1.5, 4)), int(px * rng.uniform(0.8, 1.6))), 0, 0, 360, c,
                    max(1, px // 12))
        a = np.minimum(a, ov)
    # geometry: shear, width scale, tilt
    H, W = a.shape
    shear = rng.normal(0, 0.06) + (0.15 if rng.random() < 0.05 else 0.0)
    sx = rng.uniform(0.85, 1.15)
    ang = math.radians(rng.normal(0, 0.4))
    M = np.array([[sx * math.cos(ang), -math.sin(ang) + shear, 0], [math.sin(ang), math.cos(ang), 0]], np.float32)
    corners = np.array([[0, 0, 1], [W, 0, 1], [0, H, 1], [W, H, 1]], np.float32) @ M.T
    M[:, 2] = -corners.min(axis=0)
    size = tuple(int(v) + 1 for v in corners.max(axis=0) - corners.min(axis=0))
    a = cv2.warpAffine(a, M, size, flags=cv2.INTER_LINEAR, borderValue=255)
    # resolution: render size to scan size
    if rng.random() < 0.3:
        f = rng.uniform(0.35, 0.7)
        small = cv2.resize(a, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        a = cv2.resize(small, (a.shape[1], a.shape[0]), interpolation=cv2.INTER_LINEAR)
    # ink thickness
    r = rng.random()
    if r < 0.15:
        a = cv2.erode(a, np.ones((2, 2), np.uint8))  # thicker ink (dark grows)
    elif r < 0.3:
        a = cv2.dilate(a, np.ones((2, 2), np.uint8))  # thinner ink
    sig = rng.uniform(0.0, 1.3) * px / 40
    if sig > 0.2:
        a = cv2.GaussianBlur(a, (0, 0), sig)
    ink, paper = rng.uniform(0, 110), rng.uniform(160, 255)
    a = paper - (255 - a) / 255 * (paper - ink)
    a += rng.normal(0, rng.uniform(0, 12), a.shape)
    if rng.random() < 0.3:  # speckle
        n = int(a.size * rng.uniform(1e-4, 1.5e-3))
        ys, xs = rng.integers(0, a.shape[0], n), rng.integers(0, a.shape[1], n)
        a[ys, xs] = rng.uniform(0, 120, n)
    a = np.clip(a, 0, 255).astype(np.uint8)
    if rng.random() < 0.2:  # a bitonal scan
        _, a = cv2.threshold(a, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if rng.random() < 0.3:
        ok, buf = cv2.imencode(".jpg", a, [cv2.IMWRITE_JPEG_QUALITY, int(rng.uniform(25, 90))])
        a = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return a


def encode(text: str) -> list[int]:
    return [INDEX[c] for c in text if c in INDEX]


def _job(args):
    seed, count, fonts, lines = args
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < count:
        text = sample_text(rng, lines)
        text = "".join(c for c in text if c in INDEX).strip()
        if not text:
            continue
        numeric = sum(c.isdigit() for c in text) > len(text) / 4
        font = pick_font(rng, fonts, numeric)
        px = int(rng.integers(24, 66))
        try:
            img = render(text, font, px, rng)
        except Exception:  # a font without a glyph, a degenerate size
            continue
        x = R.normalise_line(img)
        lab = encode(text)
        # CTC needs a frame per character, and one between repeats
        need = len(lab) + sum(1 for a, b in zip(lab, lab[1:]) if a == b)
        if x.shape[1] // 4 < need + 2 or x.shape[1] > BUCKETS[-1][0]:
            continue
        out.append(((x * 255).astype(np.uint8), np.array(lab, np.int16)))
    return out


def build(n: int, seed: int, fonts, lines, workers: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Render ``n`` training lines as (uint8 normalised image, labels) pairs, in parallel."""
    chunk = 500
    jobs = [(seed * 100_003 + i, min(chunk, n - i * chunk), fonts, lines) for i in range(math.ceil(n / chunk))]
    data: list = []
    with get_context("fork").Pool(workers) as pool:
        for i, part in enumerate(pool.imap(_job, jobs)):
            data.extend(part)
            if (i + 1) % 20 == 0:
                print(f"  rendered {len(data):,} / {n:,}", flush=True)
    return data


def batches(data, rng: np.random.Generator, buckets=BUCKETS):
    """Endless shuffled batches ``(x (B, HEIGHT, W, 1) float32, labels (B, N) int32,
    label_pad (B, N) float32)``, lines grouped into width buckets and right-padded."""
    groups: dict[int, list[int]] = {b: [] for b, _ in buckets}
    for i, (x, _) in enumerate(data):
        for b, _ in buckets:
            if x.shape[1] <= b:
                groups[b].append(i)
                break
    sizes = dict(buckets)
    weights = np.array([len(groups[b]) / sizes[b] for b, _ in buckets], float)
    weights /= weights.sum()
    while True:
        b = buckets[int(rng.choice(len(buckets), p=weights))][0]
        idx = rng.choice(groups[b], size=sizes[b], replace=len(groups[b]) < sizes[b])
        n_lab = max(b // 4 // 2, max(len(data[i][1]) for i in idx))
        X = np.zeros((len(idx), R.HEIGHT, b, 1), np.float32)
        Y = np.zeros((len(idx), n_lab), np.int32)
        P = np.ones((len(idx), n_lab), np.float32)
        for j, i in enumerate(idx):
            x, lab = data[i]
            X[j, :, :x.shape[1], 0] = x / 255.0
            Y[j, :len(lab)] = lab
            P[j, :len(lab)] = 0.0
        yield X, Y, P


# --------------------------------------------------------------------------- model


def init_params(config: dict, n_classes: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    he = lambda shape, fan: (rng.normal(0, math.sqrt(2.0 / fan), shape)).astype(np.float32)  # noqa: E731
    p = {}
    for i, (cin, cout) in enumerate(config["convs"]):
        p[f"conv{i}.w"] = he((3, 3, cin, cout), 9 * cin)
        p[f"conv{i}.b"] = np.zeros(cout, np.float32)
    rows = R.HEIGHT
    for pool in config["pools"]:
        if pool:
            rows //= pool[0]
    feat = rows * config["convs"][-1][1]
    d = config["dense"]
    p["dense.w"] = he((feat, d), feat)
    p["dense.b"] = np.zeros(d, np.float32)
    for i in range(config["tconvs"]):
        p[f"tconv{i}.w"] = he((5, d, d), 5 * d) * 0.5
        p[f"tconv{i}.b"] = np.zeros(d, np.float32)
    p["out.w"] = (rng.normal(0, math.sqrt(1.0 / d), (d, n_classes))).astype(np.float32)
    p["out.b"] = np.zeros(n_classes, np.float32)
    return p


def make_forward(config: dict):
    import jax
    import jax.numpy as jnp
    from jax import lax

    n_conv = len(config["convs"])

    def forward(p, x):
        h = x
        for i in range(n_conv):
            h = lax.conv_general_dilated(h, p[f"conv{i}.w"], (1, 1), "SAME",
                                         dimension_numbers=("NHWC", "HWIO", "NHWC")) + p[f"conv{i}.b"]
            h = jax.nn.relu(h)
            pool = config["pools"][i]
            if pool:
                h = lax.reduce_window(h, -jnp.inf, lax.max, (1, pool[0], pool[1], 1), (1, pool[0], pool[1], 1),
                                      "VALID")
        B, rows, T, C = h.shape
        h = h.transpose(0, 2, 1, 3).reshape(B, T, rows * C)
        h = jax.nn.relu(h @ p["dense.w"] + p["dense.b"])
        for i in range(config["tconvs"]):
            y = lax.conv_general_dilated(h, p[f"tconv{i}.w"], (1,), "SAME",
                                         dimension_numbers=("NWC", "WIO", "NWC")) + p[f"tconv{i}.b"]
            h = h + jax.nn.relu(y)
        return h @ p["out.w"] + p["out.b"]

    return forward


def save(params: dict, config: dict, out: Path) -> None:
    """Write the weights as plain arrays (no pickle), in the layout :class:`ocr.recogniser.LineRecogniser` reads."""
    arrays = {k: np.asarray(v, np.float32) for k, v in params.items()}
    arrays["alphabet"] = np.array([ord(c) for c in ALPHABET], np.uint32)
    arrays["config"] = np.frombuffer(json.dumps(config).encode("utf-8"), np.uint8)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    os.replace(tmp, out)


# --------------------------------------------------------------------------- measures


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (unit costs) of two strings."""
    return _edit_distance(a, b, limit=len(a) + len(b))


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s)).strip()


def is_held_out(position: int) -> bool:
    """Whether the real line at ``position`` (0-based, lines sorted by image name) is held
    out even from validation: every third line (2, 5, 8, ...)."""
    return position % 3 == 2


def real_lines(corpus: Path) -> tuple[list[tuple[str, np.ndarray, str]], list[tuple[str, np.ndarray, str]]]:
    """The real lines as (validation, held_out) lists of (name, gray image, truth):
    sorted by name, every third line (index 2, 5, ...) is held out."""
    root = corpus / "real" / "lines"
    val, held = [], []
    if not (root / "gt.tsv").is_file():
        return val, held
    rows = [r.split("\t") for r in (root / "gt.tsv").read_text(encoding="utf-8").splitlines()[1:] if r.strip()]
    for i, r in enumerate(sorted(rows, key=lambda r: r[0])):
        img = cv2.imread(str(root / "images" / r[0]), cv2.IMREAD_GRAYSCALE)
        (held if is_held_out(i) else val).append((r[0], img, r[1]))
    return val, held


def score(model: R.LineRecogniser, items) -> dict:
    """CER and Thai-digit error of ``model`` on (name, image, truth) items."""
    errs = chars = dig_err = digs = 0
    for _, img, truth in items:
        got = _norm(model.read(img).text)
        ref = _norm(truth)
        errs += edit_distance(got, ref)
        chars += len(ref)
        rd = "".join(c for c in ref if c in THAI_DIGITS)
        gd = "".join(c for c in got if c in THAI_DIGITS)
        if rd:
            dig_err += min(len(rd), edit_distance(gd, rd))
            digs += len(rd)
    return {"lines": len(items), "chars": chars, "cer": errs / max(1, chars),
            "thai_digits": digs, "thai_digit_er": dig_err / max(1, digs)}


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", type=int, default=160_000, help="training lines to render")
    ap.add_argument("--minutes", type=float, default=150.0, help="training time budget (after rendering)")
    ap.add_argument("--steps", type=int, default=0, help="stop after this many steps (0: time budget only)")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=R.MODEL_PATH)
    ap.add_argument("--eval-every", type=int, default=1000)
    ap.add_argument("--tiny", action="store_true", help="a tiny model, 300 lines, 30 steps (for tests)")
    args = ap.parse_args(argv)
    if args.tiny:
        args.lines, args.steps, args.eval_every = min(args.lines, 300), args.steps or 30, 15
    config = TINY if args.tiny else FULL

    import jax
    import optax

    t0 = time.time()
    fonts = thai_fonts()
    if not fonts:
        print("ไม่พบฟอนต์ภาษาไทยของระบบ (fonts-thai-tlwg)", file=sys.stderr)
        return 2
    lines = corpus_text(args.corpus) if args.corpus.is_dir() else []
    print(f"fonts {len(fonts)}, corpus text lines {len(lines):,}; rendering {args.lines:,} training lines",
          flush=True)
    data = build(args.lines, args.seed, fonts, lines, args.workers)
    print(f"rendered {len(data):,} lines in {time.time() - t0:.0f} s", flush=True)
    val, held = real_lines(args.corpus) if args.corpus.is_dir() else ([], [])
    val_synth = []
    for x, lab in _job((args.seed * 7 + 99_991, 60 if not args.tiny else 10, fonts, lines)):
        val_synth.append(("synthetic", 255 - x, "".join(ALPHABET[i - 1] for i in lab)))

    forward = make_forward(config)
    params = {k: jax.numpy.asarray(v) for k, v in init_params(config, len(ALPHABET) + 1, args.seed).items()}
    opt = optax.chain(optax.clip_by_global_norm(1.0), optax.scale_by_adam(), optax.add_decayed_weights(1e-4))
    state = opt.init(params)
    warmup = 5 if args.tiny else 300
    budget = args.minutes * 60

    def learning_rate(n: int, elapsed: float) -> float:
        """Warm up, then a cosine from 2e-3 to 1e-4 over the steps (``--steps``) or the time budget."""
        if n < warmup:
            return 2e-3 * (n + 1) / warmup
        frac = min(1.0, n / args.steps if args.steps else elapsed / budget)
        return 1e-4 + 0.5 * (2e-3 - 1e-4) * (1 + math.cos(math.pi * frac))

    def loss_fn(p, x, y, ypad):
        logits = forward(p, x)
        lpad = jax.numpy.zeros(logits.shape[:2], jax.numpy.float32)
        return optax.ctc_loss(logits, lpad, y, ypad, blank_id=0).mean()

    @jax.jit
    def step(p, s, x, y, ypad, lr):
        loss, g = jax.value_and_grad(loss_fn)(p, x, y, ypad)
        upd, s = opt.update(g, s, p)
        upd = jax.tree_util.tree_map(lambda u: -lr * u, upd)
        return optax.apply_updates(p, upd), s, loss

    rng = np.random.default_rng(args.seed + 2)
    feed = batches(data, rng)
    best, best_params, n, seen, losses = None, None, 0, 0, []
    t1 = time.time()
    tmp = args.out.with_name(args.out.stem + ".eval.npz")

    def evaluate():
        save({k: np.asarray(v) for k, v in params.items()}, config, tmp)
        m = R.LineRecogniser(tmp)
        s_val = score(m, val) if val else None
        s_syn = score(m, val_synth)
        return m, s_val, s_syn

    while True:
        x, y, ypad = next(feed)
        params, state, loss = step(params, state, x, y, ypad, learning_rate(n, time.time() - t1))
        n += 1
        seen += x.shape[0]
        losses.append(float(loss))
        done = (args.steps and n >= args.steps) or (time.time() - t1 > budget)
        if n % 100 == 0 and n % args.eval_every:
            print(f"step {n:,} loss {np.mean(losses[-100:]):.3f}", flush=True)
        if n % args.eval_every == 0 or done:
            _, s_val, s_syn = evaluate()
            crit = s_val["cer"] if s_val else s_syn["cer"]
            print(f"step {n:,} lines {seen:,} loss {np.mean(losses[-200:]):.3f} "
                  f"synthetic CER {s_syn['cer']:.3f}"
                  + (f" real-val CER {s_val['cer']:.3f} digits {s_val['thai_digit_er']:.3f}" if s_val else "")
                  + f" ({(time.time() - t1) / 60:.1f} min, {seen / (time.time() - t1):.1f} lines/s)", flush=True)
            if best is None or crit <= best:
                best, best_params = crit, {k: np.asarray(v) for k, v in params.items()}
        if done:
            break
    tmp.unlink(missing_ok=True)
    save(best_params, config, args.out)
    model = R.LineRecogniser(args.out)
    report = {"steps": n, "lines_seen": seen, "minutes": round((time.time() - t0) / 60, 1),
              "synthetic": score(model, val_synth)}
    if val:
        report["real_validation"] = score(model, val)
        report["real_held_out"] = score(model, held)
    print(json.dumps(report, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
