#!/usr/bin/env bash
# `npm run bench`: installs what is missing (the npm packages; Chromium,
# Firefox ESR and WebKitGTK from Debian, as `npm test` does), then runs the
# benchmark with the command-line arguments (bench/README.md):
#   npm run bench -- --quick
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
bash scripts/install-browsers.sh

exec node bench/run.mjs "$@"
