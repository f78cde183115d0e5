/*
  The notification of a fallback job, against a fake
  `self.registration.showNotification()` / `getNotifications()` and
  `Notification.permission` (workerGlobals.ts). The 1 s throttle and the
  2 s cap on a notification that never settles run on a fake clock.
*/
import {registrationSnapshot as snapshot} from '../support/registrationSnapshot';
import {toJobId} from '../../../src/lib/jobId';
import {
  installWorkerGlobals,
  loadWorkerModule,
  removeWorkerGlobals,
} from '../support/workerGlobals';
import type * as JobNotifierModule from '../../../src/lib/fallback/JobNotifier';
import type * as ReadNotificationModule from '../../../src/lib/fallback/readFallbackNotification';
import type {WorkerWorld} from '../support/workerGlobals';

let world: WorkerWorld;
let JobNotifier: typeof JobNotifierModule.JobNotifier;
let readFallbackNotification: typeof ReadNotificationModule.readFallbackNotification;

beforeEach(() => {
  jest.useFakeTimers();
  world = installWorkerGlobals();
  ({JobNotifier, readFallbackNotification} = loadWorkerModule(() => ({
    ...(require('../../../src/lib/fallback/JobNotifier') as typeof JobNotifierModule),
    ...(require('../../../src/lib/fallback/readFallbackNotification') as typeof ReadNotificationModule),
  })));
});
afterEach(() => {
  jest.useRealTimers();
  removeWorkerGlobals();
});

const JOB_ID = toJobId('episodes', 'ep-5');

function notifier(over: {title?: string; enabled?: boolean} = {}) {
  return new JobNotifier(JOB_ID, {
    title: over.title ?? 'Episode 5',
    icons: [{src: '/icon.png'}],
    enabled: over.enabled ?? true,
    fallbackTitle: 'ep-5',
  });
}

/** Lets the notifier's promises run (and `ms` of fake time pass). */
async function flush(ms = 0): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

const shown = () => world.notifications.map(({title, options}) => [title, options.body]);

describe('JobNotifier', () => {
  test('progress shows the title and a percentage, tagged with the job id; a click finds the job again', async () => {
    notifier().progress(snapshot({downloaded: 420}), 1000);
    await flush();
    expect(shown()).toEqual([['Episode 5', '42%']]);
    const [{options}] = world.notifications;
    expect(options).toMatchObject({tag: JOB_ID, icon: '/icon.png', silent: true});
    const clicked = {tag: options.tag, data: options.data} as Notification;
    expect(readFallbackNotification('episodes', clicked)).toEqual({
      id: 'ep-5',
      snapshot: snapshot({downloaded: 420}),
    });
    expect(readFallbackNotification('films', clicked)).toBeUndefined();
  });

  test('the size in MB while the total is unknown; "Paused" while paused; the id when there is no title', async () => {
    const each = notifier({title: ''});
    each.progress(snapshot({downloaded: 1_500_000}), null);
    await flush();
    each.progress(snapshot({downloaded: 500, paused: true}), 1000);
    await flush(1000);
    expect(shown()).toEqual([
      ['ep-5', '1.5 MB'],
      ['ep-5', 'Paused, 50%'],
    ]);
  });

  test('at most one update a second, and the last progress is never lost', async () => {
    const each = notifier();
    for (const downloaded of [100, 200, 300, 400]) {
      each.progress(snapshot({downloaded}), 1000);
      await flush(100);
    }
    expect(shown()).toEqual([['Episode 5', '10%']]);
    await flush(1000);
    expect(shown()).toEqual([
      ['Episode 5', '10%'],
      ['Episode 5', '40%'],
    ]);
  });

  test('finish: "Download complete" or "Download failed"; a pending progress update is dropped', async () => {
    const each = notifier();
    each.progress(snapshot({downloaded: 100}), 1000);
    each.progress(snapshot({downloaded: 900}), 1000);
    each.finish('success', snapshot({downloaded: 1000, result: 'success'}));
    await flush(2000);
    expect(shown()).toEqual([
      ['Episode 5', '10%'],
      ['Episode 5', 'Download complete'],
    ]);
    const failed = new JobNotifier(toJobId('episodes', 'ep-6'), {
      enabled: true,
      fallbackTitle: 'ep-6',
    });
    failed.finish('fail', snapshot({id: 'ep-6', result: 'failure', failureReason: 'fetch-error'}));
    await flush();
    expect(shown().at(-1)).toEqual(['ep-6', 'Download failed']);
  });

  test('an abort closes the notification', async () => {
    const each = notifier();
    each.progress(snapshot({downloaded: 100}), 1000);
    await flush();
    each.finish('abort', snapshot({result: 'failure', failureReason: 'aborted'}));
    await flush();
    expect(world.notifications).toHaveLength(1);
    expect(world.notifications[0].closed).toBe(true);
  });

  test('replace() (updateUI) changes the title and keeps the last text', async () => {
    const each = notifier();
    each.finish('success', snapshot({result: 'success'}));
    await flush();
    await each.replace({title: 'Episode 5 is ready', icons: [{src: '/done.png'}]});
    expect(shown().at(-1)).toEqual(['Episode 5 is ready', 'Download complete']);
    expect(world.notifications.at(-1)!.options.icon).toBe('/done.png');
  });

  test('without permission, or disabled, nothing is shown and nothing fails', async () => {
    world.permission = 'default';
    const each = notifier();
    each.progress(snapshot({downloaded: 100}), 1000);
    each.finish('success', snapshot({result: 'success'}));
    await each.replace({title: 'x'});
    world.permission = 'granted';
    const disabled = notifier({enabled: false});
    disabled.progress(snapshot({downloaded: 100}), 1000);
    disabled.finish('fail', snapshot({result: 'failure'}));
    await disabled.replace({title: 'x'});
    await flush(2000);
    expect(world.notifications).toEqual([]);
  });

  test('a showNotification() that never settles holds replace() 2 s at most; one that rejects not at all', async () => {
    const registration = world.self.registration as {showNotification: () => Promise<void>};
    registration.showNotification = () => new Promise<void>(() => undefined);
    const each = notifier();
    each.finish('success', snapshot({result: 'success'}));
    let replaced = false;
    const replacing = each.replace({title: 'Done'}).then(() => {
      replaced = true;
    });
    await flush(1999);
    expect(replaced).toBe(false);
    await flush(1);
    await replacing;
    expect(replaced).toBe(true);
    registration.showNotification = () => Promise.reject(new TypeError('No permission.'));
    await expect(notifier().replace({title: 'x'})).resolves.toBeUndefined();
  });
});
