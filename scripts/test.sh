#!/usr/bin/env bash
# The whole test suite: every test on SQLite, then the database tests again on a
# local PostgreSQL started by scripts/postgres.sh. Fails when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

echo "==> ทดสอบบน SQLite (ทุกชุดทดสอบ)"
$PY -m pytest -q -p no:cacheprovider "$@"

echo "==> ทดสอบบน PostgreSQL (ชุดทดสอบที่ใช้ฐานข้อมูล)"
url=$(bash scripts/postgres.sh start | tail -n1)
DATABASE_URL="$url" $PY -m pytest -q -p no:cacheprovider -m django_db "$@"
