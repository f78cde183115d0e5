import {types} from 'node:util';
import {BackgroundFetchConfigError} from './config-error.js';

/**
 * JavaScript source text that evaluates to `value`, for code written into a
 * generated service worker. Works like the serialization workbox-build
 * applies to `runtimeCaching` (functions are copied as their source text,
 * so they must not use closures), with two differences: a method written
 * in shorthand (`cacheWillUpdate({response}) {…}`) stays valid code, and a
 * value that cannot be copied faithfully (a class instance, a bound or
 * native function, a symbol) is an error naming where it is, instead of
 * turning into `{}`.
 *
 * @param value The value to write.
 * @param path Where the value is in the config, for error messages.
 * @return An expression.
 * @private
 */
export function toSource(value: unknown, path: string): string {
  if (value === undefined) {
    return 'undefined';
  }
  if (value === null || typeof value === 'boolean') {
    return String(value);
  }
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? String(value)
      : value > 0
        ? 'Infinity'
        : value < 0
          ? '-Infinity'
          : 'NaN';
  }
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'function') {
    const fn = functionSource(value, path);
    if (fn.method) {
      throw new BackgroundFetchConfigError([
        `${path} is a method written in shorthand outside an object; write it ` +
          `as an arrow function or a function expression.`,
      ]);
    }
    return fn.expression;
  }
  if (types.isRegExp(value)) {
    return String(value);
  }
  if (types.isDate(value)) {
    return `new Date(${JSON.stringify(value.toISOString())})`;
  }
  if (Array.isArray(value)) {
    return `[${value.map((item, index) => toSource(item, `${path}[${index}]`)).join(', ')}]`;
  }
  if (typeof value === 'object') {
    // A plain object's prototype is some realm's Object.prototype, whose own
    // prototype is null (configs may come from another vm context).
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== null && Object.getPrototypeOf(prototype) !== null) {
      const className = (value as object).constructor?.name ?? 'an object with a prototype';
      throw new BackgroundFetchConfigError([
        `${path} is an instance of ${className}, which cannot be copied into the ` +
          `service worker (it would become {}). Use an object literal whose ` +
          `functions use no variables from the config file, or the matching ` +
          `runtimeCaching option (expiration, cacheableResponse, …).`,
      ]);
    }
    const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => {
      const itemPath = `${path}.${key}`;
      if (typeof item === 'function') {
        const fn = functionSource(item, itemPath);
        if (fn.method) {
          return fn.expression;
        }
        return `${JSON.stringify(key)}: ${fn.expression}`;
      }
      return `${JSON.stringify(key)}: ${toSource(item, itemPath)}`;
    });
    return `{${entries.join(', ')}}`;
  }
  throw new BackgroundFetchConfigError([
    `${path} is a ${typeof value}, which cannot be written into a service worker. ` +
      `Use a string, number, boolean, array, object literal, RegExp or function.`,
  ]);
}

/** Whether `source` parses as JavaScript, without running it. */
function parses(source: string): boolean {
  try {
    // Compiles only: the function is never called.
    new Function(source);
    return true;
  } catch {
    return false;
  }
}

/**
 * The source of a function as an expression, or as a method definition
 * (`name(args) {…}`) when it was written in shorthand.
 */
function functionSource(fn: object, path: string): {expression: string; method: boolean} {
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw new BackgroundFetchConfigError([
      `${path} is a native or bound function, whose source cannot be copied ` +
        `into the service worker. Write the function inline in the config.`,
    ]);
  }
  if (parses(`return (${source});`)) {
    return {expression: source, method: false};
  }
  if (parses(`return ({${source}});`)) {
    return {expression: source, method: true};
  }
  throw new BackgroundFetchConfigError([
    `${path}: the source of this function is not valid on its own ` +
      `(${source.slice(0, 40)}…). Write it as an arrow function or a ` +
      `function expression.`,
  ]);
}
