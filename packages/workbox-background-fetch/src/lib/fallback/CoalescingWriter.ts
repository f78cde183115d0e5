/**
 * Serialises writes of one record and merges bursts: `write()` resolves
 * once a write that started after the call has finished (so it holds the
 * state of the call), and calls made while a write waits share it. After
 * `close()` nothing is written any more (the record is being deleted).
 *
 * @example
 * const writer = new CoalescingWriter(() => saveJob(record), onError);
 * record.state = 'paused';
 * await writer.write();
 *
 * @private
 */
export class CoalescingWriter {
  private readonly _write: () => Promise<void>;
  private readonly _onError: (error: unknown) => void;
  private _chain: Promise<void> = Promise.resolve();
  private _queued: Promise<void> | null = null;
  private _closed = false;

  /**
   * @param write Writes the current state.
   * @param onError Told of a failed write (the chain goes on).
   */
  constructor(write: () => Promise<void>, onError: (error: unknown) => void) {
    this._write = write;
    this._onError = onError;
  }

  /** Writes the current state; resolves once it is written (or failed). */
  write(): Promise<void> {
    if (this._closed) {
      return this._chain;
    }
    if (!this._queued) {
      const queued = this._chain.then(() => {
        this._queued = null;
        return this._closed ? undefined : this._write();
      });
      this._queued = queued;
      this._chain = queued.catch(this._onError);
    }
    return this._chain;
  }

  /** Stops writing; resolves once the write in progress, if any, ended. */
  close(): Promise<void> {
    this._closed = true;
    return this._chain;
  }
}
