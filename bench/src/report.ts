/*
  Turns the results of a benchmark run into BENCHMARKS.md and an SVG chart.
  Everything here is derived from bench/results/latest-<mode>.json, so
  `npm run bench -- --report-only` re-renders without running browsers.
*/
import {dirname, relative} from 'node:path';
import type {Engine, Results, ResumeRecord, RunRecord, Variant} from './types';

const MiB = 1024 * 1024;

// Goals of issue 6 (and issue 3 for the fallback).
export const GOALS = {
  fallbackLoopback: 0.9,
  fallbackThrottled: 0.95,
  nativeOverhead: 1.05,
  memoryChunks: 2,
  wastePerKillChunks: 1,
  progressPerSec: 10,
  runtimeBrotli: 12 * 1024,
};

function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const s2 = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '–');
const mib = (b: number, digits = 0) => (Number.isFinite(b) ? (b / MiB).toFixed(digits) : '–');
const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
const throttleName = (t: number | null) => (t ? `${t / 1e6} MB/s` : 'loopback');

/** JSON turns NaN into null: back to NaN in every numeric field but `throttle`. */
function normalize(r: Results): Results {
  const fix = <T extends object>(x: T): T =>
    Object.fromEntries(
      Object.entries(x).map(([k, v]) => [k, v === null && k !== 'throttle' ? NaN : v]),
    ) as T;
  return {...r, runs: r.runs.map(fix), resumes: r.resumes.map(fix)};
}

/** The runs of one engine, throttle and variant. */
function runsOf(r: Results, engine: Engine, throttle: number | null, variant: string): RunRecord[] {
  return r.runs.filter(
    (x) => x.engine === engine && x.throttle === throttle && x.variant === variant,
  );
}

/** Per-round ratio of time(of) / time(to) (both ok, same round). */
function perRound(
  r: Results,
  engine: Engine,
  throttle: number | null,
  of: string,
  to: string,
): number[] {
  const mine = runsOf(r, engine, throttle, of);
  const ref = runsOf(r, engine, throttle, to);
  return mine.flatMap((m) => {
    const o = ref.find((x) => x.round === m.round);
    return m.ok && o?.ok ? [m.durationMs / o.durationMs] : [];
  });
}

/** Speed ratio to A per round (A's time / variant's time: 1 = as fast as A). */
function speedToA(r: Results, engine: Engine, throttle: number | null, variant: string): number[] {
  return perRound(r, engine, throttle, variant, 'A').map((x) => 1 / x);
}

interface Summary {
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
}

function summarize(r: Results, engine: Engine, throttle: number | null, v: Variant): Summary {
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
  };
}

function throughputTable(r: Results, engine: Engine, throttle: number | null): string {
  const rows = r.variants[engine].map((v) => summarize(r, engine, throttle, v));
  if (!rows.some((x) => x.total)) return '_not measured_\n';
  const lines = [
    '| variant | ok | median time | MB/s | **speed vs A** (median) | per round | first request | last byte | last byte → in cache | chunk writes | requests (median Range) | memory rise (median / max) | progress/s (max 1 s) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of rows) {
    const isA = s.variant.key === 'A';
    lines.push(
      `| ${s.variant.key}: ${s.variant.label.replace(/^A: /, '')} | ${s.ok}/${s.total} | ${s2(s.time)} s | ${s.speed.toFixed(0)} | ` +
        `**${isA ? '1.00' : f2(s.ratio)}** | ${isA ? '–' : s.ratios.map(f2).join(' ')} | ${s2(s.firstRequest)} s | ${s2(s.download)} s | ` +
        `${Number.isFinite(s.assembly) ? `${Math.round(s.assembly)} ms` : '–'} | ` +
        `${s.chunkWrites ? `${Math.round(s.chunkWrites)} × = ${Math.round(s.chunkWrite)} ms` : '–'} | ` +
        `${Math.round(s.requests)}${s.rangeBytes ? ` (${mib(s.rangeBytes, 1)} MiB)` : ''} | ` +
        `+${mib(s.mem)} / +${mib(s.memMax)} MiB | ${isA ? '–' : `${s.progressMax}${Number.isFinite(s.progressAvg) ? ` (avg ${f2(s.progressAvg)})` : ''}`} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

interface Verdict {
  goal: string;
  measured: string;
  met: boolean | null;
  detail: string;
}

function verdictCell(v: Verdict): string {
  return v.met === null ? 'not measured' : v.met ? 'met' : `**missed** ${v.detail}`;
}

function wasteOf(
  r: Results,
  engine: Engine,
): {nokill?: ResumeRecord; stop?: ResumeRecord; kill?: ResumeRecord} {
  const of = (kind: ResumeRecord['kind']) =>
    r.resumes.find((x) => x.engine === engine && x.kind === kind);
  return {nokill: of('no-kill'), stop: of('worker-stop'), kill: of('browser-kill')};
}

function verdicts(r: Results): Verdict[] {
  const out: Verdict[] = [];
  const fallbacks = (e: Engine) => r.variants[e].filter((v) => v.chunkSize);
  for (const engine of ['chromium', 'firefox'] as Engine[]) {
    for (const [throttle, goal] of [
      [null, GOALS.fallbackLoopback],
      [r.meta.throttle, GOALS.fallbackThrottled],
    ] as const) {
      for (const v of fallbacks(engine)) {
        const s = summarize(r, engine, throttle, v);
        if (!s.total) continue;
        out.push({
          goal: `${engine}, ${throttleName(throttle)}: ${v.key} ≥ ${goal}× A`,
          measured: `${f2(s.ratio)}×`,
          met: Number.isFinite(s.ratio) ? s.ratio >= goal : null,
          detail: `by ${f2(goal - s.ratio)} (${pct((goal - s.ratio) / goal)} short)`,
        });
      }
    }
    for (const v of fallbacks(engine)) {
      const runs = r.runs.filter((x) => x.engine === engine && x.variant === v.key && x.ok);
      if (!runs.length) continue;
      const worst = Math.max(...runs.map((x) => x.memRise));
      const limit = GOALS.memoryChunks * v.chunkSize!;
      out.push({
        goal: `${engine}: ${v.key} peak memory rise ≤ ${GOALS.memoryChunks} × ${mib(v.chunkSize!)} MiB`,
        measured: `+${mib(median(runs.map((x) => x.memRise)))} MiB median, +${mib(worst)} MiB worst`,
        met: worst <= limit,
        detail: `by ${mib(worst - limit)} MiB (worst run)`,
      });
    }
  }
  for (const throttle of [null, r.meta.throttle]) {
    const ratios = perRound(r, 'chromium', throttle, 'native-lib', 'native-raw');
    if (!ratios.length) continue;
    const m = median(ratios);
    out.push({
      goal: `chromium, ${throttleName(throttle)}: native through the library ≤ ${GOALS.nativeOverhead}× raw native time`,
      measured: `${f2(m)}× (rounds: ${ratios.map(f2).join(' ')})`,
      met: m <= GOALS.nativeOverhead,
      detail: `by ${f2(m - GOALS.nativeOverhead)}`,
    });
  }
  for (const engine of ['chromium', 'firefox'] as Engine[]) {
    const {nokill, stop, kill} = wasteOf(r, engine);
    const variant = r.variants[engine].find((v) => v.key === (stop ?? kill)?.variant);
    if (stop && variant) {
      const base = nokill?.ok ? nokill.wasteBytes : 0;
      const perKill = stop.ok ? (stop.wasteBytes - base) / stop.kills : NaN;
      const chunk = stop.medianRangeBytes || variant.chunkSize!;
      out.push({
        goal: `${engine}: bytes fetched twice per worker stop ≤ 1 chunk (${variant.key})`,
        measured: stop.ok
          ? `${mib(perKill, 1)} MiB per stop = ${f2(perKill / chunk)} × the ${mib(chunk, 1)} MiB chunks requested (${f2(perKill / variant.chunkSize!)} × chunkSize)`
          : `failed: ${stop.error}`,
        met: stop.ok ? perKill <= chunk * GOALS.wastePerKillChunks : false,
        detail: stop.ok ? `by ${mib(perKill - chunk, 1)} MiB per stop` : '',
      });
    }
    if (kill && variant) {
      const base = nokill?.ok ? nokill.wasteBytes : 0;
      const waste = kill.ok ? kill.wasteBytes - base : NaN;
      const chunk = kill.medianRangeBytes || variant.chunkSize!;
      out.push({
        goal: `${engine}: bytes fetched twice after a browser kill + relaunch ≤ 1 chunk (${variant.key})`,
        measured: kill.ok
          ? `${mib(waste, 1)} MiB = ${f2(waste / chunk)} × the ${mib(chunk, 1)} MiB chunks requested`
          : `failed: ${kill.error}`,
        met: kill.ok ? waste <= chunk : false,
        detail: kill.ok ? `by ${mib(waste - chunk, 1)} MiB` : '',
      });
    }
  }
  const libRuns = r.runs.filter((x) => x.ok && x.variant !== 'A' && x.variant !== 'native-raw');
  if (libRuns.length) {
    const worst = libRuns.reduce((a, b) => (b.progressMaxPerSec > a.progressMaxPerSec ? b : a));
    out.push({
      goal: `progress messages reaching a page ≤ ${GOALS.progressPerSec} per second (library variants)`,
      measured: `max ${worst.progressMaxPerSec} in a 1 s window (${worst.engine} ${worst.variant} ${throttleName(worst.throttle)}); median rate over jobs of 2 s or more ${f2(median(libRuns.map((x) => x.progressPerSec)))}/s`,
      met: worst.progressMaxPerSec <= GOALS.progressPerSec,
      detail: `by ${worst.progressMaxPerSec - GOALS.progressPerSec} per second`,
    });
  }
  const runtime = r.sizes.find((s) => s.file.startsWith('workbox-background-fetch/'));
  out.push({
    goal: `worker runtime (${runtime?.file ?? 'workbox-background-fetch IIFE'}) ≤ 12 KiB minified + brotli`,
    measured: runtime ? `${(runtime.brotli / 1024).toFixed(1)} KiB` : 'not built',
    met: runtime ? runtime.brotli <= GOALS.runtimeBrotli : null,
    detail: runtime
      ? `by ${((runtime.brotli - GOALS.runtimeBrotli) / 1024).toFixed(1)} KiB (${pct((runtime.brotli - GOALS.runtimeBrotli) / GOALS.runtimeBrotli)})`
      : '',
  });
  return out;
}

function resumeTable(r: Results): string {
  if (!r.resumes.length) return '_not measured_\n';
  const lines = [
    '| engine | variant | case | server rate | ok | bytes sent | sent twice | per stop/kill (less the no-fault waste) | median Range request | requests | time | resumed after relaunch |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const x of r.resumes) {
    const base =
      r.resumes.find((y) => y.engine === x.engine && y.kind === 'no-kill' && y.ok)?.wasteBytes ?? 0;
    const per = x.kind === 'no-kill' || !x.ok ? NaN : (x.wasteBytes - base) / x.kills;
    lines.push(
      `| ${x.engine} | ${x.variant} | ${x.kind === 'no-kill' ? 'no fault' : x.kind === 'worker-stop' ? `worker stopped ${x.kills}×` : 'browser SIGKILL + relaunch'} | ` +
        `${(x.throttle / 1e6).toFixed(1)} MB/s | ${x.ok ? 'yes' : `no: ${x.error}`} | ${mib(x.bytesSent, 1)} MiB | ${mib(x.wasteBytes, 1)} MiB | ` +
        `${Number.isFinite(per) ? `${mib(per, 1)} MiB` : '–'} | ${x.medianRangeBytes ? `${mib(x.medianRangeBytes, 1)} MiB` : '–'} | ${x.requests} | ` +
        `${s2(x.durationMs)} s | ${x.resumeDelayMs !== undefined ? `${(x.resumeDelayMs / 1000).toFixed(2)} s` : '–'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** What each stop or kill cost, from the server's log of the resume runs. */
function resumeDetails(r: Results): string[] {
  const out: string[] = [];
  for (const x of r.resumes) {
    if (!x.requestLog || !x.killsAtMs?.length) continue;
    const len = (range: string) => {
      const m = /bytes=(\d+)-(\d*)/.exec(range);
      return m && m[2] !== '' ? Number(m[2]) - Number(m[1]) + 1 : NaN;
    };
    const parts = x.killsAtMs.map((k, i) => {
      const open = x.requestLog!.filter(([start, end]) => start < k && end >= k - 20);
      const next = x
        .requestLog!.filter(
          ([start]) => start > k && (i + 1 >= x.killsAtMs!.length || start < x.killsAtMs![i + 1]),
        )
        .slice(0, 4);
      return (
        `${x.kind === 'worker-stop' ? 'stop' : 'kill'} at ${s2(k)} s: ${open.length} request(s) open ` +
        `(${open.map(([, , range, sent]) => `${mib(sent, 1)} of ${mib(len(range), 1)} MiB received`).join(', ')}), their bytes lost; ` +
        `then requests of ${next.map(([, , range]) => mib(len(range), 1)).join(', ')} MiB`
      );
    });
    out.push(
      `- ${x.engine} ${x.variant}, ${x.kind === 'worker-stop' ? `worker stopped ${x.kills}×` : 'browser kill'}: ${parts.join('; ')}.`,
    );
  }
  return out;
}

/** Sentences on where the time goes, from the numbers (the "profile"). */
function analysis(r: Results): string[] {
  const out: string[] = [];
  for (const engine of ['chromium', 'firefox'] as Engine[]) {
    for (const throttle of [null, r.meta.throttle]) {
      const A = r.variants[engine].find((v) => v.key === 'A');
      if (!A) continue;
      const a = summarize(r, engine, throttle, A);
      if (!a.ok) continue;
      const where = `${engine}, ${throttleName(throttle)}`;
      out.push(
        '',
        `**${where}.** A takes ${s2(a.time)} s (${a.speed.toFixed(0)} MB/s); its last byte leaves the server ` +
          `${s2(a.download)} s after the start and the entry is in the cache ${Math.round(a.assembly)} ms later.`,
      );
      for (const v of r.variants[engine].filter((x) => x.key !== 'A')) {
        const s = summarize(r, engine, throttle, v);
        if (!s.ok) continue;
        const gap = s.time - a.time;
        const parts = [
          `${v.key}: ${s2(s.time)} s, ${f2(s.ratio)}× A's speed (${gap >= 0 ? '+' : ''}${Math.round(gap)} ms).`,
          `First request ${Math.round(s.firstRequest)} ms after the call (A: ${Math.round(a.firstRequest)} ms).`,
          `Download phase (call → last byte sent) ${s2(s.download)} s = ${f2(s.download / a.download)}× A's.`,
          `Last byte → record in the destination cache: ${Math.round(s.assembly)} ms (${pct(s.assembly / s.time)} of the total)` +
            (Number.isFinite(s.destPut)
              ? `: ${Math.round(s.preCopy)} ms until the final cache.put() starts` +
                (Number.isFinite(s.lastChunkAfter)
                  ? ` (the last chunk is written ${Math.round(s.lastChunkAfter)} ms after the last byte)`
                  : '') +
                `, then the put itself ${Math.round(s.destPut)} ms.`
              : '.'),
        ];
        if (s.chunkWrites && s.requests <= 1) {
          parts.push(
            `The file was read as one response and stored in ${Math.round(s.chunkWrites)} parts: it is not larger than the chunk size, ` +
              `so the fallback streams it through JavaScript (readBody) instead of taking Range chunks as Blobs.`,
          );
        }
        if (s.chunkWrites) {
          parts.push(
            `${Math.round(s.chunkWrites)} chunk writes took ${Math.round(s.chunkWrite)} ms in total (overlapping downloads); ` +
              `${Math.round(s.requests)} request(s)${s.rangeBytes ? ` (Range requests of ~${mib(s.rangeBytes, 1)} MiB)` : ''}; no request open for ${Math.round(s.idle)} ms of the download; ` +
              `bytes sent beyond the file without any fault: ${mib(s.wasteNoFault, 1)} MiB.`,
          );
        }
        parts.push(`Memory +${mib(s.mem)} MiB (median), +${mib(s.memMax)} MiB (worst).`);
        out.push(`- ${parts.join(' ')}`);
      }
    }
  }
  return out;
}

/** Proposals for the goals missed, with the numbers that support them. */
function nextSteps(r: Results, vs: Verdict[]): string[] {
  const out: string[] = [];
  const missed = (pattern: RegExp) => vs.some((v) => v.met === false && pattern.test(v.goal));
  const chromiumFb = r.variants.chromium.filter((v) => v.chunkSize);
  const sums = [null, r.meta.throttle].flatMap((t) =>
    chromiumFb.map((v) => ({t, s: summarize(r, 'chromium', t, v)})).filter(({s}) => s.ok),
  );
  if (missed(/≥ 0\.9/)) {
    for (const engine of ['chromium', 'firefox'] as Engine[]) {
      const A = r.variants[engine].find((v) => v.key === 'A');
      const fbs = r.variants[engine].filter((v) => v.chunkSize);
      if (!A || !fbs.length) continue;
      const rows = [null, r.meta.throttle].map((t) => {
        const a = summarize(r, engine, t, A);
        const f = fbs.map((v) => summarize(r, engine, t, v)).filter((x) => x.ok);
        return {
          t,
          a,
          dl: median(f.map((x) => x.download)),
          pre: median(f.map((x) => x.preCopy)),
          copy: median(f.map((x) => x.destPut)),
          idle: median(f.map((x) => x.idle)),
        };
      });
      if (!rows.some(({a}) => a.ok)) continue;
      out.push(
        `- **Fallback throughput, ${engine}** (medians over its fallback variants): ` +
          rows
            .filter(({a}) => a.ok)
            .map(
              ({t, a, dl, pre, copy, idle}) =>
                `${throttleName(t)}: download phase ${s2(dl)} s (A: last byte at ${s2(a.download)} s, in the cache at ${s2(a.time)} s), ` +
                `no request open ${Math.round(idle)} ms of it, then ${Math.round(pre)} ms until the final \`cache.put()\` and ${Math.round(copy)} ms in it`,
            )
            .join('; ') +
          '.',
      );
    }
    out.push(
      `  The final put (the second copy of the whole file) is a fixed cost per file, so it weighs most on fast links; where the download ` +
        `phase itself is slower than A's (chunk writes and the gaps between requests compete with the download for 2 cores), removing the ` +
        `copy alone does not reach 0.9×. Next: take the last chunk(s) straight into the assembled Blob instead of writing them to the ` +
        `chunk store and reading them back; keep a request queued while chunks are written so that no time passes without a request open; ` +
        `and to drop the second copy itself, stream the first attempt straight into the destination cache and fall back to chunks only ` +
        `after a fault (the prototype reached 1.04× that way), with an IndexedDB marker so that a killed worker resumes from chunks.`,
    );
  }
  if (sums.some(({s}) => s.chunkWrites > 1 && s.requests <= 1)) {
    out.push(
      `- **Files not larger than \`chunkSize\`** are read as one stream through JavaScript and stored in 1–4 MiB parts ` +
        `(readBody), the slowest path the prototype measured (0.36–0.54×) and the one with the largest memory rise here. ` +
        `Next: when the first response announces a length ≤ \`chunkSize\` and ranges, read it whole with \`response.blob()\` ` +
        `(no JavaScript copy), or switch to Range chunks as for larger files.`,
    );
  }
  const waste = median(sums.filter(({t}) => t === null).map(({s}) => s.wasteNoFault));
  if (waste > 2 * MiB) {
    out.push(
      `- **Waste without a fault.** On loopback ${mib(waste, 1)} MiB beyond the file are sent per download: the first request carries no Range ` +
        `and is cancelled after its first chunk, by which time the network has delivered much more. Next: ask for the first chunk with ` +
        `\`Range: bytes=0-…\` (a 206 tells the total in \`Content-Range\`; a server that ignores it answers 200, handled as today).`,
    );
  }
  if (missed(/native through the library/)) {
    const split = [null, r.meta.throttle].map((t) => {
      const raw = r.variants.chromium.find((v) => v.key === 'native-raw');
      const lib = r.variants.chromium.find((v) => v.key === 'native-lib');
      if (!raw || !lib) return '';
      const a = summarize(r, 'chromium', t, raw);
      const b = summarize(r, 'chromium', t, lib);
      return (
        `${throttleName(t)}: first request ${Math.round(a.firstRequest)} vs ${Math.round(b.firstRequest)} ms, ` +
        `last byte → put starts ${Math.round(a.preCopy)} vs ${Math.round(b.preCopy)} ms, put ${Math.round(a.destPut)} vs ${Math.round(b.destPut)} ms`
      );
    });
    out.push(
      `- **Native through the library** vs raw native (raw vs library, medians): ${split.filter(Boolean).join('; ')}. ` +
        `Between the browser's success event and its put the library checks every record's body length by reading it as a Blob, ` +
        `resolves the destination route and broadcasts; the download itself is the browser's in both. ` +
        `Next: compare \`Content-Length\` with \`registration.downloaded\` instead of reading bodies, and read the record once.`,
    );
  }
  if (missed(/per worker stop|browser kill/)) {
    out.push(
      `- **Resume waste.** A stop or kill loses every byte of the requests in flight: each Range chunk is read whole with ` +
        `\`response.blob()\`, so a chunk cut short keeps nothing, and with \`maxInFlight\` 2 the loss is 0–2 chunks (about 1 on average) ` +
        `whenever the stop falls. Chunks that arrived but were not written yet are lost too. After a restart the job measures the link ` +
        `again from two 1 MiB requests, which arrive faster than the sustained rate, so the next chunks can be twice the steady size ` +
        `(see the per-stop detail when the run logged it). Next: keep the measured rate in the job record across restarts and do not size ` +
        `chunks from requests shorter than ~100 ms; and, to hold ≤ 1 chunk per stop at any moment, size each request to ` +
        `1 s / \`maxInFlight\` of the link (the bytes at risk, not each request, then equal one chunk) or start the second request half a chunk later.`,
    );
  }
  if (missed(/progress messages/)) {
    out.push(
      `- **Progress** exceeds 10 messages in some 1 s windows: the throttle is leading and trailing at 100 ms, and the final progress ` +
        `and the result come on top. Next: a 110 ms interval, or count the trailing emit against the next window.`,
    );
  }
  if (missed(/memory rise/)) {
    out.push(
      `- **Memory** above 2× the chunk size: see the table for which variant and engine; Firefox's A itself holds the whole file in its ` +
        `parent process, so part of a fallback's rise there is the final put's, not the chunks'.`,
    );
  }
  if (missed(/worker runtime/)) {
    out.push(
      `- **Size.** The IIFE bundles workbox-routing, workbox-strategies, workbox-core, workbox-range-requests and idb-keyval with the ` +
        `library; an app that already ships those shares them. Next: find the largest modules with an esbuild metafile of the same build ` +
        `(the fallback's job engine is the biggest single file) and move rarely used paths behind dynamic checks.`,
    );
  }
  return out;
}

export function renderReport(
  results: Results,
  paths: {chartPath: string; reportPath: string},
): string {
  const r = normalize(results);
  const m = r.meta;
  const chart = relative(dirname(paths.reportPath), paths.chartPath);
  const vs = verdicts(r);
  const missed = vs.filter((v) => v.met === false);
  const throttles = [null, m.throttle];
  const lines: string[] = [
    '# Benchmarks',
    '',
    `_Generated by \`npm run bench${m.mode === 'quick' ? ' -- --quick' : ''}\` (bench/README.md) on ${m.date.slice(0, 16).replace('T', ' ')} UTC. Do not edit by hand._`,
    '',
    `- **Mode**: ${m.mode}: one ${mib(m.size)} MiB file from the local Range test server, ${m.rounds} rounds, variants interleaved (A B C … A B C …); ` +
      `ratios are taken per round to A of the same round, then their median is shown. Speed vs A = A's time / the variant's time.`,
    `- **Machine**: ${m.cpu}, ${m.cores} cores, ${(m.memory / 2 ** 30).toFixed(0)} GiB RAM; ${m.os}; Node ${m.node}. ` +
      `Load average before ${m.loadBefore.map((x) => x.toFixed(2)).join(' / ')}, after ${m.loadAfter.map((x) => x.toFixed(2)).join(' / ')} ` +
      `(other jobs shared the machine: absolute times are noisy, ratios within a round are what count).`,
    `- **Browsers**: ${m.chromium ?? 'Chromium: not found'} (persistent profile: the Download Service path, and Cache Storage on disk); ${m.firefox ?? 'Firefox: not found'}.`,
    `- **Code**: commit ${m.commit}${m.dirty ? ' plus uncommitted changes under packages/' : ''}; production bundles. Run took ${(m.elapsedMs / 60000).toFixed(1)} min.`,
    '',
    `![speed relative to A](${chart})`,
    '',
    '## Goals',
    '',
    '| goal | measured | verdict |',
    '|---|---|---|',
    ...vs.map((v) => `| ${v.goal} | ${v.measured} | ${verdictCell(v)} |`),
    '',
    `${vs.filter((v) => v.met).length} met, ${missed.length} missed, ${vs.filter((v) => v.met === null).length} not measured.`,
    '',
  ];
  for (const engine of ['chromium', 'firefox'] as Engine[]) {
    for (const throttle of throttles) {
      lines.push(
        `## ${engine === 'chromium' ? 'Chromium' : 'Firefox ESR'}, ${throttleName(throttle)}`,
        '',
        throughputTable(r, engine, throttle),
      );
    }
  }
  lines.push(
    '## Resume waste',
    '',
    `The fallback with its default chunk size, the server throttled so the download lasts as long as 256 MiB at 40 MB/s. ` +
      `"Sent twice" is every body byte the server sent beyond the file's size (bytes already in socket buffers when a worker stops count: ` +
      `the server did send them). The no-fault row is the waste of the design itself (the first request, read without a Range, is cut after its first chunk); ` +
      `the per-stop figure subtracts it.`,
    '',
    resumeTable(r),
    ...(resumeDetails(r).length
      ? [
          "From the server's log of these runs (a Range chunk is read whole with `response.blob()`, so a chunk cut by a stop is lost entirely):",
          '',
          ...resumeDetails(r),
          '',
        ]
      : []),
    '## Package sizes',
    '',
    r.sizes.length
      ? `${[
          '| bundle (scripts/build.mjs, production IIFE) | minified | minified + brotli |',
          '|---|---|---|',
          ...r.sizes.map(
            (s) =>
              `| ${s.file} | ${(s.minified / 1024).toFixed(1)} KiB | ${(s.brotli / 1024).toFixed(1)} KiB |`,
          ),
        ].join('\n')}\n`
      : `_not built${r.sizeError ? `: ${r.sizeError}` : ''}_\n`,
    '## Where the time goes',
    '',
    "From the server's request log (when each response started and ended), the worker's clock when the record landed in the " +
      'destination cache, and a probe in the benchmark worker that times every `cache.put()` and IndexedDB Blob put.',
    '',
    ...analysis(r),
    '',
    '## Next steps',
    '',
    ...(nextSteps(r, vs).length ? nextSteps(r, vs) : ['Every goal measured was met.']),
    '',
    '## Method',
    '',
    '- **A** (the baseline): the page posts a message; the worker does `fetch(url)` then `cache.put(url, response)` (the body streams into Cache Storage).',
    "- **native-raw**: the page calls `registration.backgroundFetch.fetch()` itself; the worker's `backgroundfetchsuccess` handler copies the record into the cache.",
    '- **native-lib**: `backgroundFetchManager({queue}).fetch()` on the page, a `BackgroundFetchQueue` in the worker (records routed to a cache by the library).',
    '- **fb-…**: the same with `forceFallback: true` and `fallback: {chunkSize, chunkStorage}` (chunk size is the cap: the fallback sizes requests to ~1 s of measured throughput).',
    "- Time = the page's `Date.now()` when it asks for the download → the worker's `Date.now()` right after the record is in the destination cache " +
      '(for library variants: when `onSuccess` runs, which is after the library cached the records). One clock: same machine.',
    '- Memory: summed PSS of every browser process (`/proc/<pid>/smaps_rollup`), sampled every 100 ms in a Node worker thread; ' +
      'rise = peak during the run − median of the 0.5 s before it. No GC is forced; the destination cache is emptied between runs.',
    "- Progress: `progress` events on the page's registration (native: the browser's; fallback: the library's BroadcastChannel), " +
      'the most in any 1 s window and the average over the job.',
    '- Resume: worker stopped with CDP `ServiceWorker.stopAllWorkers` at 1/4, 2/4 and 3/4 of the bytes sent, woken 0.3 s later by the page ' +
      "(`manager.getIds()`); browser SIGKILLed at 1/2 and relaunched on the same profile, then the page is loaded again. Firefox's worker " +
      'cannot be stopped on demand without short idle timeouts that also kill busy workers, so only its browser kill is measured.',
    '- Sizes: printed by `scripts/build.mjs` (run first by the benchmark), parsed from its output.',
    '',
  );
  if (r.errors.length) {
    lines.push('## Errors during the run', '', ...r.errors.map((e) => `- ${e.split('\n')[0]}`), '');
  }
  return lines.join('\n');
}

// Chart ----------------------------------------------------------------------------------

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Horizontal bars: speed vs A per variant, loopback and throttled, with the goal lines. */
export function renderChart(results: Results): string {
  const r = normalize(results);
  const rows: {label: string; values: (number | null)[]; header?: boolean}[] = [];
  const throttles = [null, r.meta.throttle];
  for (const engine of ['chromium', 'firefox'] as Engine[]) {
    const variants = r.variants[engine].filter(
      (v) =>
        runsOf(r, engine, null, v.key).length || runsOf(r, engine, r.meta.throttle, v.key).length,
    );
    if (!variants.length) continue;
    rows.push({
      label: engine === 'chromium' ? 'Chromium (persistent profile)' : 'Firefox ESR',
      values: [],
      header: true,
    });
    for (const v of variants) {
      rows.push({
        label: v.key,
        values: throttles.map((t) => {
          if (v.key === 'A') return runsOf(r, engine, t, 'A').some((x) => x.ok) ? 1 : null;
          const m = median(speedToA(r, engine, t, v.key));
          return Number.isFinite(m) ? m : null;
        }),
      });
    }
  }
  const left = 130;
  const width = 640;
  const plot = width - left - 70;
  const rowH = 34;
  const top = 52;
  const height = top + rows.length * rowH + 40;
  const max = 1.2;
  const x = (v: number) => left + (Math.min(v, max) / max) * plot;
  const colors = ['#3b6fb6', '#e08a2c'];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">Speed relative to A (fetch → cache.put), ${mib(r.meta.size)} MiB, median of ${r.meta.rounds} rounds</text>`,
    `<rect x="${left}" y="28" width="12" height="12" fill="${colors[0]}"/><text x="${left + 16}" y="38">loopback</text>`,
    `<rect x="${left + 90}" y="28" width="12" height="12" fill="${colors[1]}"/><text x="${left + 106}" y="38">server at ${r.meta.throttle / 1e6} MB/s</text>`,
  ];
  for (const g of [0, 0.25, 0.5, 0.75, 1, 1.2]) {
    out.push(`<line x1="${x(g)}" y1="${top - 4}" x2="${x(g)}" y2="${height - 34}" stroke="#ddd"/>`);
    out.push(
      `<text x="${x(g)}" y="${height - 20}" text-anchor="middle" fill="#555">${g.toFixed(2)}×</text>`,
    );
  }
  for (const [goal, color] of [
    [GOALS.fallbackLoopback, colors[0]],
    [GOALS.fallbackThrottled, colors[1]],
  ] as const) {
    out.push(
      `<line x1="${x(goal)}" y1="${top - 4}" x2="${x(goal)}" y2="${height - 34}" stroke="${color}" stroke-dasharray="4 3"/>`,
    );
  }
  out.push(
    `<text x="${left + 290}" y="38" fill="#555">dashed: fallback goals ${GOALS.fallbackLoopback}× / ${GOALS.fallbackThrottled}×</text>`,
  );
  rows.forEach((row, i) => {
    const y = top + i * rowH;
    if (row.header) {
      out.push(`<text x="8" y="${y + 20}" font-weight="bold">${esc(row.label)}</text>`);
      return;
    }
    out.push(`<text x="${left - 8}" y="${y + 18}" text-anchor="end">${esc(row.label)}</text>`);
    row.values.forEach((v, j) => {
      const by = y + 4 + j * 13;
      if (v === null) {
        out.push(
          `<text x="${left + 4}" y="${by + 10}" fill="#999" font-size="10">not measured</text>`,
        );
        return;
      }
      out.push(
        `<rect x="${left}" y="${by}" width="${Math.max(1, x(v) - left)}" height="12" fill="${colors[j]}"/>`,
      );
      out.push(`<text x="${x(v) + 4}" y="${by + 10}" font-size="10">${v.toFixed(2)}</text>`);
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
