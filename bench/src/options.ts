/** The command line of `npm run bench` (see bench/README.md). */
import {join} from 'node:path';
import type {Engine} from './types';
import {MiB} from './util';

export const ROOT = join(__dirname, '..', '..');
export const BENCH = join(ROOT, 'bench');

export const ENGINES: readonly Engine[] = ['chromium', 'firefox', 'webkit'];

export interface Options {
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

const KNOWN = [
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
  'publish',
];

export function parseOptions(argv: string[]): Options {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg} (see bench/README.md)`);
    flags.set(m[1], m[2] ?? 'true');
  }
  for (const key of flags.keys()) {
    if (!KNOWN.includes(key))
      throw new Error(`unknown option --${key}; known: ${KNOWN.map((k) => `--${k}`).join(' ')}`);
  }
  const engines = (flags.get('engines') ?? ENGINES.join(',')).split(',') as Engine[];
  for (const e of engines) {
    if (!ENGINES.includes(e))
      throw new Error(`unknown engine ${e} in --engines; known: ${ENGINES.join(',')}`);
  }
  const quick = flags.has('quick');
  const mode = quick ? 'quick' : 'full';
  const outDir =
    flags.get('out') ?? (flags.has('only-resume') ? join(BENCH, 'results', 'resume') : undefined);
  // --publish: BENCHMARKS.md and docs/benchmarks.svg at the root, whatever the mode.
  const defaultOut = quick && !flags.has('publish') ? join(BENCH, 'results', 'quick') : undefined;
  return {
    quick,
    size: Number(flags.get('size') ?? (quick ? 32 : 256)) * MiB,
    rounds: Number(flags.get('rounds') ?? (quick ? 2 : 5)),
    throttle: Number(flags.get('throttle') ?? 40) * 1e6,
    engines,
    // Quick: the default chunk size only (the goals are for the defaults).
    chunks: (flags.get('chunks') ?? (quick ? '64' : '16,64')).split(',').map(Number),
    build: !flags.has('no-build'),
    resume: !flags.has('no-resume'),
    reportOnly: flags.has('report-only'),
    onlyResume: flags.has('only-resume'),
    out: join(outDir ?? defaultOut ?? ROOT, 'BENCHMARKS.md'),
    chart: join(outDir ?? defaultOut ?? join(ROOT, 'docs'), 'benchmarks.svg'),
    json: join(
      (flags.has('publish') ? undefined : outDir) ?? join(BENCH, 'results'),
      `latest-${flags.has('only-resume') ? 'resume-' : ''}${mode}.json`,
    ),
  };
}
