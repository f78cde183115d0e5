/** Small helpers shared by the driver and the report. */
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import type {RequestLogEntry} from '@workbox-background-fetch/test-utils';

export const MiB = 1024 * 1024;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Median of the finite values (NaN when none). */
export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** One progress line of the driver. */
export function log(message: string): void {
  const t = new Date().toISOString().slice(11, 19);
  process.stdout.write(`[bench ${t}] ${message}\n`);
}

/** `promise`, or a rejection naming `what` after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
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

/** Length of a closed `bytes=a-b` Range header (null when open-ended or absent). */
export function rangeLength(header: string | undefined): number | null {
  const m = header && /bytes=(\d+)-(\d*)/.exec(header);
  if (!m || m[2] === '') return null;
  return Number(m[2]) - Number(m[1]) + 1;
}

/** Median length of the closed Range requests of `entries` (0 when none). */
export function medianRange(entries: Array<{range?: string}>): number {
  return (
    median(entries.map((e) => rangeLength(e.range)).filter((n): n is number => n !== null)) || 0
  );
}

/** Time within [from, to] during which no request of `entries` was open. */
export function idleTime(entries: RequestLogEntry[], from: number, to: number): number {
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

/** The most `times` (ms) in any 1 s window. */
export function maxPerSecond(times: number[]): number {
  let best = 0;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    while (times[i] - times[j] >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/** Jiffies of the whole machine from /proc/stat: [busy, all] (I/O wait counts as busy). */
function cpuTimes(): [number, number] {
  const fields = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const all = fields.reduce((sum, n) => sum + n, 0);
  return [all - fields[3], all];
}

/**
 * Writes every dirty page of the machine to disk (`sync`): each run then
 * starts with no write-back pending. Without it the runs before paid into a
 * growing backlog (the kernel writes pages back 30 s after they were
 * dirtied, or once they pass 10 % of memory): in 7 rounds of 256 MiB at
 * 40 MB/s, Chromium's last byte -> in cache rose from ~190 ms (rounds 1-2)
 * to 400-970 ms (rounds 3-7) for A and the fallback alike, the fallback,
 * which writes twice, first.
 */
export function flushWrites(): void {
  execFileSync('sync');
}

/**
 * Resolves once the machine has been nearly idle (busy below `busyBelow` of
 * its capacity, I/O wait included) for `windowMs`, or after `maxMs`: a run
 * then does not start while the one before it still writes or frees its
 * 256 MiB (a cache deletion, a native job's clean-up).
 */
export async function untilQuiet(maxMs = 10_000, windowMs = 250, busyBelow = 0.1): Promise<void> {
  const started = Date.now();
  for (;;) {
    const [busy0, all0] = cpuTimes();
    await sleep(windowMs);
    const [busy1, all1] = cpuTimes();
    if ((busy1 - busy0) / Math.max(1, all1 - all0) < busyBelow || Date.now() - started >= maxMs) {
      return;
    }
  }
}
