import {Wakeup} from '../../../src/lib/fallback/Wakeup';

describe("the job loop's sleep", () => {
  test('a poke wakes the sleeper', async () => {
    const wakeup = new Wakeup();
    const slept = wakeup.sleep(Infinity);
    wakeup.poke();
    await expect(slept).resolves.toBeUndefined();
  });

  test('a poke while nobody sleeps is not lost: the next sleep returns at once', async () => {
    const wakeup = new Wakeup();
    wakeup.poke();
    await wakeup.sleep(Infinity);
  });

  test('a sleep ends after its time, not before', async () => {
    jest.useFakeTimers();
    try {
      const wakeup = new Wakeup();
      let ended = false;
      const slept = wakeup.sleep(20).then(() => (ended = true));
      await jest.advanceTimersByTimeAsync(19);
      expect(ended).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await slept;
      expect(ended).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  test('a sleep ends when its promise settles, fulfilled or rejected', async () => {
    const wakeup = new Wakeup();
    await wakeup.sleep(Infinity, Promise.reject(new Error('settled')));
    await wakeup.sleep(Infinity, Promise.resolve());
  });

  test('a sleep that ended for another reason does not swallow a later poke', async () => {
    const wakeup = new Wakeup();
    await wakeup.sleep(Infinity, Promise.resolve());
    const next = wakeup.sleep(Infinity);
    wakeup.poke();
    await next;
  });
});
