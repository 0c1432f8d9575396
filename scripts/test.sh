#!/usr/bin/env bash
# The whole test suite: every test on SQLite with the embedded search backend; then the
# search suite against a local Elasticsearch started by scripts/elasticsearch.sh
# (fetched from Maven Central on first use; a node that cannot start fails the run with
# its reason); then the database tests again on a local PostgreSQL started by
# scripts/postgres.sh. Fails when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
unset ELASTICSEARCH_URL

echo "==> ทดสอบบน SQLite (ทุกชุดทดสอบ ยกเว้นที่ต้องใช้ Elasticsearch)"
$PY -m pytest -q -p no:cacheprovider -m "not elasticsearch" "$@"

echo "==> ทดสอบชุดค้นหากับ Elasticsearch"
es_url=$(bash scripts/elasticsearch.sh start | tail -n1)
ELASTICSEARCH_URL="$es_url" $PY -m pytest -q -p no:cacheprovider tests/search tests/core/test_access.py "$@"

echo "==> ทดสอบบน PostgreSQL (ชุดทดสอบที่ใช้ฐานข้อมูล)"
url=$(bash scripts/postgres.sh start | tail -n1)
DATABASE_URL="$url" $PY -m pytest -q -p no:cacheprovider -m "django_db and not elasticsearch" "$@"
