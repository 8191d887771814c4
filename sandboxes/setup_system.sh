#!/usr/bin/env bash
# Idempotent system set-up for nearcoder sandboxes (run as root; CI runs it before the sandbox tests):
#   1. installs bubblewrap, docker.io and debootstrap when missing;
#   2. starts dockerd in the background (no systemd in CI) and waits for its socket;
#   3. builds the base image from a debootstrap root file system (`docker import`, no registry needed),
#      then the sandbox image from sandboxes/images/Dockerfile.
# Usage: sandboxes/setup_system.sh [--no-docker]      Log: ${NEARCODER_DOCKERD_LOG:-/var/log/nearcoder-dockerd.log}
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BASE_IMAGE="${NEARCODER_BASE_IMAGE:-nearcoder-sandbox-base:bookworm}"
IMAGE="${NEARCODER_DOCKER_IMAGE:-nearcoder-sandbox:latest}"
LOG="${NEARCODER_DOCKERD_LOG:-/var/log/nearcoder-dockerd.log}"

need=()
command -v bwrap >/dev/null || need+=(bubblewrap)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v dockerd >/dev/null || need+=(docker.io)
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing: ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
[ "${1:-}" = "--no-docker" ] && exit 0

if ! docker info >/dev/null 2>&1; then
  echo "starting dockerd (log: $LOG)"
  nohup dockerd >"$LOG" 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not come up; last log lines:"; tail -20 "$LOG"; exit 1; }
fi

if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  rootfs="$(mktemp -d /var/tmp/nearcoder-rootfs.XXXXXX)"
  trap 'rm -rf "$rootfs"' EXIT
  echo "debootstrap bookworm -> $rootfs (a few minutes)"
  debootstrap --variant=minbase --include=nodejs,gcc,libc6-dev,ca-certificates bookworm "$rootfs" \
    "${NEARCODER_DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import - "$BASE_IMAGE"
fi
docker build -q -t "$IMAGE" --build-arg BASE="$BASE_IMAGE" "$HERE/images" >/dev/null
echo "docker image ready: $IMAGE"
