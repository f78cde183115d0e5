/** The global bandwidth throttle: a token bucket shared by every response. */

/** The clock a {@link TokenBucket} reads (injectable, so its rule is tested without waiting). */
export interface BucketClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realBucketClock: BucketClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Global token bucket shared by every response. Tokens accumulate at `rate`
 * bytes/s; waiters are served first-come first-served. The bucket starts
 * empty. While no throttled response is in progress it holds at most 20 ms
 * worth (a new transfer cannot start with a big burst); while responses are
 * in progress it holds up to 250 ms worth, so an event loop that was late
 * (a busy machine) catches up and the average rate stays exact.
 */
export class TokenBucket {
  private tokens = 0;
  private last: number;
  /** Bytes handed out since the bucket was made (its own accounting). */
  granted = 0;
  private readonly idleCap: number;
  private readonly busyCap: number;
  private readonly minGrant: number;
  /** Throttled responses in progress. */
  active = 0;
  private queue: {want: number; resolve: (n: number) => void}[] = [];
  private timer: unknown;

  constructor(
    readonly rate: number,
    private readonly clock: BucketClock = realBucketClock,
  ) {
    this.last = clock.now();
    this.idleCap = Math.max(1024, rate * 0.02);
    this.busyCap = Math.max(1024, rate * 0.25);
    this.minGrant = Math.max(1, Math.min(16 * 1024, Math.floor(rate / 200)));
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(
      this.active > 0 || this.queue.length > 0 ? this.busyCap : this.idleCap,
      this.tokens + ((now - this.last) / 1000) * this.rate,
    );
    this.last = now;
  }

  /** Resolves with 1..want bytes that may be sent now; 0 when cancelled. */
  acquire(want: number): {promise: Promise<number>; cancel: () => void} {
    let entry!: {want: number; resolve: (n: number) => void};
    const promise = new Promise<number>((resolve) => {
      entry = {want, resolve};
    });
    this.queue.push(entry);
    this.pump();
    return {
      promise,
      cancel: () => {
        const i = this.queue.indexOf(entry);
        if (i >= 0) {
          this.queue.splice(i, 1);
          entry.resolve(0);
        }
      },
    };
  }

  private pump = (): void => {
    this.timer = undefined;
    this.refill();
    while (this.queue.length) {
      const head = this.queue[0];
      const need = Math.min(head.want, this.minGrant);
      if (this.tokens < need) break;
      const grant = Math.min(head.want, Math.floor(this.tokens));
      this.tokens -= grant;
      this.granted += grant;
      this.queue.shift();
      head.resolve(grant);
    }
    if (this.queue.length && !this.timer) {
      const need = Math.min(this.queue[0].want, this.minGrant) - this.tokens;
      const ms = Math.max(1, Math.ceil((need / this.rate) * 1000));
      this.timer = this.clock.setTimeout(this.pump, ms);
    }
  };

  /** Brings the token count up to date (before `active` changes). */
  refillNow(): void {
    this.refill();
  }

  /** Releases every waiter (with 0) and stops the timer. */
  dispose(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.queue.splice(0)) w.resolve(0);
  }
}
