#!/usr/bin/env bash
# Idempotent set-up for near_dapp_build (CI runs it before the dapp-build selftest and tests):
#   - the wasm32 target (optional; `rustup target add`), cargo fetch + pre-build of near-sdk 5.30.0 for the unit
#     tests and for wasm32, into ${NEARCODER_CACHE:-~/.cache/nearcoder}/near_dapp_build (~1.2 GB);
#   - npm ci --ignore-scripts of near-sdk-js 2.0.0 (the JS type check).
# Needs cargo, rustc, npm and node, plus crates.io and the npm registry the first time; a no-op afterwards.
# Usage: tasks/near_dapp_build/prepare.sh [python]      (python: the interpreter with nearcoder installed)
set -euo pipefail
PY="${1:-python}"
for tool in cargo rustc npm node; do
  command -v "$tool" >/dev/null || { echo "near_dapp_build: $tool not found (install Rust via rustup, node 20 + npm)"; exit 1; }
done
exec "$PY" -m nearcoder.tasks.near_dapp_build.cache prepare rust js
