declare const self: ServiceWorkerGlobalScope;

/** URLs of the first requests any fetch listener answered (`respondWith`). */
const answered: string[] = [];
let installed = false;

/**
 * Development only: records which requests some fetch listener answered,
 * by wrapping `FetchEvent.prototype.respondWith`. When the default router of
 * the workbox-routing copy this package uses has no routes, such answers
 * came from elsewhere — most often `registerRoute()` of a second copy of
 * workbox-routing in the same bundle (see `unroutedRecordWarning`).
 *
 * Limits: a hand-written fetch listener that calls `respondWith` counts too;
 * a worker without another fetch listener, or one that answers no request
 * before a job ends, shows nothing here.
 *
 * @private
 */
export function observeFetchAnswers(): void {
  const FetchEventClass = (self as unknown as {FetchEvent?: {prototype: FetchEvent}}).FetchEvent;
  if (installed || !FetchEventClass) {
    return;
  }
  installed = true;
  const original = FetchEventClass.prototype.respondWith;
  FetchEventClass.prototype.respondWith = function (this: FetchEvent, response) {
    if (answered.length < 3 && !answered.includes(this.request.url)) {
      answered.push(this.request.url);
    }
    return original.call(this, response);
  };
}

/** The URLs recorded by `observeFetchAnswers()` (at most 3). @private */
export function answeredRequests(): readonly string[] {
  return answered;
}
