/**
 * How a job's loop sleeps until something changes: `sleep()` resolves on
 * the next `poke()` (a request ended, the state changed), after `ms`, or
 * when `until` settles, whichever comes first. A poke that comes while the
 * loop is busy is not lost: the next `sleep()` returns at once.
 *
 * @example
 * const wakeup = new Wakeup();
 * task.finally(() => wakeup.poke());
 * await wakeup.sleep(Infinity);
 *
 * @private
 */
export class Wakeup {
  private _wake: (() => void) | null = null;
  private _poked = false;

  /** Wakes the sleeper, or the next one. */
  poke(): void {
    this._poked = true;
    this._wake?.();
  }

  /** Resolves on a poke, after `ms` (`Infinity`: never), or when `until` settles. */
  sleep(ms: number, until?: Promise<unknown>): Promise<void> {
    if (this._poked) {
      this._poked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (): void => {
        if (this._wake !== done) {
          return;
        }
        this._wake = null;
        this._poked = false;
        clearTimeout(timer);
        resolve();
      };
      this._wake = done;
      if (ms !== Infinity) {
        timer = setTimeout(done, ms);
      }
      until?.then(done, done);
    });
  }
}
