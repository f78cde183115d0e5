import {createError} from '../models/createError.js';
import {validateOptions} from '../validateOptions.js';
import type {ChunkStorageOption} from './chunkStores.js';
import type {FallbackBackendOptions} from './FallbackBackend.js';
import type {FallbackSettings} from './FallbackSettings.js';

/** The defaults of `FallbackBackendOptions`. */
export const FALLBACK_DEFAULTS = {
  chunkSize: 64 * 1024 * 1024,
  maxInFlight: 2,
  maxAttempts: 5,
  initialDelay: 1000,
  maxDelay: 30_000,
  stallTimeout: 30_000,
  notifications: true,
  chunkStorage: 'auto',
  orphanGrace: 7 * 24 * 60 * 60 * 1000,
} as const;

const OWNER = 'BackgroundFetchQueue fallback';

function checkPositiveInteger(key: string, value: unknown): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) > 0)) {
    throw createError(
      'invalid-fallback-option',
      {key, expected: 'a positive integer', value},
      'TypeError',
    );
  }
}

function checkDevelopment(options: FallbackBackendOptions): void {
  validateOptions(OWNER, options, {
    chunkSize: 'number',
    maxInFlight: 'number',
    maxAttempts: 'number',
    backoff: 'object',
    stallTimeout: 'number',
    notifications: 'boolean',
    chunkStorage: 'string',
    orphanGrace: 'number',
  });
  validateOptions(`${OWNER} backoff`, options.backoff, {
    initialDelay: 'number',
    maxDelay: 'number',
  });
  checkPositiveInteger('chunkSize', options.chunkSize);
  checkPositiveInteger('maxInFlight', options.maxInFlight);
  checkPositiveInteger('maxAttempts', options.maxAttempts);
  checkPositiveInteger('backoff.initialDelay', options.backoff?.initialDelay);
  checkPositiveInteger('backoff.maxDelay', options.backoff?.maxDelay);
  checkPositiveInteger('stallTimeout', options.stallTimeout);
  const grace = options.orphanGrace;
  if (grace !== undefined && !(Number.isSafeInteger(grace) && grace >= 0)) {
    throw createError(
      'invalid-fallback-option',
      {key: 'orphanGrace', expected: 'a non-negative integer (milliseconds)', value: grace},
      'TypeError',
    );
  }
  const storage = options.chunkStorage;
  if (storage !== undefined && !['auto', 'indexeddb', 'cache-storage'].includes(storage)) {
    throw createError(
      'invalid-fallback-option',
      {key: 'chunkStorage', expected: "'auto', 'indexeddb' or 'cache-storage'", value: storage},
      'TypeError',
    );
  }
}

/**
 * The options with defaults filled in (checked in development builds).
 *
 * @private
 */
export function resolveFallbackOptions(
  options: FallbackBackendOptions = {},
): FallbackSettings & {chunkStorage: ChunkStorageOption; orphanGrace: number} {
  if (process.env.NODE_ENV !== 'production') {
    checkDevelopment(options);
  }
  const atLeastOne = (value: number | undefined, fallback: number): number =>
    Math.max(1, Math.floor(value ?? fallback));
  return {
    chunkSize: atLeastOne(options.chunkSize, FALLBACK_DEFAULTS.chunkSize),
    maxInFlight: atLeastOne(options.maxInFlight, FALLBACK_DEFAULTS.maxInFlight),
    retry: {
      maxAttempts: atLeastOne(options.maxAttempts, FALLBACK_DEFAULTS.maxAttempts),
      initialDelay: atLeastOne(options.backoff?.initialDelay, FALLBACK_DEFAULTS.initialDelay),
      maxDelay: atLeastOne(options.backoff?.maxDelay, FALLBACK_DEFAULTS.maxDelay),
    },
    stallTimeout: atLeastOne(options.stallTimeout, FALLBACK_DEFAULTS.stallTimeout),
    notifications: options.notifications ?? FALLBACK_DEFAULTS.notifications,
    chunkStorage: options.chunkStorage ?? FALLBACK_DEFAULTS.chunkStorage,
    orphanGrace: Math.max(0, Math.floor(options.orphanGrace ?? FALLBACK_DEFAULTS.orphanGrace)),
  };
}
