/** The string arguments of every `importScripts(…)` call in `source`. */
export function importedScripts(source: string): string[] {
  const urls: string[] = [];
  for (const call of source.matchAll(/importScripts\s*\(([^)]*)\)/g)) {
    for (const literal of call[1].matchAll(/(["'`])([^"'`]+)\1/g)) {
      urls.push(literal[2]);
    }
  }
  return urls;
}

/** What to do about an `importScripts()` URL that is not there. */
function importFix(url: string): string {
  return /workbox-background-fetch[^/]*\.js$/.test(url)
    ? `: copy the runtime there (backgroundFetchPlugin({…, swDest}) of ` +
        `workbox-background-fetch-build copies it when the worker is written; or ` +
        `run "npx workbox-background-fetch copyLibraries <folder of the worker>")`
    : `: make that file available, or remove it from importScripts`;
}

async function get(url: string): Promise<Response | string> {
  try {
    return await fetch(url, {cache: 'no-store', credentials: 'same-origin'});
  } catch (error) {
    return (error as Error).message || 'network error';
  }
}

/**
 * Why the worker script at `url` may have failed to install, found by
 * fetching it and the scripts it loads with `importScripts()`: a 404, a
 * non-JavaScript answer, an imported script that is missing. An empty string
 * when every file is there (the script threw, or its install event failed).
 *
 * @param url The worker's script URL.
 * @private
 */
export async function diagnoseWorkerScript(url: string): Promise<string> {
  const script = await get(url);
  if (typeof script === 'string') {
    return `GET ${url} failed (${script})`;
  }
  if (!script.ok) {
    return `GET ${url} answered ${script.status}`;
  }
  const type = script.headers.get('Content-Type') ?? '';
  if (!/javascript|ecmascript/i.test(type)) {
    return `${url} is served as ${JSON.stringify(type)}, not as JavaScript`;
  }
  for (const imported of importedScripts(await script.text())) {
    const importUrl = new URL(imported, url).href;
    const answer = await get(importUrl);
    if (typeof answer === 'string' || !answer.ok) {
      const what = typeof answer === 'string' ? `failed (${answer})` : `answered ${answer.status}`;
      return `it loads ${importUrl} with importScripts(), and GET ${importUrl} ${what}${importFix(importUrl)}`;
    }
  }
  return '';
}
