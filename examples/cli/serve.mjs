#!/usr/bin/env node
/*
  The CLI example: runs the workbox-background-fetch CLI exactly as
  `npm run build` in this folder does —

    workbox-background-fetch copyLibraries public
    workbox-background-fetch generateSW workbox-config.js

  — then serves public/ with the example server. The audio is generated
  on first start (nothing is downloaded).

    node examples/cli/serve.mjs [--port 8080] [--throttle 2MB|off]
*/
import {execFileSync} from 'node:child_process';
import {cpSync, existsSync, mkdirSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {melody} from '../server/lib/media.mjs';
import {runExample} from '../server/lib/run.mjs';

const exampleDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(exampleDir, '..', '..');
const publicDir = join(exampleDir, 'public');

/** The sizes in index.html's data-size follow from these lengths (22.05 kHz, 16-bit mono). */
const TRACKS = [
  {file: 'lecture-1.wav', seconds: 120, root: 220},
  {file: 'lecture-2.wav', seconds: 200, root: 196},
];

function cli(...args) {
  // The bin npm links for the workspace, else the package's own bin script
  // (WORKBOX_BACKGROUND_FETCH_CLI: another bin script to run).
  const linked = join(repoRoot, 'node_modules', '.bin', 'workbox-background-fetch');
  const script =
    process.env.WORKBOX_BACKGROUND_FETCH_CLI ??
    join(
      repoRoot,
      'packages',
      'workbox-background-fetch-cli',
      'bin',
      'workbox-background-fetch.js',
    );
  const [command, commandArgs] =
    existsSync(linked) && !process.env.WORKBOX_BACKGROUND_FETCH_CLI
      ? [linked, args]
      : [process.execPath, [script, ...args]];
  console.log(`$ workbox-background-fetch ${args.join(' ')}`);
  execFileSync(command, commandArgs, {cwd: exampleDir, stdio: 'inherit'});
}

await runExample({
  name: 'cli',
  title: 'a site whose service worker comes from the CLI and workbox-config.js alone.',
  defaultThrottle: '2MB',
  async prepare({log}) {
    mkdirSync(join(publicDir, 'media'), {recursive: true});
    for (const track of TRACKS) {
      const path = join(publicDir, 'media', track.file);
      if (!existsSync(path)) {
        log(`Generating media/${track.file}…`);
        writeFileSync(path, melody({seconds: track.seconds, seed: track.file, root: track.root}));
      }
    }
    cpSync(
      join(exampleDir, '..', 'server', 'client', 'control-bar.js'),
      join(publicDir, 'control-bar.js'),
    );
    cli('copyLibraries', 'public');
    cli('generateSW', 'workbox-config.js');
    return publicDir;
  },
});
