/*
  Runs a generated service worker script in a Node `vm` context that looks
  enough like a ServiceWorkerGlobalScope for Workbox's start-up code:
  listeners, importScripts (from the worker's folder), location,
  registration, clients and the fetch API classes of Node.
*/
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import * as vm from 'node:vm';

type Listener = (event: unknown) => void;

/** A worker running in a vm context. */
export interface FakeWorker {
  /** The worker's global object. */
  // biome-ignore lint/suspicious/noExplicitAny: the vm sandbox's global object; tests reach into whatever the worker script defined on it.
  self: Record<string, any>;
  /** Listeners added by the worker, by event type. */
  listeners: Map<string, Listener[]>;
  /** Scripts loaded with importScripts(), in order. */
  imported: string[];
  /** Dispatches a fetch event; resolves with what respondWith() got, if any. */
  dispatchFetch(url: string): Promise<unknown>;
}

class FakeExtendableEvent {
  readonly type: string;
  readonly promises: Promise<unknown>[] = [];
  constructor(type: string) {
    this.type = type;
  }
  waitUntil(promise: Promise<unknown>): void {
    this.promises.push(promise);
  }
}

class FakeFetchEvent extends FakeExtendableEvent {
  readonly request: Request;
  response?: Promise<unknown>;
  constructor(type: string, init: {request: Request}) {
    super(type);
    this.request = init.request;
  }
  respondWith(response: Promise<unknown>): void {
    this.response = Promise.resolve(response);
  }
}

/** An in-memory CacheStorage: enough for Workbox strategies. */
function fakeCaches(): Record<string, unknown> {
  const stores = new Map<string, Map<string, Response>>();
  const key = (request: Request | string) => (typeof request === 'string' ? request : request.url);
  const open = async (name: string) => {
    const store = stores.get(name) ?? new Map<string, Response>();
    stores.set(name, store);
    return {
      match: async (request: Request | string) => store.get(key(request))?.clone(),
      put: async (request: Request | string, response: Response) => {
        store.set(key(request), response);
      },
      delete: async (request: Request | string) => store.delete(key(request)),
      keys: async () => [...store.keys()].map((url) => new Request(url)),
    };
  };
  return {
    open,
    has: async (name: string) => stores.has(name),
    delete: async (name: string) => stores.delete(name),
    keys: async () => [...stores.keys()],
    match: async (request: Request | string) => {
      for (const store of stores.values()) {
        const found = store.get(key(request));
        if (found) {
          return found.clone();
        }
      }
      return undefined;
    },
  };
}

/**
 * Loads `swPath` as a service worker of `origin` (served at `/sw.js`), and
 * waits for its start-up microtasks (workbox-build's module loader runs the
 * worker's body in one).
 *
 * @param swPath The worker script.
 * @param origin The origin the worker runs at.
 */
export async function runWorker(
  swPath: string,
  origin = 'https://app.example',
): Promise<FakeWorker> {
  const listeners = new Map<string, Listener[]>();
  const imported: string[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: the global object of the worker script run in the vm (see FakeWorker.self).
  const sandbox: Record<string, any> = {
    console,
    setTimeout,
    clearTimeout,
    queueMicrotask,
    URL,
    URLSearchParams,
    Request,
    Response,
    Headers,
    Blob,
    TextEncoder,
    TextDecoder,
    AbortController,
    DOMException,
    ExtendableEvent: FakeExtendableEvent,
    FetchEvent: FakeFetchEvent,
    fetch: () => Promise.reject(new TypeError('no network in tests')),
    caches: fakeCaches(),
    location: new URL('/sw.js', origin),
    navigator: {userAgent: 'node'},
    registration: {scope: `${origin}/`},
    clients: {
      claim: async () => undefined,
      matchAll: async () => [],
      openWindow: async () => null,
    },
    skipWaiting: async () => undefined,
    addEventListener(type: string, listener: Listener) {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    },
    removeEventListener() {},
  };
  sandbox.self = sandbox;
  const context = vm.createContext(sandbox);
  sandbox.importScripts = (...urls: string[]) => {
    for (const url of urls) {
      // The worker is served at /sw.js: map URLs to files next to swPath.
      const {pathname} = new URL(url, sandbox.location.href);
      const file = join(dirname(swPath), decodeURIComponent(pathname.slice(1)));
      imported.push(pathname.slice(1));
      vm.runInContext(readFileSync(file, 'utf8'), context, {filename: file});
    }
  };
  vm.runInContext(readFileSync(swPath, 'utf8'), context, {filename: swPath});
  await new Promise((resolve) => setImmediate(resolve));
  return {
    self: sandbox,
    listeners,
    imported,
    async dispatchFetch(url: string) {
      const event = new FakeFetchEvent('fetch', {request: new Request(new URL(url, origin))});
      for (const listener of listeners.get('fetch') ?? []) {
        listener(event);
      }
      return event.response;
    },
  };
}
