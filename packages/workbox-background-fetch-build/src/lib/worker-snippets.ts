/*
  Helper functions written into generated service workers, as source text.
  They must stay valid after workbox-build strips comments from serialized
  functions: no comments and no regular expression literals in them.
*/

/** `fillTemplate('{id} is ready', {id: 'ep-5'})` → `'ep-5 is ready'`. @private */
export const fillTemplateSource = `function fillTemplate(template, values) {
  let result = template;
  for (const key of Object.keys(values)) {
    result = result.split('{' + key + '}').join(String(values[key]));
  }
  return result;
}`;

/** `fileNameOf('https://a.example/media/ep%205.mp3')` → `'ep 5.mp3'`. @private */
export const fileNameOfSource = `function fileNameOf(url) {
  const path = new URL(url).pathname;
  const name = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name) || path;
  } catch (error) {
    return name || path;
  }
}`;

/**
 * Focuses a window showing `url` (hash ignored), else opens it; without
 * `url`, focuses the most recently used window, else opens the scope.
 * Same behaviour as the runtime recipe's click handler.
 *
 * @private
 */
export const focusOrOpenWindowSource = `function focusOrOpenWindow(url) {
  const scope = self.registration.scope;
  const target = url === undefined ? undefined : new URL(url, scope).href;
  const withoutHash = (href) => href.split('#')[0];
  return self.clients
    .matchAll({type: 'window', includeUncontrolled: true})
    .then((windows) => {
      const open = target === undefined
        ? windows[0]
        : windows.find((client) => withoutHash(client.url) === withoutHash(target));
      return open ? open.focus() : self.clients.openWindow(target === undefined ? scope : target);
    })
    .catch(() => null);
}`;

/** All helpers, for code that may use any of them. @private */
export const helpersSource = [fillTemplateSource, fileNameOfSource, focusOrOpenWindowSource].join(
  '\n',
);
