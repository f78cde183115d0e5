import {createWindowError} from './models/createWindowError.js';
import {diagnoseWorkerScript} from './diagnoseWorkerScript.js';

/** How often the page's registration is looked up while none is active. */
const POLL_MS = 100;
/** The longest a failed install's diagnosis (fetching the script) may take. */
const DIAGNOSIS_MS = 5000;

/** Options of `waitForActiveWorker()`. @private */
export interface WaitForActiveWorkerOptions {
  /** Milliseconds until a missing or stuck worker is an error. */
  timeout: number;
  /** A script to register first (`navigator.serviceWorker.register()`). */
  serviceWorker?: string | URL;
  /** The scope to register it with. */
  scope?: string;
}

/** Why the script at `url` failed, within DIAGNOSIS_MS ('' when unknown). */
function diagnose(url: string): Promise<string> {
  return Promise.race([
    diagnoseWorkerScript(url),
    new Promise<string>((resolve) => setTimeout(() => resolve(''), DIAGNOSIS_MS)),
  ]);
}

async function installFailed(url: string, fallbackCause = ''): Promise<Error> {
  return createWindowError('worker-install-failed', {
    url,
    cause: (await diagnose(url)) || fallbackCause,
  });
}

/**
 * Resolves with the page's service worker registration once it has an active
 * worker (as `navigator.serviceWorker.ready` does), but never waits for
 * ever: rejects with an error that says what to fix when the worker failed
 * to install (naming its script URL and, when fetching it tells, why), when
 * no registration covers the page, or when the worker is still not active
 * after `timeout`.
 *
 * Limits: a script that fails before it installs (404, an error thrown while
 * it starts, a missing `importScripts()` file) leaves no registration behind,
 * so its URL is known only when `serviceWorker` is given (this function then
 * registers it) or when the page saw its installing worker.
 *
 * @private
 */
export async function waitForActiveWorker({
  timeout,
  serviceWorker,
  scope,
}: WaitForActiveWorkerOptions): Promise<ServiceWorkerRegistration> {
  const container = navigator.serviceWorker;
  let registered: ServiceWorkerRegistration | undefined;
  let registeredUrl: string | undefined;
  if (serviceWorker !== undefined) {
    registeredUrl = new URL(String(serviceWorker), location.href).href;
    try {
      registered = await container.register(registeredUrl, scope === undefined ? {} : {scope});
    } catch (error) {
      throw await installFailed(registeredUrl, (error as Error).message);
    }
  }
  return new Promise<ServiceWorkerRegistration>((resolve, reject) => {
    let done = false;
    let poll: ReturnType<typeof setTimeout> | undefined;
    let seen: ServiceWorkerRegistration | undefined;
    let lastWorkerUrl = registeredUrl;
    const watched = new WeakSet<ServiceWorker>();
    const stop = () => {
      done = true;
      clearTimeout(timer);
      clearTimeout(poll);
    };
    const succeed = (registration: ServiceWorkerRegistration) => {
      if (!done) {
        stop();
        resolve(registration);
      }
    };
    const fail = (error: Promise<Error>) => {
      if (!done) {
        stop();
        error.then(reject, reject);
      }
    };
    const watch = (registration: ServiceWorkerRegistration) => {
      seen = registration;
      for (const worker of [registration.installing, registration.waiting]) {
        if (!worker || watched.has(worker)) {
          continue;
        }
        watched.add(worker);
        lastWorkerUrl = worker.scriptURL;
        const onState = () => {
          if (worker.state === 'activated') {
            succeed(registration);
          } else if (worker.state === 'redundant' && !registration.active) {
            fail(installFailed(worker.scriptURL));
          }
        };
        worker.addEventListener('statechange', onState);
        onState();
      }
    };
    const check = async () => {
      let registration: ServiceWorkerRegistration | undefined;
      try {
        registration = await (registered
          ? container.getRegistration(registered.scope)
          : container.getRegistration());
      } catch {
        registration = undefined;
      }
      if (done) {
        return;
      }
      if (registration?.active) {
        succeed(registration);
        return;
      }
      if (registration) {
        watch(registration);
      } else if (seen && lastWorkerUrl) {
        // It was there, never got an active worker, and is gone: its first
        // install failed (the browser drops such registrations).
        fail(installFailed(lastWorkerUrl));
        return;
      }
      poll = setTimeout(check, POLL_MS);
    };
    const timer = setTimeout(() => {
      const worker = seen?.installing ?? seen?.waiting;
      if (worker) {
        fail(
          Promise.resolve(
            createWindowError('worker-not-activated', {
              url: worker.scriptURL,
              state: worker.state,
              timeout,
            }),
          ),
        );
        return;
      }
      fail(
        container.getRegistrations().then(
          (all) =>
            createWindowError('no-registration', {
              timeout,
              page: location.href,
              scopes: all.map((r) => r.scope),
            }),
          () => createWindowError('no-registration', {timeout, page: location.href, scopes: []}),
        ),
      );
    }, timeout);
    if (registered) {
      watch(registered);
    } else {
      container.ready.then(succeed, () => undefined);
    }
    void check();
  });
}
