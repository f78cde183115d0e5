/*
  A stand-in for the workbox-background-fetch runtime, installed in a temp
  folder's node_modules, so generated workers can be bundled and run in
  Node without the real runtime's build. It records what the generated
  code does with it on `self.stubRuntime`.
*/
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export const STUB_RUNTIME_SOURCE = `
import {getOrCreateDefaultRouter} from 'workbox-routing/utils/getOrCreateDefaultRouter.js';

const log = (self.stubRuntime = self.stubRuntime || {queues: [], plugins: [], events: []});

export class BackgroundFetchQueue {
  constructor(name, options = {}) {
    if (log.queues.some((queue) => queue.name === name)) {
      throw Object.assign(new Error('duplicate ' + name), {code: 'duplicate-queue-name'});
    }
    this.name = name;
    this.options = options;
    log.queues.push(this);
    log.events.push('queue:' + name);
  }
  /** Where the real runtime would write a record of this URL. */
  destinationOf(url) {
    const router = this.options.router || getOrCreateDefaultRouter();
    const request = new Request(url);
    const parsed = new URL(url);
    const {route} = router.findMatchingRoute({
      url: parsed,
      sameOrigin: parsed.origin === self.location.origin,
      request,
      event: {},
    });
    return route ? route.handler : undefined;
  }
}

export class BackgroundFetchPlugin {
  constructor(queue, options = {}) {
    this.queue = queue;
    this.options = options;
    log.plugins.push(this);
    this.fetchDidFail = async ({originalRequest}) => {
      log.events.push('fetchDidFail:' + originalRequest.url);
    };
    this.handlerDidError = async () => {
      const response = this.options.responseWhileQueued;
      return response ? response.clone() : undefined;
    };
  }
}

export function backgroundFetchRecipe() {}
`;

/**
 * Creates `<temp>/node_modules/workbox-background-fetch` holding the stub.
 *
 * @return The temp folder (give it as a resolve folder).
 */
export function createStubRuntime(): string {
  const root = mkdtempSync(join(tmpdir(), 'wbf-stub-runtime-'));
  const dir = join(root, 'node_modules', 'workbox-background-fetch');
  mkdirSync(dir, {recursive: true});
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'workbox-background-fetch',
      version: '0.1.0',
      type: 'module',
      main: 'index.js',
    }),
  );
  writeFileSync(join(dir, 'index.js'), STUB_RUNTIME_SOURCE);
  return root;
}
