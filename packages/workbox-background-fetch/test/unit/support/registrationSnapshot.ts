import type {RegistrationSnapshot} from '../../../src/protocol';

/** A snapshot of job 'ep-5' of queue 'episodes' (fallback, nothing downloaded), with `over`. */
export function registrationSnapshot(
  over: Partial<RegistrationSnapshot> = {},
): RegistrationSnapshot {
  return {
    id: 'ep-5',
    queue: 'episodes',
    backend: 'fallback',
    uploadTotal: 0,
    uploaded: 0,
    downloadTotal: 0,
    downloaded: 0,
    result: '',
    failureReason: '',
    recordsAvailable: true,
    ...over,
  };
}
