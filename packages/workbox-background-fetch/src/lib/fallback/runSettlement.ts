import {logger} from '../logger.js';
import {createError} from '../models/createError.js';
import {createSettlementEvent} from './createSettlementEvent.js';
import type {BackendContext, JobSettlement} from '../BackgroundFetchBackend.js';
import type {BackgroundFetchUIOptions} from '../../types.js';
import type {FallbackRegistration} from './FallbackRegistration.js';
import type {JobNotifier} from './JobNotifier.js';

/**
 * Runs the settlement of an ended job, in the spec's order: its
 * registration already shows the result; the notification says it; then
 * the queue's `onSettled` gets the event (with `updateUI()` but for an
 * abort), and every promise given to its `waitUntil()` is awaited. A
 * handler that throws is logged; it never keeps the job from its purge.
 * Resolves true when the queue kept the job instead (`JobSettlement.keep`).
 *
 * @private
 */
export async function runSettlement(
  kind: 'success' | 'fail' | 'abort',
  {
    context,
    registration,
    notifier,
    early,
  }: {
    context: BackendContext;
    registration: FallbackRegistration;
    notifier: JobNotifier;
    /** The records' early writes into their caches (`EarlyRecords`). */
    early?: JobSettlement['early'];
  },
): Promise<boolean> {
  notifier.finish(kind, registration.snapshot());
  let uiOpen = true;
  let uiUsed = false;
  const updateUI =
    kind === 'abort'
      ? undefined
      : async (options?: BackgroundFetchUIOptions): Promise<void> => {
          if (!uiOpen || uiUsed) {
            throw createError('update-ui-not-allowed', {}, 'InvalidStateError');
          }
          uiUsed = true;
          await notifier.replace(options);
        };
  const settlement = createSettlementEvent(kind, registration, updateUI);
  let kept = false;
  try {
    await context.onSettled({
      type: kind,
      registration,
      event: settlement.event,
      updateUI,
      early,
      keep: () => {
        kept = true;
      },
    });
    await settlement.extended();
  } catch (error) {
    if (process.env.NODE_ENV !== 'production') {
      logger.error(`The ${kind} handler of '${registration.id}' threw:`, error);
    }
  }
  uiOpen = false;
  return kept;
}
