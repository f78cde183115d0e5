/**
 * True unless `navigator.storage.estimate()` says fewer than `bytes` are
 * left for this origin. Where the estimate is unavailable, assumes room:
 * writes that do not fit still fail with `QuotaExceededError`.
 *
 * @private
 */
export async function hasRoomFor(bytes: number): Promise<boolean> {
  let estimate: StorageEstimate | undefined;
  try {
    estimate = await navigator.storage?.estimate();
  } catch {
    return true;
  }
  if (!estimate?.quota) {
    return true;
  }
  return estimate.quota - (estimate.usage ?? 0) >= bytes;
}

/** True for the errors a full disk or quota raises on a write. @private */
export function isQuotaError(error: unknown): boolean {
  return (error as DOMException | null)?.name === 'QuotaExceededError';
}
