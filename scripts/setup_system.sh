#!/usr/bin/env bash
# System set-up for NEARCoder eval on a fresh Debian machine (run as root, or with sudo available).
# Idempotent: installs only what is missing, then hands over to each area's own set-up script.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

need=()
command -v bwrap >/dev/null || need+=(bubblewrap)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v dockerd >/dev/null || need+=(docker.io)
command -v chromium >/dev/null || need+=(chromium)
command -v cc >/dev/null || need+=(gcc)
command -v cargo >/dev/null || need+=(cargo)
command -v ip >/dev/null || need+=(iproute2)  # the two-node Ray cluster tests bring up lo in their own namespace
command -v unshare >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# Area set-up. The Docker backend is optional: where no engine can be started, its tests skip and say why.
bash leaderboard/setup.sh
if ! bash sandboxes/setup_system.sh; then
  echo "setup: WARNING: the Docker sandbox backend is unavailable on this machine (see above);" \
       "docker-marked tests will skip with the reason" >&2
fi
echo "setup: system ready"
