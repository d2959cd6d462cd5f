#!/usr/bin/env bash
# Build the web app in frontend/ into frontend/dist, which Flask (or nginx) serves.
# Installs the npm dependencies when package.json or the lock file changed (npm ci with a lock
# file, npm install without one), and skips the build when dist is newer than every source.
# Usage: scripts/build-frontend.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/../frontend"

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "Node.js and npm are missing, so the web app is not built (the API works without it)." >&2
  echo "Install Node.js 20.19 or newer, then run: make frontend" >&2
  exit 0
fi
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "Node.js $(node --version) is too old to build the web app: it needs 20.19 or newer." >&2
  exit 1
fi

installed=node_modules/.package-lock.json  # npm rewrites this on every install
if [ ! -f "$installed" ] || [ package.json -nt "$installed" ] || { [ -f package-lock.json ] && [ package-lock.json -nt "$installed" ]; }; then
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund
  else
    npm install --no-audit --no-fund
  fi
fi

sources=(index.html src package.json tsconfig.json vite.config.ts)
[ -f package-lock.json ] && sources+=(package-lock.json)
if [ "${1:-}" != "--force" ] && [ -f dist/index.html ] \
  && [ -z "$(find "${sources[@]}" -newer dist/index.html -print -quit)" ]; then
  echo "frontend/dist is up to date."
  exit 0
fi
npm run build
