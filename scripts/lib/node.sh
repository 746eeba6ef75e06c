# Sourced by the project's scripts: makes Node.js 22.18+ the `node` on PATH.
# The bot runs TypeScript through Node's type stripping (22.18+), and MikroORM 7 needs 22.17+. When the
# machine's Node is older, say so and use a project-local Node 22 from the npm registry's `node@22`
# package (it carries the binary; installs in seconds) under .tools/node.
chatops_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The same minimum as package.json's "engines" and bin/chatops.js (test/unit/node-version.test.ts).
chatops_node_minimum=22.18.0

node_is_recent() {
  command -v node >/dev/null 2>&1 || return 1
  node -e '
    const have = process.versions.node.split(".").map(Number);
    const need = process.argv[1].split(".").map(Number);
    const index = have.findIndex((part, at) => part !== need[at]);
    process.exit(index !== -1 && have[index] < need[index] ? 1 : 0);' "$chatops_node_minimum"
}

if ! node_is_recent; then
  local_node="$chatops_root/.tools/node/node_modules/.bin"
  if [ ! -x "$local_node/node" ]; then
    found="$(command -v node >/dev/null 2>&1 && node --version || echo none)"
    echo "chatops: Node.js ${chatops_node_minimum}+ is required; this machine has ${found}. Installing Node 22 into .tools/node (npm registry package node@22)." >&2
    if ! command -v npm >/dev/null 2>&1; then
      echo "chatops: npm is not available either. Install Node.js 22 LTS from https://nodejs.org and run this again." >&2
      exit 1
    fi
    npm install --prefix "$chatops_root/.tools/node" --no-save --no-audit --no-fund --loglevel=error node@22 >/dev/null
  fi
  export PATH="$local_node:$PATH"
  node_is_recent || { echo "chatops: could not provide Node.js ${chatops_node_minimum}+; install Node 22 LTS from https://nodejs.org." >&2; exit 1; }
fi
