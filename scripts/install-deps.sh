#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than the
# lockfile. `npm ci` first; npm 11 refuses some lockfiles in which
# platform-specific optional packages (rollup's, through workbox-build) have
# no entry even right after `npm install` wrote them, so `npm install`
# (same lockfile, same versions) takes over then.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-deps: installing npm dependencies…"
  if ! npm ci --no-audit --no-fund 2>/tmp/npm-ci-$$.log; then
    grep -m1 -E 'Missing: |npm error' /tmp/npm-ci-$$.log >&2 || true
    echo "install-deps: npm ci refused the lockfile; running npm install instead." >&2
    npm install --no-audit --no-fund
  fi
  rm -f /tmp/npm-ci-$$.log
fi
