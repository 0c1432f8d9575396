"""Dedicated re-reader for Thai (and Arabic) digits in scanned letters.

Stock Tesseract (``tha``) confuses Thai digits on scans (๘→๕, ๗→๓, ๖→๒, ๙→๕).
This module segments a word or line crop into glyphs, classifies each glyph with a
small numpy MLP (weights in ``ocr/models/thai_digits.npz``, trained from rendered
fonts by ``ocr/training/train_digits.py``) and replaces the digits of Tesseract's
text where the glyph sequence lines up with the text.

Classes: ``๐``–``๙``, ``0``–``9``, the separators ``/ . - ,`` and ``other`` (Thai
letters and marks, Latin letters, punctuation, broken or merged glyphs), so that a
letter is never forced into a digit. Features: the binarised glyph scaled into a
24 x 24 box keeping its aspect ratio, its gradient-orientation histogram, and its
aspect ratio, size and position relative to the line (:func:`glyph_features`).

Entry points: :func:`reread_digits` (a word/line crop and Tesseract's text for it),
:func:`read_number` (a crop holding only a number), :func:`reread_tesseract_data`
(a whole ``pytesseract.image_to_data`` result, line by line; the one to use on
pages), and the building blocks :func:`segment_glyphs` and :func:`classify`.

Images are numpy arrays: 2-D ``uint8`` grey (dark text on light paper); RGB(A)
arrays are converted to grey. Boxes are ``(x, y, w, h)`` in pixels of the input.
No Django, no Tesseract call in here (the caller runs Tesseract).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import cv2
import numpy as np

__all__ = [
    "MODEL_PATH",
    "THAI_DIGITS",
    "ARABIC_DIGITS",
    "SEPARATORS",
    "OTHER",
    "BOX",
    "N_FEATURES",
    "DigitModel",
    "Glyph",
    "Analysis",
    "load_model",
    "analyze",
    "glyph_features",
    "segment_glyphs",
    "classify",
    "classify_glyphs",
    "reread_digits",
    "read_number",
    "reread_tesseract_data",
]

MODEL_PATH = Path(__file__).resolve().parent / "models" / "thai_digits.npz"
"""Default weights file (numpy ``.npz``, no pickled objects)."""

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
ARABIC_DIGITS = "0123456789"
SEPARATORS = "/.-,"
OTHER = "other"
"""Label of the non-digit class."""

BOX = 24
"""Side in px of the square the glyph bitmap is normalised into."""

N_SCALARS = 8
"""Number of scalar shape features appended to the bitmap and its HOG."""

HOG_CELL, HOG_BINS = 6, 8
N_HOG = (BOX // HOG_CELL) ** 2 * HOG_BINS
"""Length of the gradient-orientation histogram (4x4 cells of 6 px, 8 unsigned bins)."""

N_FEATURES = BOX * BOX + N_HOG + N_SCALARS
"""Length of a glyph feature vector (see :func:`glyph_features`)."""

# cell index of every pixel of the BOX x BOX canvas, for the HOG
_CELL_OF = ((np.arange(BOX)[:, None] // HOG_CELL) * (BOX // HOG_CELL) + np.arange(BOX)[None, :] // HOG_CELL).ravel()

DEFAULT_MIN_PROB = 0.6
"""Default classifier probability needed to replace a digit."""

_DIGIT_TO_VALUE = {c: i for i, c in enumerate(THAI_DIGITS)} | {c: i for i, c in enumerate(ARABIC_DIGITS)}
_THAI_LETTER = re.compile("[\u0e01-\u0e4f]")  # Thai letters, vowels, marks (not digits)


def _is_digit(ch: str) -> bool:
    return ch in _DIGIT_TO_VALUE


def _kind_of_char(ch: str) -> str:
    """'d' digit, 's' separator, ' ' whitespace, 'o' anything else."""
    if _is_digit(ch):
        return "d"
    if ch in SEPARATORS:
        return "s"
    if ch.isspace():
        return " "
    return "o"


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class DigitModel:
    """A small MLP glyph classifier evaluated in numpy.

    Attributes:
        classes: the labels, shape ``(C,)`` (``"๐"``…``"9"``, ``"/"``, …, ``"other"``).
        mean, std: feature standardisation, shape ``(F,)`` with ``F = N_FEATURES``.
        weights, biases: dense layers; hidden layers use ReLU, the last softmax.
    """

    classes: tuple[str, ...]
    mean: np.ndarray
    std: np.ndarray
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    def predict_proba(self, feats: np.ndarray) -> np.ndarray:
        """Class probabilities.

        Args:
            feats: features, shape ``(N, F)`` or ``(F,)`` (see :func:`glyph_features`).

        Returns:
            Probabilities, shape ``(N, C)`` (rows sum to 1), float64.

        Raises:
            ValueError: wrong feature length.
        """
        x = np.atleast_2d(np.asarray(feats, dtype=np.float64))
        if x.shape[1] != self.mean.shape[0]:
            raise ValueError(f"expected {self.mean.shape[0]} features, got {x.shape[1]}")
        h = (x - self.mean) / self.std
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = h @ w + b
            if i < len(self.weights) - 1:
                np.maximum(h, 0.0, out=h)
        h -= h.max(axis=1, keepdims=True)
        e = np.exp(h)
        return e / e.sum(axis=1, keepdims=True)

    def save(self, path: str | Path) -> None:
        """Write the model as a compressed ``.npz`` of plain arrays (no pickle).

        Args:
            path: destination file.
        """
        arrays: dict[str, np.ndarray] = {
            "classes": np.array(self.classes, dtype="<U8"),
            "mean": self.mean.astype(np.float32),
            "std": self.std.astype(np.float32),
            "n_layers": np.array(len(self.weights), dtype=np.int32),
            "box": np.array(BOX, dtype=np.int32),
            "n_scalars": np.array(N_SCALARS, dtype=np.int32),
            "n_features": np.array(N_FEATURES, dtype=np.int32),
        }
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            arrays[f"W{i}"] = w.astype(np.float32)
            arrays[f"b{i}"] = b.astype(np.float32)
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: str | Path) -> "DigitModel":
        """Read a model written by :meth:`save` (``np.load(allow_pickle=False)``).

        Raises:
            FileNotFoundError: no such file.
            ValueError: the file was made for another feature layout.
        """
        with np.load(path, allow_pickle=False) as z:
            if (int(z["box"]) != BOX or int(z["n_scalars"]) != N_SCALARS
                    or "n_features" not in z.files or int(z["n_features"]) != N_FEATURES):
                raise ValueError(f"{path}: model made for another feature layout")
            n = int(z["n_layers"])
            return cls(
                classes=tuple(str(c) for c in z["classes"]),
                mean=z["mean"].astype(np.float64),
                std=z["std"].astype(np.float64),
                weights=tuple(z[f"W{i}"].astype(np.float64) for i in range(n)),
                biases=tuple(z[f"b{i}"].astype(np.float64) for i in range(n)),
            )


@functools.lru_cache(maxsize=4)
def load_model(path: str | Path | None = None) -> DigitModel:
    """Load (and cache) the glyph classifier.

    Args:
        path: ``.npz`` file; default :data:`MODEL_PATH`.

    Returns:
        The :class:`DigitModel`.

    Raises:
        FileNotFoundError: the weights file is missing (run
            ``python -m ocr.training.train_digits``).
    """
    return DigitModel.load(Path(path) if path is not None else MODEL_PATH)


# --------------------------------------------------------------------------- segmentation


@dataclass
class Glyph:
    """One segmented glyph of a crop.

    Attributes:
        box: ``(x, y, w, h)`` in pixels of the (possibly upscaled) analysed image.
        mask: bool array ``(h, w)``, the glyph's own ink inside ``box``.
        ref: typical glyph height of the crop in px (x-height-like reference).
        baseline: y of the text baseline in the analysed image, px.
        label, prob, probs: filled by :func:`classify_glyphs`.
    """

    box: tuple[int, int, int, int]
    mask: np.ndarray
    ref: float
    baseline: float
    label: str = ""
    prob: float = 0.0
    probs: np.ndarray | None = field(default=None, repr=False)
    parts: list = field(default_factory=list, repr=False)  # [(box, mask)] per component


@dataclass
class Analysis:
    """Segmentation of a crop: glyphs left to right and the scale used."""

    glyphs: list[Glyph]
    scale: float  # analysed image = input * scale
    ref: float
    baseline: float

    def boxes(self) -> list[tuple[int, int, int, int]]:
        """Glyph boxes ``(x, y, w, h)`` in input pixels."""
        out = []
        for g in self.glyphs:
            x, y, w, h = g.box
            s = self.scale
            x0, y0 = int(np.floor(x / s)), int(np.floor(y / s))
            x1, y1 = int(np.ceil((x + w) / s)), int(np.ceil((y + h) / s))
            out.append((x0, y0, max(1, x1 - x0), max(1, y1 - y0)))
        return out


def _to_gray(img: np.ndarray) -> np.ndarray:
    a = np.asarray(img)
    if a.ndim == 3:
        if a.shape[2] == 4:
            a = a[..., :3]
        a = cv2.cvtColor(np.ascontiguousarray(a.astype(np.uint8)), cv2.COLOR_RGB2GRAY)
    elif a.ndim != 2:
        raise ValueError(f"expected a 2-D grey or 3-D colour image, got shape {a.shape}")
    if a.dtype != np.uint8:
        if a.dtype == bool:
            a = np.where(a, 0, 255)
        elif np.issubdtype(a.dtype, np.floating) and a.size and a.max() <= 1.0:
            a = a * 255.0
        a = np.clip(a, 0, 255).astype(np.uint8)
    return a


def _binarize(gray: np.ndarray, thr_offset: float = 0.0) -> np.ndarray:
    """Ink mask (True = ink) by Otsu's threshold (+ offset, for training jitter)."""
    if gray.size == 0 or int(gray.max()) - int(gray.min()) < 40:
        return np.zeros(gray.shape, bool)
    t, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return gray <= (t + thr_offset)


def _components(ink: np.ndarray):
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    return n, labels, stats


def _ref_baseline(stats: np.ndarray, idx: Sequence[int]) -> tuple[float, float]:
    """Typical glyph height and baseline from component boxes."""
    if not len(idx):
        return 1.0, 0.0
    hs = stats[idx, cv2.CC_STAT_HEIGHT].astype(float)
    ws = stats[idx, cv2.CC_STAT_WIDTH].astype(float)
    size = np.maximum(hs, ws)
    keep = [i for i, s, h in zip(idx, size, hs) if h >= 0.35 * hs.max() and s >= 0.3 * size.max()]
    if not keep:
        keep = list(idx)
    h = stats[keep, cv2.CC_STAT_HEIGHT].astype(float)
    bottoms = stats[keep, cv2.CC_STAT_TOP] + h
    return float(max(1.0, np.median(h))), float(np.median(bottoms))


def analyze(gray: np.ndarray, *, thr_offset: float = 0.0, min_ref: float = 28.0,
            edge_pad: bool = False) -> Analysis:
    """Binarise a crop and segment it into glyphs (internal, shared with training).

    Steps: Otsu binarisation; 8-connected components; drop specks smaller than
    12 % of the typical glyph height; merge components that overlap horizontally
    by half the narrower one (Thai vowel/tone marks with their consonant, pieces of a
    broken glyph, the two dots of ะ), or that are tiny and nearly touching;
    sort left to right. Crops whose glyphs are smaller than ``min_ref`` px are
    upscaled first.

    Args:
        gray: crop, 2-D uint8, dark text on light background (colour is converted).
        thr_offset: added to Otsu's threshold (grey levels), training jitter only.
        min_ref: upscale so the typical glyph height is at least this many px.
        edge_pad: the crop was padded above and below its text line, so anything cut
            by the top or bottom edge outside the line's body belongs to the
            neighbouring lines and is dropped.

    Returns:
        An :class:`Analysis` (glyphs in the analysed, possibly upscaled, image).

    Raises:
        ValueError: not an image array.
    """
    g = _to_gray(gray)
    scale = 1.0
    ink = _binarize(g, thr_offset)
    n, labels, stats = _components(ink)
    idx = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= 3]
    ref, _ = _ref_baseline(stats, idx)
    if idx and ref < min_ref:
        scale = min(6.0, min_ref / ref)
        g = cv2.resize(g, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        ink = _binarize(g, thr_offset)
        n, labels, stats = _components(ink)
        idx = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= 3]
    H = g.shape[0]
    if edge_pad:  # pieces cut by the crop edge do not tell where this line is
        inner = [i for i in idx if stats[i, cv2.CC_STAT_TOP] > 0
                 and stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT] < H]
        ref, base = _ref_baseline(stats, inner or idx)
    else:
        ref, base = _ref_baseline(stats, idx)
    keep = []
    for i in idx:
        x, y, w, h, a = stats[i]
        if max(w, h) < 0.12 * ref:
            continue  # speck
        # intruders from the neighbouring lines: marks of the line below (they start
        # well under the baseline) and descenders of the line above cut by the edge
        if y > base + 0.45 * ref and h < 0.8 * ref:
            continue
        if y == 0 and y + h < base - (0.9 if edge_pad else 1.5) * ref:
            continue
        if edge_pad and y + h >= H and y > base + 0.2 * ref:
            continue
        keep.append(i)
    # union-find merge
    parent = {i: i for i in keep}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(keep, key=lambda i: stats[i, cv2.CC_STAT_LEFT])
    for a_i, i in enumerate(order):
        xi, yi, wi, hi = stats[i, :4]
        for j in order[a_i + 1:]:
            xj, yj, wj, hj = stats[j, :4]
            if xj > xi + wi + 0.1 * ref:
                break
            ov = min(xi + wi, xj + wj) - max(xi, xj)
            small = min(max(wi, hi), max(wj, hj)) < 0.3 * ref
            vgap = max(yi, yj) - min(yi + hi, yj + hj)
            if ov >= 0.5 * min(wi, wj) and vgap <= 0.45 * ref:
                parent[find(j)] = find(i)
            elif small and ov >= -0.04 * ref:
                # a small piece (mark, broken stroke) touching/overlapping a neighbour
                # is merged only when it is vertically outside the other's body
                if vgap >= 0 and vgap <= 0.45 * ref and ov >= 0.2 * min(wi, wj):
                    parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in keep:
        groups.setdefault(find(i), []).append(i)
    glyphs: list[Glyph] = []
    for members in groups.values():
        xs0 = [stats[i, cv2.CC_STAT_LEFT] for i in members]
        ys0 = [stats[i, cv2.CC_STAT_TOP] for i in members]
        xs1 = [stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH] for i in members]
        ys1 = [stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT] for i in members]
        x0, y0, x1, y1 = min(xs0), min(ys0), max(xs1), max(ys1)
        sub = labels[y0:y1, x0:x1]
        mask = np.isin(sub, members)
        parts = []
        if len(members) > 1:
            for i in members:
                px, py, pw, ph = (int(v) for v in stats[i, :4])
                parts.append(((px, py, pw, ph), labels[py:py + ph, px:px + pw] == i))
        glyphs.append(Glyph((int(x0), int(y0), int(x1 - x0), int(y1 - y0)), mask, ref, base, parts=parts))
    glyphs.sort(key=lambda gl: (gl.box[0] + gl.box[2] / 2.0))
    return Analysis(glyphs, scale, ref, base)


def segment_glyphs(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes of the glyphs in a word or line crop, left to right.

    Connected components are merged when they belong to one glyph (a consonant with
    its vowel/tone marks, the pieces of a broken stroke); specks are dropped.

    Args:
        gray: crop, 2-D uint8 ``(H, W)``, dark text on light background (RGB is
            converted to grey).

    Returns:
        List of ``(x, y, w, h)`` boxes in pixels of ``gray``, sorted by centre x.

    Raises:
        ValueError: not a 2-D/3-D image array.
    """
    return analyze(gray).boxes()


# --------------------------------------------------------------------------- features


def _holes(mask: np.ndarray) -> int:
    """Number of enclosed background regions of a glyph mask."""
    pad = np.pad(~mask, 1, constant_values=True).astype(np.uint8)
    n, _ = cv2.connectedComponents(pad, connectivity=4)
    return max(0, n - 2)


def _hog(canvas: np.ndarray) -> np.ndarray:
    """Unsigned gradient-orientation histogram of the ``BOX x BOX`` canvas, L2-normalised."""
    gy, gx = np.gradient(canvas)
    mag = np.hypot(gx, gy).ravel()
    ang = (np.arctan2(gy, gx) % np.pi).ravel() / np.pi * HOG_BINS
    b0 = np.floor(ang).astype(np.int64)
    w1 = ang - b0
    b0 %= HOG_BINS
    b1 = (b0 + 1) % HOG_BINS
    n = N_HOG
    h = np.bincount(_CELL_OF * HOG_BINS + b0, weights=mag * (1 - w1), minlength=n)
    h += np.bincount(_CELL_OF * HOG_BINS + b1, weights=mag * w1, minlength=n)
    return (h / (np.linalg.norm(h) + 1e-6)).astype(np.float32)


def glyph_features(mask: np.ndarray, box: tuple[int, int, int, int], ref: float, baseline: float) -> np.ndarray:
    """Feature vector of one glyph.

    Args:
        mask: bool ``(h, w)``, the glyph's ink.
        box: ``(x, y, w, h)`` of the glyph in the analysed image, px.
        ref: typical glyph height of its crop, px.
        baseline: baseline y of its crop, px.

    Returns:
        float32 vector of length :data:`N_FEATURES`: the ink bitmap scaled to fit
        ``BOX-4`` px keeping its aspect ratio and centred in ``BOX x BOX`` (0..1),
        its gradient-orientation histogram (:data:`N_HOG` values), then log aspect,
        height/ref, width/ref, top and bottom relative to the baseline (in ref
        units), ink density, number of holes/2, log(ref/40).
    """
    x, y, w, h = box
    m = mask.astype(np.float32)
    side = max(w, h)
    s = (BOX - 4) / float(side)
    nw, nh = max(1, int(round(w * s))), max(1, int(round(h * s)))
    small = cv2.resize(m, (nw, nh), interpolation=cv2.INTER_AREA)
    canvas = np.zeros((BOX, BOX), np.float32)
    ox, oy = (BOX - nw) // 2, (BOX - nh) // 2
    canvas[oy:oy + nh, ox:ox + nw] = small
    ref = max(1.0, float(ref))
    scal = np.array(
        [
            np.log(w / float(h)),
            h / ref,
            w / ref,
            (y - baseline) / ref,
            (y + h - baseline) / ref,
            float(mask.mean()),
            min(_holes(mask), 4) / 2.0,
            np.log(ref / 40.0),
        ],
        np.float32,
    )
    return np.concatenate([canvas.ravel(), _hog(canvas), scal])


def _trim(mask: np.ndarray, x: int, y: int):
    """Crop a mask to its ink; returns ``(box, mask)`` or None when empty."""
    rows, cols = np.where(mask.any(axis=1))[0], np.where(mask.any(axis=0))[0]
    if not len(rows) or not len(cols):
        return None
    r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    return (int(x + c0), int(y + r0), int(c1 - c0), int(r1 - r0)), mask[r0:r1, c0:c1]


def _split_touching(g: Glyph, model: DigitModel, digit_idx: list[int], depth: int = 0) -> list[Glyph] | None:
    """Split a wide "other" glyph into touching digits.

    Tries the columns of least ink in the middle of the glyph; a cut is kept when
    both sides read as digits with probability >= 0.9 (a side may be split once
    more, for three touching digits). Returns the new glyphs or None.
    """
    x, y, w, h = g.box
    col = g.mask.sum(axis=0).astype(float)
    lo, hi = int(0.2 * w), int(0.8 * w)
    if hi - lo < 2:
        return None
    cand = sorted(range(lo, hi), key=lambda c: (col[c], abs(c - w / 2)))[:6]
    best = None
    for c in cand:
        pieces = []
        for sub, ox in ((g.mask[:, :c], 0), (g.mask[:, c:], c)):
            t = _trim(sub, x + ox, y)
            if t is None:
                break
            pieces.append(t)
        if len(pieces) != 2:
            continue
        feats = np.stack([glyph_features(m, b, g.ref, g.baseline) for b, m in pieces])
        probs = model.predict_proba(feats)
        news = []
        score = 1.0
        for (b, m), p in zip(pieces, probs):
            k = int(np.argmax(p))
            ng = Glyph(b, m, g.ref, g.baseline, model.classes[k], float(p[k]), p)
            if k not in digit_idx or p[k] < 0.9:
                if depth == 0 and model.classes[k] == OTHER and b[2] >= 1.1 * g.ref:
                    more = _split_touching(ng, model, digit_idx, depth + 1)
                    if more:
                        news += more
                        score = min(score, min(q.prob for q in more))
                        continue
                score = 0.0
                break
            news.append(ng)
            score = min(score, float(p[k]))
        if score >= 0.9 and (best is None or score > best[0]):
            best = (score, news)
    return best[1] if best else None


def classify_glyphs(analysis: Analysis, model: DigitModel | None = None, *, repair: bool = True) -> Analysis:
    """Classify every glyph of an analysis in place (label, prob, probs).

    With ``repair``, a glyph read as "other" that is wide is tried as two (or
    three) touching digits, and one made of several pieces is tried as its largest
    piece alone (a digit merged with a stray mark); the change is kept only when
    the new pieces are digits with probability >= 0.9 (0.95 for the piece).

    Args:
        analysis: from :func:`analyze`.
        model: classifier; default :func:`load_model`.
        repair: allow the two repairs above (may change the number of glyphs).

    Returns:
        The same ``analysis``.

    Raises:
        FileNotFoundError: no model file.
    """
    if not analysis.glyphs:
        return analysis
    model = model or load_model()
    feats = np.stack([glyph_features(g.mask, g.box, g.ref, g.baseline) for g in analysis.glyphs])
    probs = model.predict_proba(feats)
    for g, p in zip(analysis.glyphs, probs):
        k = int(np.argmax(p))
        g.label, g.prob, g.probs = model.classes[k], float(p[k]), p
    if not repair:
        return analysis
    # a digit merged with a stray mark or a piece of a neighbouring line reads as
    # "other": retry with its largest component alone and keep it if clearly a digit
    digit_idx = [i for i, c in enumerate(model.classes) if c in _DIGIT_TO_VALUE]
    out: list[Glyph] = []
    for g in analysis.glyphs:
        if g.label == OTHER and g.box[2] >= 1.1 * g.ref:
            split = _split_touching(g, model, digit_idx)
            if split:
                out += split
                continue
        out.append(g)
    analysis.glyphs = out
    for g in analysis.glyphs:
        if g.label != OTHER or len(g.parts) < 2:
            continue
        areas = [m.sum() for _, m in g.parts]
        k = int(np.argmax(areas))
        if areas[k] < 0.6 * sum(areas):
            continue
        box, mask = g.parts[k]
        p = model.predict_proba(glyph_features(mask, box, g.ref, g.baseline)[None])[0]
        j = int(np.argmax(p))
        if j in digit_idx and p[j] >= 0.95:
            g.box, g.mask, g.parts = box, mask, []
            g.label, g.prob, g.probs = model.classes[j], float(p[j]), p
    return analysis


def classify(glyph: np.ndarray) -> tuple[str, float]:
    """Classify a crop holding a single glyph.

    Without its word around it the glyph's height and baseline are taken from the
    crop itself; inside words use :func:`reread_digits`/:func:`read_number`, which
    use the whole crop as context.

    Args:
        glyph: crop, 2-D uint8 ``(H, W)``, dark on light (RGB converted).

    Returns:
        ``(char, probability)``: char is one of ``๐``–``๙``, ``0``–``9``, ``/ . - ,``
        or ``"other"``; probability in [0, 1]. An empty crop gives ``("other", 0.0)``.

    Raises:
        ValueError: not an image array.
        FileNotFoundError: no model file.
    """
    an = analyze(glyph)
    if not an.glyphs:
        return OTHER, 0.0
    # the whole crop is one glyph: union of its pieces
    xs0 = min(g.box[0] for g in an.glyphs)
    ys0 = min(g.box[1] for g in an.glyphs)
    xs1 = max(g.box[0] + g.box[2] for g in an.glyphs)
    ys1 = max(g.box[1] + g.box[3] for g in an.glyphs)
    mask = np.zeros((ys1 - ys0, xs1 - xs0), bool)
    for g in an.glyphs:
        x, y, w, h = g.box
        mask[y - ys0:y - ys0 + h, x - xs0:x - xs0 + w] |= g.mask
    box = (xs0, ys0, xs1 - xs0, ys1 - ys0)
    one = Analysis([Glyph(box, mask, float(box[3]), float(ys1))], an.scale, float(box[3]), float(ys1))
    classify_glyphs(one, repair=False)
    g = one.glyphs[0]
    return g.label, g.prob


# --------------------------------------------------------------------------- re-reading


@dataclass
class _GInfo:
    kind: str  # 'd', 's', 'o'
    value: int  # digit value (argmax over both scripts) or -1
    pvalue: float  # probability of that value (Thai + Arabic)
    pthai: float  # P(Thai digit) among digit probability
    sep: str
    x0: float
    x1: float


def _glyph_info(an: Analysis, model: DigitModel) -> list[_GInfo]:
    cls = model.classes
    ti = [cls.index(c) for c in THAI_DIGITS]
    ai = [cls.index(c) for c in ARABIC_DIGITS]
    si = [cls.index(c) for c in SEPARATORS]
    out = []
    for g in an.glyphs:
        p = g.probs
        pt, pa = p[ti], p[ai]
        pd = float(pt.sum() + pa.sum())
        ps = float(p[si].sum())
        po = 1.0 - pd - ps
        kind = "d" if pd >= max(ps, po) else ("s" if ps >= po else "o")
        val = pt + pa
        v = int(np.argmax(val))
        out.append(
            _GInfo(kind, v, float(val[v]), float(pt.sum() / max(pd, 1e-9)),
                   SEPARATORS[int(np.argmax(p[si]))], g.box[0] / an.scale, (g.box[0] + g.box[2]) / an.scale)
        )
    return out


def _runs(kinds: Sequence[str]) -> list[list[int]]:
    """Maximal runs of digit/separator items (spaces ignored) holding >= 1 digit.

    Returns lists of the indices of the *digits* of each run.
    """
    runs: list[list[int]] = []
    cur: list[int] = []
    for i, k in enumerate(kinds):
        if k == " " or k == "s":
            continue
        if k == "d":
            cur.append(i)
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def _apply(text: str, pairs: Iterable[tuple[int, _GInfo]], min_prob: float, script_runs) -> tuple[str, float]:
    chars = list(text)
    conf = 1.0
    for ti, gi in pairs:
        conf = min(conf, gi.pvalue)
        if gi.pvalue < min_prob:
            continue
        thai = script_runs.get(ti, chars[ti] in THAI_DIGITS)
        chars[ti] = (THAI_DIGITS if thai else ARABIC_DIGITS)[gi.value]
    return "".join(chars), conf


def _script_for_run(text: str, tidx: list[int], ginfos: list[_GInfo]) -> dict[int, bool]:
    """Digit script of a run: Tesseract's unless the classifier is sure otherwise."""
    pthai = float(np.mean([g.pthai for g in ginfos]))
    out = {}
    for ti in tidx:
        tes_thai = text[ti] in THAI_DIGITS
        if tes_thai and pthai < 0.1:
            out[ti] = False
        elif not tes_thai and pthai > 0.9:
            out[ti] = True
        else:
            out[ti] = tes_thai
    return out


def _all_digitish(ginfos: list[_GInfo], min_prob: float) -> bool:
    return bool(ginfos) and any(g.kind == "d" for g in ginfos) and all(
        g.kind in "ds" and (g.pvalue >= min_prob if g.kind == "d" else True) for g in ginfos
    )


def _number_text(an: Analysis, ginfos: list[_GInfo]) -> tuple[str, float]:
    """Glyphs of a digits-only crop to text (Thai digits when the glyphs are Thai)."""
    digs = [g for g in ginfos if g.kind == "d"]
    if not digs:
        return "", 0.0
    thai = float(np.mean([g.pthai for g in digs])) >= 0.5
    table = THAI_DIGITS if thai else ARABIC_DIGITS
    out: list[str] = []
    conf = 1.0
    prev_x1 = None
    # a space: a gap wider than half a glyph and than twice the usual gap
    kept = [g for g in ginfos if g.kind in "ds"]
    gaps = [b.x0 - a.x1 for a, b in zip(kept, kept[1:])]
    gap = 0.5 * an.ref / an.scale
    if len(gaps) >= 3:
        gap = max(gap, 2.0 * float(np.median(gaps)))
    for g in ginfos:
        if prev_x1 is not None and g.x0 - prev_x1 > gap and out and out[-1] != " ":
            out.append(" ")
        if g.kind == "d":
            out.append(table[g.value])
            conf = min(conf, g.pvalue)
        elif g.kind == "s":
            out.append(g.sep)
        else:
            conf = min(conf, 1.0 - g.pvalue)  # an unreadable glyph lowers the confidence
            continue
        prev_x1 = g.x1
    return "".join(out).strip(), conf


_GARBAGE = re.compile(r"^[A-Za-z()\[\]{}|!:;'\"`~^_=+*<>?\\.,/-]{1,6}$")


def reread_digits(
    gray_word: np.ndarray,
    tesseract_text: str,
    *,
    min_prob: float = DEFAULT_MIN_PROB,
    model: DigitModel | None = None,
) -> tuple[str, float]:
    """Re-read the digits of Tesseract's text for a word or line crop.

    The crop is segmented and every glyph classified. Digit runs (digits and
    separators between letters; spaces ignored) are taken from the text and from the
    glyphs; when both have the same number of runs with the same number of digits
    each, every text digit is replaced by the classifier's digit for the glyph at
    the same place, if its probability is at least ``min_prob``; the script (Thai or
    Arabic) follows Tesseract unless the classifier is sure of the other one.
    Otherwise the text is returned unchanged. Special case: a short text with no
    Thai letters and no digits (Tesseract garbage such as ``"ene)"``) whose glyphs
    are all confidently digits/separators is replaced by the number read.

    Args:
        gray_word: crop, 2-D uint8 ``(H, W)``, dark text on light (RGB converted).
        tesseract_text: Tesseract's text for the crop.
        min_prob: probability needed to replace a digit (0..1).
        model: classifier, default :func:`load_model`.

    Returns:
        ``(text, confidence)``: the corrected text and the lowest classifier
        probability over the digits aligned (1.0 when the text has no digits,
        0.0 when digits could not be aligned and the text is returned unchanged).

    Raises:
        ValueError: not an image array.
        FileNotFoundError: no model file.
    """
    model = model or load_model()
    text = tesseract_text
    kinds = [_kind_of_char(c) for c in text]
    truns = _runs(kinds)
    an = classify_glyphs(analyze(gray_word), model)
    ginfos = _glyph_info(an, model)
    if not truns:
        t = text.strip()
        if t and _GARBAGE.match(t) and not _THAI_LETTER.search(t) and _all_digitish(ginfos, 0.9):
            num, conf = _number_text(an, ginfos)
            if num and conf >= 0.9:
                return num, conf
        return text, 1.0
    gruns = _runs([g.kind for g in ginfos])
    if len(gruns) != len(truns) or any(len(a) != len(b) for a, b in zip(truns, gruns)):
        return text, 0.0
    pairs = []
    scripts: dict[int, bool] = {}
    for tr, gr in zip(truns, gruns):
        gis = [ginfos[j] for j in gr]
        pairs += list(zip(tr, gis))
        scripts |= _script_for_run(text, tr, gis)
    return _apply(text, pairs, min_prob, scripts)


def read_number(gray: np.ndarray, *, model: DigitModel | None = None) -> tuple[str, float]:
    """Read a crop that should hold only digits and separators (``/ . - ,`` space).

    Args:
        gray: crop, 2-D uint8 ``(H, W)``, dark on light (RGB converted), e.g. the
            day of a date that Tesseract turned into garbage.
        model: classifier, default :func:`load_model`.

    Returns:
        ``(text, confidence)``: Thai digits for Thai glyphs (Arabic for Arabic),
        separators as read, a space where the gap is wider than about half a digit;
        glyphs that are not digits or separators are left out and lower the
        confidence; confidence is the lowest glyph probability. ``("", 0.0)`` when
        no digit is found.

    Raises:
        ValueError: not an image array.
        FileNotFoundError: no model file.
    """
    model = model or load_model()
    an = classify_glyphs(analyze(gray), model)
    return _number_text(an, _glyph_info(an, model))


# --------------------------------------------------------------------------- page helper


def _overlap_groups(t_ext: list[tuple[float, float]], g_ext: list[tuple[float, float]], tol: float):
    """Connected groups of text runs and glyph runs whose x extents overlap.

    Returns a list of ``(text_run_indices, glyph_run_indices)``, both sorted.
    """
    nt = len(t_ext)
    parent = list(range(nt + len(g_ext)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (a0, a1) in enumerate(t_ext):
        for j, (b0, b1) in enumerate(g_ext):
            if min(a1, b1) - max(a0, b0) > -tol:
                parent[find(i)] = find(nt + j)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for i in range(nt + len(g_ext)):
        tl, gl = groups.setdefault(find(i), ([], []))
        (tl if i < nt else gl).append(i if i < nt else i - nt)
    return [(sorted(t), sorted(g)) for t, g in groups.values()]


def _clean_span(ginfos: list[_GInfo], run: list[_GInfo], ext: tuple[float, float]) -> bool:
    """True when no unreadable glyph lies inside the glyph run, no other digit lies
    under the text run's extent ``ext`` and the run lies mostly inside ``ext``."""
    ids = {id(g) for g in run}
    x0, x1 = run[0].x0, run[-1].x1
    for g in ginfos:
        c = (g.x0 + g.x1) / 2.0
        if x0 <= c <= x1 and g.kind == "o":
            return False  # an unreadable glyph inside the run
        if (ext[0] <= c <= ext[1] or x0 <= c <= x1) and g.kind == "d" and id(g) not in ids:
            return False  # digits of another run under the text
    ov = min(x1, ext[1]) - max(x0, ext[0])
    return ov >= 0.7 * max(1.0, x1 - x0)


def _line_crop(page: np.ndarray, data: dict, idxs: list[int], box) -> tuple[int, int, int, int]:
    """Crop ``(x0, y0, x1, y1)`` of one Tesseract line of ``page``.

    Tesseract's Thai line and word boxes can reach into the neighbouring lines, so
    the line is found in the ink: rows of the region that are dense with ink form
    the bodies (x-height bands) of the text lines; the band nearest to the median
    centre of the line's word boxes is taken, with room above for the vowel/tone
    marks and below for the lower vowels.
    """
    H, W = page.shape
    if box is not None:
        lx, ly, lw, lh = box
    else:
        lx, ly = min(int(data["left"][i]) for i in idxs), min(int(data["top"][i]) for i in idxs)
        lw = max(int(data["left"][i]) + int(data["width"][i]) for i in idxs) - lx
        lh = max(int(data["top"][i]) + int(data["height"][i]) for i in idxs) - ly
    x0, x1 = max(0, lx), min(W, lx + lw)
    hs = np.array([int(data["height"][i]) for i in idxs], float)
    cy = float(np.median([int(data["top"][i]) + int(data["height"][i]) / 2.0 for i in idxs]))
    mh = float(np.median(hs)) if len(hs) else float(lh)
    r0, r1 = max(0, int(min(ly, cy - 1.5 * mh))), min(H, int(max(ly + lh, cy + 1.5 * mh)) + 1)
    region = page[r0:r1, x0:x1]
    ink = _binarize(region)
    prof = ink.sum(axis=1).astype(float)
    if x1 - x0 < 2 or r1 - r0 < 2 or prof.max() <= 0:
        return x0, max(0, ly), x1, min(H, ly + lh)
    k = max(1, int(round(mh / 10)))
    prof = np.convolve(prof, np.ones(k) / k, mode="same")
    body = prof >= 0.45 * prof.max()
    bands = []
    y = 0
    while y < len(body):
        if body[y]:
            z = y
            while z + 1 < len(body) and body[z + 1]:
                z += 1
            bands.append((y, z + 1))
            y = z + 1
        else:
            y += 1
    # close small gaps inside a band
    merged: list[list[int]] = []
    for a, b in bands:
        if merged and a - merged[-1][1] <= max(2, 0.15 * mh):
            merged[-1][1] = b
        else:
            merged.append([a, b])
    a, b = min(merged, key=lambda ab: abs((ab[0] + ab[1]) / 2.0 + r0 - cy))
    bh = max(4, b - a)
    return x0, max(0, r0 + a - int(1.0 * bh)), x1, min(H, r0 + b + int(0.75 * bh) + 1)


def reread_tesseract_data(
    gray_page: np.ndarray,
    data: dict,
    *,
    min_prob: float = DEFAULT_MIN_PROB,
    strict_prob: float = 0.9,
    model: DigitModel | None = None,
) -> tuple[list[str], list[float]]:
    """Re-read the digits of a whole ``pytesseract.image_to_data`` result.

    Works line by line, because Tesseract's word boxes for Thai are often single
    characters with imprecise boxes: each line is cropped from its level-4 box,
    segmented and classified once. Digit runs of the line text (x extents from the
    word boxes) and of the glyphs are grouped where their extents overlap; in each
    group:

    * same number of digits: every digit is replaced by the classifier's digit
      when its probability is ``>= min_prob`` (as :func:`reread_digits`);
    * one letter between two digit runs of the text (``๐๕ญ๕…`` for ``๐๘๗๙…``) and
      the counts agree when it is taken as a digit: as above, the letter needing
      ``>= strict_prob``;
    * otherwise, one text run against one glyph run whose digits are all read
      with ``>= strict_prob`` and the counts differ by at most 2 (Tesseract split
      ``๖`` into ``๒๐`` or dropped a digit): the run's digits are replaced by the
      glyphs' digits;
    * else nothing changes.

    Words without Thai letters or digits that Tesseract made of a number
    (``"ene)"``) are replaced by the number read when all glyphs under the word are
    digits/separators with ``>= strict_prob``.

    Args:
        gray_page: the page image given to Tesseract, 2-D uint8 ``(H, W)``.
        data: ``image_to_data(..., output_type=Output.DICT)`` (keys ``level``,
            ``page_num``, ``block_num``, ``par_num``, ``line_num``, ``left``, ``top``,
            ``width``, ``height``, ``text``).
        min_prob: probability needed to replace an aligned digit.
        strict_prob: probability needed for the riskier replacements above.
        model: classifier, default :func:`load_model`.

    Returns:
        ``(texts, confidences)``: lists as long as ``data["text"]``; the words with
        digits re-read (a word may become longer, shorter or empty when a run was
        re-distributed) and, per word, the lowest probability of the digits
        re-read in it (1.0 for words without digits, 0.0 where the digits could
        not be aligned and were left as Tesseract read them).

    Raises:
        KeyError: ``data`` lacks a key above.
        FileNotFoundError: no model file.
    """
    model = model or load_model()
    page = _to_gray(gray_page)
    H, W = page.shape
    texts = [str(t) for t in data["text"]]
    confs = [0.0 if any(_is_digit(c) for c in t) else 1.0 for t in texts]
    n = len(texts)
    lines: dict[tuple, list[int]] = {}
    line_box: dict[tuple, tuple[int, int, int, int]] = {}
    for i in range(n):
        key = (data["page_num"][i], data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lvl = int(data["level"][i])
        if lvl == 4:
            line_box[key] = (int(data["left"][i]), int(data["top"][i]), int(data["width"][i]), int(data["height"][i]))
        elif lvl == 5 and texts[i].strip():
            lines.setdefault(key, []).append(i)
    left = [int(v) for v in data["left"]]
    right = [int(l) + int(w) for l, w in zip(data["left"], data["width"])]
    for key, idxs in lines.items():
        has_digit = any(_is_digit(c) for i in idxs for c in texts[i])
        garbage = [i for i in idxs if _GARBAGE.match(texts[i].strip()) and not _THAI_LETTER.search(texts[i])]
        if not has_digit and not garbage:
            continue
        x0, y0, x1, y1 = _line_crop(page, data, idxs, line_box.get(key))
        if x1 - x0 < 2 or y1 - y0 < 2:
            continue
        an = classify_glyphs(analyze(page[y0:y1, x0:x1], edge_pad=True), model)
        ginfos = _glyph_info(an, model)
        for gi in ginfos:
            gi.x0 += x0
            gi.x1 += x0
        ref = an.ref / an.scale
        # the line's text as one char list, each char knowing its word
        chars: list[str] = []
        owner: list[int] = []
        for i in idxs:
            if chars:
                chars.append(" ")
                owner.append(-1)
            chars += list(texts[i])
            owner += [i] * len(texts[i])
        kinds = [_kind_of_char(c) for c in chars]
        truns = _runs(kinds)
        gruns = _runs([g.kind for g in ginfos])
        t_ext = [(min(left[owner[c]] for c in r), max(right[owner[c]] for c in r)) for r in truns]
        g_ext = [(ginfos[r[0]].x0, ginfos[r[-1]].x1) for r in gruns]
        new_chars: list[str] = list(chars)
        word_conf: dict[int, float] = {}
        for tg, gg in _overlap_groups(t_ext, g_ext, tol=0.1 * ref):
            if not tg:
                continue
            tpos = [c for r in tg for c in truns[r]]
            gis = [ginfos[j] for r in gg for j in gruns[r]]
            done = False
            if gis and len(tpos) == len(gis):
                scripts = _script_for_run("".join(chars), tpos, gis)
                for c, gi in zip(tpos, gis):
                    word_conf[owner[c]] = min(word_conf.get(owner[c], 1.0), gi.pvalue)
                    if gi.pvalue >= min_prob:
                        new_chars[c] = (THAI_DIGITS if scripts[c] else ARABIC_DIGITS)[gi.value]
                done = True
            if not done and gis and len(tg) >= 2:
                # one letter sandwiched between consecutive digit runs of the text
                extra: list[int] = []
                ok = True
                for a, b in zip(tg, tg[1:]):
                    between = [c for c in range(truns[a][-1] + 1, truns[b][0]) if kinds[c] == "o"]
                    if len(between) != 1:
                        ok = False
                        break
                    extra += between
                allpos = sorted(tpos + extra)
                if ok and len(allpos) == len(gis):
                    pairs = list(zip(allpos, gis))
                    if all(gi.pvalue >= strict_prob for c, gi in pairs if c in extra):
                        scripts = _script_for_run("".join(chars), tpos, gis)
                        thai_default = sum(scripts.values()) * 2 >= len(scripts)
                        for c, gi in pairs:
                            word_conf[owner[c]] = min(word_conf.get(owner[c], 1.0), gi.pvalue)
                            if gi.pvalue >= min_prob:
                                thai = scripts.get(c, thai_default)
                                new_chars[c] = (THAI_DIGITS if thai else ARABIC_DIGITS)[gi.value]
                        done = True
            if (not done and len(tg) == 1 and len(gg) == 1 and gis
                    and abs(len(tpos) - len(gis)) <= 1 and all(gi.pvalue >= strict_prob for gi in gis)
                    and _clean_span(ginfos, gis, t_ext[tg[0]])):
                thai = sum(chars[c] in THAI_DIGITS for c in tpos) * 2 >= len(tpos)
                if float(np.mean([g.pthai for g in gis])) < 0.1:
                    thai = False
                elif float(np.mean([g.pthai for g in gis])) > 0.9:
                    thai = True
                table = THAI_DIGITS if thai else ARABIC_DIGITS
                # the run with the separators next to it, on both sides
                ga, gb = gruns[gg[0]][0], gruns[gg[0]][-1]
                ext0, ext1 = t_ext[tg[0]]
                while ga > 0 and ginfos[ga - 1].kind == "s" and ginfos[ga - 1].x0 >= ext0 - 0.1 * ref:
                    ga -= 1
                while gb + 1 < len(ginfos) and ginfos[gb + 1].kind == "s" and ginfos[gb + 1].x1 <= ext1 + 0.1 * ref:
                    gb += 1
                reading = "".join(table[g.value] if g.kind == "d" else g.sep
                                  for g in ginfos[ga:gb + 1] if g.kind in "ds")
                first, last = tpos[0], tpos[-1]
                while first > 0 and kinds[first - 1] in "s ":
                    first -= 1
                while last + 1 < len(chars) and kinds[last + 1] in "s ":
                    last += 1
                while kinds[first] == " ":
                    first += 1
                while kinds[last] == " ":
                    last -= 1
                # the glyphs' reading replaces the text from its first to its last
                # digit (with the separators next to them)
                new_chars[first] = reading
                for c in range(first + 1, last + 1):
                    if owner[c] >= 0:
                        new_chars[c] = ""
                cf = min(g.pvalue for g in gis)
                for c in tpos:
                    word_conf[owner[c]] = min(word_conf.get(owner[c], 1.0), cf)
                done = True
            if not done:
                for c in tpos:
                    word_conf[owner[c]] = 0.0
        for w, cf in word_conf.items():
            confs[w] = cf
        pos = 0
        for i in idxs:
            L = len(texts[i])
            texts[i] = "".join(new_chars[pos:pos + L])
            pos += L + 1
        # garbage words: re-read from the glyphs under the word's box
        for i in garbage:
            wx0, wx1 = left[i], right[i]
            inside = [g for g in ginfos if min(wx1, g.x1) - max(wx0, g.x0) >= 0.5 * (g.x1 - g.x0)]
            if inside and _all_digitish(inside, strict_prob):
                sub = Analysis([an.glyphs[ginfos.index(g)] for g in inside], an.scale, an.ref, an.baseline)
                num, cf = _number_text(sub, inside)
                if num and cf >= strict_prob:
                    texts[i], confs[i] = num, cf
    return texts, confs
