/*
  workbox-background-fetch: Background Fetch for Workbox service workers.
*/
export {BackgroundFetchQueue} from './BackgroundFetchQueue.js';
export {BackgroundFetchPlugin} from './BackgroundFetchPlugin.js';
export {DownloadLibrary} from './DownloadLibrary.js';
export type {DownloadEntry, DownloadEntryRecord} from './lib/library/DownloadEntry.js';
export {
  backgroundFetchRecipe,
  type BackgroundFetchRecipeOptions,
  type BackgroundFetchRecipeResult,
} from './backgroundFetchRecipe.js';
export type {
  BackgroundFetchQueueCallback,
  BackgroundFetchQueueEvent,
  BackgroundFetchQueueOptions,
} from './BackgroundFetchQueue.js';
export type {BackgroundFetchPluginOptions} from './BackgroundFetchPlugin.js';
export type {SnapshotRegistration} from './lib/SnapshotRegistration.js';
export type {BackendKind, RegistrationSnapshot} from './protocol.js';
export type {
  BackgroundFetchEvent,
  BackgroundFetchFailureReason,
  BackgroundFetchManager,
  BackgroundFetchOptions,
  BackgroundFetchRecord,
  BackgroundFetchRegistration,
  BackgroundFetchResult,
  BackgroundFetchUIOptions,
  BackgroundFetchUpdateUIEvent,
  ImageResource,
} from './types.js';
