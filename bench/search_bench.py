#!/usr/bin/env python3
"""Search benchmark: Elasticsearch against the embedded backend on synthetic letters.

Usage::

    .venv/bin/python bench/search_bench.py [--letters N] [--queries N] [--seed S]
        [--batch N] [--elasticsearch-url URL] [--database-url URL] [--corpus DIR]
        [--skip-embedded] [--skip-elasticsearch] [--detail]

Method
------
*Collection.* N letters (default 100,000; at least 1,000) of about 3,000 characters
each are generated from a seeded ``random.Random`` (the same letters for the same seed
and N, on any machine): a header as printed (urgency stamp, ``ที่`` number, date,
``เรื่อง``, ``เรียน``, ``อ้างถึง`` references), an opening sentence naming the subject,
paragraphs of sentences drawn from a pool, a closing, a signature and a contact line.
The pool holds sentences expanded from the templates below (agencies, units, places,
dates, amounts in Thai digits) and, when the shared corpus is there
(``../shared/corpus``), the Thai lines of its letters and seed manuals, read at run
time (lines that look like they name a person, or carry a URL, e-mail or telephone
number, are left out; nothing of the corpus is written anywhere). Document numbers
follow DOMAIN.md §1 (``ยธ ๐๓๐๓/ว ๑๓``, ``มท ๐๓๐๗.๒/ว ๒๕๕๖๒``), printed with Thai or
Arabic digits, spaces or dots. Dates run evenly from 2021 to 2025 in letter-id order;
about 1 % of the letters are ``confidential``. Every letter belongs to agency 1.

*Planted letters.* ``bench/search_queries.json`` describes known items (a unique
subject and number, some cited by follow-up letters), topic clusters (letters about
one matter in their subject, or only in their body) and round-up distractors. They are
placed at the same fractions of the collection whatever N (letter id
``1 + (2k+1)·N // 2P`` for the k-th of P planted letters, in a seeded order) and their
text does not depend on N. No filler sentence contains a string the file reserves, so
only planted letters can match the judged queries' distinctive words.

*Indexing.* Each backend is emptied (``clear()``), then loaded the way an archive is:
``rebuild()``, the bulk path of ``search_reindex`` (Elasticsearch: a new index filled
with bulk requests, refresh off, then the alias swapped; embedded: one transaction),
which segments Thai inside; the rate is letters / seconds spent in ``rebuild()`` (the
synthetic letters are generated before, timed apart and not counted).

*Latency.* A seeded mix of ``--queries`` searches (default 200): 40 % free text (1–3
consecutive words of a pool sentence), 20 % number lookups (a letter's number reprinted
in the other digit script and another form, e.g. ``ยธ ๐๓๐๓/ว ๑๓`` → ``ยธ.0303/ว.13``),
20 % filtered (words + urgency / year / unit / register / type filters, half with a
date range, some sorted by date), 20 % faceted (words with every facet counted; the
others ask for no facets). Ten other queries warm each backend up first. Each search
runs as an archive reader of agency 1 (the access clause is applied; classified
letters stay invisible), one at a time; wall time around ``search()``; p50/p95/p99 by
linear interpolation.

*Relevance.* nDCG@10 of every judged query (the top 10 hits, relevance sort, no
facets): gain (2^rel − 1) / log2(rank + 1), ideal from the judgments restricted to the
letters the reader may see and the query's filters; averaged over the queries.
A classified letter among any hits is counted as a leak.

Ratios are Elasticsearch / embedded (the embedded backend, measured in the same run,
is the baseline); ``embedded_latency_factor`` is embedded / Elasticsearch. Targets
(the issue): Elasticsearch p95 ≤ 50 ms, bulk ≥ 1,000 letters/s, nDCG@10 ≥ 0.9; the
embedded backend's latencies within 5× of those (p95 ≤ 250 ms).

The tables go to stdout, progress to stderr; the last line printed is one JSON object
``{"letters": N, "embedded": {...}, "elasticsearch": {...}, "ratios": {...}, ...}``.
The embedded backend uses its own SQLite file (``var/bench-search.sqlite3``, made
afresh each run unless ``--database-url`` is given); Elasticsearch uses the index
``saraban-bench``. Both are left filled after the run for inspection.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

QUERIES_FILE = Path(__file__).resolve().with_name("search_queries.json")
DEFAULT_DB = REPO / "var" / "bench-search.sqlite3"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
ES_INDEX = "saraban-bench"
MIN_LETTERS = 1000
TARGETS = {"p95_ms": 50.0, "index_rate": 1000.0, "ndcg10": 0.9, "embedded_factor": 5.0}
KINDS = ("free_text", "number", "filtered", "faceted")

# --------------------------------------------------------------------------- vocabulary

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
          "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")

#: (letter code, agency as it signs, unit digits of its number series)
AGENCIES = (
    ("ยธ", "กรมคุมประพฤติ", ("0303", "0304", "0310", "0401")),
    ("มท", "กรมการปกครอง", ("0307.2", "0309.1", "0310.4", "0312")),
    ("รบ", "จังหวัดราชบุรี", ("0018", "0017.2", "0023.3")),
    ("พม", "สำนักงานปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", ("0201", "0205.3", "0408")),
    ("กห", "กองบัญชาการกองทัพไทย", ("0407", "0301.5", "0311")),
    ("ศธ", "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน", ("04006", "0210.5", "0350.11")),
    ("สธ", "สำนักงานปลัดกระทรวงสาธารณสุข", ("0201.042", "0231.5", "0209.08")),
    ("กค", "กรมบัญชีกลาง", ("0402.2", "0405.4", "0410.3")),
    ("นร", "สำนักงานคณะกรรมการข้าราชการพลเรือน", ("1008", "1011.3")),
    ("กษ", "กรมส่งเสริมการเกษตร", ("1008", "1003.7", "1012")),
    ("ทส", "กรมป่าไม้", ("1602.2", "1605.4", "1609")),
    ("ทส", "กรมทรัพยากรทางทะเลและชายฝั่ง", ("0910.4", "0912")),
    ("ทส", "กรมอุทยานแห่งชาติ สัตว์ป่า และพันธุ์พืช", ("0907.3", "0909.2")),
    ("คค", "กรมทางหลวงชนบท", ("0702", "0708.3")),
    ("รง", "กรมการจัดหางาน", ("0305", "0308.2")),
    ("ดศ", "สำนักงานสถิติแห่งชาติ", ("0405", "0407.1")),
    ("นม", "จังหวัดนครราชสีมา", ("0017.1", "0023.4")),
    ("ชม", "จังหวัดเชียงใหม่", ("0017.3", "0018.2")),
    ("ขก", "จังหวัดขอนแก่น", ("0023.6", "0017.4")),
    ("สข", "จังหวัดสงขลา", ("0017.2", "0023.1")),
    ("กจ", "จังหวัดกาญจนบุรี", ("0018.1", "0023.5")),
)
UNIT_NAMES = (
    "กองคลัง", "กองการเจ้าหน้าที่", "สำนักงานเลขานุการกรม", "กลุ่มงานนิติการ",
    "ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร", "กองแผนงาน", "กลุ่มพัฒนาระบบบริหาร",
    "กลุ่มตรวจสอบภายใน", "กองพัฒนาการคุมประพฤติ", "ที่ทำการปกครองจังหวัด", "สำนักงานจังหวัด",
    "กลุ่มงานอำนวยความสะดวกเป็นธรรม", "ฝ่ายบริหารทั่วไป", "กองยุทธศาสตร์และแผนงาน",
    "กองตรวจราชการ", "กลุ่มงานยุทธศาสตร์และข้อมูลเพื่อการพัฒนาจังหวัด", "กองพัสดุ",
    "กลุ่มงานบริหารทรัพยากรบุคคล", "สำนักงานส่งเสริมและสนับสนุนวิชาการ", "กองกฎหมาย",
)
PROVINCES = ("ราชบุรี", "นครราชสีมา", "เชียงใหม่", "ขอนแก่น", "สงขลา", "กาญจนบุรี", "อุดรธานี",
             "พิษณุโลก", "นครสวรรค์", "ชลบุรี", "สุราษฎร์ธานี", "อุบลราชธานี", "ลำปาง", "เพชรบุรี")
PLACE_HEADS = ("หนอง", "โคก", "ดอน", "นา", "ท่า", "โนน", "บึง", "วัง", "สระ", "คลอง", "ทุ่ง",
               "หาด", "เขา", "ดง", "บาง", "ไร่")
PLACE_TAILS = ("แก", "ยาง", "บัว", "ไผ่", "สูง", "ขาม", "แดง", "ทอง", "หิน", "ม่วง", "ตาล",
               "พะยอม", "สะแก", "ไทร", "จาน", "ขี้เหล็ก", "มะค่า", "อุดม", "เจริญ", "ใหม่",
               "กลาง", "ใหญ่", "น้อย", "โพธิ์")
FIRST_NAMES = ("สมชาย", "สมศักดิ์", "วิชัย", "ประเสริฐ", "สุภาพร", "วราภรณ์", "กาญจนา", "ณัฐพล",
               "ธนากร", "ปิยะนุช", "อรุณี", "สุรชัย", "จิราพร", "พรทิพย์", "ศิริวรรณ", "เกรียงไกร",
               "อนุชา", "มาลัย", "ชุติมา", "ธีระ")
SURNAME_HEADS = ("ศรี", "แสง", "ทอง", "บุญ", "วงศ์", "สุข", "เจริญ", "รัตน", "พงษ์", "กิตติ")
SURNAME_TAILS = ("สวัสดิ์", "ประเสริฐ", "มณี", "สกุล", "วัฒนา", "ชัย", "ศักดิ์", "ไพบูลย์", "ธรรม", "พันธ์")
ADDRESSEES = (
    "ผู้ว่าราชการจังหวัด ทุกจังหวัด", "นายอำเภอ ทุกอำเภอ", "หัวหน้าหน่วยงานในสังกัด",
    "อธิบดีกรมการปกครอง", "ปลัดกระทรวงมหาดไทย", "ผู้อำนวยการกองคลัง", "ผู้อำนวยการกองการเจ้าหน้าที่",
    "หัวหน้าสำนักงานจังหวัด", "ผู้อำนวยการสำนักงานคุมประพฤติจังหวัด ทุกจังหวัด",
    "ผู้อำนวยการเขตพื้นที่การศึกษา ทุกเขต", "นายแพทย์สาธารณสุขจังหวัด", "ปลัดจังหวัด",
    "ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร", "เลขาธิการคณะกรรมการข้าราชการพลเรือน",
)
POSITIONS = (
    "ผู้อำนวยการ{unit}", "อธิบดี{agency}", "รองอธิบดี ปฏิบัติราชการแทน อธิบดี{agency}",
    "ปลัดจังหวัด ปฏิบัติราชการแทน ผู้ว่าราชการจังหวัด{prov}", "หัวหน้า{unit}",
    "รองผู้ว่าราชการจังหวัด ปฏิบัติราชการแทน ผู้ว่าราชการจังหวัด{prov}",
)
SUBJECT_HEADS = (
    "ขอความอนุเคราะห์", "ขอความร่วมมือ", "ขออนุมัติ", "ขอเชิญประชุมเกี่ยวกับ", "แจ้งผลการพิจารณา",
    "รายงานผลการดำเนินงาน", "ขอส่ง", "การจัดทำ", "แนวทางการดำเนินการ", "ขอเชิญเข้าร่วม",
    "ขอรับการสนับสนุน", "การเบิกจ่ายค่าใช้จ่าย", "ซักซ้อมแนวทาง", "ประชาสัมพันธ์", "ขอเปลี่ยนแปลง",
    "ขอความเห็นชอบ", "แจ้งเวียน", "การติดตามผล", "ขอข้อมูลประกอบ", "มอบหมายให้ดำเนินการ",
)
SUBJECT_OBJECTS = (
    "แผนปฏิบัติราชการประจำปี", "งบประมาณรายจ่ายประจำปี", "การฝึกอบรมหลักสูตรงานสารบรรณ",
    "ข้อมูลบุคลากร", "การตรวจสอบพัสดุประจำปี", "โครงการพัฒนาระบบเทคโนโลยีสารสนเทศ",
    "การประเมินผลการปฏิบัติราชการ", "การจัดซื้อครุภัณฑ์คอมพิวเตอร์", "การรับฟังความคิดเห็นร่างระเบียบ",
    "การเดินทางไปราชการ", "การจัดงานวันข้าราชการพลเรือน", "การรายงานการใช้จ่ายงบประมาณ",
    "มาตรการประหยัดพลังงาน", "การควบคุมภายใน", "การบริหารความเสี่ยง", "การเปิดเผยข้อมูลสาธารณะ",
    "การคุ้มครองข้อมูลส่วนบุคคล", "การรักษาความปลอดภัยสถานที่ราชการ", "ระบบสารบรรณอิเล็กทรอนิกส์",
    "การลาศึกษาต่อ", "การเลื่อนเงินเดือนข้าราชการ", "การย้ายข้าราชการ", "การจัดเก็บเอกสารราชการ",
    "การทำลายหนังสือราชการที่ครบอายุการเก็บ", "การส่งเสริมคุณธรรมและความโปร่งใส",
    "การสำรวจความพึงพอใจผู้รับบริการ", "การบำรุงรักษาอาคารสำนักงาน", "การเช่าเครื่องถ่ายเอกสาร",
    "การจ้างเหมาบริการทำความสะอาด", "การฝึกซ้อมแผนป้องกันและระงับอัคคีภัย",
    "การจัดทำคำรับรองการปฏิบัติราชการ", "การรับสมัครพนักงานราชการ", "การตรวจสุขภาพประจำปีของบุคลากร",
    "การจัดประชุมคณะกรรมการบริหาร", "การพัฒนาระบบบริการประชาชนแบบดิจิทัล",
    "การรับเรื่องร้องเรียนร้องทุกข์", "การสอบคัดเลือกเพื่อเลื่อนระดับ", "การขอใช้รถราชการ",
    "การจัดทำบัญชีถือจ่ายเงินเดือน", "การยืมเงินทดรองราชการ",
)
SUBJECT_TAILS = ("", "", "", " ประจำปีงบประมาณ พ.ศ. {be}", " ครั้งที่ {n}/{be}", " ของ{unit}",
                 " ไตรมาสที่ {q}")
FOLLOWUP_SUBJECTS = ("ติดตามผลการดำเนินการตามหนังสือที่อ้างถึง", "ขอส่งข้อมูลเพิ่มเติมตามหนังสือที่อ้างถึง",
                     "แจ้งผลการพิจารณาตามหนังสือที่อ้างถึง")
ENCLOSURES = ("แบบรายงานผลการดำเนินงาน", "สำเนาคำสั่ง", "รายชื่อผู้เข้ารับการฝึกอบรม",
              "กำหนดการประชุม", "แบบฟอร์มสำรวจข้อมูล", "สำเนาหนังสือที่เกี่ยวข้อง", "คู่มือการปฏิบัติงาน")
OPENINGS = (
    "ด้วย{sender}มีความประสงค์ขอแจ้งเรื่อง{subject} ให้หน่วยงานที่เกี่ยวข้องทราบและถือปฏิบัติ",
    "ตามที่{sender}ได้มีหนังสือแจ้งเรื่อง{subject} มาเพื่อทราบและพิจารณา นั้น",
    "ด้วยปรากฏว่ามีความจำเป็นต้องดำเนินการเรื่อง{subject} เพื่อให้การปฏิบัติราชการเป็นไปด้วยความเรียบร้อย",
    "{sender}ขอเรียนว่า ในการดำเนินการเรื่อง{subject} มีรายละเอียดตามที่จะกล่าวต่อไปนี้",
)
CLOSINGS = ("จึงเรียนมาเพื่อโปรดทราบและดำเนินการในส่วนที่เกี่ยวข้อง", "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการต่อไป",
            "จึงเรียนมาเพื่อโปรดทราบ", "จึงเรียนมาเพื่อโปรดพิจารณาอนุมัติ",
            "จึงเรียนมาเพื่อโปรดทราบ และแจ้งให้เจ้าหน้าที่ที่เกี่ยวข้องทราบต่อไป")
#: Body sentences; slots are filled once, when the pool is built.
TEMPLATES = (
    "ตามที่{agency}ได้มีหนังสือแจ้งแนวทางการดำเนินงานเกี่ยวกับ{obj} ให้หน่วยงานในสังกัดถือปฏิบัติ นั้น",
    "{agency}พิจารณาแล้วเห็นว่า เพื่อให้การดำเนินงานด้าน{obj}เป็นไปด้วยความเรียบร้อย มีประสิทธิภาพ และเกิดประโยชน์สูงสุดต่อทางราชการ",
    "จึงขอให้หน่วยงานในสังกัดดำเนินการตามแนวทางดังกล่าว และรายงานผลให้{unit}ทราบภายในวันที่ {date}",
    "ในการนี้ {unit}ได้จัดทำแบบรายงานผลการดำเนินงาน รายละเอียดปรากฏตามสิ่งที่ส่งมาด้วย",
    "โดยใช้จ่ายจากงบประมาณรายจ่ายประจำปีงบประมาณ พ.ศ. {be} แผนงานพื้นฐาน ผลผลิตที่ {n} วงเงินทั้งสิ้น {money} บาท",
    "ทั้งนี้ หากมีข้อสงสัยประการใด สามารถติดต่อสอบถามได้ที่{unit} ในวันและเวลาราชการ",
    "ขอให้แจ้งรายชื่อผู้เข้าร่วมการประชุมภายในวันที่ {date} เพื่อจะได้ดำเนินการในส่วนที่เกี่ยวข้องต่อไป",
    "การประชุมดังกล่าวจะจัดขึ้นในวันที่ {date} เวลา {time} น. ณ ห้องประชุม{room} ชั้น {n} อาคาร{unit}",
    "{agency}ได้รับแจ้งจาก{agency2}ว่า มีความประสงค์จะดำเนินการ{obj} ในพื้นที่{place}",
    "เพื่อให้การปฏิบัติงานเป็นไปตามระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ พ.ศ. ๒๕๒๖ และที่แก้ไขเพิ่มเติม",
    "จึงขอความอนุเคราะห์จากท่านโปรดพิจารณาให้ความร่วมมือในการดำเนินการเรื่อง{obj}",
    "ในการนี้ ขอให้ส่งข้อมูลตามแบบฟอร์มที่กำหนดทางไปรษณีย์อิเล็กทรอนิกส์ของ{unit} ภายในวันที่ {date}",
    "ผลการดำเนินงานในรอบ {n} เดือนที่ผ่านมา พบว่าหน่วยงานในสังกัดดำเนินการได้ร้อยละ {pct} ของเป้าหมายที่กำหนด",
    "คณะกรรมการได้พิจารณาแล้ว มีมติเห็นชอบให้ดำเนินการ{obj}ตามที่{unit}เสนอ",
    "ขอให้หน่วยงานที่เกี่ยวข้องกำชับเจ้าหน้าที่ผู้รับผิดชอบให้ปฏิบัติตามขั้นตอนและระยะเวลาที่กำหนดอย่างเคร่งครัด",
    "กรณีมีความจำเป็นต้องขยายระยะเวลาการดำเนินการ ให้เสนอขอความเห็นชอบก่อนครบกำหนดไม่น้อยกว่า {n} วันทำการ",
    "โดยมีวัตถุประสงค์เพื่อพัฒนาความรู้ ทักษะ และสมรรถนะของบุคลากรในการปฏิบัติงานด้าน{obj}",
    "กลุ่มเป้าหมาย ได้แก่ ข้าราชการ พนักงานราชการ และลูกจ้างของหน่วยงานในสังกัด จำนวน {count} คน",
    "ค่าใช้จ่ายในการเดินทางไปราชการของผู้เข้าร่วมประชุม ให้เบิกจ่ายจากต้นสังกัดตามระเบียบกระทรวงการคลัง",
    "หน่วยงานใดได้ดำเนินการแล้ว ขอให้รายงานผลผ่านระบบสารบรรณอิเล็กทรอนิกส์พร้อมแนบเอกสารหลักฐานประกอบ",
    "{unit}ได้ตรวจสอบเอกสารหลักฐานแล้ว ปรากฏว่ายังขาดเอกสารบางรายการ จึงขอให้จัดส่งเพิ่มเติมภายในวันที่ {date}",
    "ในปีงบประมาณ พ.ศ. {be} {agency}ได้รับจัดสรรงบประมาณสำหรับ{obj} เป็นเงิน {money} บาท",
    "เพื่อเป็นการเตรียมความพร้อมในการดำเนินงานตามนโยบายของรัฐบาลและแผนแม่บทภายใต้ยุทธศาสตร์ชาติ",
    "ขอให้ผู้อำนวยการ{unit}พิจารณามอบหมายเจ้าหน้าที่ผู้รับผิดชอบ จำนวน {n} คน เข้าร่วมการฝึกอบรม",
    "การฝึกอบรมจะจัดขึ้นระหว่างวันที่ {date} ถึงวันที่ {date2} ณ โรงแรมในจังหวัด{prov}",
    "จังหวัด{prov}ได้สำรวจข้อมูลในพื้นที่{place}แล้ว พบว่ามีครัวเรือนที่เกี่ยวข้อง จำนวน {count} ครัวเรือน",
    "อำเภอได้ประสานองค์กรปกครองส่วนท้องถิ่นในพื้นที่{place}ให้ดำเนินการตามอำนาจหน้าที่แล้ว",
    "ขอให้ผู้รับผิดชอบตรวจสอบความถูกต้องของข้อมูลก่อนบันทึกเข้าสู่ระบบทุกครั้ง",
    "ทั้งนี้ ให้ถือปฏิบัติตั้งแต่วันที่ {date} เป็นต้นไป จนกว่าจะมีการเปลี่ยนแปลง",
    "ผู้ประสานงาน {name} {unit} โทรศัพท์ {phone}",
    "ให้หน่วยงานจัดเก็บหนังสือราชการตามระเบียบ และจัดทำบัญชีหนังสือส่งเก็บภายในเดือน{month}",
    "หนังสือฉบับนี้ได้ส่งทางระบบสารบรรณอิเล็กทรอนิกส์ เพื่อความรวดเร็วในการปฏิบัติราชการ",
    "{agency}ได้แต่งตั้งคณะทำงานเพื่อติดตามการดำเนินงาน{obj} โดยมี{unit}เป็นฝ่ายเลขานุการ",
    "ขอให้เสนอความเห็นประกอบการพิจารณาในประเด็นการปรับปรุงขั้นตอนการปฏิบัติงาน ภายในวันที่ {date}",
    "การเบิกจ่ายเงินให้เป็นไปตามระเบียบกระทรวงการคลังว่าด้วยการเบิกเงินจากคลัง พ.ศ. ๒๕๖๒",
    "รายละเอียดปรากฏตามเอกสารที่แนบมาพร้อมนี้ จำนวน {n} แผ่น",
    "ให้สรุปผลการดำเนินงานเสนอผู้ว่าราชการจังหวัด{prov}ทราบภายในวันที่ {n} ของเดือนถัดไป",
    "เจ้าหน้าที่ได้ลงพื้นที่{place} เพื่อชี้แจงทำความเข้าใจกับประชาชนเมื่อวันที่ {date}",
    "ในการนี้ ได้แนบกำหนดการและแบบตอบรับมาพร้อมนี้ ขอให้ส่งแบบตอบรับคืนภายในวันที่ {date}",
    "ขอขอบคุณในความร่วมมือของท่านมา ณ โอกาสนี้",
)
ROOMS = ("ราชพฤกษ์", "ชัยพฤกษ์", "ศาลาไทย", "๑", "๒", "ใหญ่", "สารสนเทศ", "กองคลัง")
URGENCIES = ("normal", "urgent", "very_urgent", "most_urgent")
URGENCY_WEIGHTS = (70, 15, 10, 5)
URGENCY_STAMPS = {"urgent": "ด่วน", "very_urgent": "ด่วนมาก", "most_urgent": "ด่วนที่สุด"}
DOC_TYPES = ("external", "internal", "stamped", "directive", "announcement", "record")
DOC_TYPE_WEIGHTS = (55, 33, 4, 4, 2, 2)
REGISTERS = ("central-in", "central-out", "finance-in", "hr-in")
REGISTER_WEIGHTS = (75, 10, 8, 7)
N_UNITS = 40
SCOPE_UNITS = frozenset({1, 2, 3})
FIRST_DAY, LAST_DAY = date(2021, 1, 4), date(2025, 12, 26)

_NAME = re.compile(r"นาย(?!อำเภอ|ก|ทะเบียน|จ้าง|แพทย์)|นางสาว|นาง(?!าน)|พันจ่า|พันเอก|พันตรี|พันโท|"
                   r"ร\.ต\.|จ\.ส\.|@|https?:|www\.|[0-9๐-๙]{1,3}[- ][0-9๐-๙]{3,4}[- ][0-9๐-๙]{3,4}")
_TAG = re.compile(r"<[^>]*>")
_THAI = re.compile(r"[\u0e01-\u0e5b]")
_BULLET = re.compile(r"^[\-–•▶●○*\s]+")
_NUMBER = re.compile(r"^\s*([ก-ฮ]{1,3})[\s.]*([0-9๐-๙]+(?:\.[0-9๐-๙]+)*)\s*/\s*([ก-ฮ]?)[\s.]*([0-9๐-๙]+)\s*$")


def thai_date(d: date, *, thai_digits: bool = True) -> str:
    text = f"{d.day} {MONTHS[d.month - 1]} {d.year + 543}"
    return text.translate(_TO_THAI) if thai_digits else text


def _thai(value) -> str:
    return str(value).translate(_TO_THAI)


def print_number(code: str, unit: str, series: str, running: int, rng: random.Random) -> str:
    """A document number as an agency prints it: Thai (70 %) or Arabic digits, a space or
    a dot after the code, the series letter with or without a space or dot."""
    sep = rng.choice((" ", " ", " ", ".", ". "))
    s = rng.choice((f"{series} ", f"{series} ", series, f"{series}.", f" {series} ")) if series else ""
    text = f"{code}{sep}{unit}/{s}{running}"
    return text.translate(_TO_THAI) if rng.random() < 0.7 else text.translate(_TO_ARABIC)


def number_key(number: str) -> tuple[str, str, str, str] | None:
    """(code, unit digits without dots, series, running) of a printed number, digits Arabic."""
    m = _NUMBER.match(number)
    if not m:
        return None
    code, unit, series, running = m.groups()
    return code, unit.translate(_TO_ARABIC).replace(".", ""), series, str(int(running.translate(_TO_ARABIC)))


def reprint_number(number: str, rng: random.Random) -> str:
    """The same number printed differently: the other digit script and another layout
    (``ยธ ๐๓๐๓/ว ๑๓`` → ``ยธ.0303/ว.13``); canonically equal (DOMAIN.md §1)."""
    m = _NUMBER.match(number)
    if not m:
        return number
    code, unit, series, running = m.groups()
    unit, running = unit.translate(_TO_ARABIC), running.translate(_TO_ARABIC)
    layouts = (
        f"{code}.{unit}/{series}.{running}" if series else f"{code}.{unit}/{running}",
        f"{code}{unit}/{series}{running}",
        f"{code} {unit} / {series} {running}" if series else f"{code} {unit} / {running}",
        f"{code}. {unit}/{series} {running}" if series else f"{code}. {unit}/{running}",
    )
    text = rng.choice(layouts)
    had_thai = any(c in THAI_DIGITS for c in number)
    return text if had_thai else text.translate(_TO_THAI)


def corpus_sentences(corpus: Path) -> list[str]:
    """Thai lines of the corpus letters and seed manuals (no names, URLs or phones)."""
    files = sorted((corpus / "letters").glob("*.txt")) + sorted((corpus / "seeds").glob("*.txt"))
    out: dict[str, None] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            for piece in _TAG.sub(" ", line).split("\t"):
                s = _BULLET.sub("", " ".join(piece.split()))
                if 25 <= len(s) <= 400 and len(_THAI.findall(s)) >= 0.6 * len(s) and not _NAME.search(s):
                    out.setdefault(s, None)
    return list(out)


# --------------------------------------------------------------------------- collection

@dataclass(frozen=True)
class Plant:
    """One planted letter: ``group`` is its judgment group (``item:KEY``,
    ``followup:KEY``, ``topic:NAME/subject``, ``topic:NAME/body``, ``distractor``)."""

    group: str
    spec: dict
    k: int = 0
    confidential: bool = False


class Collection:
    """The N synthetic letters: ``letter(i)`` is letter ``i`` (1..N), always the same."""

    def __init__(self, n: int, seed: int, spec: dict, extra_sentences: list[str]) -> None:
        self.n, self.seed, self.spec = n, seed, spec
        self.reserved = self._reserved_strings(spec)
        rng = random.Random(seed)
        self.subject_objects = [o for o in SUBJECT_OBJECTS if self.clean(o)]
        builtin = []
        while len(builtin) < 12000:
            s = rng.choice(TEMPLATES).format(**self._slots(rng))
            if self.clean(s):
                builtin.append(s)
        self.builtin_count = len(builtin)
        extra = [s for s in extra_sentences if self.clean(s)]
        self.corpus_count = len(extra)
        self.sentences = builtin + extra
        self.items = {it["key"]: it for it in spec["items"]}
        # Planted letters, at fixed fractions of the collection.
        plants: list[Plant] = []
        for it in spec["items"]:
            plants.append(Plant(f"item:{it['key']}", it))
            plants += [Plant(f"followup:{it['key']}", it, k) for k in range(it.get("followups", 0))]
        for topic in spec["topics"]:
            plants += [Plant(f"topic:{topic['name']}/subject", topic, k, k < topic.get("confidential", 0))
                       for k in range(topic["in_subject"])]
            plants += [Plant(f"topic:{topic['name']}/body", topic, k) for k in range(topic["in_body"])]
        plants += [Plant("distractor", spec["distractors"], k) for k in range(spec["distractors"]["count"])]
        random.Random(f"plants/{seed}").shuffle(plants)
        if n < max(MIN_LETTERS, 2 * len(plants)):
            raise ValueError(f"--letters must be at least {max(MIN_LETTERS, 2 * len(plants))}")
        p = len(plants)
        self.plan = {1 + (2 * k + 1) * n // (2 * p): plant for k, plant in enumerate(plants)}
        self.groups: dict[str, list[int]] = {}
        for letter_id, plant in sorted(self.plan.items()):
            self.groups.setdefault(plant.group, []).append(letter_id)
        self.item_ids = {plant.spec["key"]: i for i, plant in self.plan.items() if plant.group.startswith("item:")}
        self.reserved_numbers = {number_key(it["number"]) for it in spec["items"]}
        self.planted: dict[int, dict] = {}  # letter id -> fields/units/hidden (filled while generating)
        self.hidden: set[int] = set()  # classified letters (invisible to the bench's reader)

    # ----- vocabulary helpers

    @staticmethod
    def _reserved_strings(spec: dict) -> list[str]:
        words = [w for it in spec["items"] for w in it.get("reserved", ())]
        words += [w for t in spec["topics"] for w in t.get("reserved", ())]
        words += [w for q in spec["queries"] if q["kind"].endswith("/ocr") for w in q["text"].split()]
        return sorted({w.lower() for w in words})

    def clean(self, text: str) -> bool:
        low = text.lower()
        return not any(w in low for w in self.reserved)

    def _slots(self, rng: random.Random) -> dict[str, str]:
        agency, agency2 = rng.sample(AGENCIES, 2)
        d = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
        return {
            "agency": agency[1], "agency2": agency2[1], "unit": rng.choice(UNIT_NAMES),
            "obj": rng.choice(self.subject_objects), "date": thai_date(d),
            "date2": thai_date(d + timedelta(days=rng.randint(1, 4))), "be": _thai(d.year + 543),
            "n": _thai(rng.randint(1, 12)), "count": _thai(rng.randint(10, 950)),
            "money": f"{rng.randint(5, 9000) * 1000:,}".translate(_TO_THAI),
            "pct": _thai(rng.randint(40, 100)), "time": rng.choice(("๐๙.๐๐", "๐๙.๓๐", "๑๓.๓๐", "๑๐.๐๐")),
            "room": rng.choice(ROOMS), "prov": rng.choice(PROVINCES), "place": self._place(rng),
            "name": self._name(rng), "phone": "๐ " + _thai(rng.randint(2000, 5999)) + " " + _thai(rng.randint(1000, 9999)),
            "month": rng.choice(MONTHS),
        }

    @staticmethod
    def _place(rng: random.Random) -> str:
        return (f"บ้าน{rng.choice(PLACE_HEADS)}{rng.choice(PLACE_TAILS)} หมู่ที่ {_thai(rng.randint(1, 15))} "
                f"ตำบล{rng.choice(PLACE_HEADS)}{rng.choice(PLACE_TAILS)}")

    @staticmethod
    def _name(rng: random.Random) -> str:
        title = rng.choice(("นาย", "นาง", "นางสาว"))
        return f"{title}{rng.choice(FIRST_NAMES)} {rng.choice(SURNAME_HEADS)}{rng.choice(SURNAME_TAILS)}"

    def _subject(self, rng: random.Random, d: date) -> str:
        tail = rng.choice(SUBJECT_TAILS).format(be=_thai(d.year + 543), n=_thai(rng.randint(1, 12)),
                                                unit=rng.choice(UNIT_NAMES), q=_thai(rng.randint(1, 4)))
        return f"{rng.choice(SUBJECT_HEADS)}{rng.choice(self.subject_objects)}{tail}"

    # ----- per letter

    def date_of(self, i: int) -> date:
        span = (LAST_DAY - FIRST_DAY).days
        return FIRST_DAY + timedelta(days=(i - 1) * span // max(1, self.n - 1))

    @staticmethod
    def _agency(number: str | None, rng: random.Random) -> tuple[str, str, tuple[str, ...]]:
        """The agency that issues ``number`` (by code and unit digits), else a random one."""
        key = number_key(number) if number else None
        if key:
            same = [a for a in AGENCIES if a[0] == key[0]]
            return next((a for a in same if any(u.replace(".", "") == key[1] for u in a[2])), same[0])
        return rng.choice(AGENCIES)

    def number_of(self, i: int) -> str:
        """Letter ``i``'s number as printed (a planted item's own; otherwise drawn from a
        stream of its own, so that any letter's number is known without generating it)."""
        plant = self.plan.get(i)
        if plant is not None and plant.group.startswith("item:"):
            return plant.spec["number"]
        rng = random.Random(self.seed * 1_000_000_007 + 2 * i + 1)
        code, _name, units = rng.choice(AGENCIES)
        unit = rng.choice(units)
        series = rng.choices(("", "ว", "ก", "ข"), weights=(70, 22, 5, 3))[0]
        running = rng.randint(1, 29999)
        number = print_number(code, unit, series, running, rng)
        if number_key(number) in self.reserved_numbers:  # never a planted item's number
            number = print_number(code, unit, series, running + 30000, rng)
        return number

    def letter(self, i: int, counters: dict) -> tuple[object, dict]:
        """(SearchDocument, info) of letter ``i``; ``counters`` numbers the registers."""
        from saraban.search.backends import SearchDocument

        plant = self.plan.get(i)
        if plant is None:
            rng = random.Random(self.seed * 1_000_000_007 + 2 * i)
        else:
            rng = random.Random(f"{self.seed}/{plant.group}/{plant.k}")
        group = plant.group if plant else ""
        d = self.date_of(i)
        item = plant.spec if group.startswith(("item:", "followup:")) else None
        agency = self._agency(item["number"] if group.startswith("item:") else None, rng)
        if group.startswith("followup:"):  # a reply comes after the letter it cites
            d = min(LAST_DAY, self.date_of(self.item_ids[item["key"]]) + timedelta(days=rng.randint(3, 60)))
        sender_unit = rng.choice(UNIT_NAMES)
        doc_type = rng.choices(DOC_TYPES, weights=DOC_TYPE_WEIGHTS)[0]
        sender = f"{sender_unit} {agency[1]}" if doc_type == "internal" else agency[1]
        urgency = rng.choices(URGENCIES, weights=URGENCY_WEIGHTS)[0]
        confidential = plant.confidential if plant else rng.random() < 0.01
        secrecy = "confidential" if confidential else "unclassified"
        number = self.number_of(i)
        addressee = rng.choice(ADDRESSEES)

        planted: list[str] = []
        refs: list[tuple[str, date, str]] = []  # (number as printed, date, subject or "")
        if group.startswith("item:"):
            subject = item["subject"]
            planted = list(item["sentences"])
        elif group.startswith("followup:"):
            subject = rng.choice(FOLLOWUP_SUBJECTS)
            item_id = self.item_ids[item["key"]]
            refs.append((item["number"] if rng.random() < 0.5 else reprint_number(item["number"], rng),
                         self.date_of(item_id), item["subject"]))
        elif group.startswith("topic:"):
            if group.endswith("/subject"):
                subject = plant.spec["subjects"][plant.k % len(plant.spec["subjects"])]
                planted = rng.sample(plant.spec["sentences"], 3)
            else:
                subject = self._subject(rng, d)
                planted = rng.sample(plant.spec["sentences"], 2)
        elif group == "distractor":
            subject = plant.spec["subjects"][plant.k % len(plant.spec["subjects"])]
            planted = list(plant.spec["sentences"])
        else:
            subject = self._subject(rng, d)
        if not group.startswith("followup:") and i > 1 and rng.random() < 0.3:
            for _ in range(1 + (rng.random() < 0.15)):
                j = i - rng.randint(1, min(i - 1, 2000))
                if j in self.plan:  # planted letters are cited only where the file says so
                    continue
                ref = self.number_of(j)
                refs.append((ref if rng.random() < 0.7 else reprint_number(ref, rng), self.date_of(j), ""))

        # --- the text as read
        lines: list[str] = []
        if confidential:
            lines.append("ลับ")
        if urgency != "normal":
            lines.append(URGENCY_STAMPS[urgency])
        digits = rng.random() < 0.85
        if doc_type == "internal":
            lines += ["บันทึกข้อความ", f"ส่วนราชการ {sender} โทร. {self._slots_phone(rng)}",
                      f"ที่ {number} วันที่ {thai_date(d, thai_digits=digits)}"]
        else:
            lines += [f"ที่ {number}", agency[1], thai_date(d, thai_digits=digits)]
        lines += [f"เรื่อง {subject}", f"{'ถึง' if doc_type == 'stamped' else 'เรียน'} {addressee}"]
        for k, (ref, ref_date, ref_subject) in enumerate(refs, 1):
            label = "อ้างถึง" if k == 1 else "       "
            about = f" เรื่อง {ref_subject}" if ref_subject else ""
            lines.append(f"{label} หนังสือ ที่ {ref} ลงวันที่ {thai_date(ref_date)}{about}")
        if rng.random() < 0.4:
            lines.append(f"สิ่งที่ส่งมาด้วย {rng.choice(ENCLOSURES)} จำนวน {_thai(rng.randint(1, 5))} ฉบับ")
        lines.append(rng.choice(OPENINGS).format(sender=sender, subject=subject))
        target = rng.randint(2500, 3500)
        length = sum(len(x) for x in lines) + len(subject) + 300
        sentences: list[str] = []
        for s in rng.choices(self.sentences, k=60):
            if length >= target:
                break
            sentences.append(s)
            length += len(s) + 1
        for s in planted:
            sentences.insert(rng.randint(0, len(sentences)), s)
        k = 0
        while k < len(sentences):
            step = rng.randint(2, 5)
            lines.append(" ".join(sentences[k:k + step]))
            k += step
        lines.append(rng.choice(CLOSINGS))
        if doc_type != "internal":
            lines.append("ขอแสดงความนับถือ")
        lines.append(f"({self._name(rng)})")
        lines.append(rng.choice(POSITIONS).format(unit=sender_unit, agency=agency[1], prov=rng.choice(PROVINCES)))
        lines.append(f"{sender_unit} โทร. {self._slots_phone(rng)}")
        body = "\n\n".join(lines)

        # --- fields, access
        registered = datetime(d.year, d.month, d.day, 8, 30) + timedelta(days=rng.randint(0, 3),
                                                                          minutes=rng.randint(0, 480))
        register = "secret" if confidential else rng.choices(REGISTERS, weights=REGISTER_WEIGHTS)[0]
        counters[(register, registered.year)] = counters.get((register, registered.year), 0) + 1
        desk = rng.randint(1, N_UNITS)
        route_units = rng.sample(range(1, N_UNITS + 1), rng.randint(0, 3))
        route_units = [u for u in route_units if u != desk]
        route_users = rng.sample(range(200, 1000), rng.randint(0, 2))
        fields = {
            "receive_number": counters[(register, registered.year)],
            "year": registered.year,
            "register": register,
            "document_number": number,
            "document_date": d.isoformat(),
            "subject": subject,
            "addressee": addressee,
            "sender": sender,
            "urgency": urgency,
            "secrecy": secrecy,
            "status": "registered",
            "document_type": doc_type,
            "registered_at": registered.isoformat() + "+07:00",
        }
        units = [f"u-{u:02d}" for u in [desk, *route_units]]
        doc = SearchDocument(
            letter_id=i,
            fields=fields,
            header=f"{number}\n{subject}\n{addressee}\n{sender}",
            body=body,
            numbers=[number, *(r[0] for r in refs)],
            units=units,
            access={"secrecy": secrecy, "desk_unit": desk, "agency": 1, "created_by": 100 + desk,
                    "route_units": route_units, "route_users": route_users},
        )
        return doc, {"fields": fields, "units": units, "hidden": confidential, "group": group}

    @staticmethod
    def _slots_phone(rng: random.Random) -> str:
        return "๐ " + _thai(rng.randint(2000, 5999)) + " " + _thai(rng.randint(1000, 9999))

    def batches(self, size: int) -> Iterator[list]:
        """The letters in order, ``size`` at a time; records planted and hidden letters."""
        counters: dict = {}
        batch = []
        for i in range(1, self.n + 1):
            doc, info = self.letter(i, counters)
            if info["hidden"]:
                self.hidden.add(i)
            if info["group"]:
                self.planted[i] = info
            batch.append(doc)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch


# --------------------------------------------------------------------------- queries

def content_words(collection: Collection, seed: int, sentences: int = 1500) -> list[list[str]]:
    """Runs of query-worthy words (Thai of 3+ characters, not stop words, or Latin), one
    list per sampled pool sentence, segmented like the index."""
    from pythainlp.corpus import thai_stopwords

    from saraban.search.analysis import tokenize

    stop = frozenset(thai_stopwords())
    rng = random.Random(seed + 17)
    out = []
    for s in rng.sample(collection.sentences, min(sentences, len(collection.sentences))):
        words = [t for t in tokenize(s) if len(t) >= 3 and not t.isdigit() and t not in stop]
        if words:
            out.append(words)
    return out


def _words(rng: random.Random, runs: list[list[str]], most: int) -> str:
    run = rng.choice(runs)
    k = rng.randint(1, min(most, len(run)))
    start = rng.randint(0, len(run) - k)
    return " ".join(run[start:start + k])


def latency_mix(collection: Collection, runs: list[list[str]], count: int, seed: int) -> list[tuple[str, object]]:
    """The fixed mix: (kind, SearchQuery), shuffled."""
    from saraban.search.backends import FACETS, SearchQuery

    rng = random.Random(seed)
    n_kind = {"number": count // 5, "filtered": count // 5, "faceted": count // 5}
    n_kind["free_text"] = count - sum(n_kind.values())
    out: list[tuple[str, object]] = []
    for _ in range(n_kind["free_text"]):
        out.append(("free_text", SearchQuery(text=_words(rng, runs, 3), facets=())))
    for _ in range(n_kind["number"]):
        number = collection.number_of(rng.randint(1, collection.n))
        out.append(("number", SearchQuery(text=reprint_number(number, rng), facets=())))
    for _ in range(n_kind["filtered"]):
        filters: dict[str, list[str]] = {}
        for name in rng.sample(("urgency", "year", "units", "register", "document_type"), rng.randint(1, 2)):
            filters[name] = {
                "urgency": lambda: rng.sample(URGENCIES[1:], rng.randint(1, 2)),
                "year": lambda: [str(rng.randint(FIRST_DAY.year, LAST_DAY.year))],
                "units": lambda: [f"u-{rng.randint(1, N_UNITS):02d}"],
                "register": lambda: ["central-in"],
                "document_type": lambda: [rng.choice(("external", "internal"))],
            }[name]()
        date_from = date_to = None
        if rng.random() < 0.5:
            date_from = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days - 30))
            date_to = date_from + timedelta(days=rng.randint(30, 365))
        sort = rng.choice(("relevance", "relevance", "-date", "date"))
        out.append(("filtered", SearchQuery(text=_words(rng, runs, 2), filters=filters, date_from=date_from,
                                            date_to=date_to, sort=sort, facets=())))
    for _ in range(n_kind["faceted"]):
        out.append(("faceted", SearchQuery(text=_words(rng, runs, 2), facets=FACETS)))
    rng.shuffle(out)
    return out


def judged_queries(spec: dict) -> list[tuple[dict, object]]:
    from saraban.search.backends import SearchQuery

    out = []
    for q in spec["queries"]:
        out.append((q, SearchQuery(
            text=q["text"], filters={k: list(v) for k, v in q.get("filters", {}).items()},
            date_from=date.fromisoformat(q["date_from"]) if q.get("date_from") else None,
            date_to=date.fromisoformat(q["date_to"]) if q.get("date_to") else None,
            facets=(), limit=10)))
    return out


def in_query(info: dict, query) -> bool:
    """Whether a planted letter passes the query's filters and dates (judgments are
    restricted to those)."""
    fields = info["fields"]
    for name, values in query.filters.items():
        have = info["units"] if name == "units" else [str(fields.get(name))]
        if not set(have) & {str(v) for v in values}:
            return False
    d = date.fromisoformat(fields["document_date"])
    return not ((query.date_from and d < query.date_from) or (query.date_to and d > query.date_to))


def grades(collection: Collection, q: dict, query) -> dict[int, int]:
    """letter id -> grade for a judged query (visible letters within its filters)."""
    out: dict[int, int] = {}
    for group, grade in q["judgments"].items():
        for letter_id in collection.groups.get(group, ()):
            info = collection.planted[letter_id]
            if not info["hidden"] and in_query(info, query):
                out[letter_id] = max(out.get(letter_id, 0), int(grade))
    return out


def ndcg(ranked: list[int], judged: dict[int, int], k: int = 10) -> float:
    dcg = sum((2 ** judged.get(i, 0) - 1) / math.log2(r + 2) for r, i in enumerate(ranked[:k]))
    ideal = sorted(judged.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(r + 2) for r, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


# --------------------------------------------------------------------------- running

def percentile(values: list[float], p: float) -> float:
    """numpy's percentile (linear interpolation between closest ranks); NaN when empty."""
    import numpy as np

    return float(np.percentile(values, p)) if values else float("nan")


def check_elasticsearch(url: str) -> str | None:
    """None when the cluster answers, else why not."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/_cluster/health?timeout=5s", timeout=10) as resp:
            status = json.loads(resp.read().decode()).get("status")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
    return None if status in ("green", "yellow") else f"cluster status {status!r}"


def index_all(name: str, backend, collection: Collection, batch: int) -> dict:
    """Index every letter the way an archive is loaded: ``rebuild()``, the bulk path of
    ``search_reindex`` (a new index filled in bulk, then swapped in). The letters are
    generated first (timed apart); returns seconds in ``rebuild()`` and in generation."""
    n = collection.n
    t0 = time.perf_counter()
    docs = [doc for chunk in collection.batches(batch) for doc in chunk]
    gen_s = time.perf_counter() - t0
    step = max(1, n // 10)
    start = time.perf_counter()

    def with_progress():
        for done, doc in enumerate(docs, 1):
            if done % step == 0:
                print(f"  . {name}: indexed {done:,}/{n:,} ({100 * done / n:.0f} %), "
                      f"{done / (time.perf_counter() - start):,.0f} letters/s", file=sys.stderr, flush=True)
            yield doc

    count = backend.rebuild(with_progress())
    update_s = time.perf_counter() - start
    assert count == n, (count, n)
    return {"update_s": update_s, "generate_s": gen_s}


def run_search(backend, query, scope, what: str):
    try:
        return backend.search(query, scope=scope)
    except Exception:
        print(f"\nsearch failed on {what}: {query!r}", file=sys.stderr)
        raise


def measure_latency(name: str, backend, mix, warmup, scope, collection: Collection) -> dict:
    for _kind, q in warmup:
        run_search(backend, q, scope, "warm-up")
    times: dict[str, list[float]] = {k: [] for k in KINDS}
    leaks = 0
    for n, (kind, q) in enumerate(mix, 1):
        t0 = time.perf_counter()
        res = run_search(backend, q, scope, f"latency query {n} ({kind})")
        times[kind].append(1000 * (time.perf_counter() - t0))
        leaks += sum(1 for h in res.hits if h.letter_id in collection.hidden)
        if n % max(1, len(mix) // 4) == 0:
            print(f"  . {name}: {n}/{len(mix)} latency queries", file=sys.stderr, flush=True)
    every = [t for k in KINDS for t in times[k]]
    return {
        "p50_ms": percentile(every, 50), "p95_ms": percentile(every, 95), "p99_ms": percentile(every, 99),
        "by_kind": {k: {"n": len(v), "p50_ms": percentile(v, 50), "p95_ms": percentile(v, 95)}
                    for k, v in times.items() if v},
        "leaks": leaks,
    }


def measure_relevance(backend, judged, scope, collection: Collection) -> dict:
    per_query = {}
    leaks = 0
    for q, query in judged:
        res = run_search(backend, query, scope, f"judged query {q['id']}")
        ranked = [h.letter_id for h in res.hits]
        leaks += sum(1 for i in ranked if i in collection.hidden)
        g = grades(collection, q, query)
        if not g:  # e.g. a filter that leaves no planted letter at this N: not scored
            print(f"warning: judged query {q['id']} has no visible judged letter; not scored", file=sys.stderr)
            continue
        rank = next((r for r, i in enumerate(ranked, 1) if g.get(i) == max(g.values())), None)
        per_query[q["id"]] = {"kind": q["kind"], "ndcg10": ndcg(ranked, g), "total": res.total,
                              "tolerant": bool(res.tolerant), "best_rank": rank, "judged": len(g)}
    kinds: dict[str, list[float]] = {}
    for r in per_query.values():
        kinds.setdefault(r["kind"], []).append(r["ndcg10"])
    values = [r["ndcg10"] for r in per_query.values()] or [0.0]
    return {"ndcg10": sum(values) / len(values), "by_kind": {k: sum(v) / len(v) for k, v in kinds.items()},
            "per_query": per_query, "leaks": leaks}


def run_backend(name: str, backend, collection: Collection, mix, warmup, judged, scope, batch: int) -> dict:
    print(f"  . {name}: clearing", file=sys.stderr, flush=True)
    backend.clear()
    idx = index_all(name, backend, collection, batch)
    try:
        status = backend.status()
        status_text = f"{status.backend} {status.version}, {status.documents:,} documents"
    except Exception as exc:  # a status failure is reported, not fatal
        status_text = f"status() failed: {type(exc).__name__}: {exc}"
    lat = measure_latency(name, backend, mix, warmup, scope, collection)
    rel = measure_relevance(backend, judged, scope, collection)
    return {
        "index_rate": collection.n / idx["update_s"] if idx["update_s"] else None,
        "index_seconds": idx["update_s"], "generate_seconds": idx["generate_s"],
        "p50_ms": lat["p50_ms"], "p95_ms": lat["p95_ms"], "p99_ms": lat["p99_ms"],
        "latency_by_kind": lat["by_kind"],
        "ndcg10": rel["ndcg10"], "ndcg10_by_kind": rel["by_kind"],
        "per_query": rel["per_query"], "leaks": lat["leaks"] + rel["leaks"], "status": status_text,
    }


# --------------------------------------------------------------------------- report

def _ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def _f(v, fmt: str) -> str:
    return "n/a" if v is None else format(v, fmt)


def rounded(value, digits: int = 3):
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    return value


def report(results: dict, judged, detail: bool) -> dict:
    emb, es = results.get("embedded"), results.get("elasticsearch")
    names = [n for n in ("embedded", "elasticsearch") if results.get(n)]
    print(f"\n{'':26s}" + "".join(f"{n:>15s}" for n in names) + ("   ratio es/emb" if len(names) == 2 else ""))

    def row(label, key, fmt, sub=None):
        vals = [(results[n][key] if sub is None else results[n][key].get(sub, {})) for n in names]
        line = f"{label:26s}" + "".join(f"{_f(v, fmt):>15s}" for v in vals)
        if len(names) == 2:
            line += f"{_f(_ratio(vals[1], vals[0]), '.2f'):>15s}"
        print(line)

    print("== indexing (rebuild() incl. segmentation) ==")
    row("letters/s", "index_rate", ",.0f")
    row("seconds", "index_seconds", ",.1f")
    print(f"== latency, ms (mix of {sum(v['n'] for v in results[names[0]]['latency_by_kind'].values())} queries) ==")
    for key in ("p50_ms", "p95_ms", "p99_ms"):
        row(key.replace("_ms", ""), key, ".1f")
    for kind in KINDS:
        for key in ("p50_ms", "p95_ms"):
            vals = [results[n]["latency_by_kind"].get(kind, {}).get(key) for n in names]
            nq = results[names[0]]["latency_by_kind"].get(kind, {}).get("n", 0) if names else 0
            line = f"  {kind} ({nq}) {key[:3]:<6s}".ljust(26) + "".join(f"{_f(v, '.1f'):>15s}" for v in vals)
            if len(names) == 2:
                line += f"{_f(_ratio(vals[1], vals[0]), '.2f'):>15s}"
            print(line)
    print(f"== nDCG@10 ({len(judged)} judged queries) ==")
    row("all", "ndcg10", ".3f")
    for kind in sorted({q["kind"] for q, _ in judged}):
        nq = sum(1 for q, _ in judged if q["kind"] == kind and q["id"] in results[names[0]]["per_query"])
        vals = [results[n]["ndcg10_by_kind"].get(kind) for n in names]
        line = f"  {kind} ({nq})".ljust(26) + "".join(f"{_f(v, '.3f'):>15s}" for v in vals)
        if len(names) == 2:
            line += f"{_f(_ratio(vals[1], vals[0]), '.2f'):>15s}"
        print(line)
    for n in names:
        bad = [qid for qid, r in results[n]["per_query"].items() if r["ndcg10"] < 0.5]
        print(f"  {n}: classified letters returned {results[n]['leaks']}; "
              f"queries with nDCG@10 < 0.5: {', '.join(bad) if bad else 'none'}")
    if detail:
        print("\n== per query: nDCG@10 / total hits / best judged rank (t = tolerant pass) ==")
        for q, _ in judged:
            cells = []
            for n in names:
                r = results[n]["per_query"].get(q["id"])
                if r is None:
                    cells.append("not scored")
                    continue
                cells.append(f"{r['ndcg10']:.2f}/{r['total']}/{r['best_rank'] or '-'}{' t' if r['tolerant'] else ''}")
            print(f"  {q['id']:26s} " + "  ".join(f"{c:>18s}" for c in cells) + f"   {q['text']}")

    ratios = {}
    factor = {}
    if emb and es:
        ratios = {k: _ratio(es[k], emb[k]) for k in ("index_rate", "p50_ms", "p95_ms", "p99_ms", "ndcg10")}
        factor = {k: _ratio(emb[k], es[k]) for k in ("p50_ms", "p95_ms", "p99_ms")}
    targets = {}
    if es:
        targets["es_p95_ms_le_50"] = es["p95_ms"] <= TARGETS["p95_ms"]
        targets["es_index_rate_ge_1000"] = (es["index_rate"] or 0) >= TARGETS["index_rate"]
        targets["es_ndcg10_ge_0.9"] = es["ndcg10"] >= TARGETS["ndcg10"]
    if emb:
        targets["embedded_p95_ms_le_250"] = emb["p95_ms"] <= TARGETS["p95_ms"] * TARGETS["embedded_factor"]
    if targets:
        print("targets: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in targets.items()))
    if factor:
        print("embedded / elasticsearch latency: " + ", ".join(f"{k[:3]} {_f(v, '.1f')}x" for k, v in factor.items()))
    out = {}
    for n in ("elasticsearch", "embedded"):
        r = results.get(n)
        out[n] = None if not r else rounded({k: r[k] for k in (
            "index_rate", "index_seconds", "p50_ms", "p95_ms", "p99_ms", "ndcg10", "ndcg10_by_kind",
            "latency_by_kind", "leaks")})
    out["ratios"] = rounded(ratios)
    out["embedded_latency_factor"] = rounded(factor)
    out["targets"] = targets
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--letters", type=int, default=100_000, help="letters to generate (default 100000, min 1000)")
    ap.add_argument("--queries", type=int, default=200, help="size of the latency mix (default 200)")
    ap.add_argument("--seed", type=int, default=2567, help="random seed (default 2567)")
    ap.add_argument("--batch", type=int, default=500, help="letters generated at a time (default 500)")
    ap.add_argument("--elasticsearch-url", default=os.environ.get("ELASTICSEARCH_URL") or "http://127.0.0.1:9200",
                    help="default $ELASTICSEARCH_URL or http://127.0.0.1:9200")
    ap.add_argument("--database-url", default=None,
                    help=f"database of the embedded backend (default: a fresh sqlite:///{DEFAULT_DB})")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS),
                    help="corpus for vocabulary (default ../shared/corpus; built-in vocabulary only when absent)")
    ap.add_argument("--skip-embedded", action="store_true")
    ap.add_argument("--skip-elasticsearch", action="store_true")
    ap.add_argument("--detail", action="store_true", help="a row per judged query")
    args = ap.parse_args(argv)
    if args.skip_embedded and args.skip_elasticsearch:
        ap.error("nothing to run: both backends skipped")
    if args.letters < MIN_LETTERS:
        ap.error(f"--letters must be at least {MIN_LETTERS}")
    started = time.perf_counter()

    if not args.skip_elasticsearch:
        why = check_elasticsearch(args.elasticsearch_url)
        if why:
            print(f"Elasticsearch is not reachable at {args.elasticsearch_url} ({why}).\n"
                  "Start it with `bash scripts/elasticsearch.sh start`, pass --elasticsearch-url, "
                  "or run with --skip-elasticsearch.", file=sys.stderr)
            return 2

    # Django, with the embedded backend on its own database.
    database_url = args.database_url
    if database_url is None:
        DEFAULT_DB.parent.mkdir(parents=True, exist_ok=True)
        if not args.skip_embedded:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{DEFAULT_DB}{suffix}").unlink(missing_ok=True)
        database_url = f"sqlite:///{DEFAULT_DB}"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saraban.settings")
    import django

    django.setup()
    from saraban.core.access import AccessScope
    from saraban.search.backends import SearchUnavailable

    spec = json.loads(QUERIES_FILE.read_text(encoding="utf-8"))
    corpus = Path(args.corpus)
    extra = corpus_sentences(corpus) if corpus.is_dir() else []
    collection = Collection(args.letters, args.seed, spec, extra)
    runs = content_words(collection, args.seed)
    mix = latency_mix(collection, runs, args.queries, args.seed)
    warmup = latency_mix(collection, runs, 10, args.seed + 1)
    judged = judged_queries(spec)
    scope = AccessScope(nothing=False, user_id=1, unit_ids=SCOPE_UNITS, archive_agency_ids=frozenset({1}),
                        classified_classes=(), all_classified=False)

    print(f"Search benchmark  {time.strftime('%Y-%m-%d %H:%M:%S %Z')}  letters={args.letters:,}  "
          f"seed={args.seed}  batch={args.batch}  cores={os.cpu_count()}")
    print(f"vocabulary: {collection.builtin_count:,} template sentences + {collection.corpus_count:,} corpus "
          f"lines ({corpus if extra else 'no corpus'}); planted {len(collection.plan)} letters; "
          f"latency mix {len(mix)} queries; {len(judged)} judged queries; reader = archive reader of agency 1")

    results: dict[str, dict | None] = {"embedded": None, "elasticsearch": None}
    backends = []
    if not args.skip_embedded:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from saraban.search.backends.embedded import EmbeddedSearchBackend

        backends.append(("embedded", EmbeddedSearchBackend))
    if not args.skip_elasticsearch:
        try:
            from saraban.search.backends.elasticsearch import ElasticsearchBackend
        except ImportError as exc:
            print(f"cannot import the Elasticsearch backend: {exc}", file=sys.stderr)
            return 2
        backends.append(("elasticsearch",
                         lambda: ElasticsearchBackend(url=args.elasticsearch_url, index=ES_INDEX)))
    for name, make in backends:
        try:
            results[name] = run_backend(name, make(), collection, mix, warmup, judged, scope, args.batch)
        except SearchUnavailable as exc:
            print(f"{name}: search unavailable: {exc}", file=sys.stderr)
            return 2
        r = results[name]
        print(f"  . {name}: {r['status']}; generation {r['generate_seconds']:.1f} s", file=sys.stderr)

    out = {"letters": args.letters, "seed": args.seed, "queries": {"mix": len(mix), "judged": len(judged)}}
    out.update(report(results, judged, args.detail))
    out["seconds_total"] = round(time.perf_counter() - started, 1)
    print(f"\ntotal wall time {out['seconds_total']:.1f} s")
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
