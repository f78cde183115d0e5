/** Package sizes: what scripts/build.mjs prints. */
import {execFileSync} from 'node:child_process';
import {join} from 'node:path';
import {ROOT} from './options';
import type {SizeRecord} from './types';

/** Runs scripts/build.mjs (the project's build) and reads the sizes it prints. */
export function buildAndReadSizes(): SizeRecord[] {
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return parseSizes(out);
}

/**
 * The `size:` lines of the build: production IIFEs (`size: <file>  …`) and
 * the runtime's own code (`size: workbox-background-fetch own code (…)  …`,
 * with its budget and goal).
 */
export function parseSizes(out: string): SizeRecord[] {
  const sizes: SizeRecord[] = [];
  for (const line of out.split('\n')) {
    const largest = /^size:\s+largest modules \(minified bytes\): (.*)$/.exec(line);
    if (largest && sizes.length) sizes[sizes.length - 1].largest = largest[1];
    const m =
      /^size: (\S+(?: own code \([^)]*\))?)\s+([\d.]+) KiB minified, ([\d.]+) KiB brotli \((\d+) B/.exec(
        line,
      );
    if (!m) continue;
    const record: SizeRecord = {
      file: m[1],
      minified: Number(m[2]) * 1024,
      brotli: Number(m[4]),
    };
    const budget = /budget [\d.]+ KiB = (\d+) B/.exec(line);
    if (budget) record.budget = Number(budget[1]);
    const goal = /goal ([\d.]+) KiB/.exec(line);
    if (goal) {
      record.goal = Number(goal[1]) * 1024;
      record.ownCode = true;
    }
    sizes.push(record);
  }
  if (!sizes.length) throw new Error(`scripts/build.mjs printed no sizes:\n${out}`);
  return sizes;
}
