"""The project's own Thai line recogniser: a small CNN read with CTC.

Tesseract's Thai models cannot be fine-tuned (every Thai model that the OS packages
and registries carry is an integer model), and every other engine with Thai downloads
its weights at run time. So the project trains a line recogniser of its own on lines
it renders (:mod:`ocr.training.train_lines`) and runs it here: on ONNX Runtime, with
the graph built in memory from the weights (:meth:`LineRecogniser.onnx_model`), or with
numpy alone when ONNX Runtime is not installed (:meth:`LineRecogniser.logits_numpy`,
about four times slower; the two agree to float rounding).

Model (the same layers as the training script's JAX model, weight for weight):

- input: one text line, gray, normalised by :func:`normalise_line` to ``HEIGHT`` px
  high, ink 1.0 on paper 0.0, width ``W`` (a multiple of 4);
- five 3x3 convolutions with ReLU, max-pooled 2x2, 2x2, -, 2x1, 2x1, so that the
  height goes 48 -> 3 and the width W -> W/4 (one frame per 4 px);
- the 3 rows of each frame joined, a dense layer with ReLU, then residual 1-D
  convolutions over the frames (kernel 5) with ReLU;
- a dense layer to ``len(alphabet) + 1`` classes, class 0 the CTC blank.

Weights are a ``.npz`` of plain arrays read with ``allow_pickle=False`` (never a
pickle): ``conv{i}.w`` (3, 3, in, out), ``conv{i}.b``, ``dense.w``, ``dense.b``,
``tconv{i}.w`` (5, C, C), ``tconv{i}.b``, ``out.w``, ``out.b``, ``alphabet`` (uint32
code points) and ``config`` (UTF-8 JSON as uint8).

Decoding is greedy CTC: each frame's best class, repeats merged, blanks dropped. Each
character's confidence is the mean probability of its frames.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

#: normalised line height in px (the model's input height)
HEIGHT = 48
#: the widest normalised line the model reads in one piece (px); wider lines are read in parts
MAX_WIDTH = 2400
MODEL_PATH = Path(__file__).resolve().parent / "models" / "thai_lines.npz"

#: the characters the model can write (index + 1 is the class; 0 is the CTC blank):
#: the Thai block as letters use it, both digit sets, Latin letters, punctuation, space
ALPHABET = (
    "".join(chr(c) for c in range(0x0E01, 0x0E3B))  # ก .. ฺ
    + "".join(chr(c) for c in range(0x0E3F, 0x0E5C))  # ฿ .. ๛ (vowels, tones, ๆ ฯ, digits)
    + "0123456789"
    + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    + " .,:;()/-–\"'%+=&_*[]!?@#<>"
)


@dataclass(frozen=True)
class LineReading:
    """What the recogniser read on one line.

    ``text``: the line (normalised Thai order as written); ``confidence``: 0..1, the
    mean of the characters' confidences (0.0 when nothing was read);
    ``char_confidences``: one 0..1 value per character of ``text``.
    """

    text: str
    confidence: float
    char_confidences: tuple[float, ...]


# --------------------------------------------------------------------------- input


def _otsu_ink(gray: np.ndarray) -> np.ndarray:
    """Boolean ink mask of a uint8 gray image (dark ink), by Otsu's threshold."""
    if gray.max() - gray.min() < 24:  # blank or flat: no ink
        return np.zeros(gray.shape, bool)
    thr, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return gray <= thr


def normalise_line(gray: np.ndarray) -> np.ndarray:
    """A line image as the model reads it.

    Args:
        gray: the line, a uint8 array (H, W) or (H, W, 3), dark ink on light paper,
            any resolution, with or without margins.

    Returns:
        float32 (``HEIGHT``, W') with ink 1.0 and paper 0.0, cropped to the ink with a
        margin of 10% of the ink's height, scaled to ``HEIGHT`` px keeping the aspect,
        W' a multiple of 4 and at least 8 (a blank image gives a blank 8-px line).
    """
    g = np.asarray(gray)
    if g.ndim == 3:
        g = cv2.cvtColor(g[..., :3].astype(np.uint8), cv2.COLOR_RGB2GRAY)
    g = g.astype(np.uint8)
    ink = _otsu_ink(g)
    rows = np.flatnonzero(ink.sum(1) > 0)
    cols = np.flatnonzero(ink.sum(0) > 0)
    if rows.size == 0 or cols.size == 0:
        return np.zeros((HEIGHT, 8), np.float32)
    t, b = int(rows[0]), int(rows[-1]) + 1
    l, r = int(cols[0]), int(cols[-1]) + 1
    m = max(1, int(round(0.1 * (b - t))))
    g = g[max(0, t - m):b + m, max(0, l - m):r + m]
    h, w = g.shape
    new_w = max(8, int(round(w * HEIGHT / h)))
    g = cv2.resize(g, (new_w, HEIGHT), interpolation=cv2.INTER_AREA if h > HEIGHT else cv2.INTER_LINEAR)
    x = 255.0 - g.astype(np.float32)
    lo = float(np.percentile(x, 10))
    hi = float(np.percentile(x, 99.5))
    x = np.clip((x - lo) / max(hi - lo, 32.0), 0.0, 1.0)
    pad = (-x.shape[1]) % 4
    if pad:
        x = np.pad(x, ((0, 0), (0, pad)))
    return x.astype(np.float32)


# --------------------------------------------------------------------------- model


def _conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """'SAME' 3x3 convolution (cross-correlation, as JAX's) of x (H, W, C) by w (3, 3, C, O)."""
    H, W, C = x.shape
    kh, kw = w.shape[:2]
    p = np.pad(x, ((kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)))
    cols = np.empty((H, W, kh, kw, C), np.float32)
    for dy in range(kh):
        for dx in range(kw):
            cols[:, :, dy, dx, :] = p[dy:dy + H, dx:dx + W, :]
    return (cols.reshape(H * W, kh * kw * C) @ w.reshape(kh * kw * C, -1)).reshape(H, W, -1) + b


def _conv1d(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """'SAME' 1-D convolution of x (T, C) by w (K, C, O)."""
    T, C = x.shape
    k = w.shape[0]
    p = np.pad(x, ((k // 2, k // 2), (0, 0)))
    cols = np.empty((T, k, C), np.float32)
    for d in range(k):
        cols[:, d, :] = p[d:d + T, :]
    return cols.reshape(T, k * C) @ w.reshape(k * C, -1) + b


def _pool(x: np.ndarray, ph: int, pw: int) -> np.ndarray:
    H, W, C = x.shape
    return x[:H - H % ph, :W - W % pw].reshape(H // ph, ph, W // pw, pw, C).max(axis=(1, 3))


class LineRecogniser:
    """The trained line model, loaded from a weights file (see the module's docstring).

    Raises:
        FileNotFoundError: no weights file at ``path``.
        ValueError: the file is not a line model (missing arrays, a pickle, a shape that
            does not fit the config).
    """

    def __init__(self, path: str | Path | None = None):
        path = Path(path or MODEL_PATH)
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        try:
            self.config = json.loads(bytes(arrays.pop("config")).decode("utf-8"))
            self.alphabet = "".join(chr(int(c)) for c in arrays.pop("alphabet"))
            self.pools = [tuple(p) if p else None for p in self.config["pools"]]
            n_conv = len(self.config["convs"])
            self.convs = [(arrays[f"conv{i}.w"].astype(np.float32), arrays[f"conv{i}.b"].astype(np.float32))
                          for i in range(n_conv)]
            self.dense = (arrays["dense.w"].astype(np.float32), arrays["dense.b"].astype(np.float32))
            self.tconvs = [(arrays[f"tconv{i}.w"].astype(np.float32), arrays[f"tconv{i}.b"].astype(np.float32))
                           for i in range(self.config["tconvs"])]
            self.out = (arrays["out.w"].astype(np.float32), arrays["out.b"].astype(np.float32))
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"{path} is not a line model: {exc}") from exc
        if self.out[0].shape[1] != len(self.alphabet) + 1:
            raise ValueError(f"{path}: {self.out[0].shape[1]} classes for {len(self.alphabet)} characters")
        self._onnx = None  # the ONNX Runtime session, made on first use (False: not installed)

    def logits(self, x: np.ndarray) -> np.ndarray:
        """Class scores (T, classes) of one normalised line x (``HEIGHT``, W), T = W / 4:
        with ONNX Runtime (one thread; pages are read in parallel instead) when it is
        installed, else :meth:`logits_numpy`; the two agree to float rounding."""
        session = self._session()
        if session is None:
            return self.logits_numpy(x)
        return session.run(None, {"line": x[None, None].astype(np.float32)})[0][0]

    def _session(self):
        if self._onnx is None:
            try:
                import onnxruntime as ort

                opts = ort.SessionOptions()
                opts.intra_op_num_threads = 1
                opts.inter_op_num_threads = 1
                self._onnx = ort.InferenceSession(self.onnx_model().SerializeToString(), opts,
                                                  providers=["CPUExecutionProvider"])
            except ImportError:
                self._onnx = False
        return self._onnx or None

    def onnx_model(self):
        """The same network as an ONNX graph (built here from the weights; nothing is
        loaded from outside): input ``line`` (1, 1, ``HEIGHT``, W), output (1, W/4, classes)."""
        from onnx import TensorProto, helper, numpy_helper

        nodes, inits = [], []

        def const(name: str, value: np.ndarray) -> str:
            inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
            return name

        h = "line"
        for i, ((w, b), pool) in enumerate(zip(self.convs, self.pools)):
            wn = const(f"conv{i}.w", w.transpose(3, 2, 0, 1))  # HWIO -> OIHW
            bn = const(f"conv{i}.b", b)
            nodes.append(helper.make_node("Conv", [h, wn, bn], [f"c{i}"], pads=[1, 1, 1, 1]))
            nodes.append(helper.make_node("Relu", [f"c{i}"], [f"r{i}"]))
            h = f"r{i}"
            if pool:
                nodes.append(helper.make_node("MaxPool", [h], [f"p{i}"], kernel_shape=list(pool), strides=list(pool)))
                h = f"p{i}"
        # (1, C, rows, T) -> (1, T, rows, C) -> (1, T, rows * C), as logits_numpy joins them
        nodes.append(helper.make_node("Transpose", [h], ["tr"], perm=[0, 3, 2, 1]))
        nodes.append(helper.make_node("Reshape", ["tr", const("shape", np.array([0, 0, -1], np.int64))], ["seq"]))
        nodes.append(helper.make_node("MatMul", ["seq", const("dense.w", self.dense[0])], ["dm"]))
        nodes.append(helper.make_node("Add", ["dm", const("dense.b", self.dense[1])], ["da"]))
        nodes.append(helper.make_node("Relu", ["da"], ["d"]))
        nodes.append(helper.make_node("Transpose", ["d"], ["t0"], perm=[0, 2, 1]))  # (1, D, T)
        h = "t0"
        for i, (w, b) in enumerate(self.tconvs):
            wn = const(f"tconv{i}.w", w.transpose(2, 1, 0))  # (K, C, O) -> (O, C, K)
            k = w.shape[0]
            nodes.append(helper.make_node("Conv", [h, wn, const(f"tconv{i}.b", b)], [f"tc{i}"],
                                          pads=[k // 2, k // 2]))
            nodes.append(helper.make_node("Relu", [f"tc{i}"], [f"tr{i}"]))
            nodes.append(helper.make_node("Add", [h, f"tr{i}"], [f"t{i + 1}"]))
            h = f"t{i + 1}"
        nodes.append(helper.make_node("Transpose", [h], ["o0"], perm=[0, 2, 1]))
        nodes.append(helper.make_node("MatMul", ["o0", const("out.w", self.out[0])], ["om"]))
        nodes.append(helper.make_node("Add", ["om", const("out.b", self.out[1])], ["logits"]))
        graph = helper.make_graph(
            nodes, "thai_lines", [helper.make_tensor_value_info("line", TensorProto.FLOAT, [1, 1, HEIGHT, "W"])],
            [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, "T", self.out[0].shape[1]])], inits)
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)

    def logits_numpy(self, x: np.ndarray) -> np.ndarray:
        """:meth:`logits` computed with numpy alone (the reference the tests hold ONNX to)."""
        h = x[:, :, None].astype(np.float32)
        for (w, b), pool in zip(self.convs, self.pools):
            h = np.maximum(_conv2d(h, w, b), 0.0)
            if pool:
                h = _pool(h, *pool)
        rows, T, C = h.shape
        h = h.transpose(1, 0, 2).reshape(T, rows * C)
        h = np.maximum(h @ self.dense[0] + self.dense[1], 0.0)
        for w, b in self.tconvs:
            h = h + np.maximum(_conv1d(h, w, b), 0.0)
        return h @ self.out[0] + self.out[1]

    def read(self, gray: np.ndarray) -> LineReading:
        """Read one line image (uint8 gray or RGB, dark ink) as :class:`LineReading`.

        Lines wider than ``MAX_WIDTH`` once normalised are read in overlapping-free
        parts cut at the widest blank column near each cut.
        """
        x = normalise_line(gray)
        parts = _cut(x) if x.shape[1] > MAX_WIDTH else [x]
        texts, confs = [], []
        for part in parts:
            t, c = self.decode(self.logits(part))
            texts.append(t)
            confs.extend(c)
        return LineReading(text="".join(texts), confidence=float(np.mean(confs)) if confs else 0.0,
                           char_confidences=tuple(confs))

    def decode(self, logits: np.ndarray) -> tuple[str, list[float]]:
        """Greedy CTC decoding of (T, classes) scores: the text and one confidence per
        character (the mean softmax probability of the frames that wrote it)."""
        z = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        best = p.argmax(axis=1)
        text: list[str] = []
        confs: list[float] = []
        prev, run = 0, []
        for t, k in enumerate(best):
            k = int(k)
            if k != prev:
                if prev != 0:
                    text.append(self.alphabet[prev - 1])
                    confs.append(float(np.mean(run)))
                run = []
            run.append(float(p[t, k]))
            prev = k
        if prev != 0:
            text.append(self.alphabet[prev - 1])
            confs.append(float(np.mean(run)))
        return "".join(text), confs


def _cut(x: np.ndarray) -> list[np.ndarray]:
    """Cut a normalised line wider than ``MAX_WIDTH`` at blank columns (width multiples of 4)."""
    parts = []
    while x.shape[1] > MAX_WIDTH:
        ink = x.sum(axis=0)
        lo = MAX_WIDTH * 3 // 4
        cut = lo + int(np.argmin(ink[lo:MAX_WIDTH]))
        cut -= cut % 4
        parts.append(x[:, :cut])
        x = x[:, cut:]
    parts.append(x)
    return parts


_LOCK = threading.Lock()
_MODEL: LineRecogniser | None = None


def load_recogniser() -> LineRecogniser | None:
    """The shipped line model (``ocr/models/thai_lines.npz``), loaded once per process;
    None when the file is missing or unreadable, or when the environment sets
    ``SARABAN_OCR_RECOGNISER=off`` (the reader then works as stock Tesseract and the
    digit classifier alone: for comparison, or on a machine too slow for it)."""
    global _MODEL
    if os.environ.get("SARABAN_OCR_RECOGNISER", "").strip().lower() in ("off", "0", "false", "no"):
        return None
    with _LOCK:
        if _MODEL is None:
            try:
                _MODEL = LineRecogniser()
            except (OSError, ValueError):
                return None
        return _MODEL
