/*
  A logger that prints nothing, for tests whose subject logs in development
  but whose logs are not under test:

    jest.mock('../../../src/lib/logger', () => jest.requireActual('../support/silentLogger'));
*/

/** Stands in for `src/lib/logger.ts`'s `logger`. */
export const logger = {
  debug: (): void => undefined,
  log: (): void => undefined,
  warn: (): void => undefined,
  error: (): void => undefined,
};
