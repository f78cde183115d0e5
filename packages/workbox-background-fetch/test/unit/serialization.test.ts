import {
  deserializeError,
  deserializeRequest,
  serializeError,
  serializeRequest,
} from '../../src/lib/serialization';

describe('requests and errors survive postMessage', () => {
  test('a GET request keeps its URL, method, headers and mode', async () => {
    const original = new Request('https://example.com/a?b=1', {
      headers: {'X-Token': 't'},
      mode: 'cors',
      credentials: 'include',
    });
    const serialized = await serializeRequest(original);
    expect(structuredClone(serialized)).toEqual(serialized);
    const back = deserializeRequest(serialized);
    expect(back.url).toBe(original.url);
    expect(back.method).toBe('GET');
    expect(back.headers.get('x-token')).toBe('t');
    expect(back.credentials).toBe('include');
  });

  test('a POST request keeps its body', async () => {
    const serialized = await serializeRequest(
      new Request('https://example.com/u', {method: 'POST', body: 'hello'}),
    );
    expect(await deserializeRequest(serialized).text()).toBe('hello');
  });

  test('an error keeps its code across postMessage', () => {
    const typed = Object.defineProperty(new TypeError('dup'), 'code', {value: 'duplicate-id'});
    const revived = deserializeError(structuredClone(serializeError(typed)));
    expect(revived).toBeInstanceOf(TypeError);
    expect(revived).toMatchObject({message: 'dup', code: 'duplicate-id'});
    const dom = Object.defineProperty(new DOMException('q', 'QuotaExceededError'), 'code', {
      value: 'quota-exceeded',
    });
    expect(deserializeError(serializeError(dom))).toMatchObject({
      name: 'QuotaExceededError',
      code: 'quota-exceeded',
    });
    // A DOMException's legacy numeric code is not one of ours.
    expect(serializeError(new DOMException('x', 'AbortError'))).toEqual({
      name: 'AbortError',
      message: 'x',
    });
  });

  test('TypeError and DOMException names come back as such', () => {
    const type = deserializeError(serializeError(new TypeError('bad id')));
    expect(type).toBeInstanceOf(TypeError);
    expect(type.message).toBe('bad id');
    const dom = deserializeError(serializeError(new DOMException('nope', 'NotAllowedError')));
    expect(dom.name).toBe('NotAllowedError');
    expect(dom).toBeInstanceOf(DOMException);
    expect(deserializeError({name: 'WorkboxBackgroundFetchError', message: 'm'}).name).toBe(
      'WorkboxBackgroundFetchError',
    );
  });
});
