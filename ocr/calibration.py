"""When a read field can be shown as confident: thresholds measured, not assumed.

A field is *confident* only when the reader's confidence for it is at or above the
threshold that :mod:`ocr.training.calibrate` measured for that field: the lowest
threshold at which at least :data:`TARGET` (98%) of the fields at or above it were
right, on letters the project renders with scan noise and never trained on, with at
least :data:`MIN_SUPPORT` fields above it. A field with no such threshold is never
confident. The thresholds live in ``ocr/models/calibration.json``.

Document numbers and dates are never confident until a person confirms them
(:data:`NEVER_CONFIDENT`) unless the same file shows, on *real* scanned pages, at least
98% right over at least :data:`MIN_SUPPORT` of them (``real_pages`` in the file).
A field a person must check (``needs_review``) and an empty field are never confident.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from pathlib import Path
from typing import Iterable, Mapping, Sequence

CALIBRATION_PATH = Path(__file__).resolve().parent / "models" / "calibration.json"
#: the share of confident fields that must be right
TARGET = 0.98
#: the fewest fields at or above a threshold for it to count
MIN_SUPPORT = 30
#: fields a person confirms unless real pages prove the reader (see the module's docstring)
NEVER_CONFIDENT = ("document_number", "document_date")


#: the urgency labels of the corpus's ground truth -> DOMAIN.md's classes
URGENCY_LABELS = {None: "normal", "": "normal", "ปกติ": "normal", "ด่วน": "urgent",
                  "ด่วนมาก": "very_urgent", "ด่วนที่สุด": "most_urgent"}
_WS = re.compile(r"\s+")


def text_key(value) -> str:
    """A field's text as compared: Thai-normalised (:func:`ocr.thai.normalize`), NFKC, no spaces."""
    from .thai import normalize

    return _WS.sub("", unicodedata.normalize("NFKC", normalize(str(value or ""))))


def field_right(name: str, expected, got) -> bool:
    """Whether a read field value ``got`` is the ``expected`` one: document numbers by
    :func:`ocr.thai.canonical_number`, dates by their ISO day, the rest by :func:`text_key`;
    an empty value is never right."""
    from .thai import canonical_number

    if got is None or got == "":
        return False
    if name == "document_number":
        return canonical_number(str(expected)) == canonical_number(str(got))
    if name == "document_date":
        return str(expected)[:10] == str(got)[:10]
    return text_key(expected) == text_key(got)


def wilson_lower(right: int, n: int, z: float = 1.96) -> float:
    """The Wilson score lower bound (95% by default) of a proportion ``right / n``; 0.0 when n is 0."""
    if n == 0:
        return 0.0
    p = right / n
    d = 1 + z * z / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - margin) / d


def fit_threshold(observations: Sequence[tuple[float, bool]], *, target: float = TARGET,
                  min_support: int = MIN_SUPPORT) -> dict:
    """The lowest confidence threshold at which ``target`` of the fields at or above it
    are right, scanning from the most confident down.

    Args:
        observations: ``(confidence 0..1, right)`` for one field over many letters
            (empty fields are left out by the caller: they are never confident).

    Returns:
        ``{"threshold": float | None, "n": all, "above": count at or above,
        "right_above": right among them, "precision": right_above / above,
        "wilson_lower": 95% lower bound}``; ``threshold`` None when no threshold with
        ``min_support`` fields reaches ``target``.
    """
    obs = sorted(observations, key=lambda o: -o[0])
    best = None
    right = 0
    for i, (conf, ok) in enumerate(obs, 1):
        right += bool(ok)
        # only cut between different confidences
        if i < len(obs) and obs[i][0] == conf:
            continue
        if i >= min_support and right / i >= target:
            best = (conf, i, right)
    if best is None:
        return {"threshold": None, "n": len(obs), "above": 0, "right_above": 0, "precision": None,
                "wilson_lower": None}
    conf, above, right_above = best
    return {"threshold": round(float(conf), 4), "n": len(obs), "above": above, "right_above": right_above,
            "precision": round(right_above / above, 4), "wilson_lower": round(wilson_lower(right_above, above), 4)}


def precision_table(observations: Mapping[str, Sequence[tuple[float, bool]]],
                    thresholds: Mapping[str, float | None]) -> dict:
    """Per field, how the confident flags did on ``observations``:
    ``{field: {"n", "confident", "right_confident", "precision"}}`` (precision None
    when nothing was confident)."""
    out = {}
    for name, obs in observations.items():
        t = thresholds.get(name)
        conf = [ok for c, ok in obs if t is not None and c >= t]
        out[name] = {"n": len(obs), "confident": len(conf), "right_confident": sum(conf),
                     "precision": round(sum(conf) / len(conf), 4) if conf else None}
    return out


_CACHE: dict[str, dict] = {}


def load(path: str | Path | None = None) -> dict:
    """The calibration file as a dict (``{"fields": {name: {"threshold", ...}},
    "real_pages": {...}}``); an empty calibration (nothing confident) when the file is
    missing or unreadable."""
    key = str(path or CALIBRATION_PATH)
    if key not in _CACHE:
        try:
            _CACHE[key] = json.loads(Path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            _CACHE[key] = {"fields": {}, "real_pages": {}}
    return _CACHE[key]


def _proven_on_real_pages(name: str, cal: dict) -> bool:
    real = (cal.get("real_pages") or {}).get(name) or {}
    return (real.get("confident") or 0) >= MIN_SUPPORT and (real.get("precision") or 0.0) >= TARGET


def confident_fields(fields: Mapping[str, object], confidence: Mapping[str, float],
                     needs_review: Iterable[str] = (), *, calibration: dict | None = None) -> dict[str, bool]:
    """Which read fields are confident (see the module's docstring).

    Args:
        fields: field name -> value as read (None or "" when not found).
        confidence: field name -> the reader's 0..1 confidence.
        needs_review: fields a person must check.
        calibration: a loaded calibration (default :func:`load`).

    Returns:
        ``{field name: bool}`` for every name in ``fields``.
    """
    cal = calibration if calibration is not None else load()
    review = set(needs_review)
    out = {}
    for name, value in fields.items():
        t = ((cal.get("fields") or {}).get(name) or {}).get("threshold")
        ok = (value not in (None, "", [], {}) and name not in review and t is not None
              and float(confidence.get(name, 0.0)) >= float(t))
        if name in NEVER_CONFIDENT and not _proven_on_real_pages(name, cal):
            ok = False
        out[name] = bool(ok)
    return out
