# Sourced by the project's scripts: installs the npm dependencies when they are missing or stale.
# `npm install --no-save` installs exactly the versions in package-lock.json. We do not use `npm ci`: the
# registry these machines reach has no packages for other platforms (e.g. @biomejs/cli-darwin-arm64 answers
# 404), so the lock cannot list them, and `npm ci` rejects such a lock as "not in sync".
cd "$chatops_root"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "chatops: installing npm dependencies (npm install, versions from package-lock.json)" >&2
  npm install --no-save --no-audit --no-fund --loglevel=error
fi
