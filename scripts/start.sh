#!/usr/bin/env bash
# `npm start`: installs what is missing, builds the packages, and serves the
# podcast example on 127.0.0.1 (the audio is generated on first start),
# printing its URL. Extra arguments go to the example server:
#   npm start -- --port 9000 --throttle off
# See examples/podcast/README.md; the other examples start the same way:
#   node examples/film/serve.mjs, node examples/game-level/serve.mjs, ...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v node >/dev/null 2>&1; then
  echo "start.sh: Node.js 20 or newer is needed (https://nodejs.org, or Debian's nodejs from bookworm-backports / NodeSource)." >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "start.sh: Node.js $(node -v) is too old: 20 or newer is needed." >&2
  exit 1
fi

bash scripts/install-deps.sh

echo "start.sh: building the packages…"
node scripts/build.mjs

exec node examples/podcast/serve.mjs "$@"
