# Sourced by the project's scripts: makes Node.js 22.18+ the `node` on PATH.
# The bot runs TypeScript through Node's type stripping (22.18+), and MikroORM 7 needs 22.17+. When the
# machine's Node is older, say so and use a project-local Node 22 from the npm registry's `node@22`
# package (it carries the binary; installs in seconds) under .tools/node.
chatops_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

node_is_recent() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=18)?0:1)'
}

if ! node_is_recent; then
  local_node="$chatops_root/.tools/node/node_modules/.bin"
  if [ ! -x "$local_node/node" ]; then
    found="$(command -v node >/dev/null 2>&1 && node --version || echo none)"
    echo "chatops: Node.js 22.18+ is required; this machine has ${found}. Installing Node 22 into .tools/node (npm registry package node@22)." >&2
    if ! command -v npm >/dev/null 2>&1; then
      echo "chatops: npm is not available either. Install Node.js 22 LTS from https://nodejs.org and run this again." >&2
      exit 1
    fi
    npm install --prefix "$chatops_root/.tools/node" --no-save --no-audit --no-fund --loglevel=error node@22 >/dev/null
  fi
  export PATH="$local_node:$PATH"
  node_is_recent || { echo "chatops: could not provide Node.js 22.18+; install Node 22 LTS from https://nodejs.org." >&2; exit 1; }
fi
