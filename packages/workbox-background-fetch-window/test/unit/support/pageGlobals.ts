/*
  A page's globals for Node unit tests of workbox-background-fetch-window,
  faked at their edges: `navigator.serviceWorker` (registrations, their
  workers, and workers that answer messages the way the library's worker
  does: a reply on the transferred MessagePort), `navigator.storage`,
  `location`, an empty `document`, `fetch` (`serve`), and BroadcastChannel in memory (the
  worker's broadcasts are posted on it by the test).
*/
import {FakeBroadcastChannel} from '../../../../workbox-background-fetch/test/unit/support/fakeBroadcastChannel';
import {
  defineGlobal,
  loadIsolated,
  restoreGlobals,
} from '../../../../workbox-background-fetch/test/unit/support/globals';

/** What a fake worker answers a message with; `NO_REPLY` never answers. */
export const NO_REPLY = Symbol('no reply');
export type Answer = (message: {type: string; [key: string]: unknown}) => unknown;

/** A `ServiceWorker`: records what it is sent and answers through `answer`. */
export class FakeServiceWorker extends EventTarget {
  readonly scriptURL: string;
  state: ServiceWorkerState;
  /** Every message posted to it, in order. */
  readonly received: Array<{type: string; [key: string]: unknown}> = [];
  answer: Answer;

  constructor(scriptURL: string, state: ServiceWorkerState, answer: Answer = () => NO_REPLY) {
    super();
    this.scriptURL = scriptURL;
    this.state = state;
    this.answer = answer;
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    const data = structuredClone(message) as {type: string; [key: string]: unknown};
    this.received.push(data);
    const port = transfer[0] as MessagePort | undefined;
    void (async () => {
      let reply: unknown;
      try {
        const value = await this.answer(data);
        if (value === NO_REPLY) {
          port?.close(); // The page's side waits for its timeout; Node may exit.
          return;
        }
        reply = {ok: true, value};
      } catch (error) {
        reply = {
          ok: false,
          error: {name: (error as Error).name, message: (error as Error).message},
        };
      }
      port?.postMessage(reply);
      port?.close();
    })();
  }

  /** Moves to `state` and fires `statechange`. */
  setState(state: ServiceWorkerState): void {
    this.state = state;
    this.dispatchEvent(new Event('statechange'));
  }

  /** Messages of `type` it received. */
  messages(type: string): Array<{type: string; [key: string]: unknown}> {
    return this.received.filter((message) => message.type === type);
  }
}

/** A `ServiceWorkerRegistration`. */
export interface FakeRegistration {
  scope: string;
  active: FakeServiceWorker | null;
  installing: FakeServiceWorker | null;
  waiting: FakeServiceWorker | null;
  backgroundFetch?: unknown;
}

export const PAGE_ORIGIN = 'https://app.test';
export const PAGE_URL = `${PAGE_ORIGIN}/player/index.html`;

/** The fake page, for a test to steer and read. */
export interface PageWorld {
  registrations: FakeRegistration[];
  /** What `navigator.serviceWorker.register()` does (default: rejects). */
  register: (url: string, options: RegistrationOptions) => Promise<FakeRegistration>;
  /** Resolves `navigator.serviceWorker.ready`. */
  ready(registration: FakeRegistration): void;
  container: EventTarget & Record<string, unknown>;
  storage: {persisted?: () => Promise<boolean>; persist?: () => Promise<boolean>} | undefined;
  /** The server behind `fetch` (default: every URL answers 404). */
  serve: (url: string) => Response | Promise<Response>;
}

/** A registration of `scope` with `active` as its active worker. */
export function registrationWith(
  active: FakeServiceWorker | null,
  scope = `${PAGE_ORIGIN}/`,
): FakeRegistration {
  return {scope, active, installing: null, waiting: null};
}

/**
 * Installs a page at PAGE_URL. `serviceWorker: false` leaves
 * `navigator.serviceWorker` out (an insecure context).
 */
export function installPageGlobals({
  serviceWorker = true,
}: {
  serviceWorker?: boolean;
} = {}): PageWorld {
  let resolveReady!: (registration: FakeRegistration) => void;
  const ready = new Promise<FakeRegistration>((resolve) => (resolveReady = resolve));
  const world: PageWorld = {
    registrations: [],
    register: async (url) => {
      throw new TypeError(`Failed to register a ServiceWorker: ${url} could not be fetched.`);
    },
    ready: resolveReady,
    container: new EventTarget() as PageWorld['container'],
    storage: undefined,
    serve: () => new Response('Not found', {status: 404}),
  };
  const inScope = (url: string) =>
    world.registrations
      .filter((registration) => url.startsWith(registration.scope))
      .sort((a, b) => b.scope.length - a.scope.length)[0];
  Object.assign(world.container, {
    ready,
    register: (url: string, options: RegistrationOptions = {}) => world.register(url, options),
    getRegistration: async (url = PAGE_URL) => inScope(new URL(url, PAGE_URL).href),
    getRegistrations: async () => [...world.registrations],
    startMessages: () => undefined,
  });
  defineGlobal('self', globalThis);
  defineGlobal('location', new URL(PAGE_URL));
  defineGlobal('navigator', {
    ...(serviceWorker ? {serviceWorker: world.container} : {}),
    get storage() {
      return world.storage;
    },
  });
  defineGlobal('document', {querySelectorAll: () => []});
  defineGlobal('fetch', async (input: RequestInfo | URL) =>
    world.serve(input instanceof Request ? input.url : new URL(String(input), PAGE_URL).href),
  );
  defineGlobal('BroadcastChannel', FakeBroadcastChannel);
  return world;
}

/** A page on fake timers whose registration has an active worker (that answers nothing yet). */
export function installPageWithWorker(): {
  world: PageWorld;
  worker: FakeServiceWorker;
  registration: FakeRegistration;
} {
  usePageTimers();
  const world = installPageGlobals();
  const worker = new FakeServiceWorker(`${PAGE_ORIGIN}/sw.js`, 'activated');
  const registration = registrationWith(worker);
  world.registrations.push(registration);
  return {world, worker, registration};
}

/** Ends a page test: real timers, the globals put back. */
export function removePage(): void {
  jest.useRealTimers();
  restoreGlobals();
}

/** Puts back what `installPageGlobals` replaced and disconnects every fake channel. */
export const removePageGlobals = restoreGlobals;

/** Loads page code as a newly loaded page (see `loadIsolated`); after `installPageGlobals`. */
export const loadPageModule = loadIsolated;

/** Posts `message` on BroadcastChannel `name` as the worker does. */
export function broadcastFromWorker(name: string, message: unknown): void {
  const channel = new FakeBroadcastChannel(name);
  channel.postMessage(message);
  channel.close();
}

/** Lets the channel messages posted so far arrive (they are queued as microtasks). */
export function delivered(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Fake timers for a page test: the 10 s keep-awake pings and 30 s reply
 * timeouts never outlive it; channel deliveries and ports stay real.
 */
export function usePageTimers(): void {
  jest.useFakeTimers({doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate', 'clearImmediate']});
}
