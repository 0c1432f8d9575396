# Saraban — the two commands: `make demo` (set up and run the main job on the
# embedded defaults) and `make test` (set up and run the whole test suite).
PY := .venv/bin/python
MANAGE := $(PY) manage.py

.PHONY: install demo run worker test postgres postgres-stop elasticsearch elasticsearch-stop migrate

install:
	bash scripts/install.sh

migrate: install
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) collectstatic --noinput -v 0

demo: migrate
	$(MANAGE) demo

run: migrate
	@echo "หน้าเว็บ: http://127.0.0.1:8000/  (หยุดด้วย Ctrl+C)"
	$(MANAGE) worker & WORKER=$$!; trap "kill $$WORKER" EXIT INT TERM; $(MANAGE) runserver 127.0.0.1:8000

worker: migrate
	$(MANAGE) worker

postgres: install
	bash scripts/postgres.sh start

postgres-stop:
	bash scripts/postgres.sh stop

# A local single-node Elasticsearch 8 on 127.0.0.1:9200 (Maven Central's integ-test-zip,
# cached under .cache/, run as the unprivileged user saraban-es); then run with
# ELASTICSEARCH_URL=http://127.0.0.1:9200 to use it.
elasticsearch: install
	bash scripts/elasticsearch.sh start

elasticsearch-stop:
	bash scripts/elasticsearch.sh stop

test: install
	bash scripts/test.sh
