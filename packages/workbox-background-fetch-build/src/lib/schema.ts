import {types} from 'node:util';
import {z} from 'zod';
import type {
  BackgroundFetchConfig,
  BackgroundFetchPluginConfig,
  BackgroundFetchQueueConfig,
  BackgroundFetchRouteConfig,
  BundleConfig,
} from '../types.js';

/*
  The zod schemas of what this package adds to workbox-build's configs. Each
  is locked to its hand-written type (types.ts, which carries the docs) by a
  type-level equality check at the end: a schema and its type cannot drift.
*/

const iconSchema = z
  .object({
    src: z.string(),
    sizes: z.string().optional(),
    type: z.string().optional(),
    label: z.string().optional(),
  })
  .strict();

const uiSchema = z
  .object({
    title: z.string().optional(),
    icons: z.array(iconSchema).optional(),
  })
  .strict();

/** One queue of `backgroundFetch.queues`. @private */
export const queueSchema = z
  .object({
    name: z.string().min(1, 'must not be empty'),
    cacheName: z.string().min(1, 'must not be empty').optional(),
    forceFallback: z.boolean().optional(),
    nativeFailover: z.boolean().optional(),
    fallback: z.record(z.union([z.number(), z.boolean(), z.string()])).optional(),
    successUI: uiSchema.optional(),
    failUI: uiSchema.optional(),
    clickUrl: z.string().optional(),
  })
  .strict();

/** The top-level `backgroundFetch` section. @private */
export const backgroundFetchSchema = z
  .object({
    queues: z.array(queueSchema),
  })
  .strict();

const responseSchema = z
  .object({
    body: z.string().optional(),
    status: z.number().int().min(200).max(599).optional(),
    headers: z.record(z.string()).optional(),
  })
  .strict();

const jobOptionsSchema = z
  .object({
    title: z.string().optional(),
    icons: z.array(iconSchema).optional(),
    downloadTotal: z.number().int().nonnegative().optional(),
  })
  .strict();

/** `runtimeCaching[].options.backgroundFetch`. @private */
export const routeConfigSchema = z
  .object({
    queue: z.string().min(1, 'must not be empty'),
    fetchOptions: jobOptionsSchema.optional(),
    responseWhileQueued: z.union([z.string(), responseSchema]).optional(),
  })
  .strict();

const isRegExp = (value: unknown): value is RegExp => types.isRegExp(value);
const isFunction = (value: unknown): value is (...args: never[]) => unknown =>
  typeof value === 'function';
const anyObject = z.record(z.unknown());

/**
 * A `runtimeCaching` entry with `options.backgroundFetch`. Its strategy is
 * built by this package instead of workbox-build, so its options are
 * checked here; `handler` and `precacheFallback` get their own checks
 * with clearer messages (see validate-config.ts).
 *
 * @private
 */
export const backgroundFetchRouteSchema = z
  .object({
    urlPattern: z.union([
      z.string(),
      z.custom<RegExp>(isRegExp, 'must be a RegExp'),
      z.custom<(...args: never[]) => unknown>(isFunction, 'must be a function'),
    ]),
    handler: z.unknown(),
    method: z.enum(['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT']).optional(),
    options: z
      .object({
        backgroundFetch: routeConfigSchema,
        cacheName: z.string().nullable().optional(),
        networkTimeoutSeconds: z.number().positive().optional(),
        fetchOptions: anyObject.optional(),
        matchOptions: anyObject.optional(),
        expiration: z
          .object({
            maxEntries: z.number().int().positive().optional(),
            maxAgeSeconds: z.number().positive().optional(),
            matchOptions: anyObject.optional(),
            purgeOnQuotaError: z.boolean().optional(),
          })
          .strict()
          .optional(),
        cacheableResponse: z
          .object({
            statuses: z.array(z.number().int()).optional(),
            headers: z.record(z.string()).optional(),
          })
          .strict()
          .optional(),
        broadcastUpdate: z
          .object({channelName: z.string().optional(), options: anyObject})
          .strict()
          .optional(),
        backgroundSync: z
          .object({name: z.string(), options: anyObject.optional()})
          .strict()
          .optional(),
        rangeRequests: z.boolean().optional(),
        plugins: z.array(anyObject).optional(),
        precacheFallback: z.unknown().optional(),
      })
      .strict(),
  })
  .strict();

const modeSchema = z.enum(['production', 'development']);

/** `injectManifest`'s `bundle`. @private */
export const bundleSchema = z
  .object({
    mode: modeSchema.optional(),
    minify: z.boolean().optional(),
    sourcemap: z.boolean().optional(),
  })
  .strict();

/** `backgroundFetchPlugin()`'s options. @private */
export const pluginConfigSchema = z
  .object({
    queue: z.union([z.string().min(1, 'must not be empty'), queueSchema]),
    fetchOptions: jobOptionsSchema.optional(),
    responseWhileQueued: z.union([z.string(), responseSchema]).optional(),
    mode: modeSchema.optional(),
    swDest: z.string().min(1, 'must not be empty').optional(),
    importScriptsUrl: z.string().min(1, 'must not be empty').optional(),
  })
  .strict();

// Type-level locks: compile errors when a schema and its documented type differ.
type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertSameType<T extends true>(): T | undefined {
  return undefined;
}
assertSameType<Equals<z.infer<typeof queueSchema>, BackgroundFetchQueueConfig>>();
assertSameType<Equals<z.infer<typeof backgroundFetchSchema>, BackgroundFetchConfig>>();
assertSameType<Equals<z.infer<typeof routeConfigSchema>, BackgroundFetchRouteConfig>>();
assertSameType<Equals<z.infer<typeof bundleSchema>, BundleConfig>>();
assertSameType<Equals<z.infer<typeof pluginConfigSchema>, BackgroundFetchPluginConfig>>();
