/*
  `npm run bench`: the benchmark of issues 6 and 13. Drives Debian's Chromium
  (persistent profile), Firefox ESR and WebKitGTK against the Range test
  server and writes BENCHMARKS.md plus docs/benchmarks.svg (see
  bench/README.md).

  Every variant runs once per round, the variants interleaved (A B C, B C A,
  C A B …: each round starts one later) so that the machine's noise hits
  them alike; ratios are taken per round to
  A of the same round, then their median is reported.
*/
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import * as os from 'node:os';
import {join} from 'node:path';
import {
  BINARIES,
  closeAllEngines,
  generateBytes,
  startTestServer,
} from '@workbox-background-fetch/test-utils';
import {EngineBench} from './engineBench';
import {MemorySampler} from './memorySampler';
import {BENCH, ENGINES, ROOT, parseOptions} from './options';
import type {Options} from './options';
import {renderChart} from './report/chart';
import {renderReport} from './report/render';
import {faultsFor, measureResume} from './resume';
import {buildSite} from './site';
import {buildAndReadSizes} from './sizes';
import type {Engine, Results, Variant} from './types';
import {MiB, log} from './util';
import {defaultVariant, queuesOf, sessionsOf, variantsFor} from './variants';

function browserVersion(bin: string, args = ['--version']): string | undefined {
  try {
    return execFileSync(bin, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim();
  } catch {
    return undefined;
  }
}

/** WebKitGTK's version, from the shared library's package (MiniBrowser has no --version). */
function webkitVersion(): string | undefined {
  const v = browserVersion('dpkg-query', ['-W', `-f=\${Version}`, 'libwebkit2gtk-4.1-0']);
  return v ? `WebKitGTK ${v} (MiniBrowser ${BINARIES.miniBrowser})` : undefined;
}

function gitInfo(): {commit: string; dirty: boolean} {
  try {
    const git = (...args: string[]) => execFileSync('git', args, {cwd: ROOT, encoding: 'utf8'});
    const commit = git('rev-parse', '--short', 'HEAD').trim();
    return {commit, dirty: git('status', '--porcelain', '--', 'packages').trim() !== ''};
  } catch {
    return {commit: 'unknown', dirty: false};
  }
}

function readOsRelease(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
  } catch {
    return '';
  }
}

function writeOutputs(opts: Options, results: Results): void {
  for (const file of [opts.out, opts.chart]) mkdirSync(join(file, '..'), {recursive: true});
  writeFileSync(opts.out, renderReport(results, {chartPath: opts.chart, reportPath: opts.out}));
  writeFileSync(opts.chart, renderChart(results));
  log(`wrote ${opts.out} and ${opts.chart}`);
}

function emptyResults(opts: Options): Results {
  const variants = Object.fromEntries(
    ENGINES.map((e) => [e, variantsFor(e, opts.chunks, opts.quick)]),
  ) as Record<Engine, Variant[]>;
  return {
    meta: {
      mode: opts.quick ? 'quick' : 'full',
      date: new Date().toISOString(),
      size: opts.size,
      rounds: opts.rounds,
      throttle: opts.throttle,
      engines: opts.engines,
      node: process.version,
      os: `${os.type()} ${os.release()} (${readOsRelease()})`,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memory: os.totalmem(),
      loadBefore: os.loadavg(),
      loadAfter: [],
      chromium: browserVersion(BINARIES.chromium),
      firefox: browserVersion(BINARIES.firefox),
      webkit: webkitVersion(),
      elapsedMs: 0,
      ...gitInfo(),
    },
    variants,
    sizes: [],
    runs: [],
    resumes: [],
    errors: [],
  };
}

/** Everything measured in one browser session: warm-up, rounds, resume waste (when it runs the default variant). */
async function benchSession(bench: EngineBench, opts: Options, results: Results): Promise<void> {
  const {engine} = bench;
  // The resume-waste runs go with the session that runs the default variant.
  const def = defaultVariant(results.variants[engine], engine);
  const v = opts.resume && def && bench.variants.includes(def) ? def : undefined;
  if (opts.onlyResume && !v) return;
  await bench.open();
  await bench.warmUp();
  for (const throttle of opts.onlyResume ? [] : [null, opts.throttle]) {
    await bench.rounds(throttle);
  }
  if (!v) return;
  // Long enough to stop the worker 3 times: as long as 256 MiB at 40 MB/s.
  const throttle = Math.round(opts.size / ((256 * MiB) / 40e6));
  for (const kind of faultsFor(engine)) {
    const kills = kind === 'worker-stop' ? 3 : kind === 'browser-kill' ? 2 : 0;
    results.resumes.push(await measureResume(bench, v, kind, kills, throttle));
  }
}

export async function main(argv: string[]): Promise<void> {
  const opts = parseOptions(argv);
  if (opts.reportOnly) {
    if (!existsSync(opts.json))
      throw new Error(`no results at ${opts.json}: run the benchmark first`);
    writeOutputs(opts, JSON.parse(readFileSync(opts.json, 'utf8')) as Results);
    return;
  }
  const started = Date.now();
  const results = emptyResults(opts);
  if (opts.build) {
    log('building the packages (scripts/build.mjs) for their sizes and dist/');
    try {
      results.sizes = buildAndReadSizes();
    } catch (error) {
      results.sizeError = (error as Error).message;
      throw error;
    }
  }

  const server = await startTestServer();
  const sampler = new MemorySampler();
  const body = generateBytes(opts.size, 'bench');
  const allVariants = opts.engines.flatMap((e) => results.variants[e]);
  for (const v of allVariants) {
    server.addFile(`/files/${v.key}.bin`, body, {
      contentType: 'application/octet-stream',
      etag: '"bench-v1"',
    });
  }
  const site = await buildSite(join(BENCH, 'fixtures'), queuesOf(allVariants));
  server.serveDir('/', site);

  const onSignal = () => {
    log('interrupted: closing the browsers');
    void closeAllEngines().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (const engine of opts.engines) {
      for (const variants of sessionsOf(engine, results.variants[engine])) {
        const bench = new EngineBench(engine, server, sampler, variants, opts, results);
        try {
          await benchSession(bench, opts, results);
        } catch (error) {
          results.errors.push(`${engine}: ${(error as Error).stack ?? error}`);
          log(`${engine} FAILED: ${(error as Error).message}`);
        } finally {
          await bench.close().catch(() => undefined);
        }
      }
    }
  } finally {
    await closeAllEngines();
    await sampler.close();
    await server.close();
    rmSync(site, {recursive: true, force: true});
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  results.meta.loadAfter = os.loadavg();
  results.meta.elapsedMs = Date.now() - started;
  mkdirSync(join(opts.json, '..'), {recursive: true});
  writeFileSync(opts.json, JSON.stringify(results, null, 1));
  writeOutputs(opts, results);
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
