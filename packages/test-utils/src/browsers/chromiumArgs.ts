/** The switches Chromium is started with, merged with playwright-core's own feature switches. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Arguments every Chromium is started with (BROWSER-FACTS §2). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium switches of which only the last one counts (see {@link mergeChromiumFeatureArgs}). */
export const FEATURE_SWITCHES = [
  '--enable-features',
  '--disable-features',
  '--enable-blink-features',
  '--disable-blink-features',
];

let playwrightDefaults: Promise<string[]> | null = null;

/**
 * The arguments playwright-core itself passes to Chromium, read once by
 * "launching" a stub executable that records its argv and exits.
 */
export function playwrightDefaultArgs(): Promise<string[]> {
  playwrightDefaults ??= (async () => {
    const {chromium} = await import('playwright-core');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tu-pwargs-'));
    const out = path.join(dir, 'args.txt');
    const stub = path.join(dir, 'chromium-stub');
    fs.writeFileSync(stub, `#!/bin/sh\nprintf '%s\\n' "$@" > '${out}'\nexit 1\n`, {mode: 0o755});
    try {
      await chromium.launch({executablePath: stub, timeout: 10_000}).then((b) => b.close());
    } catch {
      // Expected: the stub exits at once.
    }
    try {
      return fs.readFileSync(out, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    } finally {
      fs.rmSync(dir, {recursive: true, force: true});
    }
  })();
  return playwrightDefaults;
}

/**
 * Chromium uses only the last `--enable-features=` / `--disable-features=`
 * (and blink-features) switch, and playwright-core puts its own before the
 * caller's: a caller's switch would silently replace playwright's list, and
 * two caller switches would keep only the second. Merges them into one each
 * (playwright's values first), placed last.
 */
export function mergeChromiumFeatureArgs(defaults: string[], user: string[]): string[] {
  const rest: string[] = [];
  const merged = new Map<string, string[]>();
  for (const arg of user) {
    const sw = FEATURE_SWITCHES.find((f) => arg.startsWith(`${f}=`));
    if (!sw) {
      rest.push(arg);
      continue;
    }
    if (!merged.has(sw)) {
      const base = defaults
        .filter((d) => d.startsWith(`${sw}=`))
        .flatMap((d) => d.slice(sw.length + 1).split(','));
      merged.set(sw, base);
    }
    merged.get(sw)!.push(...arg.slice(sw.length + 1).split(','));
  }
  for (const [sw, values] of merged) {
    const uniq = [...new Set(values.filter(Boolean))];
    rest.push(`${sw}=${uniq.join(',')}`);
  }
  return rest;
}
