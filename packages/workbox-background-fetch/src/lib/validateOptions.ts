import {buildError} from './models/createError.js';
import {str} from './models/messages.js';

// Development-only texts: this file is only reached from dev-only code, so
// production bundles drop it whole.
const unknownOption = (owner: string, key: string, known: string[]) =>
  buildError(
    'unknown-option',
    `${str(owner)} got an unknown option ${str(key)}. Known options: ${known.join(', ')}.`,
    'TypeError',
  );
const invalidOptionType = (owner: string, key: string, expected: string, value: unknown) =>
  buildError(
    'invalid-option-type',
    `${str(owner)} option ${str(key)} must be ${expected}, got ${str(typeof value)}.`,
    'TypeError',
  );

type OptionType = 'string' | 'boolean' | 'function' | 'object' | 'number';

/** The type (or types) each known option may have. @private */
export type OptionTypes = Record<string, OptionType | OptionType[]>;

/**
 * Throws a clear error for an option `options` does not know, or one of the
 * wrong type. Used in development builds only.
 *
 * @private
 */
export function validateOptions(owner: string, options: unknown, types: OptionTypes): void {
  if (options === undefined) {
    return;
  }
  if (typeof options !== 'object' || options === null) {
    throw invalidOptionType(owner, 'options', 'an object', options);
  }
  for (const [key, value] of Object.entries(options)) {
    const expected = types[key];
    if (expected === undefined) {
      throw unknownOption(owner, key, Object.keys(types));
    }
    const allowed = Array.isArray(expected) ? expected : [expected];
    if (value !== undefined && !allowed.includes(typeof value as OptionType)) {
      throw invalidOptionType(owner, key, allowed.map((type) => `a ${type}`).join(' or '), value);
    }
  }
}
