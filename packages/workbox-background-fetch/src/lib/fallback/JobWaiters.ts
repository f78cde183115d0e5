/**
 * Promises that wait for a job's state: each is checked after every event
 * the job applies (`notify()`).
 *
 * @private
 */
export class JobWaiters {
  private readonly _checks = new Set<() => void>();

  /** Resolves once `condition()` holds, checked now and after each event. */
  until(condition: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (condition()) {
          this._checks.delete(check);
          resolve();
        }
      };
      this._checks.add(check);
      check();
    });
  }

  /** Resolves after the next event. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        this._checks.delete(check);
        resolve();
      };
      this._checks.add(check);
    });
  }

  /** An event was applied: checks every waiter. */
  notify(): void {
    for (const check of [...this._checks]) {
      check();
    }
  }
}
