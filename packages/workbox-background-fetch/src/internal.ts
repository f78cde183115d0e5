/**
 * workbox-background-fetch/internal: NOT A PUBLIC API.
 *
 * What workbox-background-fetch-window shares with this package: the wire
 * types of the page <-> worker protocol (`protocol.ts`: messages, snapshots,
 * serialized requests and records, channel names) and the runtime helpers
 * both sides run (argument checks, errors, serialization, the native-API
 * polyfill's classes). It changes with the two packages, which are released
 * together at the same version: apps import `workbox-background-fetch` and
 * `workbox-background-fetch-window` only.
 *
 * @packageDocumentation
 */
export * from './protocol.js';
export {normalizeFetchArguments} from './lib/normalizeFetchArguments.js';
export {toJobId, fromJobId} from './lib/jobId.js';
export {assertNewId} from './lib/assertNewId.js';
export {startsWithFallback, usesNative} from './lib/chooseBackend.js';
export {buildError, createError} from './lib/models/createError.js';
export {codeMessage} from './lib/models/messageGenerator.js';
export {SnapshotRegistration} from './lib/SnapshotRegistration.js';
export {askClient} from './lib/askClient.js';
export {responseWithUrl} from './lib/responseWithUrl.js';
export {matchAllNative, nativeTotals} from './lib/native/readNative.js';
export {
  deserializeError,
  deserializeRequest,
  serializeError,
  serializeRequest,
} from './lib/serialization.js';
export {nativeManagerOf, nativeWorks} from './lib/polyfill/nativeManager.js';
export {defineGlobal} from './lib/polyfill/defineGlobal.js';
export {defineQuotaExceededError} from './lib/polyfill/QuotaExceededError.js';
export {BackgroundFetchManager, createPolyfillManager} from './lib/polyfill/PolyfillManager.js';
export {
  BackgroundFetchRecord,
  BackgroundFetchRegistration,
} from './lib/polyfill/PolyfillRegistration.js';
export type {PolyfillDriver, PolyfillJob} from './lib/polyfill/PolyfillManager.js';
export type {ErrorKind} from './lib/models/createError.js';
export type {NormalizedFetchArguments} from './lib/normalizeFetchArguments.js';
export type {DownloadEntry, DownloadEntryRecord} from './lib/library/DownloadEntry.js';
