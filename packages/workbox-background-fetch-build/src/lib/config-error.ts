/**
 * A mistake in a workbox-background-fetch-build config. `issues` holds one
 * sentence per mistake, each naming the key (`backgroundFetch.queues[0].name`)
 * and how to fix it; the message joins them, one per line.
 */
export class BackgroundFetchConfigError extends Error {
  /** One sentence per mistake found. */
  readonly issues: string[];

  /**
   * @param issues One sentence per mistake, each naming the key and the fix.
   */
  constructor(issues: string[]) {
    super(issues.join('\n'));
    this.name = 'BackgroundFetchConfigError';
    this.issues = issues;
  }
}
