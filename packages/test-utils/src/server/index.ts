/**
 * A real HTTP/1.1 test server on 127.0.0.1 for Background Fetch tests:
 * in-memory files with Range / If-Range / ETag / Last-Modified, static
 * directories, custom routes, per-path fault injection, a global bandwidth
 * throttle, "offline" simulation and a request log.
 *
 * Built on `node:http` only. Bodies are streamed from the stored Buffer in
 * zero-copy slices (`Buffer#subarray`) with backpressure, so 256 MiB bodies
 * go through at loopback speed without extra memory.
 */
export {generateBytes, sha256} from './bytes';
export {contentTypeFor} from './contentTypes';
export {startTestServer} from './startTestServer';
export {type BucketClock, TokenBucket} from './throttle';
export type {AddFileOptions, FaultSpec, RequestLogEntry, RouteHandler, TestServer} from './types';
