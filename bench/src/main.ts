/*
  `npm run bench`: the benchmark of issue 6. Drives Debian's Chromium
  (persistent profile) and Firefox ESR against the Range test server and
  writes BENCHMARKS.md plus docs/benchmarks.svg (see bench/README.md).

  Every variant runs once per round, the variants interleaved (A B C … A B C …)
  so that the machine's noise hits them alike; ratios are taken per round to
  A of the same round, then their median is reported.
*/
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import * as os from 'node:os';
import {join} from 'node:path';
import {
  closeAllEngines,
  generateBytes,
  launchEngine,
  startTestServer,
} from '@workbox-background-fetch/test-utils';
import type {
  EngineSession,
  RequestLogEntry,
  TestServer,
} from '@workbox-background-fetch/test-utils';
import {MemorySampler} from './memorySampler';
import type {MemorySample} from './memorySampler';
import {renderChart, renderReport} from './report';
import {buildSite} from './site';
import type {BenchQueue} from './site';
import type {Engine, Results, ResumeRecord, RunRecord, SizeRecord, Variant} from './types';

const MiB = 1024 * 1024;
const ROOT = join(__dirname, '..', '..');
const BENCH = join(ROOT, 'bench');

// Options -----------------------------------------------------------------------

interface Options {
  quick: boolean;
  size: number;
  rounds: number;
  throttle: number;
  engines: Engine[];
  chunks: number[];
  build: boolean;
  resume: boolean;
  reportOnly: boolean;
  onlyResume: boolean;
  out: string;
  chart: string;
  json: string;
}

function parseOptions(argv: string[]): Options {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg} (see bench/README.md)`);
    flags.set(m[1], m[2] ?? 'true');
  }
  const known = [
    'only-resume',
    'quick',
    'size',
    'rounds',
    'throttle',
    'engines',
    'chunks',
    'no-build',
    'no-resume',
    'report-only',
    'out',
  ];
  for (const key of flags.keys()) {
    if (!known.includes(key))
      throw new Error(`unknown option --${key}; known: ${known.map((k) => `--${k}`).join(' ')}`);
  }
  const quick = flags.has('quick');
  const mode = quick ? 'quick' : 'full';
  const outDir =
    flags.get('out') ?? (flags.has('only-resume') ? join(BENCH, 'results', 'resume') : undefined);
  return {
    quick,
    size: Number(flags.get('size') ?? (quick ? 32 : 256)) * MiB,
    rounds: Number(flags.get('rounds') ?? (quick ? 2 : 5)),
    throttle: Number(flags.get('throttle') ?? 40) * 1e6,
    engines: (flags.get('engines') ?? 'chromium,firefox').split(',') as Engine[],
    chunks: (flags.get('chunks') ?? '16,64').split(',').map(Number),
    build: !flags.has('no-build'),
    resume: !flags.has('no-resume'),
    reportOnly: flags.has('report-only'),
    onlyResume: flags.has('only-resume'),
    out: outDir
      ? join(outDir, 'BENCHMARKS.md')
      : quick
        ? join(BENCH, 'results', 'quick', 'BENCHMARKS.md')
        : join(ROOT, 'BENCHMARKS.md'),
    chart: outDir
      ? join(outDir, 'benchmarks.svg')
      : quick
        ? join(BENCH, 'results', 'quick', 'benchmarks.svg')
        : join(ROOT, 'docs', 'benchmarks.svg'),
    json: join(BENCH, 'results', `latest-${flags.has('only-resume') ? 'resume-' : ''}${mode}.json`),
  };
}

// Small helpers --------------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function log(message: string): void {
  const t = new Date().toISOString().slice(11, 19);
  process.stdout.write(`[bench ${t}] ${message}\n`);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what}: timed out after ${Math.round(ms / 1000)} s`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function rangeLength(header: string | undefined): number | null {
  const m = header && /bytes=(\d+)-(\d*)/.exec(header);
  if (!m || m[2] === '') return null;
  return Number(m[2]) - Number(m[1]) + 1;
}

/** Time within [from, to] during which no request of `entries` was open. */
function idleTime(entries: RequestLogEntry[], from: number, to: number): number {
  const points = entries
    .flatMap((e) => [
      [e.startedAt, 1],
      [e.endedAt || to, -1],
    ])
    .sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let open = 0;
  let idle = 0;
  let last = from;
  for (const [t, d] of points) {
    if (open === 0 && t > last) idle += Math.min(t, to) - last;
    open += d;
    last = Math.max(last, t);
  }
  if (open === 0 && to > last) idle += to - last;
  return idle;
}

function maxPerSecond(times: number[]): number {
  let best = 0;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    while (times[i] - times[j] >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

// Variants ---------------------------------------------------------------------------

function variantsFor(engine: Engine, chunks: number[]): Variant[] {
  const A: Variant = {key: 'A', label: 'A: fetch() → cache.put() in the worker', queue: 'plain'};
  if (engine === 'chromium') {
    return [
      A,
      {
        key: 'native-raw',
        label: 'raw native Background Fetch, record copied to a cache by hand',
        queue: 'raw',
      },
      {key: 'native-lib', label: 'native through the library', queue: 'native'},
      ...chunks.map((c) => ({
        key: `fb-${c}-cache`,
        label: `fallback, chunks ≤ ${c} MiB in Cache Storage (Chromium's auto)`,
        queue: `fb-${c}-cache`,
        chunkSize: c * MiB,
        chunkStorage: 'cache-storage',
      })),
      {
        key: `fb-${chunks[chunks.length - 1]}-idb`,
        label: `fallback, chunks ≤ ${chunks[chunks.length - 1]} MiB in IndexedDB`,
        queue: `fb-${chunks[chunks.length - 1]}-idb`,
        chunkSize: chunks[chunks.length - 1] * MiB,
        chunkStorage: 'indexeddb',
      },
    ];
  }
  return [
    A,
    ...chunks.map((c) => ({
      key: `fb-${c}-idb`,
      label: `fallback, chunks ≤ ${c} MiB in IndexedDB (Firefox's auto)`,
      queue: `fb-${c}-idb`,
      chunkSize: c * MiB,
      chunkStorage: 'indexeddb',
    })),
  ];
}

function queuesOf(variants: Variant[]): BenchQueue[] {
  const queues: BenchQueue[] = [];
  for (const v of variants) {
    if (v.queue === 'plain' || v.queue === 'raw' || queues.some((q) => q.name === v.queue))
      continue;
    queues.push({
      name: v.queue,
      options:
        v.queue === 'native'
          ? {}
          : {forceFallback: true, fallback: {chunkSize: v.chunkSize, chunkStorage: v.chunkStorage}},
    });
  }
  return queues;
}

// Sizes ----------------------------------------------------------------------------------

/** Runs scripts/build.mjs (the project's build) and reads the sizes it prints. */
function buildAndReadSizes(): SizeRecord[] {
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const sizes: SizeRecord[] = [];
  for (const line of out.split('\n')) {
    const m = /^size: (\S+)\s+([\d.]+) KiB minified, ([\d.]+) KiB brotli/.exec(line);
    if (m) sizes.push({file: m[1], minified: Number(m[2]) * 1024, brotli: Number(m[3]) * 1024});
  }
  if (!sizes.length) throw new Error(`scripts/build.mjs printed no sizes:\n${out}`);
  return sizes;
}

// One engine ------------------------------------------------------------------------------

interface PageOutcome {
  variant: string;
  id: string;
  t0: number;
  tStarted: number;
  tLanded: number;
  tPage: number;
  result: string;
  failureReason: string;
  backend: string;
  progressEvents: number;
  progressTimes: number[];
}

interface ProbeEntry {
  kind: 'cache-put' | 'idb-put';
  store: string;
  start: number;
  end: number;
}

class EngineBench {
  session!: EngineSession;
  private seq = 0;

  constructor(
    readonly engine: Engine,
    readonly server: TestServer,
    readonly sampler: MemorySampler,
    readonly variants: Variant[],
    readonly opts: Options,
    readonly results: Results,
  ) {}

  page<T>(fn: string, ...args: (string | number | string[] | null)[]): Promise<T> {
    return this.session.evaluate<T>(fn, ...args);
  }

  async open(): Promise<void> {
    this.session =
      this.engine === 'chromium'
        ? await launchEngine('chromium-persistent')
        : await launchEngine('firefox');
    await this.session.goto(this.server.url('/index.html'));
    const info = await this.page<{userAgent: string; nativeAvailable: boolean}>(
      '() => bench.init()',
    );
    log(`${this.engine}: ${info.userAgent} (native Background Fetch: ${info.nativeAvailable})`);
  }

  private nextId(variant: string): string {
    this.seq += 1;
    return `${variant}-${this.seq}-${Date.now().toString(36)}`;
  }

  /** Warm-up: every variant once on a small file (the first native job waits seconds). */
  async warmUp(): Promise<void> {
    for (const v of this.variants) {
      const url = `/warm/${v.key}.bin`;
      this.server.addFile(url, generateBytes(MiB, 'warm'));
      const started = Date.now();
      try {
        await this.runOne(v, null, 0, url, MiB, false);
        log(`${this.engine}: warm-up ${v.key} ${Date.now() - started} ms`);
      } catch (error) {
        this.results.errors.push(`${this.engine} warm-up ${v.key}: ${(error as Error).message}`);
        log(`${this.engine}: warm-up ${v.key} FAILED: ${(error as Error).message}`);
      }
    }
  }

  async rounds(throttle: number | null): Promise<void> {
    for (let round = 1; round <= this.opts.rounds; round++) {
      for (const v of this.variants) {
        const record = await this.runOne(
          v,
          throttle,
          round,
          `/files/${v.key}.bin`,
          this.opts.size,
          round === 1,
        );
        this.results.runs.push(record);
        log(
          `${this.engine} ${throttle ? `${throttle / 1e6} MB/s` : 'loopback'} round ${round} ${v.key}: ` +
            (record.ok
              ? `${(record.durationMs / 1000).toFixed(2)} s, download ${(record.downloadEndMs / 1000).toFixed(2)} s, ` +
                `assembly ${record.assemblyMs} ms, mem +${(record.memRise / MiB).toFixed(0)} MiB, ` +
                `${record.requests} req, progress ${record.progressMaxPerSec}/s max`
              : `FAILED ${record.error}`),
        );
      }
    }
  }

  private async runOne(
    v: Variant,
    throttle: number | null,
    round: number,
    url: string,
    size: number,
    verify: boolean,
  ): Promise<RunRecord> {
    const id = this.nextId(v.key);
    const record: RunRecord = {
      engine: this.engine,
      variant: v.key,
      throttle,
      round,
      ok: false,
      durationMs: NaN,
      firstRequestMs: NaN,
      downloadEndMs: NaN,
      assemblyMs: NaN,
      idleMs: NaN,
      requests: 0,
      bytesSent: 0,
      medianRangeBytes: 0,
      chunkWriteMs: 0,
      chunkWrites: 0,
      destPutMs: NaN,
      destPutStartMs: NaN,
      lastChunkWriteEndMs: NaN,
      memBaseline: NaN,
      memRise: NaN,
      progressEvents: 0,
      progressPerSec: NaN,
      progressMaxPerSec: 0,
      pageLagMs: NaN,
    };
    const clean = await this.page<{chunkEntries: number}>('() => bench.clean()');
    if (clean.chunkEntries > 0) {
      this.results.errors.push(
        `${this.engine} before ${id}: ${clean.chunkEntries} chunk entries left in Cache Storage`,
      );
    }
    await this.page('() => bench.probe()'); // drop what earlier runs noted
    this.server.throttle(throttle);
    const logFrom = this.server.requests.length;
    this.sampler.start(this.session.processIds());
    await sleep(500);
    let samples: MemorySample[] = [];
    try {
      const timeout = 30_000 + (size / (throttle ?? 20e6)) * 4000;
      const out = await withTimeout(
        this.page<PageOutcome>(
          '(v, q, u, id, s) => bench.run(v, q, u, id, s)',
          v.key,
          v.queue,
          url,
          id,
          size,
        ),
        timeout,
        `${v.key} ${id}`,
      );
      await sleep(200);
      samples = await this.sampler.stop();
      if (out.result !== 'success')
        throw new Error(`result ${out.result || '(none)'} ${out.failureReason}`);
      const entries = this.server.requests
        .slice(logFrom)
        .filter((e) => e.path === url && e.method === 'GET');
      const probe = await this.page<ProbeEntry[]>('() => bench.probe()');
      const firstStart = Math.min(...entries.map((e) => e.startedAt));
      const lastEnd = Math.max(...entries.map((e) => e.endedAt || e.startedAt));
      const chunkPuts = probe.filter(
        (p) =>
          p.store === 'workbox-background-fetch-chunks' ||
          p.store.startsWith('workbox-background-fetch-chunks/'),
      );
      const destPuts = probe.filter((p) => p.store === 'bench-dest');
      const before = samples.filter(([t]) => t < out.t0);
      const during = samples.filter(([t]) => t >= out.t0 && t <= out.tLanded + 200);
      const durationMs = out.tLanded - out.t0;
      Object.assign(record, {
        ok: true,
        backend: out.backend,
        durationMs,
        firstRequestMs: firstStart - out.t0,
        downloadEndMs: lastEnd - out.t0,
        assemblyMs: out.tLanded - lastEnd,
        idleMs: idleTime(entries, firstStart, lastEnd),
        requests: entries.length,
        bytesSent: entries.reduce((sum, e) => sum + e.bytesSent, 0),
        medianRangeBytes:
          median(entries.map((e) => rangeLength(e.range)).filter((n): n is number => n !== null)) ||
          0,
        chunkWriteMs: chunkPuts.reduce((sum, p) => sum + (p.end - p.start), 0),
        chunkWrites: chunkPuts.length,
        destPutMs: destPuts.length
          ? destPuts[destPuts.length - 1].end - destPuts[destPuts.length - 1].start
          : NaN,
        destPutStartMs: destPuts.length ? destPuts[destPuts.length - 1].start - out.t0 : NaN,
        lastChunkWriteEndMs: chunkPuts.length
          ? Math.max(...chunkPuts.map((p) => p.end)) - out.t0
          : NaN,
        memBaseline: median(before.map(([, m]) => m)),
        memRise: Math.max(...during.map(([, m]) => m)) - median(before.map(([, m]) => m)),
        progressEvents: out.progressEvents,
        progressPerSec: durationMs >= 2000 ? out.progressEvents / (durationMs / 1000) : NaN,
        progressMaxPerSec: maxPerSecond(out.progressTimes),
        pageLagMs: out.tPage ? out.tPage - out.tLanded : NaN,
      } satisfies Partial<RunRecord>);
      if (verify) {
        const cached = await this.page<number>('(u) => bench.cachedSize(u)', url);
        if (cached !== size)
          throw new Error(`the cached record has ${cached} bytes, expected ${size}`);
      }
    } catch (error) {
      if (!samples.length) await this.sampler.stop();
      record.ok = false;
      record.error = (error as Error).message + (await this.diagnose(v, url, id, logFrom));
      await this.recover();
    } finally {
      this.server.throttle(null);
    }
    return record;
  }

  /** What the server, the page and the worker knew of a failed run. */
  private async diagnose(v: Variant, url: string, id: string, logFrom: number): Promise<string> {
    const entries = this.server.requests.slice(logFrom).filter((e) => e.path === url);
    const now = Date.now();
    const requests = entries
      .map(
        (e) =>
          `${e.range ?? 'no Range'} ${e.status} sent ${(e.bytesSent / MiB).toFixed(1)} MiB ${e.completed ? 'done' : e.endedAt ? 'cut' : `open ${now - e.startedAt} ms`}`,
      )
      .join('; ');
    let state = '';
    try {
      const stored = await withTimeout(
        this.page('(id) => bench.storedResult(id)', id),
        10_000,
        'storedResult',
      );
      const snapshot =
        v.queue === 'plain' || v.queue === 'raw'
          ? null
          : await withTimeout(
              this.page('(q, id) => bench.snapshot(q, id)', v.queue, id),
              10_000,
              'snapshot',
            );
      state = `; stored result ${JSON.stringify(stored)}; page snapshot ${JSON.stringify(snapshot)}`;
    } catch (error) {
      state = `; page unreachable: ${(error as Error).message}`;
    }
    const message = ` [server: ${entries.length} request(s): ${requests}${state}]`;
    log(`${this.engine} ${v.key} failed:${message}`);
    return message;
  }

  /** After a failure: abort whatever still runs, so the next run starts clean. */
  private async recover(): Promise<void> {
    try {
      const queues = this.variants.map((v) => v.queue).filter((q) => q !== 'plain' && q !== 'raw');
      const aborted = await withTimeout(
        this.page<number>('(q) => bench.abortAll(q)', queues),
        30_000,
        'abortAll',
      );
      if (aborted) log(`${this.engine}: aborted ${aborted} leftover job(s)`);
      await sleep(1000);
    } catch (error) {
      log(`${this.engine}: could not abort leftovers: ${(error as Error).message}`);
    }
  }

  // Resume waste ---------------------------------------------------------------------------

  private async waitStored(
    id: string,
    timeoutMs: number,
  ): Promise<{type: string; tLanded: number; result: string}> {
    return this.session.waitFor<{type: string; tLanded: number; result: string}>(
      '(id) => bench.storedResult(id)',
      {args: [id], timeout: timeoutMs, interval: 250},
    );
  }

  private async waitSent(
    path: string,
    from: number,
    bytes: number,
    timeoutMs: number,
  ): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const sent = this.server.requests
        .slice(from)
        .filter((e) => e.path === path)
        .reduce((s, e) => s + e.bytesSent, 0);
      if (sent >= bytes) return;
      if (Date.now() > end)
        throw new Error(`only ${sent} of ${bytes} bytes were sent within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  /**
   * Bytes sent twice for fallback variant `v`: without a fault, with the
   * worker stopped `kills` times (at 1/(kills+1), 2/(kills+1) … of the
   * bytes), or with the browser SIGKILLed at half and relaunched.
   */
  async resume(
    v: Variant,
    kind: ResumeRecord['kind'],
    kills: number,
    throttle: number,
  ): Promise<ResumeRecord> {
    const size = this.opts.size;
    const path = `/files/${v.key}.bin`;
    const id = this.nextId(`${v.key}-${kind}`);
    const record: ResumeRecord = {
      engine: this.engine,
      variant: v.key,
      kind,
      kills,
      throttle,
      size,
      ok: false,
      bytesSent: 0,
      wasteBytes: NaN,
      medianRangeBytes: 0,
      requests: 0,
      durationMs: NaN,
    };
    const timeoutMs = 120_000 + (size / throttle) * 4000;
    let start = Date.now();
    await this.page('() => bench.clean()');
    const logFrom = this.server.requests.length;
    this.server.throttle(throttle);
    try {
      const {t0} = await this.page<{t0: number}>(
        '(q, u, id, s) => bench.start(q, u, id, s)',
        v.queue,
        path,
        id,
        size,
      );
      start = t0;
      record.killsAtMs = [];
      if (kind === 'worker-stop') {
        for (let k = 1; k <= kills; k++) {
          await this.waitSent(path, logFrom, (size * k) / (kills + 1), timeoutMs);
          record.killsAtMs.push(Date.now() - t0);
          await this.session.stopServiceWorkers();
          await sleep(300);
          await this.page('(q) => bench.wake(q)', v.queue);
        }
      } else if (kind === 'browser-kill') {
        await this.waitSent(path, logFrom, size / 2, timeoutMs);
        record.killsAtMs.push(Date.now() - t0);
        await this.session.kill();
        const killedAt = Date.now();
        await sleep(500);
        await this.session.relaunch();
        const relaunched = Date.now();
        await this.session.goto(this.server.url('/index.html'));
        await this.page('() => bench.init()');
        await this.page('(q) => bench.wake(q)', v.queue);
        const resumed = await this.server.waitForRequest(
          (e) => e.path === path && e.startedAt > killedAt,
          {timeout: 60_000},
        );
        record.resumeDelayMs = resumed.startedAt - relaunched;
      }
      const result = await this.waitStored(id, timeoutMs);
      if (result.result !== 'success') throw new Error(`result ${result.type} ${result.result}`);
      const entries = this.server.requests
        .slice(logFrom)
        .filter((e) => e.path === path && e.method === 'GET');
      record.ok = true;
      record.durationMs = result.tLanded - t0;
      record.requests = entries.length;
      record.bytesSent = entries.reduce((s, e) => s + e.bytesSent, 0);
      record.wasteBytes = record.bytesSent - size;
      record.medianRangeBytes =
        median(entries.map((e) => rangeLength(e.range)).filter((n): n is number => n !== null)) ||
        0;
      const cached = await this.page<number>('(u) => bench.cachedSize(u)', path);
      if (cached !== size)
        throw new Error(`the cached record has ${cached} bytes, expected ${size}`);
    } catch (error) {
      record.ok = false;
      record.error = (error as Error).message;
      if (this.session.processIds().length) await this.recover();
    } finally {
      this.server.throttle(null);
      record.requestLog = this.server.requests
        .slice(logFrom)
        .filter((e) => e.path === path)
        .map((e) => [
          e.startedAt - start,
          (e.endedAt || Date.now()) - start,
          e.range ?? '',
          e.bytesSent,
          e.completed,
        ]);
    }
    log(
      `${this.engine} resume ${v.key} ${kind}×${kills}: ` +
        (record.ok
          ? `sent ${(record.bytesSent / MiB).toFixed(1)} MiB, waste ${(record.wasteBytes / MiB).toFixed(1)} MiB, ` +
            `chunks ~${(record.medianRangeBytes / MiB).toFixed(1)} MiB` +
            (record.resumeDelayMs !== undefined
              ? `, resumed ${record.resumeDelayMs} ms after relaunch`
              : '')
          : `FAILED ${record.error}`),
    );
    return record;
  }

  async close(): Promise<void> {
    await this.session?.close();
  }
}

// Main -------------------------------------------------------------------------------------

function browserVersion(bin: string): string | undefined {
  try {
    return execFileSync(bin, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

function gitInfo(): {commit: string; dirty: boolean} {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'packages'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    return {commit, dirty: status.trim() !== ''};
  } catch {
    return {commit: 'unknown', dirty: false};
  }
}

function writeOutputs(opts: Options, results: Results): void {
  for (const file of [opts.out, opts.chart]) mkdirSync(join(file, '..'), {recursive: true});
  writeFileSync(opts.out, renderReport(results, {chartPath: opts.chart, reportPath: opts.out}));
  writeFileSync(opts.chart, renderChart(results));
  log(`wrote ${opts.out} and ${opts.chart}`);
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
  const results: Results = {
    meta: {
      mode: opts.quick ? 'quick' : 'full',
      date: new Date().toISOString(),
      size: opts.size,
      rounds: opts.rounds,
      throttle: opts.throttle,
      node: process.version,
      os: `${os.type()} ${os.release()} (${readOsRelease()})`,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memory: os.totalmem(),
      loadBefore: os.loadavg(),
      loadAfter: [],
      chromium: browserVersion('/usr/bin/chromium'),
      firefox: browserVersion('/usr/bin/firefox-esr'),
      elapsedMs: 0,
      ...gitInfo(),
    },
    variants: {
      chromium: variantsFor('chromium', opts.chunks),
      firefox: variantsFor('firefox', opts.chunks),
    },
    sizes: [],
    runs: [],
    resumes: [],
    errors: [],
  };
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
  const allVariants = [...results.variants.chromium, ...results.variants.firefox];
  for (const v of allVariants) {
    server.addFile(`/files/${v.key}.bin`, body, {
      contentType: 'application/octet-stream',
      etag: '"bench-v1"',
    });
  }
  const site = await buildSite(join(BENCH, 'fixtures'), queuesOf(allVariants));
  server.serveDir('/', site);

  const current: {bench?: EngineBench} = {};
  const onSignal = () => {
    log('interrupted: closing the browsers');
    void closeAllEngines().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (const engine of opts.engines) {
      const bench = new EngineBench(
        engine,
        server,
        sampler,
        results.variants[engine],
        opts,
        results,
      );
      current.bench = bench;
      try {
        await bench.open();
        await bench.warmUp();
        for (const throttle of opts.onlyResume ? [] : [null, opts.throttle]) {
          await bench.rounds(throttle);
        }
        if (opts.resume) {
          const fallbacks = results.variants[engine].filter((v) => v.chunkSize);
          // The default chunk size (64 MiB) where measured, else the largest.
          const v =
            fallbacks.find(
              (f) =>
                f.chunkSize === 64 * MiB &&
                f.chunkStorage === (engine === 'chromium' ? 'cache-storage' : 'indexeddb'),
            ) ?? fallbacks[fallbacks.length - 1];
          // Long enough to stop the worker 3 times: as long as 256 MiB at 40 MB/s.
          const throttle = Math.round(opts.size / ((256 * MiB) / 40e6));
          results.resumes.push(await bench.resume(v, 'no-kill', 0, throttle));
          if (engine === 'chromium') {
            results.resumes.push(await bench.resume(v, 'worker-stop', 3, throttle));
          }
          results.resumes.push(await bench.resume(v, 'browser-kill', 1, throttle));
        }
      } catch (error) {
        results.errors.push(`${engine}: ${(error as Error).stack ?? error}`);
        log(`${engine} FAILED: ${(error as Error).message}`);
      } finally {
        await bench.close().catch(() => undefined);
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

function readOsRelease(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
  } catch {
    return '';
  }
}
