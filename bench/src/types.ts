/** What one benchmark run stores (bench/results/latest-<mode>.json), read by the report. */

export type Engine = 'chromium' | 'firefox' | 'webkit';

/** A download variant. */
export interface Variant {
  /** Short key, e.g. `A`, `native-raw`, `fb-64-cache`. */
  key: string;
  /** What it is, for the report. */
  label: string;
  /** `plain` (A), `raw` (native without the library) or a BackgroundFetchQueue name. */
  queue: string;
  /** Fallback queues: the `chunkSize` option in bytes. */
  chunkSize?: number;
  /** Fallback queues: the `chunkStorage` option. */
  chunkStorage?: string;
}

/** One timed download. */
/** What the benchmark page reports for one run (`window.bench.run`), before the driver adds its own figures. */
export interface PageOutcome {
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

export interface RunRecord {
  engine: Engine;
  variant: string;
  /** Server throttle in bytes/s, null for loopback speed. */
  throttle: number | null;
  round: number;
  ok: boolean;
  error?: string;
  backend?: string;
  /** Page asked for the download → record in the destination cache (worker clock). */
  durationMs: number;
  /** t0 → first byte range request arrived at the server. */
  firstRequestMs: number;
  /** t0 → last response finished on the server (end of the download phase). */
  downloadEndMs: number;
  /** Last response finished → record in the destination cache (assembly / copy). */
  assemblyMs: number;
  /** Time in the download phase with no request open at the server. */
  idleMs: number;
  requests: number;
  bytesSent: number;
  /** Median length of the Range requests (0 when none). */
  medianRangeBytes: number;
  /** Sum of chunk writes (Cache Storage puts to the chunk cache, IndexedDB Blob puts), ms. */
  chunkWriteMs: number;
  chunkWrites: number;
  /**
   * Reads of stored parts (chunk cache matches, IndexedDB gets) before the
   * last byte was sent: a record write that fell behind reading them back.
   */
  chunkReadsBeforeEnd: number;
  /** The same after the last byte: mostly the copy at the end. */
  chunkReadsAfterEnd: number;
  /** The put into the destination cache: its duration, ms. */
  destPutMs: number;
  /** t0 → the put into the destination cache started. */
  destPutStartMs: number;
  /** t0 → the last chunk write ended (fallback). */
  lastChunkWriteEndMs: number;
  /** Browser processes, summed PSS: median before the run and peak rise during it, bytes. */
  memBaseline: number;
  memRise: number;
  /**
   * CPU time used from the page's request to the record in the cache, ms by
   * process kind (MemorySample), from the samples around those times.
   * Absent in results written before it was measured.
   */
  cpuMs?: Record<string, number>;
  /** The memory rise by process kind, in the sample of the peak (bytes; absent in older results). */
  memRiseByKind?: Record<string, number>;
  progressEvents: number;
  /** Progress events over the job's duration, per second. */
  progressPerSec: number;
  /** The most progress events in any 1 s window. */
  progressMaxPerSec: number;
  /** The page saw the result this long after it landed (library variants), ms. */
  pageLagMs: number;
}

/** One resume-waste measurement. */
export interface ResumeRecord {
  engine: Engine;
  variant: string;
  kind: 'no-kill' | 'worker-stop' | 'browser-kill';
  kills: number;
  throttle: number;
  size: number;
  ok: boolean;
  error?: string;
  bytesSent: number;
  /** bytesSent − size. */
  wasteBytes: number;
  medianRangeBytes: number;
  requests: number;
  durationMs: number;
  /** browser-kill: relaunch done → first request of the resumed download, ms. */
  resumeDelayMs?: number;
  /** When the worker was stopped / the browser killed, ms after the start. */
  killsAtMs?: number[];
  /**
   * browser-kill: the usage the browser counted after a relaunch, when it
   * was impossible (≥ 2^50: Firefox's count went below zero), and after
   * which kill (1-based); the browser was then relaunched once more.
   */
  miscounts?: Array<{kill: number; usage: number}>;
  /** The server's log of the file: [start ms, end ms (after the start), Range, body bytes sent, completed]. */
  requestLog?: Array<[number, number, string, number, boolean]>;
}

export interface SizeRecord {
  file: string;
  minified: number;
  brotli: number;
  /** The build's budget, brotli bytes. */
  budget?: number;
  /** The worker runtime's own code (workbox-* and idb-keyval external). */
  ownCode?: boolean;
  /** Issue 13's goal for the own code, brotli bytes. */
  goal?: number;
  /** Own code: the largest modules, `path bytes` (minified bytes in the bundle). */
  largest?: string;
}

export interface Results {
  meta: {
    mode: 'quick' | 'full';
    date: string;
    size: number;
    rounds: number;
    throttle: number;
    /** Engines run (older results: Chromium and Firefox). */
    engines?: Engine[];
    node: string;
    os: string;
    cpu: string;
    cores: number;
    memory: number;
    loadBefore: number[];
    loadAfter: number[];
    chromium?: string;
    firefox?: string;
    webkit?: string;
    elapsedMs: number;
    commit: string;
    dirty: boolean;
  };
  variants: Record<Engine, Variant[]>;
  sizes: SizeRecord[];
  sizeError?: string;
  runs: RunRecord[];
  resumes: ResumeRecord[];
  errors: string[];
}
