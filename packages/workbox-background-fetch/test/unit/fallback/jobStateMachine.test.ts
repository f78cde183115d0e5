import {isActiveState, nextJobState} from '../../../src/lib/fallback/jobStateMachine';
import type {JobEvent, JobState} from '../../../src/lib/fallback/jobStateMachine';

const STATES: JobState[] = ['queued', 'running', 'paused', 'succeeded', 'failed', 'aborted'];
const EVENTS: JobEvent[] = ['start', 'pause', 'resume', 'succeed', 'fail', 'abort'];

describe('the job state machine', () => {
  test('a queued job starts, or is paused, failed (quota) or aborted before its first request', () => {
    expect(nextJobState('queued', 'start')).toBe('running');
    expect(nextJobState('queued', 'pause')).toBe('paused');
    expect(nextJobState('queued', 'fail')).toBe('failed');
    expect(nextJobState('queued', 'abort')).toBe('aborted');
    expect(nextJobState('queued', 'succeed')).toBeNull();
  });

  test('a running job pauses, succeeds, fails or is aborted', () => {
    expect(nextJobState('running', 'pause')).toBe('paused');
    expect(nextJobState('running', 'succeed')).toBe('succeeded');
    expect(nextJobState('running', 'fail')).toBe('failed');
    expect(nextJobState('running', 'abort')).toBe('aborted');
    expect(nextJobState('running', 'start')).toBeNull();
    expect(nextJobState('running', 'resume')).toBeNull();
  });

  test('a paused job resumes or is aborted; it neither succeeds nor fails while paused', () => {
    expect(nextJobState('paused', 'resume')).toBe('running');
    expect(nextJobState('paused', 'abort')).toBe('aborted');
    expect(nextJobState('paused', 'pause')).toBeNull();
    expect(nextJobState('paused', 'succeed')).toBeNull();
    expect(nextJobState('paused', 'fail')).toBeNull();
  });

  test('succeeded, failed and aborted are final: no event leaves them (abort() resolves false)', () => {
    for (const state of ['succeeded', 'failed', 'aborted'] as const) {
      for (const event of EVENTS) {
        expect(nextJobState(state, event)).toBeNull();
      }
    }
  });

  test('a job is active (getIds lists it) until it has a result', () => {
    expect(STATES.filter(isActiveState)).toEqual(['queued', 'running', 'paused']);
  });
});
