#!/usr/bin/env bash
# Installs the pgvector extension into the machine's PostgreSQL 15 when it is missing.
# Debian 12 does not package pgvector for PostgreSQL 15, so we build Debian's own source
# package (from trixie) against PostgreSQL 15's headers: about 15 s, needs root and apt.
set -euo pipefail

pg_major="${PG_MAJOR:-15}"
pg_config="/usr/lib/postgresql/${pg_major}/bin/pg_config"
control="$("$pg_config" --sharedir 2>/dev/null)/extension/vector.control"

if [ -f "$control" ]; then
  echo "pgvector: already installed for PostgreSQL ${pg_major}"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "pgvector: missing for PostgreSQL ${pg_major} and this script needs root to install it." >&2
  echo "  Fix: run 'sudo bash scripts/ensure-pgvector.sh', or install pgvector from your distribution." >&2
  exit 1
fi

echo "pgvector: building Debian's source package for PostgreSQL ${pg_major}"
sources=/etc/apt/sources.list.d/chatops-trixie-src.list
if [ ! -f "$sources" ]; then
  echo "deb-src http://deb.debian.org/debian trixie main" > "$sources"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "postgresql-server-dev-${pg_major}" dpkg-dev make gcc >/dev/null

build_dir="$(mktemp -d)"
trap 'rm -rf "$build_dir"' EXIT
cd "$build_dir"
apt-get source -qq pgvector >/dev/null 2>&1 || apt-get source pgvector
source_dir="$(find . -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)"
cd "$source_dir"
make -s PG_CONFIG="$pg_config" >/dev/null
make -s PG_CONFIG="$pg_config" install >/dev/null
echo "pgvector: installed ($(grep default_version vector.control))"
