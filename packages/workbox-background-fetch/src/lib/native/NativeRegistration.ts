import {SnapshotRegistration} from '../SnapshotRegistration.js';
import {responseWithUrl} from '../responseWithUrl.js';
import {fromJobId} from '../jobId.js';
import {createError} from '../models/createError.js';
import {matchAllNative, nativeTotals} from './readNative.js';
import type {
  BackgroundFetchFailureReason,
  BackgroundFetchRecord,
  BackgroundFetchRegistration,
  BackgroundFetchResult,
} from '../../types.js';

/** A record's response, read once and kept so it can be handed out again. */
interface StoredResponse {
  body: Blob;
  init: ResponseInit;
  url: string;
}

/**
 * A native `BackgroundFetchRegistration` seen through a queue: the caller's
 * id (without the queue prefix), live totals, and a result that is set only
 * once this library has checked the records (Chromium reports a connection
 * dropped mid-body as a success with an empty body).
 *
 * Each record's body is read once into a Blob (a disk-backed handle in
 * Chromium, no copy in memory) and every `responseReady` gets a fresh
 * Response over it, so records can be verified, cached and handed to the
 * user without a body being consumed twice.
 *
 * @private
 */
export class NativeRegistration extends SnapshotRegistration {
  private readonly _native: BackgroundFetchRegistration;
  private readonly _bodies = new Map<string, Promise<StoredResponse>>();
  private readonly _onNativeProgress = (): void => this._syncTotals();

  constructor(queueName: string, native: BackgroundFetchRegistration) {
    super({
      id: fromJobId(queueName, native.id) ?? native.id,
      queue: queueName,
      backend: 'native',
      ...nativeTotals(native),
      result: '',
      failureReason: '',
      recordsAvailable: native.recordsAvailable,
    });
    this._native = native;
    native.addEventListener('progress', this._onNativeProgress);
  }

  /** The browser's result, before this library's checks. */
  get nativeResult(): BackgroundFetchResult {
    return this._native.result;
  }

  /** The browser's own count of downloaded bytes. */
  get nativeDownloaded(): number {
    return this._native.downloaded;
  }

  /** The browser's failure reason. */
  get nativeFailureReason(): BackgroundFetchFailureReason {
    return this._native.failureReason;
  }

  /** Sets the final result (after the records were checked). */
  settle(result: BackgroundFetchResult, failureReason: BackgroundFetchFailureReason): void {
    this._native.removeEventListener('progress', this._onNativeProgress);
    this.applySnapshot({...nativeTotals(this._native), result, failureReason});
  }

  /** Marks the records as gone (after the end event's waitUntil). */
  releaseRecords(): void {
    this.applySnapshot({recordsAvailable: false});
    this._bodies.clear();
  }

  abort(): Promise<boolean> {
    return this._native.abort();
  }

  async matchAll(
    request?: RequestInfo | URL,
    options?: CacheQueryOptions,
  ): Promise<BackgroundFetchRecord[]> {
    if (!this.recordsAvailable) {
      throw createError('records-unavailable', {id: this.id}, 'InvalidStateError');
    }
    const records = await matchAllNative(this._native, request, options);
    return records.map((record, index) => {
      const responseReady = this._responseFor(record, index);
      // A failed record nobody reads (the fallback takes the job over, the
      // body was read already) must not report an unhandled rejection.
      responseReady.catch(() => undefined);
      record.responseReady.catch(() => undefined);
      return {request: record.request, responseReady};
    });
  }

  private async _responseFor(record: BackgroundFetchRecord, index: number): Promise<Response> {
    const key = `${index} ${record.request.url}`;
    let stored = this._bodies.get(key);
    if (!stored) {
      stored = record.responseReady.then(async (response) => ({
        body: await response.blob(),
        init: {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        },
        url: response.url,
      }));
      this._bodies.set(key, stored);
    }
    const {body, init, url} = await stored;
    return responseWithUrl(new Response(body, init), url);
  }

  private _syncTotals(): void {
    this.applySnapshot(nativeTotals(this._native));
  }
}
