import {fromJobId, toJobId} from '../../src/lib/jobId';

describe('job ids are namespaced per queue', () => {
  test("a queue recognises its own job ids and gets the caller's id back", () => {
    expect(fromJobId('episodes', toJobId('episodes', 'ep-5'))).toBe('ep-5');
    expect(fromJobId('episodes', toJobId('episodes', 'a:b:c'))).toBe('a:b:c');
  });

  test("another queue's ids and ids not made by this library are not recognised", () => {
    expect(fromJobId('episodes', toJobId('films', 'ep-5'))).toBeUndefined();
    expect(fromJobId('episodes', 'ep-5')).toBeUndefined();
    // A queue whose name is a prefix of another's does not claim its jobs.
    expect(fromJobId('ep', toJobId('episodes', 'x'))).toBeUndefined();
  });
});
