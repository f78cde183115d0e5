/**
 * How long `fetch(…, {persist: true})` waits for the browser's answer
 * (Firefox asks the user) before it starts the download anyway.
 */
export const PERSIST_ANSWER_TIMEOUT_MS = 10_000;

/**
 * Asks the browser to keep the origin's storage when it runs short
 * (`navigator.storage.persist()`, which only pages may call) and resolves
 * with its answer: `true` when the storage is (already) persistent, `false`
 * when refused, unsupported, or unanswered after `timeoutMs` (a prompt the
 * user ignores must not hold the download back; the request stays, and
 * `navigator.storage.persisted()` tells a later answer).
 *
 * @private
 */
export async function requestPersistence(
  timeoutMs: number = PERSIST_ANSWER_TIMEOUT_MS,
): Promise<boolean> {
  const storage = navigator.storage as StorageManager | undefined;
  if (typeof storage?.persist !== 'function') {
    return false;
  }
  try {
    if (typeof storage.persisted === 'function' && (await storage.persisted())) {
      return true;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unanswered = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([storage.persist(), unanswered]);
    } finally {
      clearTimeout(timer);
    }
  } catch {
    return false;
  }
}
