/**
 * The engines the fallback suites run on: the comma-separated
 * `WBF_FALLBACK_ENGINES` (e.g. `webkit` while working on one engine), or
 * all three.
 */
export const FALLBACK_ENGINES = (
  process.env.WBF_FALLBACK_ENGINES ?? 'chromium,firefox,webkit'
).split(',') as Array<'chromium' | 'firefox' | 'webkit'>;
