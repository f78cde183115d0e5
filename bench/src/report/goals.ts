/**
 * The goals of issue 13 (and the two of issue 6 that still apply) and their
 * verdicts, computed from the measured figures only.
 */
import {notMeasurable} from '../resume';
import type {Engine, Results, ResumeRecord} from '../types';
import {median} from '../util';
import {defaultVariant} from '../variants';
import {
  ENGINE_NAMES,
  enginesOf,
  f2,
  mib,
  pct,
  perRound,
  runsOf,
  summarize,
  throttleName,
} from './summary';

/** Speed of the default fallback vs A (median of per-round ratios), per engine and link. */
export const SPEED_GOALS: Record<Engine, {loopback: number; throttled: number}> = {
  chromium: {loopback: 0.9, throttled: 0.98},
  firefox: {loopback: 0.85, throttled: 0.97},
  webkit: {loopback: 0.85, throttled: 0.97},
};

export const GOALS = {
  /** Chromium: memory rise of a fallback variant ≤ this × its chunk size. */
  memoryChunks: 2,
  /** Bytes fetched twice per worker stop or browser kill ≤ this many chunks. */
  wastePerFaultChunks: 1,
  /** The worker runtime's own code, min + brotli (issue 13). */
  ownCodeBrotli: 12 * 1024,
  /** Issue 6: native through the library ≤ this × raw native time. */
  nativeOverhead: 1.05,
  /** Issue 6: progress messages reaching a page per second. */
  progressPerSec: 10,
};

export interface Verdict {
  goal: string;
  measured: string;
  /** null: not measured (`detail` says why). */
  met: boolean | null;
  detail: string;
}

export function verdictCell(v: Verdict): string {
  if (v.met === null) return `not measured${v.detail ? `: ${v.detail}` : ''}`;
  return v.met ? 'met' : `**missed** ${v.detail}`;
}

function speedVerdicts(r: Results, engine: Engine): Verdict[] {
  const out: Verdict[] = [];
  const v = defaultVariant(r.variants[engine], engine);
  if (!v) return out;
  const goals = SPEED_GOALS[engine];
  const others = r.variants[engine].filter((x) => x.chunkSize && x.key !== v.key);
  for (const [throttle, goal] of [
    [null, goals.loopback],
    [r.meta.throttle, goals.throttled],
  ] as const) {
    const s = summarize(r, engine, throttle, v);
    const rest = others
      .map((x) => `${x.key} ${f2(summarize(r, engine, throttle, x).ratio)}×`)
      .join(', ');
    out.push({
      goal: `${ENGINE_NAMES[engine]}${engine === 'chromium' ? ' (forced fallback)' : ''}, ${throttleName(throttle)}: ${v.key} (the default options) ≥ ${goal}× A`,
      measured: s.total
        ? `${nearGoal(s.ratio, goal)}× (rounds: ${s.ratios.map(f2).join(' ')})${rest ? `; ${rest}` : ''}`
        : '–',
      met: s.ok && Number.isFinite(s.ratio) ? s.ratio >= goal : null,
      detail: s.total
        ? `by ${gapOf(goal - s.ratio)} (${gapPct((goal - s.ratio) / goal)} short)`
        : 'not run',
    });
  }
  return out;
}

/** `ratio` with two decimals, or three where two would read as the goal itself. */
function nearGoal(ratio: number, goal: number): string {
  return f2(ratio) === f2(goal) && ratio !== goal ? ratio.toFixed(3) : f2(ratio);
}

/** A shortfall with two decimals, or three below 0.005 ("missed by 0.00" reads as met). */
function gapOf(gap: number): string {
  return gap < 0.005 ? gap.toFixed(3) : f2(gap);
}

/** A shortfall in percent, with one decimal below 1 %. */
function gapPct(share: number): string {
  return share < 0.01 ? `${(share * 100).toFixed(1)} %` : pct(share);
}

function memoryVerdicts(r: Results, engine: Engine): Verdict[] {
  const out: Verdict[] = [];
  const okRuns = (key: string) =>
    r.runs.filter((x) => x.engine === engine && x.variant === key && x.ok);
  const A = okRuns('A');
  for (const v of r.variants[engine].filter((x) => x.chunkSize)) {
    const runs = okRuns(v.key);
    if (!runs.length) continue;
    const rise = median(runs.map((x) => x.memRise));
    const worst = Math.max(...runs.map((x) => x.memRise));
    if (engine === 'chromium') {
      const limit = GOALS.memoryChunks * v.chunkSize!;
      out.push({
        goal: `Chromium: ${v.key} memory rise ≤ ${GOALS.memoryChunks} × ${mib(v.chunkSize!)} MiB`,
        measured: `+${mib(rise)} MiB median, +${mib(worst)} MiB worst`,
        met: rise <= limit,
        detail: `by ${mib(rise - limit)} MiB (median)`,
      });
    } else if (A.length) {
      const a = median(A.map((x) => x.memRise));
      out.push({
        goal: `${ENGINE_NAMES[engine]}: ${v.key} memory rise ≤ A's own rise in the same run`,
        measured: `+${mib(rise)} MiB median (worst +${mib(worst)}); A +${mib(a)} MiB median (worst +${mib(Math.max(...A.map((x) => x.memRise)))})`,
        met: rise <= a,
        detail: `by ${mib(rise - a)} MiB (medians)`,
      });
    }
  }
  return out;
}

function resumeOf(r: Results, engine: Engine, kind: ResumeRecord['kind']) {
  return r.resumes.find((x) => x.engine === engine && x.kind === kind);
}

function wasteVerdicts(r: Results, engine: Engine): Verdict[] {
  const out: Verdict[] = [];
  const nokill = resumeOf(r, engine, 'no-kill');
  const base = nokill?.ok ? nokill.wasteBytes : 0;
  for (const kind of ['worker-stop', 'browser-kill'] as const) {
    const what = kind === 'worker-stop' ? 'per worker stop' : 'per browser kill + relaunch';
    const goal = `${ENGINE_NAMES[engine]}: bytes fetched twice ${what} ≤ ${GOALS.wastePerFaultChunks} chunk`;
    const why = notMeasurable(engine, kind);
    const x = resumeOf(r, engine, kind);
    if (why || !x) {
      out.push({goal, measured: '–', met: null, detail: why ?? 'not run'});
      continue;
    }
    const per = x.ok ? (x.wasteBytes - base) / x.kills : NaN;
    const chunk = x.medianRangeBytes || defaultVariant(r.variants[engine], engine)?.chunkSize || 0;
    const extra = x.miscounts?.length
      ? `; ${x.miscounts.length} more relaunch(es): the browser's count of the origin's usage went below zero (Resume waste)`
      : '';
    out.push({
      goal: `${goal} (${x.variant})`,
      measured: x.ok
        ? `${mib(per, 1)} MiB = ${f2(per / chunk)} × the ${mib(chunk, 1)} MiB chunks requested (median Range)${extra}`
        : `failed: ${x.error}${extra}`,
      met: x.ok ? per <= chunk * GOALS.wastePerFaultChunks : false,
      detail: x.ok ? `by ${mib(per - chunk, 1)} MiB` : '',
    });
  }
  return out;
}

function issue6Verdicts(r: Results): Verdict[] {
  const out: Verdict[] = [];
  for (const throttle of [null, r.meta.throttle]) {
    const ratios = perRound(r, 'chromium', throttle, 'native-lib', 'native-raw');
    if (!ratios.length) continue;
    const m = median(ratios);
    out.push({
      goal: `(issue 6) Chromium, ${throttleName(throttle)}: native through the library ≤ ${GOALS.nativeOverhead}× raw native time`,
      measured: `${f2(m)}× (rounds: ${ratios.map(f2).join(' ')})`,
      met: m <= GOALS.nativeOverhead,
      detail: `by ${f2(m - GOALS.nativeOverhead)}`,
    });
  }
  const lib = r.runs.filter((x) => x.ok && x.variant !== 'A' && x.variant !== 'native-raw');
  if (lib.length) {
    const worst = lib.reduce((a, b) => (b.progressMaxPerSec > a.progressMaxPerSec ? b : a));
    out.push({
      goal: `(issue 6) progress messages reaching a page ≤ ${GOALS.progressPerSec} per second (library variants)`,
      measured: `max ${worst.progressMaxPerSec} in a 1 s window (${worst.engine} ${worst.variant} ${throttleName(worst.throttle)})`,
      met: worst.progressMaxPerSec <= GOALS.progressPerSec,
      detail: `by ${worst.progressMaxPerSec - GOALS.progressPerSec} per second`,
    });
  }
  return out;
}

function sizeVerdict(r: Results): Verdict {
  const own = r.sizes.find((s) => s.ownCode);
  const goal = own?.goal ?? GOALS.ownCodeBrotli;
  return {
    goal: `the library's own code in the worker runtime (workbox-* and idb-keyval external), min + brotli ≤ ${(goal / 1024).toFixed(0)} KiB`,
    measured: own
      ? `${(own.brotli / 1024).toFixed(1)} KiB (${own.brotli} B; the build fails above ${((own.budget ?? NaN) / 1024).toFixed(1)} KiB)`
      : '–',
    met: own ? own.brotli <= goal : null,
    detail: own
      ? `by ${((own.brotli - goal) / 1024).toFixed(1)} KiB (${pct((own.brotli - goal) / goal)})`
      : r.sizeError
        ? 'the build failed'
        : 'not built (--no-build)',
  };
}

export function verdicts(r: Results): Verdict[] {
  const engines = enginesOf(r);
  return [
    ...engines.flatMap((e) => speedVerdicts(r, e)),
    ...engines.flatMap((e) => wasteVerdicts(r, e)),
    ...engines.flatMap((e) => memoryVerdicts(r, e)),
    sizeVerdict(r),
    ...issue6Verdicts(r),
  ];
}

/** True when `engine` has timed runs at `throttle`. */
export function measuredAt(r: Results, engine: Engine, throttle: number | null): boolean {
  return r.variants[engine]?.some((v) => runsOf(r, engine, throttle, v.key).length) ?? false;
}
