/*
  Replacing globals for one test and loading code under test in a fresh
  module registry: shared by the worker fakes (workerGlobals.ts) and the
  page fakes (workbox-background-fetch-window's pageGlobals.ts).
*/
import {FakeBroadcastChannel} from './fakeBroadcastChannel';

let saved: Map<string, PropertyDescriptor | undefined> | null = null;

/** Globals `names` are put back as they are now by `restoreGlobals()` (code under test sets them). */
export function saveGlobals(...names: string[]): void {
  saved ??= new Map();
  for (const name of names) {
    if (!saved.has(name)) {
      saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    }
  }
}

/** Sets global `name` to `value` until `restoreGlobals()`. */
export function defineGlobal(name: string, value: unknown): void {
  saveGlobals(name);
  Object.defineProperty(globalThis, name, {value, configurable: true, writable: true});
}

/** Puts back every global `defineGlobal` replaced and disconnects every fake channel. */
export function restoreGlobals(): void {
  FakeBroadcastChannel.disconnectAll();
  for (const [name, descriptor] of saved ?? []) {
    if (descriptor) {
      Object.defineProperty(globalThis, name, descriptor);
    } else {
      delete (globalThis as Record<string, unknown>)[name];
    }
  }
  saved = null;
}

/**
 * `load()` (which `require`s the code under test) in a fresh module
 * registry: a newly started worker or page, whose module-level state (open
 * stores, listeners, channels) starts empty while the fake stores it finds
 * are kept. Call after the globals are in place (Workbox reads `self` as it
 * loads).
 */
export function loadIsolated<T>(load: () => T): T {
  let loaded: T | undefined;
  jest.isolateModules(() => {
    loaded = load();
  });
  return loaded!;
}
