import {SnapshotRegistration} from '../../src/lib/SnapshotRegistration';
import type {RegistrationSnapshot} from '../../src/protocol';

class TestRegistration extends SnapshotRegistration {
  abort = async () => true;
  override match = async () => undefined;
  matchAll = async () => [];
  /** What a backend does as its job moves. */
  update(next: Partial<RegistrationSnapshot>): void {
    this.applySnapshot(next);
  }
}

const snapshot: RegistrationSnapshot = {
  id: 'ep-5',
  queue: 'episodes',
  backend: 'fallback',
  uploadTotal: 0,
  uploaded: 0,
  downloadTotal: 100,
  downloaded: 0,
  result: '',
  failureReason: '',
  recordsAvailable: true,
};

describe('registration fields and progress events follow the spec', () => {
  test('progress fires when downloaded changes, and not when nothing changed', () => {
    const registration = new TestRegistration(snapshot);
    const seen: number[] = [];
    registration.addEventListener('progress', () => seen.push(registration.downloaded));
    registration.update({downloaded: 10});
    registration.update({downloaded: 10});
    registration.update({downloaded: 50});
    expect(seen).toEqual([10, 50]);
  });

  test('the result comes with one last progress, and no progress after a result', () => {
    const registration = new TestRegistration(snapshot);
    let count = 0;
    registration.onprogress = () => count++;
    registration.update({downloaded: 100, result: 'success'});
    registration.update({downloaded: 120, result: 'failure', failureReason: 'fetch-error'});
    expect(count).toBe(1);
    expect(registration.result).toBe('success');
    expect(registration.downloaded).toBe(100);
    expect(registration.failureReason).toBe('');
  });

  test('recordsAvailable still turns false after the result', () => {
    const registration = new TestRegistration(snapshot);
    registration.update({result: 'failure', failureReason: 'aborted'});
    registration.update({recordsAvailable: false});
    expect(registration.recordsAvailable).toBe(false);
  });

  test('the id and queue never change, and snapshots are copies', () => {
    const registration = new TestRegistration(snapshot);
    registration.update({id: 'other', queue: 'other', downloaded: 1});
    expect(registration.id).toBe('ep-5');
    const copy = registration.snapshot();
    copy.downloaded = 99;
    expect(registration.downloaded).toBe(1);
  });

  test('setting onprogress replaces the previous handler', () => {
    const registration = new TestRegistration(snapshot);
    const calls: string[] = [];
    registration.onprogress = () => calls.push('a');
    registration.onprogress = () => calls.push('b');
    registration.update({downloaded: 3});
    expect(calls).toEqual(['b']);
  });
});

describe('a result can be replaced once the records could not be stored', () => {
  test('_replaceResult() changes result and failureReason without a progress event', () => {
    const registration = new TestRegistration(snapshot);
    registration.update({downloaded: 100, result: 'success'});
    let count = 0;
    registration.onprogress = () => count++;
    registration._replaceResult('failure', 'quota-exceeded');
    expect(registration.result).toBe('failure');
    expect(registration.failureReason).toBe('quota-exceeded');
    expect(count).toBe(0);
  });
});
