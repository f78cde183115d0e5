import {EndedRegistration} from '../../src/lib/EndedRegistration';

const ended = () =>
  new EndedRegistration({
    id: 'ep-5',
    queue: 'episodes',
    backend: 'fallback',
    uploadTotal: 0,
    uploaded: 0,
    downloadTotal: 10,
    downloaded: 10,
    result: 'success',
    failureReason: '',
    recordsAvailable: false,
  });

describe('a job known only by its last snapshot behaves as an ended job', () => {
  test('abort() resolves false: the job is no longer active', async () => {
    await expect(ended().abort()).resolves.toBe(false);
  });

  test('match() and matchAll() reject with InvalidStateError', async () => {
    await expect(ended().matchAll()).rejects.toMatchObject({name: 'InvalidStateError'});
    await expect(ended().match('https://example.com/a')).rejects.toMatchObject({
      name: 'InvalidStateError',
    });
  });
});
