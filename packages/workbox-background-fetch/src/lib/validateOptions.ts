import {createError} from './models/createError.js';

type OptionType = 'string' | 'boolean' | 'function' | 'object' | 'number';

/** The type (or types) each known option may have. @private */
export type OptionTypes = Record<string, OptionType | OptionType[]>;

/**
 * Throws a clear error for an option `options` does not know, or one of the
 * wrong type. Used in development builds only.
 *
 * @private
 */
export function validateOptions(
  owner: string,
  options: unknown,
  types: OptionTypes,
): void {
  if (options === undefined) {
    return;
  }
  if (typeof options !== 'object' || options === null) {
    throw createError(
      'invalid-option-type',
      {owner, key: 'options', expected: 'an object', value: options},
      'TypeError',
    );
  }
  for (const [key, value] of Object.entries(options)) {
    const expected = types[key];
    if (expected === undefined) {
      throw createError(
        'unknown-option',
        {owner, key, known: Object.keys(types)},
        'TypeError',
      );
    }
    const allowed = Array.isArray(expected) ? expected : [expected];
    if (value !== undefined && !allowed.includes(typeof value as OptionType)) {
      throw createError(
        'invalid-option-type',
        {owner, key, expected: allowed.map((type) => `a ${type}`).join(' or '), value},
        'TypeError',
      );
    }
  }
}
