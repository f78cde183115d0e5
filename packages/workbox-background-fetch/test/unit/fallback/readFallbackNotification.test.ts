import {toJobId} from '../../../src/lib/jobId';
import {readFallbackNotification} from '../../../src/lib/fallback/readFallbackNotification';

const snapshot = {
  id: 'ep-5',
  queue: 'episodes',
  backend: 'fallback' as const,
  uploadTotal: 0,
  uploaded: 0,
  downloadTotal: 0,
  downloaded: 10,
  result: '' as const,
  failureReason: '' as const,
  recordsAvailable: true,
};

function notification(tag: string, data: unknown): Notification {
  return {tag, data} as Notification;
}

describe('which job a clicked notification belongs to', () => {
  const jobId = toJobId('episodes', 'ep-5');

  test("a fallback job's notification of this queue gives the caller's id and the last snapshot", () => {
    expect(
      readFallbackNotification(
        'episodes',
        notification(jobId, {backgroundFetch: {jobId, snapshot}}),
      ),
    ).toEqual({
      id: 'ep-5',
      snapshot,
    });
  });

  test("another queue's job is not claimed", () => {
    expect(
      readFallbackNotification('films', notification(jobId, {backgroundFetch: {jobId, snapshot}})),
    ).toBeUndefined();
  });

  test('notifications of the app itself are left alone', () => {
    expect(
      readFallbackNotification('episodes', notification('news', {url: '/news'})),
    ).toBeUndefined();
    expect(readFallbackNotification('episodes', notification(jobId, null))).toBeUndefined();
    // The tag must be the job's: data alone is not enough.
    expect(
      readFallbackNotification(
        'episodes',
        notification('other', {backgroundFetch: {jobId, snapshot}}),
      ),
    ).toBeUndefined();
  });
});
