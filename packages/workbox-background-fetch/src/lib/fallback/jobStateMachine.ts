/*
  The life of a fallback download job, and the only place that says which
  transitions exist:

    queued    → running | paused | failed | aborted
    running   → paused | succeeded | failed | aborted
    paused    → running | aborted
    succeeded, failed, aborted: final

  (queued → failed: the quota check before the first request.)
*/

/** Where a job is in its life. */
export type JobState = 'queued' | 'running' | 'paused' | 'succeeded' | 'failed' | 'aborted';

/** What happens to a job. */
export type JobEvent = 'start' | 'pause' | 'resume' | 'succeed' | 'fail' | 'abort';

const TRANSITIONS: Record<JobState, Partial<Record<JobEvent, JobState>>> = {
  queued: {start: 'running', pause: 'paused', fail: 'failed', abort: 'aborted'},
  running: {pause: 'paused', succeed: 'succeeded', fail: 'failed', abort: 'aborted'},
  paused: {resume: 'running', abort: 'aborted'},
  succeeded: {},
  failed: {},
  aborted: {},
};

/**
 * The state after `event`, or `null` when `event` cannot happen in `state`
 * (pausing a paused job, aborting a finished one…).
 *
 * @example
 * nextJobState('running', 'pause'); // 'paused'
 * nextJobState('succeeded', 'abort'); // null
 *
 * @private
 */
export function nextJobState(state: JobState, event: JobEvent): JobState | null {
  return TRANSITIONS[state][event] ?? null;
}

/**
 * True while the job is active: listed by `getIds()`, returned by `get()`,
 * abortable. A job stops being active the moment it has a result.
 *
 * @private
 */
export function isActiveState(state: JobState): boolean {
  return state === 'queued' || state === 'running' || state === 'paused';
}
