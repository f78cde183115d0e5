/*
  Builds the benchmark site into a temp folder: the worker (bench/fixtures/
  worker.ts with the queue list baked in) and the page (bench/fixtures/
  page.ts with workbox-background-fetch-window), both production bundles as
  an app would ship them, resolved through the workspace packages (their
  dist/, built by scripts/build.mjs).
*/
import * as esbuild from 'esbuild';
import {copyFileSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

/** A queue of the benchmark worker: its name and BackgroundFetchQueue options. */
export interface BenchQueue {
  name: string;
  options: Record<string, unknown>;
}

export async function buildSite(fixtures: string, queues: BenchQueue[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'wbf-bench-site-'));
  copyFileSync(join(fixtures, 'index.html'), join(dir, 'index.html'));
  const common: esbuild.BuildOptions = {
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: true,
    define: {'process.env.NODE_ENV': '"production"'},
    logLevel: 'warning',
  };
  await esbuild.build({
    ...common,
    entryPoints: [join(fixtures, 'worker.ts')],
    outfile: join(dir, 'sw.js'),
    define: {...common.define, BENCH_QUEUES: JSON.stringify(queues)},
  });
  await esbuild.build({
    ...common,
    entryPoints: [join(fixtures, 'page.ts')],
    outfile: join(dir, 'page.js'),
  });
  return dir;
}
