/** Figures derived from the raw results: per-round ratios to A and per-variant medians. */
import type {Engine, Results, RunRecord, Variant} from '../types';
import {MiB, median} from '../util';

export const ENGINE_NAMES: Record<Engine, string> = {
  chromium: 'Chromium',
  firefox: 'Firefox ESR',
  webkit: 'WebKitGTK',
};

export const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '–');
export const s2 = (ms: number): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '–');
export const mib = (b: number, digits = 0): string =>
  Number.isFinite(b) ? (b / MiB).toFixed(digits) : '–';
/** A memory change in MiB with its sign (`+12`, `-3`). */
export const signedMib = (b: number): string =>
  Number.isFinite(b) ? `${b < 0 ? '-' : '+'}${mib(Math.abs(b))}` : '–';
export const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;
export const throttleName = (t: number | null): string => (t ? `${t / 1e6} MB/s` : 'loopback');

/** The engines of a run (results written before WebKit was measured list none). */
export function enginesOf(r: Results): Engine[] {
  return r.meta.engines ?? (Object.keys(r.variants) as Engine[]);
}

/** JSON turns NaN into null: back to NaN in every numeric field but `throttle`. */
export function normalize(r: Results): Results {
  const fix = <T extends object>(x: T): T =>
    Object.fromEntries(
      Object.entries(x).map(([k, v]) => [k, v === null && k !== 'throttle' ? NaN : v]),
    ) as T;
  return {...r, runs: r.runs.map(fix), resumes: r.resumes.map(fix)};
}

/** The runs of one engine, throttle and variant. */
export function runsOf(
  r: Results,
  engine: Engine,
  throttle: number | null,
  variant: string,
): RunRecord[] {
  return r.runs.filter(
    (x) => x.engine === engine && x.throttle === throttle && x.variant === variant,
  );
}

/** Per-round ratio of time(of) / time(to) (both ok, same round). */
export function perRound(
  r: Results,
  engine: Engine,
  throttle: number | null,
  of: string,
  to: string,
): number[] {
  const ref = runsOf(r, engine, throttle, to);
  return runsOf(r, engine, throttle, of).flatMap((m) => {
    const o = ref.find((x) => x.round === m.round);
    return m.ok && o?.ok ? [m.durationMs / o.durationMs] : [];
  });
}

/** Speed ratio to A per round (A's time / variant's time: 1 = as fast as A). */
export function speedToA(
  r: Results,
  engine: Engine,
  throttle: number | null,
  variant: string,
): number[] {
  return perRound(r, engine, throttle, variant, 'A').map((x) => 1 / x);
}

export interface Summary {
  variant: Variant;
  ok: number;
  total: number;
  time: number;
  speed: number;
  ratios: number[];
  ratio: number;
  download: number;
  assembly: number;
  chunkWrite: number;
  chunkWrites: number;
  chunkReadsBeforeEnd: number;
  chunkReadsAfterEnd: number;
  destPut: number;
  /** Last byte sent → the final put into the destination cache started. */
  preCopy: number;
  /** Last byte sent → last chunk written. */
  lastChunkAfter: number;
  idle: number;
  requests: number;
  rangeBytes: number;
  mem: number;
  memMax: number;
  progressMax: number;
  progressAvg: number;
  firstRequest: number;
  wasteNoFault: number;
  /** Median CPU time of the browser's processes over the run, ms (NaN: not measured). */
  cpu: number;
  /** Median CPU time by process kind (the test server as `server`), ms, largest first. */
  cpuByKind: Array<[string, number]>;
  /** Median share of the memory peak by process kind, bytes, largest first. */
  memByKind: Array<[string, number]>;
}

/** The medians of a by-kind figure over `runs`, largest first. */
function byKind(
  runs: RunRecord[],
  of: (x: RunRecord) => Record<string, number> | undefined,
): Array<[string, number]> {
  return [...new Set(runs.flatMap((x) => Object.keys(of(x) ?? {})))]
    .map((kind): [string, number] => [kind, median(runs.map((x) => of(x)?.[kind] ?? 0))])
    .sort((p, q) => q[1] - p[1]);
}

/** The browser's CPU time in a run: every process kind but the test server. */
function browserCpu(x: RunRecord): number {
  if (!x.cpuMs) return NaN;
  return Object.entries(x.cpuMs).reduce((sum, [kind, ms]) => sum + (kind === 'server' ? 0 : ms), 0);
}

export function summarize(
  r: Results,
  engine: Engine,
  throttle: number | null,
  v: Variant,
): Summary {
  const runs = runsOf(r, engine, throttle, v.key);
  const ok = runs.filter((x) => x.ok);
  const ratios = speedToA(r, engine, throttle, v.key);
  const pick = (f: (x: RunRecord) => number) => median(ok.map(f));
  const time = pick((x) => x.durationMs);
  return {
    variant: v,
    ok: ok.length,
    total: runs.length,
    time,
    speed: r.meta.size / 1e6 / (time / 1000),
    ratios,
    ratio: median(ratios),
    download: pick((x) => x.downloadEndMs),
    assembly: pick((x) => x.assemblyMs),
    chunkWrite: pick((x) => x.chunkWriteMs),
    chunkWrites: pick((x) => x.chunkWrites),
    chunkReadsBeforeEnd: pick((x) => x.chunkReadsBeforeEnd ?? NaN),
    chunkReadsAfterEnd: pick((x) => x.chunkReadsAfterEnd ?? NaN),
    destPut: pick((x) => x.destPutMs),
    preCopy: pick((x) => x.destPutStartMs - x.downloadEndMs),
    lastChunkAfter: pick((x) => x.lastChunkWriteEndMs - x.downloadEndMs),
    idle: pick((x) => x.idleMs),
    requests: pick((x) => x.requests),
    rangeBytes: pick((x) => x.medianRangeBytes),
    mem: pick((x) => x.memRise),
    memMax: Math.max(...ok.map((x) => x.memRise)),
    progressMax: Math.max(0, ...ok.map((x) => x.progressMaxPerSec)),
    progressAvg: pick((x) => x.progressPerSec),
    firstRequest: pick((x) => x.firstRequestMs),
    wasteNoFault: pick((x) => x.bytesSent - r.meta.size),
    cpu: pick(browserCpu),
    cpuByKind: byKind(ok, (x) => x.cpuMs),
    memByKind: byKind(ok, (x) => x.memRiseByKind),
  };
}
