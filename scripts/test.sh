#!/usr/bin/env bash
# Installs what is missing, builds, type-checks and lints, then runs the unit
# tests and the browser tests (in band: two cores do not fit two browsers). Prints a final
# "N passed, N failed, N skipped" line and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-browsers.sh

bash scripts/install-deps.sh

if ! npm run build; then
  echo "test.sh: build failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

# Type-check every project (tests, test-utils, bench and examples included)
# and lint + format-check the repository. Each failure counts as one failed
# suite in the summary line.
static_failed=0
if ! npm run typecheck; then
  echo "test.sh: typecheck failed (npm run typecheck)" >&2
  static_failed=$((static_failed + 1))
fi
if ! npm run lint; then
  echo "test.sh: lint failed (npm run lint; npm run format fixes formatting)" >&2
  static_failed=$((static_failed + 1))
fi

unit_rc=0
npx jest --ci --selectProjects unit --json --outputFile="$results/unit.json" || unit_rc=$?
browser_rc=0
npx jest --ci --selectProjects browser --runInBand --json --outputFile="$results/browser.json" || browser_rc=$?

summary=$(STATIC_FAILED=$static_failed node -e '
  const fs = require("fs");
  let passed = 0, failed = Number(process.env.STATIC_FAILED || 0), skipped = 0;
  for (const f of process.argv.slice(1)) {
    let r;
    try { r = JSON.parse(fs.readFileSync(f, "utf8")); } catch { failed += 1; continue; }
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests || 0);
    // A suite that failed without a failing test (compile error, hook error
    // outside tests) still counts as a failure.
    for (const s of r.testResults || []) {
      const failedTests = (s.assertionResults || []).filter((a) => a.status === "failed").length;
      if (s.status === "failed" && failedTests === 0) failed += 1;
    }
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results/unit.json" "$results/browser.json")

# The slowest suites, to know where a trim would pay (the suite must stay
# well under 20 minutes on 2 cores).
node -e '
  const fs = require("fs");
  const path = require("path");
  const suites = [];
  for (const f of process.argv.slice(1)) {
    try {
      for (const s of JSON.parse(fs.readFileSync(f, "utf8")).testResults || []) {
        suites.push([(s.endTime - s.startTime) / 1000, path.relative(process.cwd(), s.name)]);
      }
    } catch {}
  }
  suites.sort((a, b) => b[0] - a[0]);
  console.log("slowest suites: " + suites.slice(0, 8).map(([t, n]) => `${n} ${t.toFixed(0)} s`).join(", "));
' "$results/unit.json" "$results/browser.json" || true

echo "typecheck + lint: $static_failed failed, unit: exit $unit_rc, browser: exit $browser_rc"
echo "$summary"
if [ "$static_failed" -ne 0 ] || [ "$unit_rc" -ne 0 ] || [ "$browser_rc" -ne 0 ]; then
  exit 1
fi
case "$summary" in
  *" 0 failed"*) exit 0 ;;
  *) exit 1 ;;
esac
