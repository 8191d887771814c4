#!/usr/bin/env bash
# Idempotent system set-up for the leaderboard's browser test: Debian's chromium (Playwright drives it through
# executable_path; `playwright install` is never run). Everything else comes from the `leaderboard` extra.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
chromium --version
bash "$(dirname "$0")/postgres_setup.sh"   # the store tests run on SQLite and on this local server
PY="${PYTHON:-.venv/bin/python}"
"$PY" -c "import gradio, sqlalchemy, matplotlib, pandas, playwright; print('leaderboard python deps ok')"
