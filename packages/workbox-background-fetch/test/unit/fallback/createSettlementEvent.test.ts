import {createSettlementEvent} from '../../../src/lib/fallback/createSettlementEvent';
import type {SnapshotRegistration} from '../../../src/lib/SnapshotRegistration';

const registration = {id: 'job'} as unknown as SnapshotRegistration;

describe('the event a fallback job settles with', () => {
  test('is named like the browser event and carries the registration', () => {
    const {event} = createSettlementEvent('fail', registration);
    expect(event.type).toBe('backgroundfetchfail');
    expect((event as unknown as {registration: unknown}).registration).toBe(registration);
  });

  test('offers updateUI only when given one (success and fail)', () => {
    const updateUI = async () => undefined;
    expect(
      (
        createSettlementEvent('success', registration, updateUI).event as unknown as {
          updateUI: unknown;
        }
      ).updateUI,
    ).toBe(updateUI);
    expect('updateUI' in createSettlementEvent('abort', registration).event).toBe(false);
  });

  test('waits for every promise given to waitUntil, also those added meanwhile', async () => {
    const {event, extended} = createSettlementEvent('success', registration);
    const order: string[] = [];
    event.waitUntil(
      new Promise<void>((resolve) =>
        setTimeout(() => {
          order.push('first');
          event.waitUntil(
            new Promise<void>((done) =>
              setTimeout(() => {
                order.push('second');
                done();
              }, 10),
            ),
          );
          resolve();
        }, 10),
      ),
    );
    event.waitUntil(Promise.reject(new Error('a failed handler does not block the others')));
    await extended();
    expect(order).toEqual(['first', 'second']);
  });
});
