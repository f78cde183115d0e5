import {domException} from './models/createError.js';
import type {SerializedRequest} from '../protocol.js';

/** Turns a Request into something postMessage can carry. */
export async function serializeRequest(request: Request): Promise<SerializedRequest> {
  const serialized: SerializedRequest = {
    url: request.url,
    method: request.method,
    headers: [...request.headers],
    mode: request.mode,
    credentials: request.credentials,
    cache: request.cache,
    redirect: request.redirect,
    referrer: request.referrer,
    referrerPolicy: request.referrerPolicy,
    integrity: request.integrity,
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    serialized.body = await request.clone().arrayBuffer();
  }
  return serialized;
}

/** The inverse of `serializeRequest`. */
export function deserializeRequest(serialized: SerializedRequest): Request {
  // 'navigate' cannot be set from script; a page sends 'cors' or
  // 'same-origin' here anyway (no-cors is refused earlier).
  const mode = serialized.mode === 'navigate' ? 'same-origin' : serialized.mode;
  // An 'about:client' referrer is the default; passing it back is an error.
  const referrer =
    serialized.referrer && serialized.referrer !== 'about:client' ? serialized.referrer : undefined;
  return new Request(serialized.url, {
    method: serialized.method,
    headers: serialized.headers,
    mode,
    credentials: serialized.credentials,
    cache: serialized.cache,
    redirect: serialized.redirect,
    referrer,
    referrerPolicy: serialized.referrerPolicy,
    integrity: serialized.integrity || undefined,
    body: serialized.body,
  });
}

/** An error, as it crosses postMessage. */
export interface SerializedError {
  name: string;
  message: string;
  /** The error's code (`messages.ts`), when it has one. */
  code?: string;
}

/** Turns an error into something postMessage can carry, its code included. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error || error instanceof DOMException) {
    const {code} = error as {code?: unknown};
    return typeof code === 'string'
      ? {name: error.name, message: error.message, code}
      : {name: error.name, message: error.message};
  }
  return {name: 'Error', message: String(error)};
}

/** The inverse of `serializeError`: a TypeError, a DOMException or an Error, with its code. */
export function deserializeError(error: SerializedError): Error {
  const revived = reviveError(error);
  if (error.code !== undefined) {
    // An own property, as createError sets it (DOMException has a read-only `code`).
    Object.defineProperty(revived, 'code', {value: error.code, enumerable: true});
  }
  return revived;
}

function reviveError(error: SerializedError): Error {
  if (error.name === 'TypeError') {
    return new TypeError(error.message);
  }
  if (error.name === 'Error') {
    return new Error(error.message);
  }
  const known = [
    'AbortError',
    'InvalidStateError',
    'NotAllowedError',
    'QuotaExceededError',
    'TimeoutError',
  ];
  if (known.includes(error.name)) {
    return domException(error.message, error.name);
  }
  return Object.assign(new Error(error.message), {name: error.name});
}
