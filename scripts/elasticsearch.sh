#!/usr/bin/env bash
# Start (or stop) a local single-node Elasticsearch 8 for development and tests.
#
# The distribution is Elastic's own minimal one for integration tests, from Maven
# Central (group org.elasticsearch.distribution.integ-test-zip, artifact elasticsearch,
# type zip), fetched with Maven and cached under .cache/. It carries only the core (no
# x-pack, so no security to switch off; no thai/ICU/n-gram analysers, no _reindex):
# the service segments Thai itself (README, "Search").
# Elasticsearch refuses to run as root: it runs as the unprivileged user `saraban-es`.
# Listens on 127.0.0.1:$SARABAN_ES_PORT (9200) with a small heap; `start` waits until
# the cluster is healthy and prints the ELASTICSEARCH_URL on its last line.
#   scripts/elasticsearch.sh start | stop | url | fetch
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ES_VERSION=${SARABAN_ES_VERSION:-8.19.21}
ES_PORT=${SARABAN_ES_PORT:-9200}
ES_USER=saraban-es
ES_HEAP=${SARABAN_ES_HEAP:-512m}
CACHE="$ROOT/.cache/elasticsearch"
ES_DIR=${SARABAN_ES_DIR:-/var/tmp/saraban-es}
HOME_DIR="$ES_DIR/elasticsearch-$ES_VERSION"
URL="http://127.0.0.1:${ES_PORT}"

as_es() {
  if [ "$(id -un)" = "$ES_USER" ]; then "$@"; elif [ "$(id -u)" -eq 0 ]; then runuser -u "$ES_USER" -- "$@"; else sudo -u "$ES_USER" "$@"; fi
}

fetch() {
  local zip="$CACHE/elasticsearch-$ES_VERSION.zip"
  if [ ! -s "$zip" ]; then
    command -v mvn >/dev/null || { echo "ไม่พบ Maven (mvn): รัน scripts/install.sh ก่อน" >&2; exit 1; }
    mkdir -p "$CACHE"
    echo "==> ดาวน์โหลด Elasticsearch $ES_VERSION จาก Maven Central" >&2
    mvn -q -B -Dmaven.repo.local="$ROOT/.cache/m2" dependency:copy \
      -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
      -DoutputDirectory="$CACHE" >&2 \
      || { echo "ดาวน์โหลด Elasticsearch ไม่สำเร็จ (ต้องเข้าถึง repo1.maven.org ได้)" >&2; exit 1; }
  fi
  echo "$zip"
}

healthy() {
  curl -fsS "$URL/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1
}

case "${1:-start}" in
  fetch)
    fetch
    ;;
  start)
    if healthy; then echo "$URL"; exit 0; fi
    zip=$(fetch)
    id -u "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
    if [ ! -x "$HOME_DIR/bin/elasticsearch" ]; then
      mkdir -p "$ES_DIR"
      rm -rf "$HOME_DIR.tmp" && mkdir -p "$HOME_DIR.tmp"
      unzip -q "$zip" -d "$HOME_DIR.tmp"
      mv "$HOME_DIR.tmp"/elasticsearch-* "$HOME_DIR" && rmdir "$HOME_DIR.tmp"
    fi
    # The node's settings, written on every start. Security is off for this loopback-only node.
    cat >"$HOME_DIR/config/elasticsearch.yml" <<EOF
# Saraban local node (scripts/elasticsearch.sh)
cluster.name: saraban-local
node.name: saraban-local-1
discovery.type: single-node
network.host: 127.0.0.1
http.port: $ES_PORT
path.data: $ES_DIR/data
path.logs: $ES_DIR/logs
xpack.security.enabled: false
xpack.ml.enabled: false
action.destructive_requires_name: false
cluster.routing.allocation.disk.threshold_enabled: false
EOF
    printf -- "-Xms%s\n-Xmx%s\n" "$ES_HEAP" "$ES_HEAP" >"$HOME_DIR/config/jvm.options.d/heap.options"
    mkdir -p "$ES_DIR/data" "$ES_DIR/logs"
    chown -R "$ES_USER" "$ES_DIR"
    rm -f "$ES_DIR/es.pid"
    as_es env -u ES_JAVA_OPTS ES_JAVA_HOME="${ES_JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}" \
      "$HOME_DIR/bin/elasticsearch" -d -p "$ES_DIR/es.pid" >"$ES_DIR/start.log" 2>&1 \
      || { echo "Elasticsearch เริ่มไม่สำเร็จ:" >&2; tail -n 30 "$ES_DIR/start.log" >&2; exit 1; }
    for _ in $(seq 1 120); do
      if healthy; then echo "$URL"; exit 0; fi
      sleep 1
    done
    echo "Elasticsearch ไม่พร้อมภายใน 120 วินาที:" >&2
    tail -n 30 "$ES_DIR/logs/saraban-local.log" >&2 2>/dev/null || tail -n 30 "$ES_DIR/start.log" >&2
    exit 1
    ;;
  stop)
    if [ -s "$ES_DIR/es.pid" ]; then
      pid=$(cat "$ES_DIR/es.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$ES_DIR/es.pid"
    fi
    ;;
  url)
    echo "$URL"
    ;;
  *) echo "usage: $0 start|stop|url|fetch" >&2; exit 2 ;;
esac
