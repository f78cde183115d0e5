import {getOrCreateDefaultRouter} from 'workbox-routing/utils/getOrCreateDefaultRouter.js';
import type {Router} from 'workbox-routing/Router.js';
import type {Strategy} from 'workbox-strategies/Strategy.js';
import {answeredRequests} from './dev/observeFetchAnswers.js';
import {warnUnroutedRecord} from './dev/warnUnroutedRecord.js';

declare const self: ServiceWorkerGlobalScope;

/** Where a finished record goes. @private */
export type RecordDestination =
  | {kind: 'cache'; cacheName: string}
  | {kind: 'strategy'; strategy: Strategy};

function isStrategy(handler: unknown): handler is Strategy {
  // Duck-typed: a Strategy from another copy of workbox-strategies (a
  // bundle of the app's own) is as good as ours.
  const candidate = handler as Partial<Strategy> | undefined;
  return (
    typeof candidate?.cacheName === 'string' &&
    Array.isArray(candidate.plugins) &&
    typeof candidate.handle === 'function'
  );
}

/**
 * Finds where a finished record of `request`'s URL goes:
 * 1. the queue's explicit `cacheName`;
 * 2. else the strategy of the workbox-routing route that serves the URL (in
 *    the given router, else the default one that `registerRoute()` uses), so
 *    the record is written through that strategy's cache name and plugins;
 * 3. else the queue's own cache.
 *
 * @private
 */
export function resolveRecordDestination(
  request: Request,
  event: ExtendableEvent,
  {
    cacheName,
    defaultCacheName,
    router,
  }: {cacheName?: string; defaultCacheName: string; router?: Router},
): RecordDestination {
  if (cacheName) {
    return {kind: 'cache', cacheName};
  }
  const url = new URL(request.url);
  const routes = router ?? getOrCreateDefaultRouter();
  const {route} = routes.findMatchingRoute({
    url,
    sameOrigin: url.origin === self.location.origin,
    request,
    event,
  });
  const handler = route?.handler as unknown;
  if (isStrategy(handler)) {
    return {kind: 'strategy', strategy: handler};
  }
  if (process.env.NODE_ENV !== 'production') {
    warnUnroutedRecord({
      url: url.href,
      cacheName: defaultCacheName,
      routeCount: [...routes.routes.values()].reduce((sum, list) => sum + list.length, 0),
      matchedNonStrategy: Boolean(route),
      defaultRouter: !router,
      answeredElsewhere: answeredRequests(),
    });
  }
  return {kind: 'cache', cacheName: defaultCacheName};
}
