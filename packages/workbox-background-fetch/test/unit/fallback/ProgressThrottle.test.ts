import {ProgressThrottle} from '../../../src/lib/fallback/ProgressThrottle';
import type {ThrottleClock} from '../../../src/lib/fallback/ProgressThrottle';

function fakeClock() {
  let now = 0;
  const timers: Array<{at: number; run: () => void; handle: number}> = [];
  let handles = 0;
  const clock: ThrottleClock = {
    now: () => now,
    setTimeout: (run, ms) => {
      handles += 1;
      timers.push({at: now + ms, run, handle: handles});
      return handles;
    },
    clearTimeout: (handle) => {
      const index = timers.findIndex((timer) => timer.handle === handle);
      if (index >= 0) timers.splice(index, 1);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const timer of [...timers].sort((a, b) => a.at - b.at)) {
      if (timer.at <= now) {
        timers.splice(timers.indexOf(timer), 1);
        timer.run();
      }
    }
  };
  return {clock, advance};
}

describe('progress throttling', () => {
  test('the first update is sent at once', () => {
    const {clock} = fakeClock();
    const emit = jest.fn();
    new ProgressThrottle(emit, 100, clock).schedule();
    expect(emit).toHaveBeenCalledTimes(1);
  });

  test('at most one update per interval (≤ 10 per second at 100 ms)', () => {
    const {clock, advance} = fakeClock();
    const times: number[] = [];
    const throttle = new ProgressThrottle(() => times.push(clock.now()), 100, clock);
    for (let ms = 0; ms < 3000; ms += 5) {
      throttle.schedule();
      advance(5);
    }
    for (const start of times) {
      expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(10);
    }
    expect(times.length).toBeGreaterThanOrEqual(29);
  });

  test('updates within an interval are merged into one at its end, so the last state is sent', () => {
    const {clock, advance} = fakeClock();
    const emit = jest.fn();
    const throttle = new ProgressThrottle(emit, 100, clock);
    throttle.schedule();
    advance(10);
    throttle.schedule();
    throttle.schedule();
    expect(emit).toHaveBeenCalledTimes(1);
    advance(90);
    expect(emit).toHaveBeenCalledTimes(2);
  });

  test('cancel() drops a pending update (the final one is sent by the caller)', () => {
    const {clock, advance} = fakeClock();
    const emit = jest.fn();
    const throttle = new ProgressThrottle(emit, 100, clock);
    throttle.schedule();
    throttle.schedule();
    throttle.cancel();
    advance(500);
    expect(emit).toHaveBeenCalledTimes(1);
  });
});
