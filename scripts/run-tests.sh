#!/usr/bin/env bash
# Install everything the tests need (Python packages, Debian's Chromium) and run every test.
# Used by new developers and by CI (.ci/run) alike.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium >/dev/null
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-test.txt

export HF_HUB_DISABLE_TELEMETRY=1 HF_HUB_OFFLINE=1
.venv/bin/python -m components.catalog validate
.venv/bin/python -m pytest "$@"
