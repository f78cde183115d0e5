/*
  workbox-background-fetch-window: a drop-in BackgroundFetchManager for pages.
*/
export {backgroundFetchManager} from './backgroundFetchManager.js';
export {WindowBackgroundFetchManager} from './WindowBackgroundFetchManager.js';
export {WindowRegistration} from './WindowRegistration.js';
export {WindowDownloadLibrary} from './WindowDownloadLibrary.js';
export {DownloadLibraryChangeEvent} from './DownloadLibraryChangeEvent.js';
export type {WindowDownloadLibraryEventMap} from './DownloadLibraryChangeEvent.js';
export type {WindowBackgroundFetchOptions} from './WindowBackgroundFetchManager.js';
export type {DownloadEntry, DownloadEntryRecord} from 'workbox-background-fetch/internal';
export type {BackgroundFetchManagerOptions} from './backgroundFetchManager.js';
export type {WindowMessageKey} from './lib/models/messages.js';
export type {
  BackgroundFetchFailureReason,
  BackgroundFetchOptions,
  BackgroundFetchRecord,
  BackgroundFetchRegistration,
  BackgroundFetchResult,
} from 'workbox-background-fetch/types';
