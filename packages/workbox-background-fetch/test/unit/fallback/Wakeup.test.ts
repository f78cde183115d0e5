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

  test('a sleep ends after its time, or when its promise settles', async () => {
    const wakeup = new Wakeup();
    const started = Date.now();
    await wakeup.sleep(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    await wakeup.sleep(Infinity, Promise.reject(new Error('settled')));
  });

  test('a sleep that ended for another reason does not swallow a later poke', async () => {
    const wakeup = new Wakeup();
    await wakeup.sleep(Infinity, Promise.resolve());
    const next = wakeup.sleep(Infinity);
    wakeup.poke();
    await next;
  });
});
