/** The timer functions a throttle uses (injectable for tests). */
export interface ThrottleClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: ThrottleClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A job's progress reaches pages and `progress` listeners at most this
 * often: 8 a second, so with the final progress (sent at once) and the
 * result no page sees more than 10 in any second.
 * @private
 */
export const PROGRESS_INTERVAL_MS = 125;

/**
 * Calls `emit` at most once per `intervalMs`, leading and trailing: the
 * first `schedule()` emits at once, later ones within the interval are
 * merged into one emit at its end, so the last state is never lost.
 * Used for progress (≤ 10 per second to pages) and notifications (≤ 1 per
 * second).
 *
 * @example
 * const throttle = new ProgressThrottle(() => post(snapshot()), 100);
 * throttle.schedule(); // emits now
 * throttle.schedule(); // emits 100 ms after the first
 *
 * @private
 */
export class ProgressThrottle {
  private readonly _emit: () => void;
  private readonly _intervalMs: number;
  private readonly _clock: ThrottleClock;
  private _last = -Infinity;
  private _timer: unknown = null;

  constructor(emit: () => void, intervalMs: number, clock: ThrottleClock = realClock) {
    this._emit = emit;
    this._intervalMs = intervalMs;
    this._clock = clock;
  }

  /** Asks for an emit: now if the interval has passed, else at its end. */
  schedule(): void {
    if (this._timer !== null) {
      return;
    }
    const wait = this._last + this._intervalMs - this._clock.now();
    if (wait <= 0) {
      this._fire();
      return;
    }
    this._timer = this._clock.setTimeout(() => {
      this._timer = null;
      this._fire();
    }, wait);
  }

  /** Drops a pending emit (the caller emits the final state itself). */
  cancel(): void {
    if (this._timer !== null) {
      this._clock.clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _fire(): void {
    this._last = this._clock.now();
    this._emit();
  }
}
