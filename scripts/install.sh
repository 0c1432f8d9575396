#!/usr/bin/env bash
# Install everything Saraban needs on a fresh Debian machine of this kind:
# OS packages (Tesseract with Thai, Thai fonts, poppler, PostgreSQL, a JDK and Maven
# for Elasticsearch) and the Python
# packages into .venv. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

OS_PACKAGES=(tesseract-ocr tesseract-ocr-tha tesseract-ocr-eng fonts-thai-tlwg poppler-utils
             libraqm0 postgresql postgresql-contrib openjdk-17-jdk-headless maven unzip curl
             softhsm2 libnss3-tools libharfbuzz-subset0)

missing=()
for pkg in "${OS_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> ติดตั้งแพ็กเกจระบบ: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts a cluster of its own on install; the project runs its own instead.
  $SUDO service postgresql stop >/dev/null 2>&1 || true
fi

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "==> สร้าง .venv ด้วย $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> ติดตั้งแพ็กเกจ Python (requirements.txt)"
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -r requirements.txt
  echo "$want" > "$stamp"
fi
