#!/usr/bin/env bash
# Validates docker-compose.yml with Compose itself (`docker compose config --quiet`: the schema, and that every
# service it names exists). Uses the machine's Compose v2 plugin or docker-compose; without either, puts
# Debian's docker-compose package (v2, from trixie: one static binary, needing only libc) into .tools/compose
# without installing it system-wide, so no other package of the machine changes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools/compose"

compose=()
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1 && docker-compose version 2>/dev/null | grep -q 'version v\?2'; then
  compose=(docker-compose)
elif [ -x "$tools/docker-compose" ]; then
  compose=("$tools/docker-compose")
else
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
    echo "chatops: no Docker Compose v2 here; install it (https://docs.docker.com/compose/install/) and run this again." >&2
    exit 1
  fi
  echo "chatops: no Docker Compose v2 here; fetching Debian's docker-compose package into .tools/compose" >&2
  # A private apt state: trixie's package index is read there, and the system's sources and lists stay as they are.
  apt_state="$tools/apt"
  mkdir -p "$apt_state/lists/partial" "$apt_state/cache/archives/partial"
  echo 'deb http://deb.debian.org/debian trixie main' >"$apt_state/sources.list"
  apt_options=(-o "Dir::Etc::SourceList=$apt_state/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt_state/lists" -o "Dir::Cache=$apt_state/cache" -o Debug::NoLocking=1 -qq)
  apt-get "${apt_options[@]}" update
  download="$(mktemp -d)"
  (cd "$download" && apt-get "${apt_options[@]}" download docker-compose)
  dpkg-deb -x "$download"/docker-compose_*.deb "$download/package"
  install -m 0755 "$download/package/usr/libexec/docker/cli-plugins/docker-compose" "$tools/docker-compose"
  rm -rf "$download" "$apt_state"
  compose=("$tools/docker-compose")
fi

echo "== docker-compose.yml ($("${compose[@]}" version --short 2>/dev/null || "${compose[@]}" version))"
"${compose[@]}" --project-directory "$root" -f "$root/docker-compose.yml" config --quiet
echo "docker-compose.yml is valid"
