declare const self: ServiceWorkerGlobalScope;

/**
 * The scope of this worker's registration, stored with each fallback job
 * it creates (jobs of other scopes of the origin are not its own).
 *
 * @private
 */
export function registrationScope(): string | undefined {
  return typeof self.registration === 'undefined' ? undefined : self.registration.scope;
}
