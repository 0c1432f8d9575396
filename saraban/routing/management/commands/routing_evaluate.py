"""``manage.py routing_evaluate [--json] [--train FILE] [--heldout FILE]``: top-1/top-3
accuracy of the routing suggestions on the held-out real subjects.

A fresh model is trained in memory from the training file and the units' rules only
(never from the held-out set, never from the database); the blend weight is tuned by
cross-validation on the training file. Refuses (exit 1) when the files are invalid or a
held-out subject also appears, or nearly appears, in the training file. The last line
printed is one JSON object.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from saraban.routing import learning
from saraban.routing.models import Unit
from saraban.routing.suggestions import rule_scores
from saraban.search.analysis import compact, tokenize


def overlaps(train: list[dict], heldout: list[dict], *, threshold: float = 0.8) -> list[tuple[str, str]]:
    """Pairs (held-out subject, training subject) that are the same after normalisation
    or share at least ``threshold`` of their words (Jaccard)."""
    def words(text):
        return frozenset(w for w in tokenize(text) if len(w) > 1)

    seen = {compact(r["subject"]): r["subject"] for r in train}
    train_words = [(words(r["subject"]), r["subject"]) for r in train]
    pairs = []
    for row in heldout:
        key = compact(row["subject"])
        if key in seen:
            pairs.append((row["subject"], seen[key]))
            continue
        mine = words(row["subject"])
        for theirs, subject in train_words:
            if mine and theirs and len(mine & theirs) / len(mine | theirs) >= threshold:
                pairs.append((row["subject"], subject))
                break
    return pairs


class Command(BaseCommand):
    help = "วัดความแม่นยำของการแนะนำหน่วยงาน (top-1/top-3) กับชุดเรื่องจริงที่กันไว้ทดสอบ"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="พิมพ์ผลเป็น JSON บรรทัดเดียว")
        parser.add_argument("--train", type=Path, default=learning.TRAIN_FILE)
        parser.add_argument("--heldout", type=Path, default=learning.HELDOUT_FILE)

    def handle(self, *args, **options):
        try:
            train = learning.read_examples(options["train"])
            heldout = learning.read_examples(options["heldout"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"ข้อมูลไม่ถูกต้อง: {exc}") from exc
        codes = set(Unit.objects.values_list("code", flat=True))
        unknown = sorted({r["unit"] for r in train + heldout} - codes)
        if unknown:
            raise CommandError(f"รหัสหน่วยงานไม่มีในผังองค์กร: {', '.join(unknown)}")
        pairs = overlaps(train, heldout)
        if pairs:
            shown = "; ".join(f"“{a}” ~ “{b}”" for a, b in pairs[:5])
            raise CommandError(f"ชุดทดสอบซ้ำกับชุดฝึก {len(pairs)} เรื่อง: {shown}")

        history = [{**r, "weight": 1.0} for r in train]
        rules = learning.rule_examples()
        model = learning.fit(history + rules)
        alpha = learning.tune_blend(history, rules)
        hits = {"blend": [0, 0], "rules": [0, 0]}
        misses: dict[str, list[str]] = {}
        for row in heldout:
            rule = {c: s for c, (s, _r) in rule_scores(subject=row["subject"], sender=row["sender"]).items()}
            probs = dict(model.predict(row["subject"], row["sender"]))
            for name, ranked in (("blend", learning.blend(rule, probs, alpha)),
                                 ("rules", learning.blend(rule, {}, 1.0))):
                hits[name][0] += ranked[:1] == [row["unit"]]
                hits[name][1] += row["unit"] in ranked[:3]
                if name == "blend" and ranked[:1] != [row["unit"]]:
                    misses.setdefault(row["unit"], []).append(
                        f"{row['subject']} → {', '.join(ranked[:3]) or '-'}")
        n = len(heldout)
        result = {"items": n, "top1": round(hits["blend"][0] / n, 3), "top3": round(hits["blend"][1] / n, 3),
                  "rules_only": {"top1": round(hits["rules"][0] / n, 3), "top3": round(hits["rules"][1] / n, 3)},
                  "units": len({r["unit"] for r in heldout}), "train_items": len(train), "blend": alpha}
        if not options["json"]:
            self.stdout.write(f"ชุดทดสอบ {n} เรื่อง {result['units']} หน่วยงาน; ชุดฝึก {len(train)} เรื่อง; "
                              f"น้ำหนักกฎ {alpha}")
            for unit, items in sorted(misses.items()):
                self.stdout.write(f"อันดับ 1 ไม่ตรง — {unit}:")
                for item in items:
                    self.stdout.write(f"  {item}")
            self.stdout.write(f"top-1 {result['top1']:.1%}  top-3 {result['top3']:.1%}  "
                              f"(กฎอย่างเดียว top-1 {result['rules_only']['top1']:.1%} "
                              f"top-3 {result['rules_only']['top3']:.1%})")
        self.stdout.write(json.dumps(result, ensure_ascii=False))
