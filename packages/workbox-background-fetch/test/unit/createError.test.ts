import {createError} from '../../src/lib/models/createError';

describe('errors carry the spec type, a message that says what to fix, and a code', () => {
  test('a TypeError', () => {
    const error = createError('invalid-id', {id: ''}, 'TypeError');
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe('invalid-id');
  });

  test('a DOMException keeps its name and gets the code as an own property', () => {
    const error = createError('no-window-client', {id: 'x'}, 'NotAllowedError');
    expect(error).toBeInstanceOf(DOMException);
    expect(error.name).toBe('NotAllowedError');
    expect(error.code).toBe('no-window-client');
    expect(error.message).toMatch(/no open page of this origin could/);
  });

  test('a plain error is named after the library', () => {
    const error = createError('duplicate-queue-name', {name: 'q'});
    expect(error.name).toBe('WorkboxBackgroundFetchError');
    expect(error.message).toMatch(/"q" already exists/);
  });
});
