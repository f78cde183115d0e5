#!/usr/bin/env node
/*
  npm run typecheck: every TypeScript file of the repository, each with the
  lib of the place it runs in.

    tsconfig.build.json                       the four packages' src (tsc -b, emits their .d.ts)
    tsconfig.json                             Node: tests, test-utils, scripts, example tests (+ DOM for page.evaluate)
    packages/workbox-background-fetch/test/unit     Node + WebWorker: the runtime's unit tests
    packages/workbox-background-fetch-window/test/unit  Node + DOM: the page package's unit tests
    packages/workbox-background-fetch/test/browser/support/workers   WebWorker: the suites' service workers
    bench, bench/fixtures, bench/fixtures/tsconfig.page.json  Node driver, worker, page
    examples, examples/tsconfig.worker.json   the examples' pages (DOM) and workers (WebWorker)

  Runs them all (one failure does not hide the next) and exits non-zero if
  any reported an error.
*/
import {spawnSync} from 'node:child_process';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

const runs = [
  ['-b', 'tsconfig.build.json'],
  ['-p', 'tsconfig.json'],
  ['-p', 'packages/workbox-background-fetch/test/unit'],
  ['-p', 'packages/workbox-background-fetch-window/test/unit'],
  ['-p', 'packages/workbox-background-fetch/test/browser/support/workers'],
  ['-p', 'bench'],
  ['-p', 'bench/fixtures'],
  ['-p', 'bench/fixtures/tsconfig.page.json'],
  ['-p', 'examples'],
  ['-p', 'examples/tsconfig.worker.json'],
];

const failed = [];
for (const args of runs) {
  const {status, error} = spawnSync(process.execPath, [tsc, ...args, '--pretty'], {
    cwd: root,
    stdio: 'inherit',
  });
  const ok = status === 0 && !error;
  console.log(`typecheck: ${ok ? 'ok    ' : 'FAILED'} tsc ${args.join(' ')}`);
  if (!ok) failed.push(args[1]);
}
if (failed.length > 0) {
  console.error(`typecheck: ${failed.length} project(s) with errors: ${failed.join(', ')}`);
  process.exit(1);
}
