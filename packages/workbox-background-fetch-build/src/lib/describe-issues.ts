import {z} from 'zod';
import {didYouMean} from './did-you-mean.js';

type Path = Array<string | number>;

/** `backgroundFetch.queues[0].name` */
export function formatPath(path: Path): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`,
    )
    .join('');
}

/** The path with indexes dropped, to look up hints: `backgroundFetch.queues.name`. */
function hintKey(path: Path): string {
  return path.filter((segment) => typeof segment === 'string').join('.');
}

/**
 * How to fix a wrong value, by the (index-free) path of its key. The
 * longest suffix of the path that is listed wins.
 */
const hints: Record<string, string> = {
  backgroundFetch: "Use backgroundFetch: {queues: [{name: 'downloads'}]}.",
  'backgroundFetch.queues': "List the queues: queues: [{name: 'downloads'}].",
  'queues.name': "Give each queue a unique name, like 'downloads'.",
  cacheName: "Use a cache name, like 'media'.",
  forceFallback: 'Use true or false.',
  nativeFailover: 'Use true or false.',
  fallback: 'Use an object of numbers, like {chunkSize: 33554432}.',
  successUI: "Use {title: '{id} is ready'}.",
  failUI: "Use {title: '{id} failed'}.",
  title: "Use a string; '{id}' (queues) or '{url}' and '{filename}' (routes) are replaced.",
  icons: "Use a list like [{src: '/icons/download.png', sizes: '192x192'}].",
  src: "Use the icon's URL, like '/icons/download.png'.",
  clickUrl: "Use a URL relative to the service worker, like '/downloads/'.",
  'options.backgroundFetch': "Use backgroundFetch: {queue: 'downloads'}.",
  'backgroundFetch.queue':
    "Name a queue of the top-level backgroundFetch.queues, like queue: 'downloads'.",
  responseWhileQueued: "Use an HTML string, or {body: '…', status: 202, headers: {…}}.",
  'backgroundFetch.fetchOptions': "Use {title: 'Downloading {filename}', downloadTotal: 1048576}.",
  downloadTotal: 'Use a whole number of bytes (0 for unknown).',
  status: 'Use an HTTP status from 200 to 599.',
  headers: "Use an object of strings, like {'Content-Type': 'text/html'}.",
  bundle: "Use true, false, or {mode: 'development', sourcemap: true}.",
  mode: "Use 'production' or 'development'.",
  minify: 'Use true or false.',
  sourcemap: 'Use true or false.',
  importScriptsUrl:
    'Use the URL of workbox-background-fetch.prod.js relative to the service worker.',
  queue: "Use a queue name like 'downloads', or {name: 'downloads', cacheName: 'media'}.",
  urlPattern: 'Use a RegExp, a URL string, or a match function.',
  method: "Use an HTTP method like 'GET'.",
  expiration: 'Use {maxEntries: 10} and/or {maxAgeSeconds: 86400}.',
  maxEntries: 'Use a positive whole number.',
  maxAgeSeconds: 'Use a positive number of seconds.',
  cacheableResponse: 'Use {statuses: [200]}.',
  rangeRequests: 'Use true or false.',
  plugins: 'Use a list of plugin object literals.',
  networkTimeoutSeconds: 'Use a positive number of seconds.',
};

function hintFor(path: Path): string {
  const parts = hintKey(path).split('.');
  for (let start = 0; start < parts.length; start++) {
    const hint = hints[parts.slice(start).join('.')];
    if (hint) {
      return ` ${hint}`;
    }
  }
  return '';
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (value === null) {
    return 'null';
  }
  if (typeof value === 'object') {
    return 'an object';
  }
  return `${typeof value === 'function' ? 'a function' : String(value)}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') {
      return undefined;
    }
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** The keys an object schema knows, found by walking `schema` along `path`. */
function knownKeysAt(schema: z.ZodTypeAny, path: Path): string[] {
  let current: z.ZodTypeAny | undefined = schema;
  const unwrap = (s: z.ZodTypeAny): z.ZodTypeAny => {
    let result = s;
    while (result instanceof z.ZodOptional || result instanceof z.ZodNullable) {
      result = result.unwrap();
    }
    return result;
  };
  for (const segment of path) {
    if (!current) {
      return [];
    }
    current = unwrap(current);
    if (current instanceof z.ZodArray && typeof segment === 'number') {
      current = current.element;
    } else if (current instanceof z.ZodObject && typeof segment === 'string') {
      current = current.shape[segment] as z.ZodTypeAny | undefined;
    } else if (current instanceof z.ZodUnion) {
      const options = current.options as z.ZodTypeAny[];
      const objectOption: z.ZodTypeAny | undefined = options
        .map(unwrap)
        .find((option) => option instanceof z.ZodObject && segment in option.shape);
      current = objectOption ? (objectOption as z.AnyZodObject).shape[segment] : undefined;
    } else {
      return [];
    }
  }
  if (!current) {
    return [];
  }
  current = unwrap(current);
  if (current instanceof z.ZodUnion) {
    current = (current.options as z.ZodTypeAny[]).map(unwrap).find((o) => o instanceof z.ZodObject);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

/**
 * One sentence per zod issue, naming the key and the fix:
 * `backgroundFetch.queues[0].nmae is not an option. Did you mean 'name'? …`.
 *
 * @param issues What zod found.
 * @param schema The schema that was applied at `prefix`.
 * @param input The value that was checked (to quote wrong values).
 * @param prefix Where `input` sits in the whole config.
 * @private
 */
export function describeIssues(
  issues: z.ZodIssue[],
  schema: z.ZodTypeAny,
  input: unknown,
  prefix: Path = [],
): string[] {
  const messages: string[] = [];
  for (const issue of issues) {
    const fullPath = [...prefix, ...issue.path];
    const where = formatPath(fullPath);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(schema, issue.path);
        for (const key of issue.keys) {
          const suggestion = didYouMean(key, known);
          messages.push(
            `${formatPath([...fullPath, key])} is not an option` +
              (where ? ` of ${where}` : '') +
              '.' +
              (suggestion ? ` Did you mean '${suggestion}'?` : '') +
              (known.length ? ` Known options: ${known.join(', ')}.` : ''),
          );
        }
        break;
      }
      case 'invalid_type': {
        const value = valueAt(input, issue.path);
        messages.push(
          issue.received === 'undefined'
            ? `${where} is required.${hintFor(fullPath)}`
            : `${where} must be ${article(issue.expected)}, not ${describeValue(value)}.${hintFor(fullPath)}`,
        );
        break;
      }
      case 'invalid_enum_value': {
        const suggestion =
          typeof issue.received === 'string'
            ? didYouMean(issue.received, issue.options.map(String))
            : undefined;
        messages.push(
          `${where} must be one of ${issue.options.map((o) => `'${String(o)}'`).join(', ')}, ` +
            `not ${describeValue(issue.received)}.` +
            (suggestion ? ` Did you mean '${suggestion}'?` : ''),
        );
        break;
      }
      case 'invalid_union': {
        // When the value has the right type for one branch, that branch's
        // deeper issues are the useful ones.
        const deeper = issue.unionErrors
          .map((error) => error.issues)
          .find((branch) => branch.some((i) => i.path.length > issue.path.length));
        if (deeper) {
          messages.push(...describeIssues(deeper, schema, input, prefix));
        } else if (valueAt(input, issue.path) === undefined) {
          messages.push(`${where} is required.${hintFor(fullPath)}`);
        } else {
          const expected = issue.unionErrors
            .flatMap((error) => error.issues)
            .map((i) =>
              i.code === 'invalid_type' ? i.expected : i.message.replace(/^must be /, ''),
            )
            .filter((value, index, all) => all.indexOf(value) === index);
          messages.push(
            `${where} must be ${expected.map(article).join(' or ')}, not ` +
              `${describeValue(valueAt(input, issue.path))}.${hintFor(fullPath)}`,
          );
        }
        break;
      }
      default: {
        const text = issue.message.replace(/^(Number|String|Array) /, '');
        messages.push(
          `${where} ${text.charAt(0).toLowerCase()}${text.slice(1)}.${hintFor(fullPath)}`,
        );
      }
    }
  }
  return messages;
}
