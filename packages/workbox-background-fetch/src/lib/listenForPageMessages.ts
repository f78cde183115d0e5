import {allQueues, findQueue, listedQueues} from './queueRegistry.js';
import {delay} from './fallback/wait.js';
import {createError} from './models/createError.js';
import {settlingJob} from './settlingJobs.js';
import {deserializeRequest, serializeError, serializeRequest} from './serialization.js';
import type {HelloReply, PageToWorkerMessage, Reply, SerializedRecord} from '../protocol.js';
import type {BackgroundFetchRecord} from '../types.js';

declare const self: ServiceWorkerGlobalScope;

let listening = false;

/** How long one `waitFor` request waits before it answers 'pending' (the page asks again). */
const RECORD_WAIT_MS = 20000;

async function serializeRecord(record: BackgroundFetchRecord): Promise<SerializedRecord> {
  const request = await serializeRequest(record.request);
  // Ask without waiting: a record still downloading is reported as pending.
  try {
    const response = await Promise.race([
      record.responseReady,
      Promise.resolve().then(() => undefined),
    ]);
    if (response === undefined) {
      return {request, error: 'pending'};
    }
    return {
      request,
      response: {
        url: response.url,
        status: response.status,
        statusText: response.statusText,
        headers: [...response.headers],
        body: await response.blob(),
      },
    };
  } catch (error) {
    return {request, error: (error as Error).name};
  }
}

async function answer(message: PageToWorkerMessage): Promise<unknown> {
  if (message.type === 'WBF_HELLO') {
    const reply: HelloReply = {queues: listedQueues().map((queue) => queue._info())};
    return reply;
  }
  if (message.type === 'WBF_PING') {
    return null;
  }
  const queue = findQueue(message.queue);
  if (!queue) {
    throw createError('unknown-queue', {
      name: message.queue,
      known: listedQueues().map(({name}) => name),
    });
  }
  switch (message.type) {
    case 'WBF_FETCH': {
      const registration = await queue._fetchWithFallback(
        message.id,
        message.requests.map(deserializeRequest),
        message.options,
      );
      return registration.snapshot();
    }
    case 'WBF_GET':
      return (await queue.get(message.id))?.snapshot() ?? null;
    case 'WBF_GET_IDS':
      return queue.getIds();
    case 'WBF_ABORT': {
      const registration = await queue.get(message.id);
      return registration ? registration.abort() : false;
    }
    case 'WBF_PAUSE':
    case 'WBF_RESUME':
      return queue._setPaused(message.id, message.type === 'WBF_PAUSE');
    case 'WBF_MATCH_ALL': {
      // Records stay readable while the job settles (its callback runs).
      const registration =
        (await (queue._withRecords ?? queue.get).call(queue, message.id)) ??
        settlingJob(queue.name, message.id);
      if (!registration) {
        throw createError('records-unavailable', {id: message.id}, 'InvalidStateError');
      }
      const records = await registration.matchAll(
        message.request && deserializeRequest(message.request),
        message.options,
      );
      if (message.waitFor !== undefined) {
        // One record the page saw pending: wait (a while) for its response.
        const record = records[message.waitFor];
        if (!record) {
          return [];
        }
        await Promise.race([record.responseReady.catch(() => undefined), delay(RECORD_WAIT_MS)]);
        return [await serializeRecord(record)];
      }
      return Promise.all(records.map(serializeRecord));
    }
    // The polyfill's hidden queue keeps no library: it answers as an empty one.
    case 'WBF_LIBRARY_LIST':
      return (await queue.library?.list()) ?? [];
    case 'WBF_LIBRARY_GET':
      return (await queue.library?.get(message.id)) ?? null;
    case 'WBF_LIBRARY_REMOVE':
      return (await queue.library?.remove(message.id)) ?? false;
    case 'WBF_LIBRARY_PREPARE':
      return queue.library?._prepare(message.id, message.options);
    case 'WBF_LIBRARY_FORGET':
      return queue.library?._forget(message.id);
  }
}

/**
 * Answers the window package's messages (see protocol.ts), once per worker
 * whatever the number of queues. Every such message also wakes unfinished
 * fallback jobs and keeps the worker alive while they run: an open page
 * pings while it watches a download.
 *
 * @private
 */
export function listenForPageMessages(): void {
  if (listening) {
    return;
  }
  listening = true;
  self.addEventListener('message', (event) => {
    const message = event.data as PageToWorkerMessage | undefined;
    if (typeof message?.type !== 'string' || !message.type.startsWith('WBF_')) {
      return;
    }
    // The library's own messages are not the app's: its message handlers
    // never see them (this listener is added before the app's).
    event.stopImmediatePropagation();
    for (const queue of allQueues()) {
      queue._keepAlive(event);
    }
    const port = event.ports[0];
    event.waitUntil(
      answer(message).then(
        (value) => port?.postMessage({ok: true, value} satisfies Reply<unknown>),
        (error: unknown) =>
          port?.postMessage({ok: false, error: serializeError(error)} satisfies Reply<unknown>),
      ),
    );
  });
}
