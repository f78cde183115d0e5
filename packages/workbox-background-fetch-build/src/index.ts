/*
  workbox-background-fetch-build: workbox-build with Background Fetch.
*/
export {generateSW} from './generate-sw.js';
export {injectManifest} from './inject-manifest.js';
export {backgroundFetchPlugin} from './background-fetch-plugin.js';
export {copyBackgroundFetchLibraries} from './copy-libraries.js';
export {BackgroundFetchConfigError} from './lib/config-error.js';
export type {
  BackgroundFetchConfig,
  BackgroundFetchIconConfig,
  BackgroundFetchJobOptionsConfig,
  BackgroundFetchPluginConfig,
  BackgroundFetchPluginResult,
  BackgroundFetchQueueConfig,
  BackgroundFetchRouteConfig,
  BackgroundFetchRuntimeCaching,
  BackgroundFetchUIConfig,
  BuildResult,
  BundleConfig,
  GenerateSWConfig,
  InjectManifestConfig,
  ResponseConfig,
  SerializablePlugin,
} from './types.js';
