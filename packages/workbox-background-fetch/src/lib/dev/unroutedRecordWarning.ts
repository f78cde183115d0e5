/** What `resolveRecordDestination` saw for a record that no route places. @private */
export interface UnroutedRecord {
  /** The record's URL. */
  url: string;
  /** Where it goes instead. */
  cacheName: string;
  /** Routes of the router consulted, over every method. */
  routeCount: number;
  /** A route matched, but its handler is not a Workbox strategy. */
  matchedNonStrategy: boolean;
  /** The router is workbox-routing's default one of this package's copy (no `router` option). */
  defaultRouter: boolean;
  /** Requests another fetch listener answered (`observeFetchAnswers`). */
  answeredElsewhere: readonly string[];
}

const DEDUPE =
  `Bundle the worker so that it holds one copy of workbox-routing ` +
  `(\`npm ls workbox-routing\` lists the copies; make every workbox-* package one version, ` +
  `then \`npm dedupe\`), or give the queue a cacheName.`;

/**
 * The development warning for a finished record that no route places, or
 * `undefined` when there is nothing to warn about (no routes at all, in a
 * router the caller chose).
 *
 * @private
 */
export function unroutedRecordWarning(record: UnroutedRecord): string | undefined {
  const {url, cacheName, routeCount} = record;
  if (record.matchedNonStrategy) {
    return (
      `The route that serves ${url} has a handler that is not a Workbox strategy, so the finished ` +
      `download was stored in the cache '${cacheName}' instead. Use a strategy (CacheFirst, …) for ` +
      `that route, or give the queue a cacheName.`
    );
  }
  if (routeCount > 0) {
    return (
      `${url} matches none of the ${routeCount} route${routeCount === 1 ? '' : 's'} registered, so ` +
      `the finished download was stored in the cache '${cacheName}', where those routes will not ` +
      `find it. Fix the route's pattern, or give the queue a cacheName.`
    );
  }
  if (!record.defaultRouter) {
    return (
      `The router given to the queue has no routes, so ${url} was stored in the cache ` +
      `'${cacheName}'. Register the routes on that router, or give the queue a cacheName.`
    );
  }
  if (record.answeredElsewhere.length > 0) {
    return (
      `Two copies of workbox-routing: the default router that workbox-background-fetch sees has ` +
      `no routes, yet another fetch listener answered ${record.answeredElsewhere.join(', ')} — ` +
      `registerRoute() of a second copy, most likely. So ${url} was stored in the cache ` +
      `'${cacheName}', and your routes will not find it. ${DEDUPE}`
    );
  }
  return (
    `No route is registered with the copy of workbox-routing that workbox-background-fetch uses, ` +
    `so ${url} was stored in the cache '${cacheName}'. If your worker calls registerRoute(), it ` +
    `uses a second copy of workbox-routing, and your routes will not find the file. ${DEDUPE}`
  );
}
