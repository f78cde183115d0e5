/** The download variants per engine, and the worker queues they need. */
import type {BenchQueue} from './site';
import type {Engine, Variant} from './types';
import {MiB} from './util';

/** The library's default chunk size (FALLBACK_DEFAULTS.chunkSize): the goals are for it. */
export const DEFAULT_CHUNK = 64 * MiB;

/** Where `chunkStorage: 'auto'` puts chunks on each engine (chunkStores.ts). */
export const AUTO_STORAGE: Record<Engine, string> = {
  chromium: 'cache-storage',
  firefox: 'indexeddb',
  webkit: 'indexeddb',
};

const ENGINE_LABEL: Record<Engine, string> = {
  chromium: "Chromium's auto",
  firefox: "Firefox's auto",
  webkit: "WebKit's auto",
};

function fallback(engine: Engine, chunk: number, storage: string): Variant {
  const short = storage === 'indexeddb' ? 'idb' : 'cache';
  const where = storage === 'indexeddb' ? 'IndexedDB' : 'Cache Storage';
  return {
    key: `fb-${chunk}-${short}`,
    label:
      `fallback, chunks ≤ ${chunk} MiB in ${where}` +
      (storage === AUTO_STORAGE[engine] ? ` (${ENGINE_LABEL[engine]})` : ''),
    queue: `fb-${chunk}-${short}`,
    chunkSize: chunk * MiB,
    chunkStorage: storage,
  };
}

/**
 * The variants of `engine`: A, on Chromium native with and without the
 * library, and the fallback with chunks of each size in `chunks` in the
 * engine's `auto` store (plus, on Chromium and unless `quick`, the largest
 * in IndexedDB).
 */
export function variantsFor(engine: Engine, chunks: number[], quick = false): Variant[] {
  const A: Variant = {key: 'A', label: 'A: fetch() → cache.put() in the worker', queue: 'plain'};
  const auto = chunks.map((c) => fallback(engine, c, AUTO_STORAGE[engine]));
  if (engine !== 'chromium') return [A, ...auto];
  return [
    A,
    {
      key: 'native-raw',
      label: 'raw native Background Fetch, record copied to a cache by hand',
      queue: 'raw',
    },
    {key: 'native-lib', label: 'native through the library', queue: 'native'},
    ...auto,
    ...(quick ? [] : [fallback(engine, chunks[chunks.length - 1], 'indexeddb')]),
  ];
}

/**
 * The browser sessions `variants` of `engine` run in, one after the other:
 * A with the fallback variants that use the engine's `auto` chunk store
 * first, then each other chunk store, then Chromium's native variants, each
 * group in a browser of its own. In one shared browser, runs after other
 * groups wrote their records slower. Chromium, fb-64-cache at 40 MB/s
 * (256 MiB), the record landing after the last byte:
 * - with native-raw in the session: 0.9–1.5 s in 8 of 8 rounds; without it,
 *   0.36–0.43 s in 8 of 8 (A: about 0.3 s; once 1.0 s after a native-raw run);
 * - with fb-64-idb in the session (npm run bench, 3e1ba19): 1.04–1.22 s in
 *   5 of 5 rounds; with only A and Cache Storage variants: 0.36–0.48 s in
 *   6 of 6.
 * An app uses one chunk store, and the fallback runs where native Background
 * Fetch does not. Ratios to A of a variant outside A's session use A's runs
 * of the same round number.
 */
export function sessionsOf(engine: Engine, variants: Variant[]): Variant[][] {
  const groupOf = (v: Variant): string =>
    v.queue === 'raw' || v.queue === 'native'
      ? 'native'
      : v.chunkStorage && v.chunkStorage !== AUTO_STORAGE[engine]
        ? v.chunkStorage
        : '';
  /** A's session first, the native variants last. */
  const rank = (key: string): number => (key === '' ? 0 : key === 'native' ? 2 : 1);
  const groups = new Map<string, Variant[]>();
  for (const v of variants) {
    const key = groupOf(v);
    const group = groups.get(key);
    if (group) group.push(v);
    else groups.set(key, [v]);
  }
  return [...groups].sort(([a], [b]) => rank(a) - rank(b)).map(([, group]) => group);
}

/**
 * The fallback variant with the options a user gets by default on `engine`
 * (64 MiB, auto storage), or the largest when 64 MiB was not run.
 */
export function defaultVariant(variants: Variant[], engine: Engine): Variant | undefined {
  const fallbacks = variants.filter((v) => v.chunkSize);
  return (
    fallbacks.find(
      (f) => f.chunkSize === DEFAULT_CHUNK && f.chunkStorage === AUTO_STORAGE[engine],
    ) ?? fallbacks.filter((f) => f.chunkStorage === AUTO_STORAGE[engine]).pop()
  );
}

export function queuesOf(variants: Variant[]): BenchQueue[] {
  const queues: BenchQueue[] = [];
  for (const v of variants) {
    if (v.queue === 'plain' || v.queue === 'raw' || queues.some((q) => q.name === v.queue))
      continue;
    queues.push({
      name: v.queue,
      options:
        v.queue === 'native'
          ? {}
          : {forceFallback: true, fallback: {chunkSize: v.chunkSize, chunkStorage: v.chunkStorage}},
    });
  }
  return queues;
}
