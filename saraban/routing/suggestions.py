"""Which unit should a letter go to — rules from the units' duties.

The rules are the organisation's own words: each unit's ``handles`` phrases (the
matters it owns, from the work manual) and its ``duties``. A subject that contains a
``handles`` phrase scores highest; otherwise the words it shares with a unit's duties
count, each weighted by how few units mention it (inverse document frequency), so a
word every unit uses (ดำเนินการ) counts for little. What clerks did before is learnt by
``learning.py`` (a classifier over segmented Thai); :func:`suggest_units` blends both.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass

from saraban.routing.models import Unit
from saraban.search.analysis import compact, tokenize


@dataclass(frozen=True)
class Suggestion:
    """One suggested unit: ``score`` 0..1, ``reason`` in Thai (what matched)."""

    code: str
    name: str
    score: float
    reason: str

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "score": round(self.score, 3), "reason": self.reason}


@dataclass
class _UnitIndex:
    code: str
    name: str
    depth: int
    phrases: list[tuple[str, str]]  # (compact form, as written)
    terms: set[str]  # words of its name, handles and duties
    duty_terms: set[str]  # words of its handles and duties only


_CACHE: dict[str, tuple[list[_UnitIndex], dict[str, float]]] = {}


def _index() -> tuple[list[_UnitIndex], dict[str, float]]:
    rows = list(Unit.objects.order_by("code").values_list("id", "code", "name", "parent_id", "handles", "duties"))
    key = hashlib.sha256(json.dumps(rows, ensure_ascii=False, default=str).encode()).hexdigest()
    if key in _CACHE:
        return _CACHE[key]
    parents = {r[0]: r[3] for r in rows}

    def depth(uid: int) -> int:
        d, seen = 0, set()
        while parents.get(uid) and uid not in seen:
            seen.add(uid)
            uid, d = parents[uid], d + 1
        return d

    units = []
    for uid, code, name, _parent, handles, duties in rows:
        phrases = [(compact(p), p) for p in handles if len(compact(p)) >= 3]
        duty_terms = {t for text in [*handles, *duties] for t in tokenize(text, drop_stopwords=True) if len(t) > 1}
        name_terms = {t for t in tokenize(name, drop_stopwords=True) if len(t) > 1}
        units.append(_UnitIndex(code=code, name=name, depth=depth(uid), phrases=phrases,
                                terms=duty_terms | name_terms, duty_terms=duty_terms))
    df: dict[str, int] = {}
    for unit in units:
        for term in unit.terms:
            df[term] = df.get(term, 0) + 1
    idf = {term: math.log(1 + len(units) / n) for term, n in df.items()}
    _CACHE.clear()
    _CACHE[key] = (units, idf)
    return units, idf


def rule_scores(*, subject: str, sender: str = "") -> dict[str, tuple[float, str]]:
    """Rule evidence per unit: ``{code: (score 0..1, Thai reason)}`` for the units whose
    handles phrases or duty words the subject (and, weakly, the sender) shares."""
    subject_compact = compact(subject)
    words = {w for w in tokenize(subject, drop_stopwords=True) if len(w) > 1}
    sender_words = {w for w in tokenize(sender, drop_stopwords=True) if len(w) > 1} - words
    units, idf = _index()
    scores = {}
    for unit in units:
        phrases = [shown for c, shown in unit.phrases if c and c in subject_compact]
        shared = sorted((w for w in words if w in unit.terms), key=lambda w: -idf.get(w, 0))
        # The sender only hints (a matter it usually writes about), and never by the
        # unit's own name: a letter *from* a unit is not a letter *for* it.
        from_sender = [w for w in sender_words if w in unit.duty_terms]
        raw = (sum(2.0 + 0.2 * len(p) for p in phrases) + sum(idf.get(w, 0) for w in shared) * 0.5
               + sum(idf.get(w, 0) for w in from_sender) * 0.15)
        if raw <= 0:
            continue
        raw += 0.05 * unit.depth  # prefer the unit that does the work over its parent
        if phrases:
            reason = "ตรงกับเรื่องที่หน่วยงานรับผิดชอบ: " + ", ".join(f"“{p}”" for p in phrases[:3])
        else:
            reason = "คำในเรื่องตรงกับหน้าที่ของหน่วยงาน: " + ", ".join(shared[:5] or from_sender[:5])
        # raw/(raw+3): one strong phrase ≈ 0.6, several ≈ 0.8+, a few shared words lower.
        scores[unit.code] = (raw / (raw + 3.0), reason)
    return scores


def _learned_reason(model, subject: str, sender: str, code: str) -> str:
    routed = int(model.meta.get("route_counts", {}).get(code, 0))
    words = model.influential_words(subject, sender, code)
    parts = []
    if routed:
        parts.append(f"เรื่องทำนองนี้ส่งหน่วยงานนี้มาก่อน ({routed} ครั้ง)")
    if words:
        parts.append("จากการเรียนรู้เรื่องที่เคยส่ง: คำว่า " + ", ".join(words))
    return "; ".join(parts) or "จากการเรียนรู้เรื่องที่เคยส่ง"


def suggest_units(*, subject: str, sender: str = "", limit: int = 3) -> list[Suggestion]:
    """The ``limit`` units most likely to own a letter about ``subject`` from ``sender``.

    Blends the rules (:func:`rule_scores`) with the learned classifier
    (``learning.load_model``; never trained here) as ``a·rule + (1-a)·probability``, ``a``
    tuned by cross-validation on the training history and stored in the model. Without a
    usable model file the rules answer alone. Returns Suggestions best first (score in
    0..1; reason in Thai saying whether it came from the rules, the learning or both); an
    empty list when nothing matches.
    """
    from saraban.routing import learning

    rules = rule_scores(subject=subject, sender=sender)
    model = learning.load_model() if (subject or "").strip() else None
    names = dict(Unit.objects.values_list("code", "name"))
    if model is None:
        ranked = sorted(rules.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
        return [Suggestion(code=c, name=names.get(c, c), score=s, reason=r) for c, (s, r) in ranked]
    alpha = float(model.meta.get("blend", learning.DEFAULT_BLEND))
    probs = {c: p for c, p in model.predict(subject, sender) if c in names}
    out = []
    for code in learning.blend({c: s for c, (s, _) in rules.items()}, probs, alpha)[:limit]:
        score = alpha * rules.get(code, (0.0, ""))[0] + (1 - alpha) * probs.get(code, 0.0)
        if score <= 0:
            break
        reasons = []
        if code in rules:
            reasons.append(rules[code][1])
        if probs.get(code, 0.0) >= 0.05 or code not in rules:
            reasons.append(_learned_reason(model, subject, sender, code))
        out.append(Suggestion(code=code, name=names.get(code, code), score=min(1.0, score),
                              reason=" / ".join(reasons)))
    return out
