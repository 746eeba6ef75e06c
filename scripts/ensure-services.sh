#!/usr/bin/env bash
# Makes sure what the tests need is running on this machine: PostgreSQL 15 with pgvector, Redis, and
# Debian's Chromium for the browser tests. Installs (apt) or starts whatever is missing; idempotent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export DEBIAN_FRONTEND=noninteractive
apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then echo "chatops: $* missing and installing it needs root (apt-get install $*)." >&2; exit 1; fi
  [ "$apt_updated" = 1 ] || { apt-get update -qq; apt_updated=1; }
  apt-get install -y -qq "$@" >/dev/null
}

# PostgreSQL 15 on 127.0.0.1:5432 (trust auth for local tests).
if ! command -v pg_ctlcluster >/dev/null 2>&1; then apt_install postgresql-15; fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "chatops: starting PostgreSQL" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
fi
bash "$here/ensure-pgvector.sh"

# Redis on 127.0.0.1:6379, nothing persisted.
if ! command -v redis-server >/dev/null 2>&1; then apt_install redis-server; fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "chatops: starting Redis" >&2
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

# Chromium for the browser tests (playwright-core drives Debian's binary; no browser download).
if ! command -v chromium >/dev/null 2>&1; then
  echo "chatops: installing Debian's chromium for the browser tests" >&2
  apt_install chromium
fi
echo "chatops: PostgreSQL+pgvector, Redis and Chromium are ready" >&2
