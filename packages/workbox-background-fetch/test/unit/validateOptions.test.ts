import {validateOptions} from '../../src/lib/validateOptions';
import {validateQueueOptions} from '../../src/lib/validateQueueOptions';

describe('option checks name the key and the fix', () => {
  test('an unknown key lists the known ones', () => {
    expect(() =>
      validateOptions('BackgroundFetchQueue', {cacheNmae: 'x'}, {cacheName: 'string'}),
    ).toThrow(
      new TypeError(
        '"BackgroundFetchQueue" got an unknown option "cacheNmae". Known options: cacheName.',
      ),
    );
  });

  test('a wrong type says what was expected', () => {
    expect(() => validateOptions('P', {id: 'x'}, {id: 'function'})).toThrow(
      '"P" option "id" must be a function, got "string".',
    );
    expect(() => validateOptions('P', {f: 1}, {f: ['object', 'function']})).toThrow(
      /a object or a function/,
    );
  });

  test('undefined values and absent options pass', () => {
    expect(() => validateOptions('P', undefined, {})).not.toThrow();
    expect(() => validateOptions('P', {a: undefined}, {a: 'string'})).not.toThrow();
  });

  test('a queue needs a non-empty string name', () => {
    expect(() => validateQueueOptions('', {})).toThrow(
      'A BackgroundFetchQueue needs a non-empty string name, got "".',
    );
    expect(() => validateQueueOptions(7, {})).toThrow(TypeError);
    expect(() =>
      validateQueueOptions('ok', {forceFallback: true, onSuccess: () => undefined}),
    ).not.toThrow();
  });
});
