#!/usr/bin/env bash
# Idempotent: a local PostgreSQL server for the store tests, on loopback only (Debian's package, its default
# cluster, listen_addresses = 'localhost'), with a role and a database the tests create their own databases from.
#   role nearcoder / password nearcoder, database nearcoder_test  ->  NEARCODER_TEST_PG_URL (see tests/leaderboard)
# Run as root. A machine without the package gets it from Debian's archive.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
    pg_createcluster "$version" main >/dev/null
fi
conf="/etc/postgresql/$version/main/postgresql.conf"
grep -q "^listen_addresses = 'localhost'" "$conf" || echo "listen_addresses = 'localhost'" >> "$conf"
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
    pg_ctlcluster "$version" main start
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
runuser -u postgres -- psql -qtA -c "SELECT 1 FROM pg_roles WHERE rolname='nearcoder'" | grep -q 1 \
    || runuser -u postgres -- psql -q -c "CREATE ROLE nearcoder LOGIN CREATEDB PASSWORD 'nearcoder'"
runuser -u postgres -- psql -qtA -c "SELECT 1 FROM pg_database WHERE datname='nearcoder_test'" | grep -q 1 \
    || runuser -u postgres -- psql -q -c "CREATE DATABASE nearcoder_test OWNER nearcoder"
echo "postgres: ready on 127.0.0.1:5432 (postgresql+psycopg2://nearcoder:nearcoder@127.0.0.1:5432/nearcoder_test)"
