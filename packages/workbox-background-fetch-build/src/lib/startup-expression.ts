/**
 * A value that workbox-build writes into the generated worker as the given
 * expression, evaluated once when the worker starts.
 *
 * workbox-build copies each function of a `runtimeCaching` plugin literal
 * as `String(fn)`. A function whose `toString()` returns `code` is thus
 * written as `code`: an expression evaluated when the plugins array is
 * built, at the top level of the worker — where a `BackgroundFetchQueue`
 * must be created to get its events. The function itself is never called.
 *
 * @param code A JavaScript expression, with no comments and no regular
 *     expression literals (workbox-build strips comments from functions).
 * @param onSerialize Runs each time the expression is written out (that is,
 *     while workbox-build writes the worker); an error it throws fails the
 *     build with its message.
 * @private
 */
export function startupExpression(code: string, onSerialize?: () => void): () => never {
  const placeholder = (): never => {
    throw new Error(
      'A workbox-background-fetch startup expression only runs in the service worker.',
    );
  };
  placeholder.toString = () => {
    onSerialize?.();
    return code;
  };
  return placeholder;
}
