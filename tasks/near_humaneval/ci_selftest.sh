#!/usr/bin/env bash
# CI for near_humaneval (idempotent): prepare the sandbox's dependencies, then run the canonical self-test for
# both languages; exits non-zero unless each prints `passed 164/164`.
# Needs: sandboxes/setup_system.sh --no-docker (bubblewrap), node, rustc, and network for the first prepare.
# Usage: tasks/near_humaneval/ci_selftest.sh [OUT_DIR]      (outcomes: OUT_DIR/humaneval-{js,rust}.json)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:-$ROOT/out/selftest}"
NEARCODER="${NEARCODER:-$ROOT/.venv/bin/nearcoder}"
export NEARCODER_DATA_DIR="${NEARCODER_DATA_DIR:-$(cd "$ROOT/.." && pwd)/shared/data}"
export HF_DATASETS_OFFLINE="${HF_DATASETS_OFFLINE:-1}"
mkdir -p "$OUT"
"$NEARCODER" sandbox prepare
for lang in js rust; do
  "$NEARCODER" selftest humaneval --lang "$lang" --out "$OUT/humaneval-$lang.json"
done
