import type {StorageRefusal} from './downloadState.js';

/** More bytes than the storage of any device a browser runs on (1 PiB). */
const MORE_THAN_ANY_DEVICE = 2 ** 50;

/** `navigator.storage.estimate()`, or `undefined` where there is none. */
const estimate = async (): Promise<StorageEstimate | undefined> =>
  navigator.storage?.estimate().catch(() => undefined);

/** True when `estimate` counts an impossible usage (`usageMiscounted`). */
const miscounted = (estimate: StorageEstimate | undefined): boolean =>
  (estimate?.usage ?? 0) >= MORE_THAN_ANY_DEVICE;

/**
 * True when the browser counts more usage for this origin than any device
 * holds. Firefox ESR 153 was seen doing so after it was killed during a
 * large write (npm run bench: 7 of 76 relaunches): its count went below
 * zero, and read 2^64 minus the bytes of the cut write; until the browser
 * restarts, it then refuses every write of the origin with a quota error.
 * Such a refusal is not a full origin: nothing is to be freed, and the job
 * is kept for the next start.
 *
 * @private
 */
export async function usageMiscounted(): Promise<boolean> {
  return miscounted(await estimate());
}

/**
 * True unless `navigator.storage.estimate()` says fewer than `bytes` are
 * left for this origin. Where the estimate is unavailable (WebKitGTK has
 * no `navigator.storage`) or its usage impossible (`usageMiscounted`),
 * assumes room, unless `bytes` is more than any device holds (1 PiB, as
 * `Number.MAX_SAFE_INTEGER`): writes that do not fit still fail with
 * `QuotaExceededError`. With `miscountedIsRoom` false, an impossible usage
 * is no room (every write is refused).
 *
 * @private
 */
export async function hasRoomFor(bytes: number, miscountedIsRoom = true): Promise<boolean> {
  const current = await estimate();
  if (miscounted(current)) {
    return miscountedIsRoom && bytes < MORE_THAN_ANY_DEVICE;
  }
  if (!current?.quota) {
    return bytes < MORE_THAN_ANY_DEVICE;
  }
  return current.quota - (current.usage ?? 0) >= bytes;
}

/**
 * Names a full origin is reported with: the standard one, and Firefox's
 * for Cache Storage writes past the quota (measured on Firefox ESR 153).
 */
const QUOTA_ERROR_NAMES = ['QuotaExceededError', 'NS_ERROR_FILE_NO_DEVICE_SPACE'];

/** True for the errors a full disk or quota raises on a write. @private */
export function isQuotaError(error: unknown): boolean {
  const {name, message} = (error ?? {}) as {name?: unknown; message?: unknown};
  return QUOTA_ERROR_NAMES.some(
    (known) => name === known || (typeof message === 'string' && message.includes(known)),
  );
}

/**
 * What a failed write says of the storage: `'full'` for a quota error,
 * `'miscounted'` for one while the browser's count is impossible
 * (`usageMiscounted`: writes fail until it restarts, the job waits),
 * `false` for any other error.
 *
 * @private
 */
export async function storageRefusal(error: unknown): Promise<StorageRefusal> {
  if (!isQuotaError(error)) {
    return false;
  }
  return (await usageMiscounted()) ? 'miscounted' : 'full';
}

/**
 * The error to report for a write of `bytes` that failed with `error`: a
 * `QuotaExceededError` when the origin is full, whatever the engine called
 * it: Firefox names Cache Storage's `NS_ERROR_FILE_NO_DEVICE_SPACE`, and
 * ends an IndexedDB transaction of a large Blob past the quota with a
 * `null` error; such an unnamed failure counts as quota when the estimate
 * shows no room for `bytes`, or an impossible usage (`usageMiscounted`:
 * every write is refused). With `unnamedIsQuota`, an unnamed failure is
 * one whatever the estimate says: for writes every engine accepts (an
 * ArrayBuffer in IndexedDB), where Firefox's estimate can still show room
 * when its storage refuses the bytes. Any other error is returned as it is.
 *
 * @private
 */
export async function explainWriteFailure(
  error: unknown,
  bytes: number,
  {unnamedIsQuota = false}: {unnamedIsQuota?: boolean} = {},
): Promise<unknown> {
  if ((error as Error | null)?.name === 'QuotaExceededError') {
    return error;
  }
  const unnamed =
    error === null ||
    error === undefined ||
    ['UnknownError', 'AbortError'].includes((error as Error).name);
  if (isQuotaError(error) || (unnamed && (unnamedIsQuota || !(await hasRoomFor(bytes, false))))) {
    const detail = error
      ? `${(error as Error).name}: ${(error as Error).message}`
      : 'no error given';
    return new DOMException(`The origin's storage is full (${detail}).`, 'QuotaExceededError');
  }
  return error;
}
