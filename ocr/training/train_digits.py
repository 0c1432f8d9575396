"""Train the Thai-digit glyph classifier used by :mod:`ocr.digits`, from rendered fonts.

Nothing is downloaded: strings that look like the numbers of official letters
(document numbers, dates, phone numbers, list numbers, random digit strings, mixed
with Thai and Latin words) are rendered in every installed Thai font (regular and
bold) at 14-20 pt and 200-300 dpi (plus some smaller renders), degraded like scans
(rotation, shear, width scaling, blur, ink/paper levels, erosion/dilation, noise,
speckle, resampling, JPEG, binarisation-threshold jitter), segmented with the same
code as inference
(:func:`ocr.digits.analyze`) and labelled from a per-character ink map. Classes:
``๐``-``๙``, ``0``-``9``, ``/ . - ,`` and ``other`` (letters, marks, punctuation,
broken or merged glyphs). Features: :func:`ocr.digits.glyph_features`. Classifier:
scikit-learn MLP (ReLU, 2 hidden layers), exported to ``ocr/models/thai_digits.npz``
as plain arrays; inference is numpy only.

One font family (``--holdout``, default Umpush) is kept out of training and used
to measure accuracy on unseen type (``--holdout ""`` trains on every font).
Deterministic: fixed seeds, the same weights bit for bit on re-runs. About two
minutes on 2 CPU cores (rendering ~70 s, MLP ~40 s), plus the evaluations.

Usage::

    python -m ocr.training.train_digits            # train, evaluate, write the model
    python -m ocr.training.train_digits --eval-only --eval-corpus ../shared/corpus
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import sys
import time
from multiprocessing import get_context
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ocr import digits as D  # noqa: E402

CLASSES = tuple(D.THAI_DIGITS) + tuple(D.ARABIC_DIGITS) + tuple(D.SEPARATORS) + (D.OTHER,)
FONT_DIR = Path("/usr/share/fonts/truetype/tlwg")
DEFAULT_HOLDOUT = "Umpush"
MODEL_OUT = D.MODEL_PATH

CODES = ["รบ", "ยธ", "มท", "พม", "กห", "นร", "ศธ", "สธ", "กค", "พณ", "อก", "ทส", "คค", "ลข", "ปท", "สป", "ชม"]
MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
          "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
MONTHS_ABBR = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
PREFIXES = ["ที่", "วันที่", "ลงวันที่", "ข้อ", "โทร.", "โทรสาร", "ฉบับที่", "ครั้งที่", "จำนวน", "มาตรา",
            "เลขที่", "หมู่ที่", "พ.ศ.", "ปี", "หน้า", "ชุด", "คำสั่งที่", "ระดับ", "ชั้น"]
SUFFIXES = ["ฉบับ", "ชุด", "คน", "บาท", "วัน", "ราย", "แห่ง", "ครั้ง", "นั้น", "ๆ", "เรื่อง", "ลงวันที่"]
LATIN = ["DOPA", "WIFI", "Online", "Internet", "Citizen", "Portal", "http", "www", "go", "th", "login",
         "index", "main", "web", "follow", "ilab", "multi", "damrong", "Email", "Fax", "Tel", "No", "Ref"]
# Latin letters that look like digits are not used as "other" (o O l I |)
LATIN_OK = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
THAI_OTHER_CHARS = "กขฃคฅฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรฤลฦวศษสหฬอฮะาำเแโใไๆฯ"
PUNCT = "()[]:;\"'“”!?%+*=<>_"


# --------------------------------------------------------------------------- fonts


def thai_fonts() -> list[tuple[str, Path]]:
    """Installed Thai fonts as ``(family, path)``, regular/bold/light faces only.

    TLWG fonts (``/usr/share/fonts/truetype/tlwg``) plus any other font fontconfig
    lists for Thai (e.g. a TH Sarabun family when installed).
    """
    out: dict[Path, str] = {}
    for f in sorted(glob.glob(str(FONT_DIR / "*.ttf"))):
        stem = Path(f).stem
        if "Oblique" in stem or "Italic" in stem:
            continue
        out[Path(f)] = stem.split("-")[0]
    try:
        import subprocess

        rows = subprocess.run(["fc-list", ":lang=th", "family", "style", "file"], capture_output=True,
                              text=True, timeout=20, check=False).stdout.splitlines()
    except Exception:  # pragma: no cover
        rows = []
    for row in sorted(rows):
        path, _, rest = row.partition(":")
        p = Path(path.strip())
        low = rest.lower()
        if p in out or "italic" in low or "oblique" in low or not p.is_file():
            continue
        fam = rest.split(":")[0].replace("family=", "").split(",")[0].strip() or p.stem
        out[p] = fam.replace(" ", "")
    return sorted(((fam, p) for p, fam in out.items()), key=lambda t: str(t[1]))


_FONT_CACHE: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}


def _font(path: Path, px: int) -> ImageFont.FreeTypeFont:
    key = (str(path), px)
    if key not in _FONT_CACHE:
        if len(_FONT_CACHE) > 400:
            _FONT_CACHE.clear()
        _FONT_CACHE[key] = ImageFont.truetype(str(path), px, layout_engine=ImageFont.Layout.RAQM)
    return _FONT_CACHE[key]


# --------------------------------------------------------------------------- strings


def _digits(rng: np.random.Generator, n: int, thai: bool) -> str:
    table = D.THAI_DIGITS if thai else D.ARABIC_DIGITS
    return "".join(table[int(i)] for i in rng.integers(0, 10, n))


def _num(rng: np.random.Generator, lo: int, hi: int, thai: bool) -> str:
    s = str(int(rng.integers(lo, hi + 1)))
    return s.translate(str.maketrans(D.ARABIC_DIGITS, D.THAI_DIGITS)) if thai else s


def make_string(rng: np.random.Generator, words: list[str]) -> str:
    """One random training string (numbers of official letters, words, mixtures)."""
    thai = rng.random() < 0.72
    c = rng.random()
    pick = lambda seq: seq[int(rng.integers(0, len(seq)))]  # noqa: E731
    if c < 0.16:  # document number
        code = pick(CODES)
        sep = pick([" ", ".", " ", ""])
        unit = _digits(rng, int(rng.integers(3, 5)), thai)
        if rng.random() < 0.3:
            unit += "." + _digits(rng, 1, thai)
        series = pick(["", "", "ว ", "ว", "ว.", " ก ", "ว "])
        s = f"{code}{sep}{unit}/{series}{_digits(rng, int(rng.integers(1, 6)), thai)}"
        if rng.random() < 0.4:
            s = "ที่ " + s
    elif c < 0.30:  # date
        if rng.random() < 0.7:
            s = f"{_num(rng, 1, 31, thai)} {pick(MONTHS)} {_num(rng, 2490, 2575, thai)}"
        else:
            s = f"{_num(rng, 1, 31, thai)} {pick(MONTHS_ABBR)} {_num(rng, 40, 75, thai)}"
        if rng.random() < 0.3:
            s = pick(["วันที่ ", "ลงวันที่ ", "ลว. "]) + s
    elif c < 0.38:  # phone
        f = pick(["{a}-{b}-{c}", "{a} {b} {c}", "{a}{b}-{c}", "{a}-{b}{c}"])
        s = f.format(a=_digits(rng, int(rng.integers(1, 3)), thai), b=_digits(rng, 4, thai),
                     c=_digits(rng, 4, thai))
        if rng.random() < 0.4:
            s = pick(["โทร. ", "โทรสาร ", "หมายเลขโทรศัพท์ "]) + s
    elif c < 0.50:  # list numbers, decimals, amounts, ranges
        n = _digits(rng, int(rng.integers(1, 3)), thai)
        s = pick([f"{n}.", f"({n})", f"{n}.{_digits(rng, 1, thai)}", f"{n},{_digits(rng, 3, thai)}",
                  f"{n}-{_digits(rng, 2, thai)}", f"{n}/{_digits(rng, 4, thai)}", f"{n}.{_digits(rng, 2, thai)}"])
        if rng.random() < 0.5:
            s = pick(PREFIXES) + " " + s
        if rng.random() < 0.3:
            s = s + " " + pick(SUFFIXES)
    elif c < 0.70:  # random digit strings with separators
        parts = []
        for _ in range(int(rng.integers(1, 4))):
            parts.append(_digits(rng, int(rng.integers(1, 6)), thai))
        s = parts[0]
        for p in parts[1:]:
            s += pick(["/", ".", "-", ",", " ", "", " / ", ". "]) + p
    elif c < 0.78:  # Latin words and punctuation
        parts = [pick(LATIN) if rng.random() < 0.6 else
                 "".join(LATIN_OK[int(i)] for i in rng.integers(0, len(LATIN_OK), int(rng.integers(1, 6))))
                 for _ in range(int(rng.integers(1, 3)))]
        s = " ".join(parts)
        if rng.random() < 0.4:
            s = pick(["(", "“", "<", ""]) + s + pick([")", "”", ">", ":", ""])
        if rng.random() < 0.4:
            s += " " + _digits(rng, int(rng.integers(1, 4)), thai)
    elif c < 0.84:  # single glyphs / short runs (context-free crops)
        s = pick([_digits(rng, 1, thai), _digits(rng, 2, thai), pick(THAI_OTHER_CHARS),
                  pick(THAI_OTHER_CHARS) + pick(THAI_OTHER_CHARS), pick(PUNCT)])
    else:  # Thai words, sometimes with a number
        k = int(rng.integers(1, 4))
        ws = [pick(words) for _ in range(k)]
        if rng.random() < 0.3:
            ws.insert(int(rng.integers(0, k + 1)), _digits(rng, int(rng.integers(1, 5)), thai))
        if rng.random() < 0.15:
            ws.append(pick(PUNCT))
        s = " ".join(ws)
    return s


# --------------------------------------------------------------------------- rendering


def render_string(text: str, font: ImageFont.FreeTypeFont) -> tuple[np.ndarray, np.ndarray]:
    """Render a string, return the grey image and a label map.

    Returns:
        ``(img, lab)``: ``img`` uint8 ``(H, W)`` black on white (anti-aliased);
        ``lab`` int16 ``(H, W)``, for ink pixels the index of the character that
        drew it (first prefix in which the pixel turns dark), else -1.
    """
    size = font.size
    width = int(font.getlength(text)) + size
    H = int(2.3 * size)
    base = (int(0.3 * size), int(1.55 * size))
    lab = np.full((H, width), -1, np.int16)
    prev = np.zeros((H, width), bool)
    img = None
    for i in range(1, len(text) + 1):
        if text[i - 1].isspace() and i < len(text):
            continue
        im = Image.new("L", (width, H), 255)
        ImageDraw.Draw(im).text(base, text[:i], font=font, fill=0, anchor="ls", language="th")
        a = np.asarray(im)
        ink = a < 160
        new = ink & ~prev & (lab < 0)
        # a pixel drawn by char i but also by the previous prefix belongs to the earlier char
        lab[new] = i - 1
        prev = ink
        img = a
    assert img is not None
    return img.copy(), lab


def degrade(img: np.ndarray, lab: np.ndarray, rng: np.random.Generator, size: int):
    """Scan-like degradation of a string render; the label map follows geometry.

    Returns:
        ``(gray uint8, lab int16, thr_offset float)``.
    """
    H, W = img.shape
    pad = int(0.3 * size)
    g = np.pad(img.astype(np.float32), pad, constant_values=255.0)
    lb = np.pad(lab, pad, constant_values=-1)
    H, W = g.shape
    # geometry: small rotation and shear
    ang = float(rng.uniform(-1.3, 1.3))
    M = cv2.getRotationMatrix2D((W / 2, H / 2), ang, 1.0)
    M[0, 1] += float(rng.uniform(-0.06, 0.06))  # shear
    sx = float(rng.uniform(0.85, 1.18))  # narrower / wider type
    M[0, :] *= sx
    M[0, 2] += (1.0 - sx) * W / 2
    g = cv2.warpAffine(g, M, (W, H), flags=cv2.INTER_LINEAR, borderValue=255.0)
    lb = cv2.warpAffine(lb.astype(np.float32), M, (W, H), flags=cv2.INTER_NEAREST, borderValue=-1).astype(np.int16)
    sc = size / 67.0
    # stroke weight
    r = rng.random()
    if r < 0.2:
        k = 2 if size < 60 else 3
        g = cv2.erode(g, np.ones((k, k), np.uint8))  # min filter: darker/thicker ink
    elif r < 0.35 and size > 40:
        g = cv2.dilate(g, np.ones((2, 2), np.uint8))  # thinner ink
    # blur
    sig = float(rng.uniform(0.0, 1.3)) * max(0.6, sc)
    if sig > 0.15:
        g = cv2.GaussianBlur(g, (0, 0), sig)
    # ink and paper levels
    ink, paper = float(rng.uniform(0, 90)), float(rng.uniform(200, 255))
    g = paper + (g / 255.0 - 1.0) * (paper - ink)
    # noise and speckle
    g += rng.normal(0, float(rng.uniform(0, 9)), g.shape)
    n = int(rng.uniform(0, 4e-4) * H * W)
    if n:
        ys, xs = rng.integers(0, H, n), rng.integers(0, W, n)
        rr = rng.integers(1, max(2, int(2 * sc) + 1), n)
        for y, x, rad, v in zip(ys, xs, rr, rng.uniform(60, 230, n)):
            cv2.circle(g, (int(x), int(y)), int(rad) - 1 if rad > 1 else 0, float(v), -1)
    # resampling (lower-resolution scan)
    if rng.random() < 0.3:
        f = float(rng.uniform(0.45, 0.85))
        small = cv2.resize(g, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        g = cv2.resize(small, (W, H), interpolation=cv2.INTER_LINEAR)
    g = np.clip(g, 0, 255).astype(np.uint8)
    if rng.random() < 0.85:
        ok, enc = cv2.imencode(".jpg", g, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(25, 92))])
        g = cv2.imdecode(enc, cv2.IMREAD_GRAYSCALE)
    thr = float(rng.normal(0, 12)) if rng.random() < 0.7 else 0.0
    return g, lb, thr


def label_glyphs(an: D.Analysis, lab: np.ndarray, text: str) -> list[str]:
    """Training label of each segmented glyph.

    Args:
        an: segmentation of the degraded render (possibly upscaled, ``an.scale``).
        lab: label map of the render after the same geometry, int16 ``(H, W)``.
        text: the rendered string.

    Returns:
        One class per glyph: the character owning most of its ink when that
        character is a digit/separator, its ink is >= 85 % of the glyph's (not
        merged with a neighbour) and the glyph holds >= 75 % of the character's
        ink (not a broken piece); ``"other"`` otherwise.
    """
    totals = np.bincount((lab[lab >= 0]).ravel(), minlength=len(text))
    # let labels cover blur-grown ink: dilate the label map (max over 3x3 of label+1)
    labd = cv2.dilate((lab + 1).astype(np.uint16), np.ones((5, 5), np.uint8)).astype(np.int32) - 1
    out = []
    for g in an.glyphs:
        x, y, w, h = g.box
        s = an.scale
        # glyph mask back to label-map coordinates
        m = g.mask
        if s != 1.0:
            X0, Y0 = int(round(x / s)), int(round(y / s))
            m = cv2.resize(m.astype(np.uint8), (max(1, int(round(w / s))), max(1, int(round(h / s)))),
                           interpolation=cv2.INTER_NEAREST).astype(bool)
            x, y = X0, Y0
            h, w = m.shape
        sub = lab[y:y + h, x:x + w]
        subd = labd[y:y + h, x:x + w]
        hh, ww = min(sub.shape[0], m.shape[0]), min(sub.shape[1], m.shape[1])
        mm = m[:hh, :ww]
        own = sub[:hh, :ww][mm]
        own = own[own >= 0]
        if own.size == 0:
            own = subd[:hh, :ww][mm]
            own = own[own >= 0]
        if own.size == 0:
            out.append(D.OTHER)  # pure noise
            continue
        # clean ink of each char inside the glyph's box (mask grown a little)
        grown = cv2.dilate(m.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)[:hh, :ww]
        inbox = sub[:hh, :ww][grown]
        inbox = inbox[inbox >= 0]
        cnt = np.bincount(inbox, minlength=len(text)) if inbox.size else np.bincount(own, minlength=len(text))
        c = int(np.argmax(np.bincount(own, minlength=len(text))))
        purity = cnt[c] / max(1, cnt.sum())
        coverage = cnt[c] / max(1, totals[c])
        ch = text[c]
        if ch in CLASSES and ch != D.OTHER and purity >= 0.85 and coverage >= 0.75:
            out.append(ch)
        else:
            out.append(D.OTHER)
    return out


# --------------------------------------------------------------------------- dataset


def _job(args):
    """Worker: render ``n`` strings with seed ``seed`` over ``fonts``."""
    seed, n, fonts, words, small_frac = args
    rng = np.random.default_rng(seed)
    X, Y = [], []
    for _ in range(n):
        fam, path = fonts[int(rng.integers(0, len(fonts)))]
        if rng.random() < small_frac:
            px = int(rng.uniform(22, 39))
        else:
            pt, dpi = rng.uniform(14, 20), rng.uniform(200, 300)
            px = int(round(pt * dpi / 72))
        text = make_string(rng, words)
        img, lab = render_string(text, _font(path, px))
        g, lb, thr = degrade(img, lab, rng, px)
        an = D.analyze(g, thr_offset=thr)
        if not an.glyphs:
            continue
        labels = label_glyphs(an, lb, text)
        for gl, y in zip(an.glyphs, labels):
            X.append(D.glyph_features(gl.mask, gl.box, gl.ref, gl.baseline))
            Y.append(CLASSES.index(y))
    if not X:
        return np.zeros((0, D.N_FEATURES), np.float32), np.zeros(0, np.int16)
    return np.stack(X).astype(np.float32), np.array(Y, np.int16)


def build_dataset(fonts, n_strings: int, seed: int, workers: int, small_frac: float = 0.15):
    """Render and featurise ``n_strings`` strings; returns ``(X float32 (N,F), y int16 (N,))``."""
    from pythainlp.corpus import thai_words

    words = sorted(w for w in thai_words() if 1 < len(w) <= 12 and " " not in w)
    rng = np.random.default_rng(seed)
    words = [words[int(i)] for i in rng.integers(0, len(words), 6000)]
    chunk = 200
    jobs = [(seed * 100003 + k, min(chunk, n_strings - k * chunk), fonts, words, small_frac)
            for k in range((n_strings + chunk - 1) // chunk)]
    if workers > 1:
        with get_context("fork").Pool(workers) as pool:
            parts = pool.map(_job, jobs, chunksize=1)
    else:
        parts = [_job(j) for j in jobs]
    X = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    return X, y


def balance(X, y, rng, other_frac: float = 0.35):
    """Cap the "other" class to ``other_frac`` of the data."""
    oi = CLASSES.index(D.OTHER)
    other = np.where(y == oi)[0]
    rest = np.where(y != oi)[0]
    cap = int(other_frac / (1 - other_frac) * len(rest))
    if len(other) > cap:
        other = rng.choice(other, cap, replace=False)
    idx = np.sort(np.concatenate([rest, other]))
    return X[idx], y[idx]


# --------------------------------------------------------------------------- training


def train(X, y, seed: int = 0, hidden=(256, 128), max_iter: int = 25) -> D.DigitModel:
    """Fit the MLP (float32, Adam, L2 ``alpha=1e-3``, ``max_iter`` epochs).

    Args:
        X: features, float32 ``(N, N_FEATURES)``; y: class indices into
        :data:`CLASSES`, ``(N,)``.

    Returns:
        The exported :class:`ocr.digits.DigitModel`.

    Raises:
        RuntimeError: a class has no training sample.
    """
    from sklearn.neural_network import MLPClassifier

    mean = X.mean(axis=0).astype(np.float64)
    std = np.maximum(X.std(axis=0).astype(np.float64), 0.05)
    Xs = ((X - mean) / std).astype(np.float32)  # float32: 4x faster BLAS
    clf = MLPClassifier(hidden_layer_sizes=hidden, activation="relu", alpha=1e-3, batch_size=256,
                        learning_rate_init=1e-3, max_iter=max_iter, early_stopping=False,
                        n_iter_no_change=5, random_state=seed)
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():  # a fixed number of epochs is intended
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(Xs, y)
    present = [CLASSES[int(c)] for c in clf.classes_]
    if len(present) != len(CLASSES):
        raise RuntimeError(f"classes missing from the training data: {set(CLASSES) - set(present)}")
    return D.DigitModel(tuple(present), mean, std, tuple(np.asarray(w) for w in clf.coefs_),
                        tuple(np.asarray(b) for b in clf.intercepts_))


def glyph_report(model: D.DigitModel, X, y) -> dict:
    """Accuracy on glyphs: all, digits only (value+script), digits confused with other."""
    p = model.predict_proba(X)
    pred = np.array([CLASSES.index(model.classes[int(k)]) for k in p.argmax(1)])
    dig = np.isin(y, [CLASSES.index(c) for c in D.THAI_DIGITS + D.ARABIC_DIGITS])
    thai = np.isin(y, [CLASSES.index(c) for c in D.THAI_DIGITS])
    oi = CLASSES.index(D.OTHER)
    other = y == oi
    pd_other = np.isin(pred, [CLASSES.index(c) for c in D.THAI_DIGITS + D.ARABIC_DIGITS]) & other
    conf = p.max(1)
    hi = conf >= D.DEFAULT_MIN_PROB
    return {
        "n": int(len(y)),
        "all": float((pred == y).mean()),
        "thai_digits": float((pred[thai] == y[thai]).mean()) if thai.any() else float("nan"),
        "digits": float((pred[dig] == y[dig]).mean()) if dig.any() else float("nan"),
        "digits_conf>=0.6_err": float(((pred != y) & dig & hi).sum() / max(1, (dig & hi).sum())),
        "other_as_digit": float(pd_other.sum() / max(1, other.sum())),
        "n_thai_digits": int(thai.sum()),
    }


def number_report(model: D.DigitModel, fonts, n: int, seed: int) -> dict:
    """read_number exact-match rate on rendered, degraded numbers (digits + separators)."""
    rng = np.random.default_rng(seed)
    ok = tot = 0
    bad = []
    for _ in range(n):
        fam, path = fonts[int(rng.integers(0, len(fonts)))]
        px = int(round(rng.uniform(14, 20) * rng.uniform(200, 300) / 72))
        thai = rng.random() < 0.8
        s = _digits(rng, int(rng.integers(1, 6)), thai)
        if rng.random() < 0.5:
            s += rng.choice(["/", ".", "-"]) + _digits(rng, int(rng.integers(1, 6)), thai)
        img, lab = render_string(s, _font(path, px))
        g, _, _ = degrade(img, lab, rng, px)
        got, _ = D.read_number(g, model=model)
        tot += 1
        if got == s:
            ok += 1
        elif len(bad) < 8:
            bad.append((fam, px, s, got))
    return {"n": tot, "exact": ok / max(1, tot), "examples_wrong": bad}


# --------------------------------------------------------------------------- corpus evaluation

_NUM = re.compile(r"[๐-๙0-9]+(?:[/.,\-][๐-๙0-9]+)*")


def _numbers(text: str) -> list[str]:
    return _NUM.findall(text.replace(" ", ""))


def _multiset_hits(found: list[str], truth: list[str]) -> int:
    from collections import Counter

    c = Counter(truth)
    hit = 0
    for f in found:
        if c[f] > 0:
            c[f] -= 1
            hit += 1
    return hit


def eval_letters(corpus: Path, model: D.DigitModel, lang: str = "tha", verbose: bool = False) -> None:
    """Tesseract vs re-read digits on the corpus letters (300-dpi page renders).

    Per letter: exact Thai-digit numbers found (multiset of the .txt's numbers, a
    number being digits with ``/ . , -`` between them, spaces removed, within a
    line), digit accuracy (1 - edit distance / length over all digits of the
    letter in reading order), and whether the document number (digits and ``/``)
    and the date (day, month, year) of the .json are read exactly.
    """
    import json

    import pypdfium2 as pdfium
    import pytesseract

    print(f"\n== corpus letters (tesseract lang={lang}, 300 dpi) ==")
    tot = {"hb": 0, "ha": 0, "n": 0, "eb": 0, "ea": 0, "nd": 0}
    for pdf_path in sorted(corpus.glob("*.pdf")):
        gt_text = pdf_path.with_suffix(".txt").read_text(encoding="utf-8")
        meta = json.loads(pdf_path.with_suffix(".json").read_text(encoding="utf-8"))
        truth = [n for para in gt_text.splitlines() for n in _numbers(para) if re.search("[๐-๙]", n)]
        pdf = pdfium.PdfDocument(str(pdf_path))
        before_lines, after_lines, crop_lines = [], [], []
        for i in range(len(pdf)):
            gray = np.asarray(pdf[i].render(scale=300 / 72).to_pil().convert("L"))
            data = pytesseract.image_to_data(gray, lang=lang, output_type=pytesseract.Output.DICT)
            new, _ = D.reread_tesseract_data(gray, data, model=model)
            lines: dict[tuple, list[int]] = {}
            for k in range(len(data["text"])):
                if int(data["level"][k]) == 5 and str(data["text"][k]).strip():
                    key = (data["block_num"][k], data["par_num"][k], data["line_num"][k])
                    lines.setdefault(key, []).append(k)
            boxes = {(data["block_num"][k], data["par_num"][k], data["line_num"][k]):
                     (data["left"][k], data["top"][k], data["width"][k], data["height"][k])
                     for k in range(len(data["text"])) if int(data["level"][k]) == 4}
            for key, ks in lines.items():
                before_lines.append("".join(str(data["text"][k]) for k in ks))
                after_lines.append("".join(new[k] for k in ks))
                # the plain API on the same line: reread_digits(line crop, line text)
                x0, y0, x1, y1 = D._line_crop(gray, data, ks, boxes.get(key))
                txt, _ = D.reread_digits(gray[y0:y1, x0:x1], " ".join(str(data["text"][k]) for k in ks), model=model)
                crop_lines.append(txt.replace(" ", ""))
        found_b = [n for l in before_lines for n in _numbers(l)]
        found_a = [n for l in after_lines for n in _numbers(l)]
        hb, ha = _multiset_hits(found_b, truth), _multiset_hits(found_a, truth)
        hc = _multiset_hits([n for l in crop_lines for n in _numbers(l)], truth)
        dg = "".join(c for c in gt_text if D._is_digit(c))
        eb = _edit("".join(c for l in before_lines for c in l if D._is_digit(c)), dg)
        ea = _edit("".join(c for l in after_lines for c in l if D._is_digit(c)), dg)
        for k, v in (("hb", hb), ("ha", ha), ("n", len(truth)), ("eb", eb), ("ea", ea), ("nd", len(dg))):
            tot[k] += v
        keep = lambda t: "".join(c for c in t if D._is_digit(c) or c == "/")  # noqa: E731
        docnum = keep(meta["document_number"])
        y, m, d = (int(v) for v in meta["document_date"].split("-"))
        th = str.maketrans(D.ARABIC_DIGITS, D.THAI_DIGITS)
        date = f"{str(d).translate(th)}{MONTHS[m - 1]}{str(y + 543).translate(th)}"
        num_b = any(docnum in keep(l) for l in before_lines)
        num_a = any(docnum in keep(l) for l in after_lines)
        date_b = any(date in l.replace(" ", "") for l in before_lines)
        date_a = any(date in l.replace(" ", "") for l in after_lines)
        tot["hc"] = tot.get("hc", 0) + hc
        print(f"{pdf_path.stem}: numbers exact {hb}/{len(truth)} -> {ha}/{len(truth)} "
              f"(reread_digits per line: {hc}/{len(truth)}); "
              f"digit accuracy {1 - eb / len(dg):.3f} -> {1 - ea / len(dg):.3f} ({len(dg)} digits); "
              f"document number {meta['document_number']!r} {'OK' if num_b else 'wrong'} -> {'OK' if num_a else 'wrong'}; "
              f"date {date} {'OK' if date_b else 'wrong'} -> {'OK' if date_a else 'wrong'}")
        if verbose:
            for b, a in zip(before_lines, after_lines):
                if b != a:
                    print(f"     {b}\n  -> {a}")
    print(f"ALL LETTERS: numbers exact {tot['hb']}/{tot['n']} -> {tot['ha']}/{tot['n']} "
          f"(reread_digits per line: {tot['hc']}/{tot['n']}); digit accuracy "
          f"{1 - tot['eb'] / tot['nd']:.3f} -> {1 - tot['ea'] / tot['nd']:.3f} over {tot['nd']} digits")


def _edit(a: str, b: str) -> int:
    d = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, d[0] = d[0], i
        for j, cb in enumerate(b, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (ca != cb))
    return d[-1]


def eval_lines(lines_dir: Path, model: D.DigitModel, verbose: bool = False) -> None:
    """Digit accuracy before/after on the real cut lines (tesseract --psm 7)."""
    import pytesseract

    print("\n== real lines (tesseract lang=tha --psm 7) ==")
    rows = [r.split("\t") for r in (lines_dir / "gt.tsv").read_text(encoding="utf-8").splitlines()[1:] if r.strip()]
    err_b = err_a = n_dig = 0
    ex_b = ex_a = n_num = 0
    worse = better = 0
    for row in rows:
        name, gt = row[0], row[1]
        gray = np.asarray(Image.open(lines_dir / "images" / name).convert("L"))
        data = pytesseract.image_to_data(gray, lang="tha", config="--psm 7",
                                         output_type=pytesseract.Output.DICT)
        new, _ = D.reread_tesseract_data(gray, data, model=model)
        before = " ".join(str(t) for t, lv in zip(data["text"], data["level"]) if int(lv) == 5 and str(t).strip())
        after = " ".join(t for t, lv in zip(new, data["level"]) if int(lv) == 5 and t.strip())
        dg = "".join(c for c in gt if D._is_digit(c))
        if not dg:
            continue
        db = "".join(c for c in before if D._is_digit(c))
        da = "".join(c for c in after if D._is_digit(c))
        eb, ea = _edit(db, dg), _edit(da, dg)
        err_b += eb
        err_a += ea
        n_dig += len(dg)
        tn = _numbers(gt)
        ex_b += _multiset_hits(_numbers(before), tn)
        ex_a += _multiset_hits(_numbers(after), tn)
        n_num += len(tn)
        worse += ea > eb
        better += ea < eb
        if verbose and (ea != eb or before != after):
            print(f"{name}: gt {dg} | tess {db} ({eb}) -> {da} ({ea})")
    print(f"digit accuracy (1-ED/len): {1 - err_b / n_dig:.3f} -> {1 - err_a / n_dig:.3f} over {n_dig} digits;"
          f" numbers exact {ex_b}/{n_num} -> {ex_a}/{n_num}; lines better {better}, worse {worse}")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--strings", type=int, default=18000, help="training strings to render")
    ap.add_argument("--test-strings", type=int, default=2500, help="held-out-font strings")
    ap.add_argument("--holdout", default=DEFAULT_HOLDOUT, help="font family kept out of training")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=MODEL_OUT)
    ap.add_argument("--eval-only", action="store_true", help="load --out and only evaluate")
    ap.add_argument("--eval-corpus", type=Path, default=None,
                    help="corpus dir with letters/ and real/lines/ (e.g. ../shared/corpus)")
    ap.add_argument("--lang", default="tha", help="Tesseract language for --eval-corpus letters")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every changed line")
    args = ap.parse_args(argv)

    t0 = time.time()
    fonts = thai_fonts()
    train_fonts = [f for f in fonts if f[0] != args.holdout]
    test_fonts = [f for f in fonts if f[0] == args.holdout]
    print(f"fonts: {len(train_fonts)} training faces ({sorted({f for f, _ in train_fonts})}), "
          f"held out: {[p.name for _, p in test_fonts]}")
    if args.eval_only:
        model = D.DigitModel.load(args.out)
    else:
        X, y = build_dataset(train_fonts, args.strings, args.seed, args.workers)
        X, y = balance(X, y, np.random.default_rng(args.seed))
        counts = np.bincount(y, minlength=len(CLASSES))
        print(f"training glyphs: {len(y)} ({time.time() - t0:.0f} s); per class: "
              + " ".join(f"{c}:{n}" for c, n in zip(CLASSES, counts)))
        t1 = time.time()
        model = train(X, y, seed=args.seed)
        print(f"MLP trained in {time.time() - t1:.0f} s")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        model.save(args.out)
        print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    if test_fonts:
        Xt, yt = build_dataset(test_fonts, args.test_strings, args.seed + 7, args.workers)
        print(f"held-out font {args.holdout}: glyphs {glyph_report(model, Xt, yt)}")
        print(f"held-out font {args.holdout}: read_number {number_report(model, test_fonts, 600, args.seed + 11)}")
    print(f"total time {time.time() - t0:.0f} s")
    if args.eval_corpus:
        if (args.eval_corpus / "letters").is_dir():
            eval_letters(args.eval_corpus / "letters", model, args.lang, args.verbose)
        else:
            print(f"skip letters: {args.eval_corpus / 'letters'} not found")
        if (args.eval_corpus / "real" / "lines").is_dir():
            eval_lines(args.eval_corpus / "real" / "lines", model, args.verbose)
        else:
            print("skip real lines: not found")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
