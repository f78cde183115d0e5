import {CoalescingWriter} from '../../../src/lib/fallback/CoalescingWriter';

function deferredWrites() {
  const written: number[] = [];
  let state = 0;
  const pending: Array<() => void> = [];
  const writer = new CoalescingWriter(
    () =>
      new Promise<void>((resolve) => {
        const snapshot = state;
        pending.push(() => {
          written.push(snapshot);
          resolve();
        });
      }),
    () => undefined,
  );
  const flush = async () => {
    while (pending.length) {
      pending.shift()!();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  return {writer, written, set: (value: number) => (state = value), flush};
}

describe('writing a job record', () => {
  test('a write resolves once the state at the call is stored', async () => {
    const {writer, written, set, flush} = deferredWrites();
    set(1);
    const done = writer.write();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await flush();
    await done;
    expect(written).toEqual([1]);
  });

  test('calls during a write wait for one more write, shared by all of them', async () => {
    const {writer, written, set, flush} = deferredWrites();
    set(1);
    const first = writer.write();
    await new Promise((resolve) => setTimeout(resolve, 0));
    set(2);
    const second = writer.write();
    set(3);
    const third = writer.write();
    await flush();
    await Promise.all([first, second, third]);
    expect(written).toEqual([1, 3]);
  });

  test('a failed write is reported and does not stop the next one', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const writer = new CoalescingWriter(
      async () => {
        if (fail) throw new Error('quota');
      },
      (error) => errors.push(error),
    );
    await writer.write();
    fail = false;
    await writer.write();
    expect(errors).toHaveLength(1);
  });

  test('nothing is written after close()', async () => {
    const write = jest.fn(async () => undefined);
    const writer = new CoalescingWriter(write, () => undefined);
    await writer.close();
    await writer.write();
    expect(write).not.toHaveBeenCalled();
  });
});
