"""The digit model is rebuilt from nothing by the project's own script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ocr import digits
from ocr.render import render_line

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_training_script_builds_a_model_that_reads_digits(tmp_path):
    out = tmp_path / "digits.npz"
    done = subprocess.run([sys.executable, "-m", "ocr.training.train_digits", "--strings", "400",
                           "--test-strings", "100", "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    model = digits.load_model(out)  # no pickle: np.load(allow_pickle=False) inside
    gray = np.asarray(render_line("๒๗๒๕๘", font="Laksaman").convert("L"))
    text, confidence = digits.read_number(gray, model=model)
    assert text == "๒๗๒๕๘" and confidence > 0.5
