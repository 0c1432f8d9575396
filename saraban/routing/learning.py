"""Routing that learns from what clerks did: a text classifier over incoming subjects.

Features of a letter (:func:`features`): its subject's Thai words (``search.analysis.tokenize``,
nlpo3 newmm, stop words dropped), character 3- and 4-grams of the compacted subject (they
survive a wrong word split or an OCR misreading), and the sender's words. They are
weighted by TF-IDF (sublinear tf, l2 norm); a linear SVM scores each unit and a softmax
of the scores gives probabilities.

Training examples (:func:`examples`): the project's ``data/routing_train.jsonl`` (real
subjects from the work manual standing in for a new installation's history), each unit's
own ``handles`` phrases and ``duties`` sentences as weak examples, and — what clerks did —
every route sent from the registering desk to a unit for an unclassified letter
(classified subjects are never learnt, so never written to the model file).

The model file is JSON, never pickle: vocabulary, idf, weights, classes and metadata,
signed with HMAC-SHA256 (key ``settings.SARABAN_ROUTING_MODEL_KEY``, or when empty
HMAC(SECRET_KEY, "saraban-routing-model")) and written atomically at
``settings.SARABAN_ROUTING_MODEL_PATH``. A file whose signature does not verify is refused
(logged); routing then falls back to the rules (``suggestions.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from saraban.search.analysis import compact, tokenize

log = logging.getLogger(__name__)

VERSION = 1
FORMAT = "saraban-routing-model"
DATA_DIR = Path(__file__).resolve().parent / "data"
TRAIN_FILE = DATA_DIR / "routing_train.jsonl"
HELDOUT_FILE = DATA_DIR / "routing_heldout.jsonl"
RULE_WEIGHT = 0.5  # a unit's own handles/duties count half as much as a routed letter
DEFAULT_BLEND = 0.5
PRUNE = 0.02  # weights smaller than this are dropped (stored sparse)
SCALE = 10.0  # SVM scores × SCALE → softmax probabilities (chosen by cross-validation)  # weight of the rules when the training data is too small to tune it


# ---------------------------------------------------------------- features and data

def features(subject: str, sender: str = "") -> list[str]:
    """The feature strings of a letter: ``w:<word>`` (subject words), ``c:<n-gram>``
    (character 3/4-grams of the compacted subject) and ``s:<word>`` (sender words)."""
    words = [w for w in tokenize(subject or "", drop_stopwords=True) if len(w) > 1]
    text = compact(subject or "")
    grams = [text[i:i + n] for n in (3, 4) for i in range(len(text) - n + 1)]
    sender_words = [w for w in tokenize(sender or "", drop_stopwords=True) if len(w) > 1]
    return [f"w:{w}" for w in words] + [f"c:{g}" for g in grams] + [f"s:{w}" for w in sender_words]


def read_examples(path: Path) -> list[dict]:
    """Rows of a routing JSONL file: ``{"subject", "sender", "unit", "source"}``.

    Raises ValueError naming the line when a row is not JSON or lacks subject/unit.
    """
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not JSON ({exc})") from exc
        if not isinstance(row, dict) or not str(row.get("subject", "")).strip() or not row.get("unit"):
            raise ValueError(f"{path}:{n}: needs a subject and a unit")
        rows.append({"subject": row["subject"], "sender": row.get("sender", ""), "unit": row["unit"],
                     "source": row.get("source", "")})
    return rows


def rule_examples() -> list[dict]:
    """Weak examples from the organisation: each unit's handles phrases and duties."""
    from saraban.routing.models import Unit

    rows = []
    for code, handles, duties in Unit.objects.values_list("code", "handles", "duties"):
        rows += [{"subject": text, "sender": "", "unit": code, "weight": RULE_WEIGHT}
                 for text in [*handles, *duties] if str(text).strip()]
    return rows


def _eligible_routes():
    """Routes a registry desk sent to a unit, for unclassified letters (what clerks did)."""
    from saraban.core.classes import Secrecy
    from saraban.routing.models import Route

    return Route.objects.filter(to_unit__isnull=False, from_unit_id=F("letter__desk_unit_id"),
                                letter__secrecy=Secrecy.UNCLASSIFIED)


def route_count() -> int:
    """How many routes the model may learn from (one COUNT query)."""
    return _eligible_routes().count()


def route_examples() -> list[dict]:
    """``{"subject", "sender", "unit"}`` of each eligible route (one per letter and unit)."""
    rows = _eligible_routes().values_list("letter__subject", "letter__issuing_office", "to_unit__code").distinct()
    return [{"subject": s, "sender": o or "", "unit": c, "weight": 1.0, "routed": True}
            for s, o, c in rows if (s or "").strip()]


# ---------------------------------------------------------------- the model

@dataclass
class Model:
    """A trained classifier: ``vocabulary`` feature → column, ``idf`` per column,
    ``coef`` (classes × columns), ``intercept`` per class, ``classes`` unit codes,
    ``meta`` (trained_at, examples, routes, version, blend, route_counts)."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    classes: list[str]
    meta: dict = field(default_factory=dict)

    def vector(self, subject: str, sender: str = "") -> np.ndarray:
        """The l2-normalised sublinear TF-IDF vector of a letter."""
        counts: dict[int, int] = {}
        for f in features(subject, sender):
            j = self.vocabulary.get(f)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        x = np.zeros(len(self.idf))
        for j, n in counts.items():
            x[j] = (1 + math.log(n)) * self.idf[j]
        norm = np.linalg.norm(x)
        return x / norm if norm else x

    def probabilities(self, subject: str, sender: str = "") -> np.ndarray:
        """Probability of each class (softmax of the linear scores)."""
        z = (self.coef @ self.vector(subject, sender) + self.intercept) * SCALE
        z = np.exp(z - z.max())
        return z / z.sum()

    def predict(self, subject: str, sender: str = "") -> list[tuple[str, float]]:
        """``[(unit code, probability)]``, most likely first."""
        p = self.probabilities(subject, sender)
        return [(self.classes[i], float(p[i])) for i in np.argsort(-p)]

    def influential_words(self, subject: str, sender: str, code: str, limit: int = 3) -> list[str]:
        """The subject/sender words that pushed ``code`` up most (for the reason shown)."""
        if code not in self.classes:
            return []
        x = self.vector(subject, sender)
        row = self.coef[self.classes.index(code)] * x
        inverse = {j: f for f, j in self.vocabulary.items() if f[0] in "ws" and x[j]}
        ranked = sorted((j for j in inverse if row[j] > 0), key=lambda j: -row[j])
        return [inverse[j][2:] for j in ranked[:limit]]

    def payload(self) -> dict:
        return {"version": VERSION, "meta": self.meta, "classes": self.classes,
                "vocabulary": sorted(self.vocabulary, key=self.vocabulary.get),
                "idf": [round(float(v), 5) for v in self.idf],
                "intercept": [round(float(v), 5) for v in self.intercept],
                "coef": [{str(j): float(row[j]) for j in np.flatnonzero(row)} for row in self.coef]}

    @classmethod
    def from_payload(cls, data: dict) -> "Model":
        if data.get("version") != VERSION:
            raise ValueError(f"model version {data.get('version')} is not {VERSION}")
        vocabulary = {f: j for j, f in enumerate(data["vocabulary"])}
        coef = np.zeros((len(data["classes"]), len(vocabulary)))
        for i, row in enumerate(data["coef"]):
            for j, w in row.items():
                coef[i, int(j)] = float(w)
        return cls(vocabulary=vocabulary, idf=np.array(data["idf"], dtype=float), coef=coef,
                   intercept=np.array(data["intercept"], dtype=float), classes=list(data["classes"]),
                   meta=dict(data.get("meta", {})))


def fit(rows: list[dict], *, c: float = 0.5) -> Model:
    """Train a model on ``rows`` (``subject``, ``sender``, ``unit``, optional ``weight``):
    a linear SVM (one against the rest) whose scores, times SCALE, go through a softmax.
    Chosen over logistic regression and complement naive Bayes by 5-fold
    cross-validation on the training file (better top-1 and top-3, and 20× faster).

    Raises ValueError when fewer than two units have examples.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    rows = [r for r in rows if str(r.get("subject", "")).strip()]
    if len({r["unit"] for r in rows}) < 2:
        raise ValueError("ต้องมีตัวอย่างอย่างน้อยสองหน่วยงานจึงจะเรียนรู้ได้")
    vectorizer = TfidfVectorizer(analyzer=lambda pair: features(*pair), sublinear_tf=True, min_df=1)
    x = vectorizer.fit_transform([(r["subject"], r.get("sender", "")) for r in rows])
    y = [r["unit"] for r in rows]
    weights = [float(r.get("weight", 1.0)) for r in rows]
    clf = LinearSVC(C=c, random_state=0)
    clf.fit(x, y, sample_weight=weights)
    coef, intercept = clf.coef_, clf.intercept_
    if len(clf.classes_) == 2:  # one score for two classes: the first class scores its negation
        coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
    coef = np.round(coef, 4)
    coef[np.abs(coef) < PRUNE] = 0.0  # tiny weights change no ranking; dropping them keeps the file small
    return Model(vocabulary={f: int(j) for f, j in vectorizer.vocabulary_.items()}, idf=vectorizer.idf_,
                 coef=coef, intercept=intercept, classes=[str(k) for k in clf.classes_])


# ---------------------------------------------------------------- signing and files

def _key() -> bytes:
    key = getattr(settings, "SARABAN_ROUTING_MODEL_KEY", "") or ""
    if key:
        return key.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"saraban-routing-model", hashlib.sha256).digest()


def _canonical(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign(payload: dict) -> str:
    """HMAC-SHA256 (hex) of the canonical JSON of ``payload``."""
    return hmac.new(_key(), _canonical(payload), hashlib.sha256).hexdigest()


def model_path() -> Path:
    return Path(settings.SARABAN_ROUTING_MODEL_PATH)


def save_model(model: Model, path: Path | None = None) -> Path:
    """Write ``model`` signed, atomically (temporary file in the same folder, then rename)."""
    path = Path(path or model_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = model.payload()
    document = {"format": FORMAT, "signature": sign(payload), "payload": payload}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".routing-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _CACHE.clear()
    return path


def read_model(path: Path) -> Model:
    """Read and verify a model file. Raises ValueError when unsigned, tampered or malformed."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"unreadable model file: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT or "payload" not in document:
        raise ValueError("not a routing model file")
    signature = document.get("signature")
    if not isinstance(signature, str) or not hmac.compare_digest(signature, sign(document["payload"])):
        raise ValueError("signature does not verify (unsigned or altered file)")
    try:
        return Model.from_payload(document["payload"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed model: {exc}") from exc


_CACHE: dict[str, tuple[float, Model | None]] = {}


def load_model() -> Model | None:
    """The verified model at ``SARABAN_ROUTING_MODEL_PATH``, cached per process by the
    file's mtime; None when there is no file or it is refused (a warning is logged)."""
    path = model_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    cached = _CACHE.get(str(path))
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        model = read_model(path)
    except ValueError as exc:
        log.warning("routing model %s refused, suggesting by rules only: %s", path, exc)
        model = None
    _CACHE.clear()
    _CACHE[str(path)] = (mtime, model)
    return model


def predict(subject: str, sender: str = "") -> list[tuple[str, float]]:
    """``[(unit code, probability)]`` best first from the saved model; ``[]`` without one."""
    model = load_model()
    return model.predict(subject, sender) if model else []


# ---------------------------------------------------------------- training

def examples(*, include_routes: bool = True, train_file: Path | None = None) -> tuple[list[dict], list[dict]]:
    """``(history, rules)``: the training file (default TRAIN_FILE) plus, when asked, the
    routes in the database; and the units' weak rule examples."""
    train_file = Path(train_file or TRAIN_FILE)
    history = [{**r, "weight": 1.0} for r in read_examples(train_file)] if Path(train_file).exists() else []
    if include_routes:
        history += route_examples()
    return history, rule_examples()


def tune_blend(history: list[dict], rules: list[dict], *, folds: int = 5) -> float:
    """The weight of the rules (0..1) in the blend, chosen by ``folds``-fold
    cross-validation on ``history`` (never on the held-out set): for each fold a model is
    trained on the other folds plus the rules, and the weight giving the best top-1 (then
    top-3) over all folds is kept. Falls back to DEFAULT_BLEND on too little data."""
    from saraban.routing.suggestions import rule_scores

    if len(history) < folds * 2:
        return DEFAULT_BLEND
    order = sorted(range(len(history)), key=lambda i: hashlib.sha256(history[i]["subject"].encode()).hexdigest())
    grid = [i / 10 for i in range(11)]
    hits = {a: [0, 0] for a in grid}
    for k in range(folds):
        test = [history[i] for n, i in enumerate(order) if n % folds == k]
        model = fit([history[i] for n, i in enumerate(order) if n % folds != k] + rules)
        for row in test:
            probs = dict(model.predict(row["subject"], row["sender"]))
            rules_ = {code: score for code, (score, _reason) in rule_scores(subject=row["subject"],
                                                                             sender=row["sender"]).items()}
            for a in grid:
                ranked = blend(rules_, probs, a)
                hits[a][0] += ranked[:1] == [row["unit"]]
                hits[a][1] += row["unit"] in ranked[:3]
    return max(grid, key=lambda a: (hits[a][0], hits[a][1], -abs(a - DEFAULT_BLEND)))


def blend(rules: dict[str, float], probs: dict[str, float], alpha: float) -> list[str]:
    """Unit codes ranked by ``alpha·rule score + (1-alpha)·probability``."""
    codes = set(rules) | set(probs)
    return sorted(codes, key=lambda c: (-(alpha * rules.get(c, 0.0) + (1 - alpha) * probs.get(c, 0.0)), c))


def build(*, include_routes: bool = True, train_file: Path | None = None, routes: int | None = None) -> Model:
    """Train a model in memory (see :func:`examples`) with the blend tuned on the history."""
    history, rules = examples(include_routes=include_routes, train_file=train_file)
    model = fit(history + rules)
    counts: dict[str, int] = {}
    for row in history:
        if row.get("routed"):
            counts[row["unit"]] = counts.get(row["unit"], 0) + 1
    model.meta = {"trained_at": timezone.now().isoformat(), "version": VERSION,
                  "examples": len(history), "rule_examples": len(rules),
                  "routes": route_count() if routes is None and include_routes else (routes or 0),
                  "route_counts": counts, "blend": tune_blend(history, rules), "units": len(model.classes)}
    return model


def train(*, include_routes: bool = True) -> dict:
    """Train from the training file, the rules and (by default) the database routes, and
    write the signed model file. Returns the model's metadata."""
    model = build(include_routes=include_routes)
    save_model(model)
    log.info("routing model trained: %s", {k: v for k, v in model.meta.items() if k != "route_counts"})
    return model.meta


def retrain_if_due() -> bool:
    """Retrain when no usable model exists, or when at least
    ``settings.SARABAN_ROUTING_RETRAIN_EVERY`` eligible routes were added since the model
    was trained. Cheap otherwise: a stat of the file and one COUNT query. Returns True
    when it trained. Meant for the worker's periodic loop."""
    model = load_model()
    count = route_count()
    if model is not None and count - int(model.meta.get("routes", 0)) < settings.SARABAN_ROUTING_RETRAIN_EVERY:
        return False
    train()
    return True
