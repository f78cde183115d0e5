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
 * The browser sessions `variants` run in, one after the other: Chromium's
 * native variants get a browser of their own, after the others (A and the
 * fallback). In one shared browser, runs after raw native Background Fetch
 * jobs wrote their records slower: at 40 MB/s, 256 MiB, the fallback's
 * record landed 0.9–1.5 s after the last byte in 8 of 8 rounds with
 * native-raw in the session, 0.36–0.43 s in 8 of 8 without it (A: about
 * 0.3 s; once 1.0 s after a native-raw run). Apps do not run the two
 * together: the fallback runs where native Background Fetch does not. The
 * native rows' ratios to A use the A runs of the same round number.
 */
export function sessionsOf(variants: Variant[]): Variant[][] {
  const isNative = (v: Variant) => v.queue === 'raw' || v.queue === 'native';
  return [variants.filter((v) => !isNative(v)), variants.filter(isNative)].filter(
    (group) => group.length > 0,
  );
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
