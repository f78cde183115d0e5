/**
 * The page side of `evaluate()`: a function or expression wrapped so that
 * every engine returns `{ok, json}` or the thrown error, plus the console
 * hook WebKit needs (its driver exposes no console).
 */
import type {EngineName, JSONable, PageFunction} from './session';

/** Copies the page's console calls into `window.__tuConsole` (WebKit: its driver shows no console). */
export const CONSOLE_HOOK = `(() => {
  if (window.__tuConsole) return;
  const buf = (window.__tuConsole = []);
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    const orig = console[level];
    console[level] = function (...a) {
      try {
        if (buf.length < 5000) buf.push(level + ': ' + a.map((x) => {
          if (typeof x === 'string') return x;
          try { return JSON.stringify(x); } catch { return String(x); }
        }).join(' '));
      } catch {}
      return orig.apply(this, a);
    };
  }
})()`;

/** Builds an expression that evaluates to a Promise of `{ok, json}` / `{ok:false, name, message, stack}`. */
export function wrapScript(fn: PageFunction, args: JSONable[], drainConsole: boolean): string {
  const src = typeof fn === 'function' ? fn.toString() : fn;
  return `(async () => {
  const __tuDrain = () => ${drainConsole ? '(window.__tuConsole ? window.__tuConsole.splice(0) : [])' : '[]'};
  try {
    const __tuF = (
${src}
    );
    const __tuArgs = ${JSON.stringify(args)};
    const __tuV = await (typeof __tuF === 'function' ? __tuF(...__tuArgs) : __tuF);
    return {ok: true, json: __tuV === undefined ? null : JSON.stringify(__tuV), undef: __tuV === undefined, console: __tuDrain()};
  } catch (e) {
    return {
      ok: false,
      name: (e && e.name) || 'Error',
      message: e && e.message !== undefined ? String(e.message) : String(e),
      stack: (e && e.stack) ? String(e.stack) : '',
      console: __tuDrain(),
    };
  }
})()`;
}

/** What a wrapped script resolves with in the page. */
export interface WrappedResult {
  ok: boolean;
  json?: string | null;
  undef?: boolean;
  name?: string;
  message?: string;
  stack?: string;
  console?: string[];
}

const BUILTIN_ERRORS: Record<string, new (m: string) => Error> = {
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** An error thrown in the page, re-created in Node. */
export interface PageError extends Error {
  /** The page-side stack trace. */
  pageStack: string;
  /** The engine it came from. */
  engine: EngineName;
}

/** The page's error as a {@link PageError} of the same built-in class when there is one. */
export function toPageError(r: WrappedResult, engine: EngineName): PageError {
  const name = r.name ?? 'Error';
  const Ctor = BUILTIN_ERRORS[name] ?? Error;
  const err = new Ctor(r.message ?? '') as PageError;
  err.name = name;
  err.pageStack = r.stack ?? '';
  err.engine = engine;
  return err;
}
