import {codeMessage, messageGenerator} from '../../src/lib/models/messageGenerator';
import {createError} from '../../src/lib/models/createError';

/** Runs `body` as a production build does (the build replaces process.env.NODE_ENV). */
function inProduction<T>(body: () => T): T {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    return body();
  } finally {
    process.env.NODE_ENV = before;
  }
}

describe('error texts: full in development, code and details in production (as Workbox)', () => {
  test('development: the text that says what went wrong and how to fix it', () => {
    expect(messageGenerator('duplicate-id', {id: 'ep-5'})).toBe(
      'A background fetch with id "ep-5" is still active. Wait for it to finish, ' +
        'abort it, or pick another id.',
    );
  });

  test('production: the code and its details as JSON', () => {
    expect(inProduction(() => messageGenerator('duplicate-id', {id: 'ep-5'}))).toBe(
      'duplicate-id :: {"id":"ep-5"}',
    );
    expect(
      inProduction(() => messageGenerator('unknown-queue', {name: 'x', known: ['a', 'b']})),
    ).toBe('unknown-queue :: {"name":"x","known":["a","b"]}');
  });

  test('production: the code alone without details, or with details JSON cannot write', () => {
    expect(codeMessage('empty-requests')).toBe('empty-requests');
    expect(codeMessage('empty-requests', {})).toBe('empty-requests');
    expect(codeMessage('invalid-fallback-option', {value: 10n})).toBe('invalid-fallback-option');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(codeMessage('invalid-fallback-option', cycle)).toBe('invalid-fallback-option');
  });

  test('production errors keep the spec type, the DOMException name and the code', () => {
    const type = inProduction(() => createError('invalid-id', {id: ''}, 'TypeError'));
    expect(type).toBeInstanceOf(TypeError);
    expect(type).toMatchObject({code: 'invalid-id', message: 'invalid-id :: {"id":""}'});

    const quota = inProduction(() =>
      createError('quota-exceeded', {id: 'a', downloadTotal: 5}, 'QuotaExceededError'),
    );
    expect(quota).toBeInstanceOf(DOMException);
    expect(quota).toMatchObject({
      name: 'QuotaExceededError',
      code: 'quota-exceeded',
      message: 'quota-exceeded :: {"id":"a","downloadTotal":5}',
    });

    const plain = inProduction(() => createError('duplicate-queue-name', {name: 'q'}));
    expect(plain).toMatchObject({
      name: 'WorkboxBackgroundFetchError',
      code: 'duplicate-queue-name',
      message: 'duplicate-queue-name :: {"name":"q"}',
    });
  });

  test.each([
    ['AbortError', 'download-aborted'],
    ['InvalidStateError', 'update-ui-not-allowed'],
    ['NotAllowedError', 'no-window-client'],
    ['TimeoutError', 'client-timeout'],
  ] as const)('a %s keeps its name, with the code %s', (name, code) => {
    const error = createError(code, {id: 'x'}, name);
    expect(error).toBeInstanceOf(DOMException);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
  });
});
