#!/usr/bin/env node
/*
  `npm run wpt`: the upstream web-platform-tests background-fetch/ suite
  with this project's polyfill, on Chromium, Firefox ESR and WebKitGTK.

  Builds the packages, then runs ../shared/wpt/run.mjs (resolved from the
  repository root: CI clones sit beside a copy of shared/) once per engine
  in polyfill mode, each run under the machine's browser lock
  (flock /tmp/wbf-browser.lock), WebKit under xvfb-run. Prints every
  subtest line and the three totals. A conformance check, not part of
  `npm test`.

  Options: --engine chromium|firefox|webkit (repeatable; default all three),
  --only SUBSTRING (passed to the runner), --no-build.
*/
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wptDir = resolve(root, '..', 'shared', 'wpt');
const runner = join(wptDir, 'run.mjs');
const LOCK = '/tmp/wbf-browser.lock';

const {values} = parseArgs({
  options: {
    engine: {type: 'string', multiple: true},
    only: {type: 'string'},
    'no-build': {type: 'boolean', default: false},
  },
});
const engines = values.engine ?? ['chromium', 'firefox', 'webkit'];
for (const engine of engines) {
  if (!['chromium', 'firefox', 'webkit'].includes(engine)) {
    console.error(`npm run wpt: unknown engine '${engine}' (chromium, firefox or webkit).`);
    process.exit(2);
  }
}

if (!existsSync(runner)) {
  console.error(
    `npm run wpt: the WPT runner is not at ${runner}.\n` +
      `It lives in the shared/ folder beside this repository (../shared/wpt from ` +
      `the repository root). Put a copy of shared/ next to the clone and run ` +
      `'bash ../shared/wpt/prepare.sh' once.`,
  );
  process.exit(2);
}

function run(command, args) {
  const result = spawnSync(command, args, {cwd: root, stdio: ['ignore', 'pipe', 'inherit']});
  if (result.error) {
    console.error(`npm run wpt: could not run ${command}: ${result.error.message}`);
    process.exit(2);
  }
  return result;
}

if (!values['no-build']) {
  const build = spawnSync('node', [join(root, 'scripts/build.mjs')], {cwd: root, stdio: 'inherit'});
  if (build.status !== 0) {
    process.exit(build.status ?? 1);
  }
}

const pagePolyfill = join(root, 'packages/workbox-background-fetch-window/dist/iife/polyfill.js');
const workerPolyfill = join(root, 'packages/workbox-background-fetch/dist/iife/polyfill.js');
const totals = [];
let broken = false;
for (const engine of engines) {
  const args = [
    runner,
    '--engine',
    engine,
    '--polyfill-page',
    pagePolyfill,
    '--polyfill-sw',
    workerPolyfill,
    ...(values.only ? ['--only', values.only] : []),
  ];
  const command = engine === 'webkit' ? ['xvfb-run', '-a', 'node', ...args] : ['node', ...args];
  console.log(`\n# ${engine}: flock ${LOCK} ${command.join(' ')}`);
  const result = run('flock', [LOCK, ...command]);
  const output = result.stdout.toString();
  process.stdout.write(output);
  const total = output.split('\n').find((line) => line.startsWith('wpt: '));
  totals.push(total ?? `wpt: no total (${engine}: the runner exited ${result.status})`);
  broken ||= result.status !== 0;
}
console.log(`\n${totals.join('\n')}`);
process.exit(broken ? 1 : 0);
