#!/usr/bin/env bash
# Build nearcoder/near-full on a machine with internet (not possible on the offline CI machine).
# Usage: sandboxes/images/near-full/build.sh [tag]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
ctx="$(mktemp -d)"; trap 'rm -rf "$ctx"' EXIT
cp -r "$HERE"/Dockerfile "$HERE"/full_build.sh "$HERE"/integration "$ctx"/
cp -r "$REPO/tasks/near_dapp_build/cargo_template" "$ctx"/cargo_template
docker build -t "${1:-nearcoder/near-full:1}" "$ctx"
