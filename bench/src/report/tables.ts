/** The tables of BENCHMARKS.md: throughput per engine and link, resume waste, sizes. */
import type {Engine, Results} from '../types';
import {f2, mib, runsOf, s2, signedMib, summarize} from './summary';

export function throughputTable(r: Results, engine: Engine, throttle: number | null): string {
  const rows = r.variants[engine].map((v) => summarize(r, engine, throttle, v));
  if (!rows.some((x) => x.total)) return '_not measured_\n';
  const lines = [
    '| variant | ok | median time | MB/s | **speed vs A** (median) | per round | first request | last byte | last byte → in cache | chunk writes | requests (median Range) | no request open | memory rise (median / max) | progress/s (max 1 s) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of rows) {
    if (!s.total) continue;
    const isA = s.variant.key === 'A';
    lines.push(
      `| ${s.variant.key}: ${s.variant.label.replace(/^A: /, '')} | ${s.ok}/${s.total} | ${s2(s.time)} s | ${s.speed.toFixed(0)} | ` +
        `**${isA ? '1.00' : f2(s.ratio)}** | ${isA ? '–' : s.ratios.map(f2).join(' ')} | ${s2(s.firstRequest)} s | ${s2(s.download)} s | ` +
        `${Number.isFinite(s.assembly) ? `${Math.round(s.assembly)} ms` : '–'} | ` +
        `${s.chunkWrites ? `${Math.round(s.chunkWrites)} × = ${Math.round(s.chunkWrite)} ms` : '–'} | ` +
        `${Math.round(s.requests)}${s.rangeBytes ? ` (${mib(s.rangeBytes, 1)} MiB)` : ''} | ` +
        `${Number.isFinite(s.idle) ? `${Math.round(s.idle)} ms` : '–'} | ` +
        `${signedMib(s.mem)} / ${signedMib(s.memMax)} MiB | ${isA ? '–' : `${s.progressMax}${Number.isFinite(s.progressAvg) ? ` (avg ${f2(s.progressAvg)})` : ''}`} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const CASE_NAMES = {
  'no-kill': 'no fault',
  'worker-stop': 'worker stopped',
  'browser-kill': 'browser SIGKILL + relaunch',
};

export function resumeTable(r: Results): string {
  if (!r.resumes.length) return '_not measured_\n';
  const lines = [
    '| engine | variant | case | server rate | ok | bytes sent | sent twice | per stop/kill (less the no-fault waste) | median Range request | requests | time | resumed after relaunch (median) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const x of r.resumes) {
    const base =
      r.resumes.find((y) => y.engine === x.engine && y.kind === 'no-kill' && y.ok)?.wasteBytes ?? 0;
    const per = x.kind === 'no-kill' || !x.ok ? NaN : (x.wasteBytes - base) / x.kills;
    lines.push(
      `| ${x.engine} | ${x.variant} | ${CASE_NAMES[x.kind]}${x.kind === 'no-kill' ? '' : ` ${x.kills}×`} | ` +
        `${(x.throttle / 1e6).toFixed(1)} MB/s | ${x.ok ? 'yes' : `no: ${x.error}`} | ${mib(x.bytesSent, 1)} MiB | ${mib(x.wasteBytes, 1)} MiB | ` +
        `${Number.isFinite(per) ? `${mib(per, 1)} MiB` : '–'} | ${x.medianRangeBytes ? `${mib(x.medianRangeBytes, 1)} MiB` : '–'} | ${x.requests} | ` +
        `${s2(x.durationMs)} s | ${x.resumeDelayMs !== undefined ? `${(x.resumeDelayMs / 1000).toFixed(2)} s` : '–'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** What each stop or kill cost, from the server's log of the resume runs. */
export function resumeDetails(r: Results): string[] {
  const out: string[] = [];
  const len = (range: string) => {
    const m = /bytes=(\d+)-(\d*)/.exec(range);
    return m && m[2] !== '' ? Number(m[2]) - Number(m[1]) + 1 : NaN;
  };
  for (const x of r.resumes) {
    const log = x.requestLog;
    const at = x.killsAtMs;
    if (!log || !at?.length) continue;
    const parts = at.map((k, i) => {
      const open = log.filter(([start, end]) => start < k && end >= k - 20);
      const next = log
        .filter(([start]) => start > k && (i + 1 >= at.length || start < at[i + 1]))
        .slice(0, 4);
      return (
        `${x.kind === 'worker-stop' ? 'stop' : 'kill'} at ${s2(k)} s: ${open.length} request(s) open ` +
        `(${open.map(([, , range, sent]) => `${mib(sent, 1)} of ${mib(len(range), 1)} MiB sent`).join(', ')}); ` +
        `then requests of ${next.map(([, , range]) => mib(len(range), 1)).join(', ')} MiB`
      );
    });
    const miscounts = (x.miscounts ?? []).map(
      ({kill, usage}) =>
        ` After kill ${kill}, the browser counted the origin's usage as ${usage} bytes ` +
        `(2^64 minus ${mib(2 ** 64 - usage, 1)} MiB: its count went below zero, and it refuses writes ` +
        'until it restarts); the job was kept, and went on after one more relaunch.',
    );
    out.push(
      `- ${x.engine} ${x.variant}, ${CASE_NAMES[x.kind]}: ${parts.join('; ')}.${miscounts.join('')}`,
    );
  }
  return out;
}

export function sizeTable(r: Results): string {
  if (!r.sizes.length) return `_not built${r.sizeError ? `: ${r.sizeError}` : ''}_\n`;
  const lines = [
    '| bundle (scripts/build.mjs, production) | minified | minified + brotli | build budget (brotli) |',
    '|---|---|---|---|',
    ...r.sizes.map(
      (s) =>
        `| ${s.file} | ${(s.minified / 1024).toFixed(1)} KiB | ${(s.brotli / 1024).toFixed(1)} KiB | ` +
        `${s.budget ? `${(s.budget / 1024).toFixed(1)} KiB` : '–'} |`,
    ),
  ];
  const own = r.sizes.find((s) => s.ownCode && s.largest);
  if (own) lines.push('', `Largest modules of the own code (minified bytes): ${own.largest}.`);
  return `${lines.join('\n')}\n`;
}

/** True when `engine` ran at all. */
export function ran(r: Results, engine: Engine): boolean {
  return (
    r.variants[engine]?.some(
      (v) =>
        runsOf(r, engine, null, v.key).length || runsOf(r, engine, r.meta.throttle, v.key).length,
    ) ?? false
  );
}
