import {assertNewId} from '../../src/lib/assertNewId';

describe('one duplicate-id check', () => {
  test('an id with an active job is a TypeError coded duplicate-id that names the id', () => {
    let caught: unknown;
    try {
      assertNewId('ep-5', {id: 'ep-5'});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TypeError);
    expect(caught).toMatchObject({code: 'duplicate-id'});
    expect((caught as Error).message).toContain('"ep-5" is still active');
  });

  test('a job still being created counts as active', () => {
    expect(() => assertNewId('ep-5', true)).toThrow(TypeError);
  });

  test('an id without an active job passes', () => {
    expect(() => assertNewId('ep-5', undefined)).not.toThrow();
    expect(() => assertNewId('ep-5', false)).not.toThrow();
  });
});
