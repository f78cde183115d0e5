/*
  Every error this package throws, by code. A misspelt code fails to compile.
  The texts say what went wrong and how to fix it. As in Workbox, they are
  for development: production builds drop this map, and an error's message
  there is its code and details (`messageGenerator.ts`); `error.code` and
  the spec's error type (`error.name`) are the same in both.
*/

type Details = Record<string, unknown>;
type MessageFn = (details: Details) => string;

/** A value as it reads in a message: strings quoted. @private */
export const str = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : String(value);

export const messages = {
  'invalid-id': ({id}) => `The background fetch id must be a non-empty string, got ${str(id)}.`,
  'empty-requests': () =>
    `A background fetch needs at least one request; the request list is empty.`,
  'no-cors-request': ({url}) =>
    `Background fetch cannot download ${str(url)}: its request mode is ` +
    `'no-cors'. Use a 'cors' or 'same-origin' request.`,
  'unsupported-scheme': ({url}) =>
    `Background fetch only downloads http(s) URLs; ${str(url)} is not one.`,
  'bad-port': ({url}) =>
    `Background fetch cannot download ${str(url)}: browsers block requests ` +
    `to that port (the Fetch standard's "bad ports"). Serve it on another port.`,
  'dangling-markup': ({url}) =>
    `Background fetch refuses ${str(url)}: the URL was written with a newline ` +
    `and a '<', which browsers block as dangling markup. Remove the newline.`,
  'duplicate-id': ({id}) =>
    `A background fetch with id ${str(id)} is still active. Wait for it to ` +
    `finish, abort it, or pick another id.`,
  'invalid-download-total': ({downloadTotal}) =>
    `downloadTotal must be a non-negative integer, got ${str(downloadTotal)}.`,
  'no-active-worker': () =>
    `Background fetch needs an active service worker: register one and wait ` +
    `for navigator.serviceWorker.ready.`,
  'invalid-queue-name': ({name}) =>
    `A BackgroundFetchQueue needs a non-empty string name, got ${str(name)}.`,
  'duplicate-queue-name': ({name}) =>
    `A BackgroundFetchQueue named ${str(name)} already exists in this ` +
    `service worker. Create each queue once, at the top level of the worker.`,
  'no-window-client': ({id}) =>
    `Cannot start native background fetch ${str(id)} from the service ` +
    `worker: Chrome only starts them from a page, and no open page of this ` +
    `origin could (none is open, or none loaded workbox-background-fetch-window).`,
  'native-ended-at-once': ({id}) =>
    `Background fetch ${str(id)} ended before the page that started it ` +
    `answered (a tiny download): its end event reports the result.`,
  'client-timeout': ({id}) =>
    `No open page answered the request to start background fetch ` +
    `${str(id)} in time. Load workbox-background-fetch-window in your pages.`,
  'unknown-queue': ({name, known}) =>
    `The service worker has no BackgroundFetchQueue named ${str(name)}. ` +
    `Queues it has: ${(known as string[]).join(', ') || '(none)'}.`,
  'ambiguous-queue': ({known}) =>
    `The service worker has several BackgroundFetchQueues ` +
    `(${(known as string[]).join(', ')}); pass {queue: name} to ` +
    `backgroundFetchManager().`,
  'records-unavailable': ({id}) =>
    `The records of background fetch ${str(id)} are no longer available: ` +
    `read them in the success or fail handler, or from the cache they were ` +
    `stored in.`,
  'event-not-active': ({type}) =>
    `waitUntil() was called on a ${str(type)} event that is no longer active: ` +
    `call it while the handler runs, or from a promise given to waitUntil().`,
  'update-ui-not-allowed': () =>
    `updateUI() may be called once per event, while the event is active.`,
  'queue-not-found-for-plugin': ({name}) =>
    `BackgroundFetchPlugin was given the queue name ${str(name)}, but no ` +
    `BackgroundFetchQueue of that name exists. Create the queue first.`,
  'quota-exceeded': ({id, downloadTotal}) =>
    `Background fetch ${str(id)} needs ${str(downloadTotal)} bytes, more than ` +
    `the storage left to this origin (navigator.storage.estimate()).`,
  'storage-miscounted': ({id}) =>
    `Background fetch ${str(id)} could not be stored: the browser refuses every write of ` +
    `this origin, as it counts more storage used than any device holds ` +
    `(navigator.storage.estimate().usage). Firefox was seen doing so after it was killed ` +
    `during a large write; its count is right again once the browser restarts.`,
  'storage-timeout': ({seconds}) =>
    `The stored fallback downloads (IndexedDB) did not answer within ${str(seconds)} s. ` +
    `WebKit was seen keeping IndexedDB waiting for good behind a worker terminated ` +
    `during a write; restarting the browser ends it.`,
  'chunk-write-timeout': ({url, bytes, seconds}) =>
    `A part of ${str(url)} (${str(bytes)} bytes) was not stored within ${str(seconds)} s: ` +
    `the chunk store (IndexedDB or Cache Storage) did not answer. Its bytes are fetched ` +
    `again, and the download fails once its maxAttempts are spent.`,
  'chunk-read-timeout': ({seconds}) =>
    `A stored part of a download was not read within ${str(seconds)} s: the chunk store ` +
    `(IndexedDB or Cache Storage) did not answer. A resuming job fetches the part again; ` +
    `a record that needs it is not cached, and its job fails.`,
  'chunk-delete-timeout': ({seconds}) =>
    `The stored parts of a download were not deleted within ${str(seconds)} s: the chunk ` +
    `store (IndexedDB or Cache Storage) did not answer. The job's events still run; a worker ` +
    `of this scope deletes the parts when it starts again.`,
  'download-aborted': ({id, url}) =>
    `Background fetch ${str(id)} was aborted before ${str(url)} was complete.`,
  'download-failed': ({id, url}) => `Background fetch ${str(id)} could not download ${str(url)}.`,
  'invalid-recipe-options': ({missing}) =>
    missing === 'queue'
      ? "backgroundFetchRecipe(): `queue` is required: a name like 'downloads', or {name, ...options}."
      : 'backgroundFetchRecipe(): give exactly one of `matchCallback` (a function) or ' +
        '`urlPattern` (a RegExp or URL string) to say which requests the route serves.',
  'invalid-fallback-option': ({key, expected, value}) =>
    `The fallback option ${str(key)} must be ${str(expected)}, got ${str(value)}.`,
} satisfies Record<string, MessageFn>;

/** The code of every error this package raises. */
export type MessageKey = keyof typeof messages;
