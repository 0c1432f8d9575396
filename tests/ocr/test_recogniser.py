"""The project's own line recogniser: rebuilt by its script, run in numpy, reading lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ocr import recogniser as R
from ocr.render import render_line
from ocr.thai import canonical_number

ROOT = Path(__file__).resolve().parents[2]


def _cer(got: str, ref: str) -> float:
    from ocr.training.train_lines import edit_distance

    return edit_distance(got.replace(" ", ""), ref.replace(" ", "")) / len(ref.replace(" ", ""))


@pytest.mark.slow
def test_the_training_script_rebuilds_a_model_that_numpy_runs_as_jax_does(tmp_path):
    out = tmp_path / "lines.npz"
    done = subprocess.run([sys.executable, "-m", "ocr.training.train_lines", "--tiny", "--out", str(out),
                           "--corpus", str(tmp_path / "no-corpus")], cwd=ROOT, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["steps"] == 30 and report["lines_seen"] > 0
    # plain arrays, no pickle
    with np.load(out, allow_pickle=False) as z:
        assert "config" in z.files and "out.w" in z.files
    model = R.LineRecogniser(out)
    # the numpy runtime computes what the training graph computes
    from ocr.training import train_lines as T

    forward = T.make_forward(model.config)
    with np.load(out, allow_pickle=False) as z:
        params = {k: z[k] for k in z.files if k not in ("config", "alphabet")}
    x = R.normalise_line(np.asarray(render_line("ที่ กห ๐๓๐๑/๒๓", noise=True, seed=3)))
    jax_logits = np.asarray(forward(params, x[None, :, :, None]))[0]
    assert np.allclose(model.logits_numpy(x), jax_logits, atol=1e-4)
    assert np.allclose(model.logits(x), jax_logits, atol=1e-4)  # the ONNX Runtime graph built from the weights


def test_a_weights_file_that_is_not_a_line_model_is_refused(tmp_path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, weights=np.zeros(3))
    with pytest.raises(ValueError):
        R.LineRecogniser(bad)
    with pytest.raises(FileNotFoundError):
        R.LineRecogniser(tmp_path / "missing.npz")


def test_normalised_lines_have_the_models_height_and_a_width_it_can_pool():
    blank = np.full((60, 300), 255, np.uint8)
    assert R.normalise_line(blank).shape == (R.HEIGHT, 8)
    img = np.asarray(render_line("เรื่อง ขอเชิญประชุม", noise=True, seed=1))
    x = R.normalise_line(img)
    assert x.shape[0] == R.HEIGHT and x.shape[1] % 4 == 0 and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0 and x.mean() < 0.5  # ink is the minority


LINES = [
    ("ที่ กห ๐๓๐๑.๑๐.๖/๓๔", "Laksaman"),
    ("วันที่ ๑๒ มกราคม ๒๕๖๘", "Laksaman"),
    ("เรื่อง ขออนุมัติจัดซื้อวัสดุสำนักงาน", "Laksaman"),
    ("โทร. ๐ ๒๒๘๑ ๖๐๔๙", "Garuda"),
    ("ที่ มท ๐๘๑๐.๓/ว ๑๒๓๔", "Norasi"),
]


@pytest.mark.skipif(R.load_recogniser() is None, reason="the shipped line model is missing")
def test_the_shipped_model_reads_rendered_letter_lines():
    model = R.load_recogniser()
    errors = []
    for n, (text, font) in enumerate(LINES):
        img = np.asarray(render_line(text, font=font, noise=True, seed=40 + n))
        got = model.read(img)
        assert 0.0 < got.confidence <= 1.0 and len(got.char_confidences) == len(got.text)
        errors.append(_cer(got.text, text))
    assert np.mean(errors) <= 0.05, errors


@pytest.mark.skipif(R.load_recogniser() is None, reason="the shipped line model is missing")
def test_a_hand_written_style_number_is_read(tmp_path):
    """Purisa is the OS's hand-writing-like Thai font: a number written that way is read."""
    import ocr

    for n, number in enumerate(["กห ๐๓๑๒/๒๑๔", "ยธ ๐๕๐๓/๕๘๗"]):
        img = render_line(f"ที่ {number}", font="Purisa", noise=True, seed=70 + n)
        path = tmp_path / f"hand-{n}.png"
        img.save(path)
        text, _ = ocr.read_line(path)
        assert canonical_number(number) in canonical_number(text), text
