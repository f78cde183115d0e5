import {assembleResponse} from '../../../src/lib/fallback/assembleResponse';

const head = {
  status: 200,
  statusText: 'OK',
  headers: [
    ['content-type', 'audio/mpeg'],
    ['content-length', '6'],
    ['etag', '"v1"'],
  ] as Array<[string, string]>,
};

describe('the record response assembled from stored chunks', () => {
  test('is one full response of the chunks in order, with the original status and Content-Type', async () => {
    const response = assembleResponse(head, [new Blob(['abc']), new Blob(['def'])]);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    expect(response.headers.get('etag')).toBe('"v1"');
    expect(await response.text()).toBe('abcdef');
  });

  test('drops Content-Range and Content-Length, as the spec exposes record headers', () => {
    const response = assembleResponse(
      {...head, headers: [...head.headers, ['content-range', 'bytes 0-5/6']]},
      [new Blob(['abcdef'])],
    );
    expect(response.headers.get('content-range')).toBeNull();
    expect(response.headers.get('content-length')).toBeNull();
  });

  test('is never a 206: a partial status becomes 200', () => {
    expect(
      assembleResponse({...head, status: 206, statusText: 'Partial Content'}, [new Blob(['x'])])
        .status,
    ).toBe(200);
  });

  test('keeps an error status and its body (bad-status records stay readable)', async () => {
    const response = assembleResponse({status: 404, statusText: 'Not Found', headers: []}, [
      new Blob(['gone']),
    ]);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('gone');
  });

  test('a status without body gets none', () => {
    expect(assembleResponse({status: 204, statusText: '', headers: []}, []).body).toBeNull();
  });
});
