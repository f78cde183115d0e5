/**
 * One engine's browser, driven through the benchmark page: warm-up, the
 * timed rounds (variants interleaved), and recovery after a failed run.
 * The resume-waste runs are in resume.ts.
 */
import {generateBytes, launchEngine} from '@workbox-background-fetch/test-utils';
import type {EngineSession, TestServer} from '@workbox-background-fetch/test-utils';
import type {MemorySample, MemorySampler} from './memorySampler';
import type {Options} from './options';
import type {Engine, PageOutcome, Results, RunRecord, Variant} from './types';
import {
  MiB,
  idleTime,
  log,
  maxPerSecond,
  median,
  medianRange,
  sleep,
  flushWrites,
  untilQuiet,
  withTimeout,
} from './util';

interface ProbeEntry {
  kind: 'cache-put' | 'idb-put' | 'chunk-read';
  store: string;
  start: number;
  end: number;
}

const CHUNK_STORES = 'workbox-background-fetch-chunks';

/**
 * CPU time by process kind between `from` and `to`: the last sample at or
 * before `from` to the first at or after `to` (samples are ~100 ms apart).
 */
function cpuBetween(samples: MemorySample[], from: number, to: number): Record<string, number> {
  const first = samples.filter(([t]) => t <= from).pop() ?? samples[0];
  const last = samples.find(([t]) => t >= to) ?? samples[samples.length - 1];
  return Object.fromEntries(
    Object.entries(last[2]).map(([kind, ms]) => [kind, ms - (first[2][kind] ?? 0)]),
  );
}

/**
 * Each process kind's share of the peak: its PSS in the peak sample less
 * its median over the samples before the run.
 */
function riseByKind(samples: MemorySample[], during: MemorySample[]): Record<string, number> {
  if (during.length === 0) return {};
  const peak = during.reduce((top, s) => (s[1] > top[1] ? s : top), during[0]);
  const earlier = samples.filter(([t]) => t < during[0][0]);
  return Object.fromEntries(
    Object.entries(peak[3]).map(([kind, bytes]) => [
      kind,
      bytes - median(earlier.map((s) => s[3][kind] ?? 0)),
    ]),
  );
}

/** A record with every figure unmeasured. */
function emptyRecord(
  engine: Engine,
  v: Variant,
  throttle: number | null,
  round: number,
): RunRecord {
  return {
    engine,
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
    chunkReadsBeforeEnd: 0,
    chunkReadsAfterEnd: 0,
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
}

export class EngineBench {
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
        : await launchEngine(this.engine);
    await this.session.goto(this.server.url('/index.html'));
    const info = await this.page<{userAgent: string; nativeAvailable: boolean}>(
      '() => bench.init()',
    );
    log(`${this.engine}: ${info.userAgent} (native Background Fetch: ${info.nativeAvailable})`);
  }

  nextId(variant: string): string {
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
      // Each round starts one variant later (A B C, B C A, C A B…): a run
      // inherits what the one before it left (garbage, a memory baseline
      // still falling). With the same code under two names, the second of
      // a fixed order was slower in 4 of 5 rounds on Firefox (loopback) and
      // its memory rise smaller in 5 of 5 on Chromium (40 MB/s).
      const shift = (round - 1) % this.variants.length;
      for (const v of [...this.variants.slice(shift), ...this.variants.slice(0, shift)]) {
        const url = `/files/${v.key}.bin`;
        const record = await this.runOne(v, throttle, round, url, this.opts.size, true);
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
    const record = emptyRecord(this.engine, v, throttle, round);
    const clean = await this.page<{chunkEntries: number}>('() => bench.clean()');
    if (clean.chunkEntries > 0) {
      this.results.errors.push(
        `${this.engine} before ${id}: ${clean.chunkEntries} chunk entries left in Cache Storage`,
      );
    }
    await this.page('() => bench.probe()'); // drop what earlier runs noted
    this.server.throttle(throttle);
    const logFrom = this.server.requests.length;
    flushWrites();
    await untilQuiet();
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
          p.kind !== 'chunk-read' &&
          (p.store === CHUNK_STORES || p.store.startsWith(`${CHUNK_STORES}/`)),
      );
      const chunkReads = probe.filter((p) => p.kind === 'chunk-read');
      const destPuts = probe.filter((p) => p.store === 'bench-dest');
      const lastDest = destPuts[destPuts.length - 1];
      const before = median(samples.filter(([t]) => t < out.t0).map(([, m]) => m));
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
        medianRangeBytes: medianRange(entries),
        chunkWriteMs: chunkPuts.reduce((sum, p) => sum + (p.end - p.start), 0),
        chunkWrites: chunkPuts.length,
        destPutMs: lastDest ? lastDest.end - lastDest.start : NaN,
        destPutStartMs: lastDest ? lastDest.start - out.t0 : NaN,
        chunkReadsBeforeEnd: chunkReads.filter((p) => p.start < lastEnd).length,
        chunkReadsAfterEnd: chunkReads.filter((p) => p.start >= lastEnd).length,
        lastChunkWriteEndMs: chunkPuts.length
          ? Math.max(...chunkPuts.map((p) => p.end)) - out.t0
          : NaN,
        memBaseline: before,
        memRise: Math.max(...during.map(([, m]) => m)) - before,
        cpuMs: cpuBetween(samples, out.t0, out.tLanded),
        memRiseByKind: riseByKind(samples, during),
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
  async recover(): Promise<void> {
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

  async close(): Promise<void> {
    await this.session?.close();
  }
}
