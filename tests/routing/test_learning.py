"""Routing suggestions that learn: the signed model file, learning from what clerks
routed, retraining when due, and the suggest/evaluate commands."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from saraban.routing import learning
from saraban.routing.models import Route, Unit
from saraban.routing.services import route_letter
from saraban.routing.suggestions import suggest_units
from tests.factories import registered_letter

pytestmark = pytest.mark.django_db

SMALL = [
    {"subject": "ขอให้ตรวจร่างสัญญาเช่าอาคาร", "sender": "กองกลาง", "unit": "OPS-LEGAL-RIGHTS"},
    {"subject": "ขอให้ตรวจร่างสัญญาจ้างเหมา", "sender": "กองกลาง", "unit": "OPS-LEGAL-RIGHTS"},
    {"subject": "ขอเบิกเงินค่าตอบแทนวิทยากร", "sender": "กองกฎหมาย", "unit": "OPS-GAD-FIN-PAY"},
    {"subject": "ขอเบิกเงินค่าเดินทางไปราชการ", "sender": "กองกฎหมาย", "unit": "OPS-GAD-FIN-PAY"},
]


@pytest.fixture
def model_file(settings, tmp_path):
    settings.SARABAN_ROUTING_MODEL_PATH = tmp_path / "models" / "routing.json"
    learning._CACHE.clear()
    yield settings.SARABAN_ROUTING_MODEL_PATH
    learning._CACHE.clear()


@pytest.fixture
def small_train_file(tmp_path, monkeypatch):
    """A short training file, so that tests which train several times stay quick."""
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in SMALL), encoding="utf-8")
    monkeypatch.setattr(learning, "TRAIN_FILE", path)
    return path


def test_signed_model_file_round_trips(model_file):
    model = learning.fit(SMALL)
    model.meta = {"trained_at": "x", "examples": 4, "version": learning.VERSION}
    learning.save_model(model)
    document = json.loads(model_file.read_text(encoding="utf-8"))
    assert document["format"] == "saraban-routing-model" and len(document["signature"]) == 64
    loaded = learning.load_model()
    assert loaded is not None and loaded.classes == model.classes and loaded.meta["examples"] == 4
    subject = "ขอให้ตรวจร่างสัญญาซื้อขาย"
    assert [c for c, _ in loaded.predict(subject)] == [c for c, _ in model.predict(subject)]
    assert learning.predict(subject)[0][0] == "OPS-LEGAL-RIGHTS"


@pytest.mark.parametrize("damage", ["weight", "unsigned", "other_key"])
def test_tampered_or_unsigned_file_is_refused_and_rules_still_answer(model_file, settings, damage, caplog):
    learning.save_model(learning.fit(SMALL))
    document = json.loads(model_file.read_text(encoding="utf-8"))
    if damage == "weight":
        row = next(r for r in document["payload"]["coef"] if r)
        j = next(iter(row))
        row[j] = row[j] + 0.5
    elif damage == "unsigned":
        del document["signature"]
    model_file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    if damage == "other_key":
        settings.SARABAN_ROUTING_MODEL_KEY = "another-installation's-key"
    learning._CACHE.clear()

    assert learning.load_model() is None
    assert "refused" in caplog.text
    assert learning.predict("ขอให้ตรวจร่างสัญญาซื้อขาย") == []
    suggestions = suggest_units(subject="ขอให้ตรวจร่างสัญญาเช่าอาคาร")
    assert suggestions and suggestions[0].code == "OPS-LEGAL-RIGHTS"
    assert suggestions[0].reason.startswith("ตรงกับเรื่องที่หน่วยงานรับผิดชอบ")


def test_learns_what_clerks_routed_and_never_classified_subjects(model_file, people):
    clerk = people["clerk"]
    target = "OPS-PR-GEN"  # its duties say nothing about electricity bills
    new_subject = "แจ้งยอดค่ากระแสไฟฟ้าประจำเดือนมีนาคม"
    before = suggest_units(subject=new_subject, sender="การไฟฟ้านครหลวง")
    assert not before or before[0].code != target
    for month in ["มกราคม", "กุมภาพันธ์", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม"]:
        letter = registered_letter(clerk, subject=f"แจ้งยอดค่ากระแสไฟฟ้าประจำเดือน{month}",
                                   issuing_office="การไฟฟ้านครหลวง")
        route_letter(actor=clerk, letter_id=letter.pk, unit_codes=[target])
    secret_word = "ปฏิบัติการนกกระเรียนทอง"
    hidden = registered_letter(clerk, subject=f"แผน{secret_word}")
    type(hidden).objects.filter(pk=hidden.pk).update(secrecy="secret")
    Route.objects.create(letter=hidden, from_unit=hidden.desk_unit, to_unit=Unit.objects.get(code=target),
                         sent_by=clerk)

    meta = learning.train()
    assert meta["routes"] == 6 and meta["route_counts"] == {target: 6}
    after = suggest_units(subject=new_subject, sender="การไฟฟ้านครหลวง")
    assert after[0].code == target and 0 < after[0].score <= 1
    assert "ส่งหน่วยงานนี้มาก่อน (6 ครั้ง)" in after[0].reason
    text = model_file.read_text(encoding="utf-8")
    assert secret_word not in text and "นกกระเรียน" not in text


def test_retrain_only_when_enough_new_routes(model_file, small_train_file, settings, people):
    settings.SARABAN_ROUTING_RETRAIN_EVERY = 3
    clerk = people["clerk"]
    assert learning.retrain_if_due() is True  # no model yet
    first = model_file.stat().st_mtime_ns
    assert learning.retrain_if_due() is False
    letters = [registered_letter(clerk, subject=f"ขอข้อมูลสถิติผู้รับบริการ ชุดที่ {n}") for n in range(3)]
    for letter in letters[:2]:
        route_letter(actor=clerk, letter_id=letter.pk, unit_codes=["OPS-ICT-DATA"])
    assert learning.retrain_if_due() is False and model_file.stat().st_mtime_ns == first
    route_letter(actor=clerk, letter_id=letters[2].pk, unit_codes=["OPS-ICT-DATA"])
    assert learning.retrain_if_due() is True
    assert learning.load_model().meta["routes"] == 3
    assert learning.retrain_if_due() is False


def test_retrain_replaces_a_refused_file(model_file, small_train_file):
    model_file.parent.mkdir(parents=True)
    model_file.write_text('{"format": "saraban-routing-model", "payload": {}}', encoding="utf-8")
    assert learning.retrain_if_due() is True
    assert learning.load_model() is not None


def test_routing_suggest_json_shape(model_file):
    out = io.StringIO()
    call_command("routing_suggest", "--subject", "ขอให้ตรวจร่างสัญญาเช่าอาคาร", "--sender", "กองกลาง", "--json",
                 stdout=out)
    data = json.loads(out.getvalue())
    assert list(data) == ["units"] and 1 <= len(data["units"]) <= 3
    names = dict(Unit.objects.values_list("code", "name"))
    for unit in data["units"]:
        assert set(unit) == {"code", "name", "score", "reason"}
        assert unit["name"] == names[unit["code"]] and 0 <= unit["score"] <= 1 and unit["reason"]
    assert data["units"][0]["code"] == "OPS-LEGAL-RIGHTS"


def test_routing_evaluate_meets_the_targets_on_held_out_real_subjects(model_file):
    out = io.StringIO()
    call_command("routing_evaluate", "--json", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["items"] >= 150 and result["units"] >= 25
    assert result["top3"] >= 0.90 and result["top1"] >= 0.70
    assert result["top1"] > result["rules_only"]["top1"]
    assert not model_file.exists()  # evaluation trains in memory only


def test_routing_evaluate_refuses_a_held_out_subject_copied_into_training(tmp_path):
    held = learning.read_examples(learning.HELDOUT_FILE)
    train = tmp_path / "train.jsonl"
    train.write_text(learning.TRAIN_FILE.read_text(encoding="utf-8")
                     + json.dumps({**held[5], "subject": held[5]["subject"] + " "}, ensure_ascii=False) + "\n",
                     encoding="utf-8")
    with pytest.raises(CommandError, match="ซ้ำกับชุดฝึก"):
        call_command("routing_evaluate", "--json", "--train", str(train), "--heldout", str(learning.HELDOUT_FILE),
                     stdout=io.StringIO())


def test_project_data_sets_are_disjoint_and_name_real_units():
    from saraban.routing.management.commands.routing_evaluate import overlaps

    train, held = learning.read_examples(learning.TRAIN_FILE), learning.read_examples(learning.HELDOUT_FILE)
    codes = {u["code"] for u in json.loads((learning.DATA_DIR / "organisation.json").read_text("utf-8"))["units"]}
    assert {r["unit"] for r in train + held} <= codes
    assert all(r["source"] for r in train + held)
    assert overlaps(train, held) == []
