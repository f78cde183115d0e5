/*
  Jobs of all queues share one id space per origin (native Background Fetch
  ids are per service-worker registration). Each queue prefixes its ids so
  it can recognise its own jobs and leave everyone else's alone.
*/

const PREFIX = 'wbf:';

/** The id a backend sees for `id` in queue `queueName`. @private */
export function toJobId(queueName: string, id: string): string {
  return `${PREFIX}${queueName}:${id}`;
}

/**
 * The caller's id when `jobId` belongs to `queueName`, else `undefined`.
 * @private
 */
export function fromJobId(queueName: string, jobId: string): string | undefined {
  const prefix = `${PREFIX}${queueName}:`;
  return jobId.startsWith(prefix) ? jobId.slice(prefix.length) : undefined;
}
