/*
  Cache Storage in memory for Node unit tests, with the rules the code
  relies on: entries keyed by URL (GET only unless `ignoreMethod`), bodies
  read once on `put()`, `206` refused, `open()` creates, `has()` does not.
  `failPuts` makes every `put()` reject (a full origin).
*/

interface Entry {
  request: Request;
  body: Uint8Array;
  init: ResponseInit & {headers: Array<[string, string]>};
}

function urlOf(request: RequestInfo | URL): string {
  const url = new URL(request instanceof Request ? request.url : String(request));
  url.hash = '';
  return url.href;
}

function matches(
  entry: Entry,
  request: RequestInfo | URL,
  options: CacheQueryOptions = {},
): boolean {
  const method = request instanceof Request ? request.method : 'GET';
  if (method !== 'GET' && !options.ignoreMethod) {
    return false;
  }
  const wanted = new URL(urlOf(request));
  const have = new URL(entry.request.url);
  if (options.ignoreSearch) {
    wanted.search = '';
    have.search = '';
  }
  return wanted.href === have.href;
}

/** One cache. */
export class FakeCache {
  readonly entries: Entry[] = [];
  private readonly _storage: FakeCacheStorage;

  constructor(storage: FakeCacheStorage) {
    this._storage = storage;
  }

  async put(request: RequestInfo | URL, response: Response): Promise<void> {
    const key = request instanceof Request ? request : new Request(String(request));
    if (key.method !== 'GET') {
      throw new TypeError(`Cache.put() refuses a ${key.method} request.`);
    }
    if (response.status === 206) {
      throw new TypeError('Cache.put() refuses a partial (206) response.');
    }
    const body = new Uint8Array(await response.arrayBuffer());
    if (this._storage.failPuts) {
      throw this._storage.failPuts;
    }
    const entry: Entry = {
      request: key,
      body,
      init: {
        status: response.status,
        statusText: response.statusText,
        headers: [...response.headers],
      },
    };
    const index = this.entries.findIndex((each) => matches(each, key));
    if (index >= 0) {
      this.entries.splice(index, 1, entry);
    } else {
      this.entries.push(entry);
    }
  }

  async match(
    request: RequestInfo | URL,
    options?: CacheQueryOptions,
  ): Promise<Response | undefined> {
    const entry = this.entries.find((each) => matches(each, request, options));
    return entry && new Response(entry.body.slice(), entry.init);
  }

  async keys(request?: RequestInfo | URL, options?: CacheQueryOptions): Promise<Request[]> {
    return this.entries
      .filter((entry) => request === undefined || matches(entry, request, options))
      .map((entry) => entry.request);
  }

  async delete(request: RequestInfo | URL, options?: CacheQueryOptions): Promise<boolean> {
    const before = this.entries.length;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (matches(this.entries[i], request, options)) {
        this.entries.splice(i, 1);
      }
    }
    return this.entries.length < before;
  }
}

/** `self.caches`. */
export class FakeCacheStorage {
  readonly caches = new Map<string, FakeCache>();
  /** When set, every `put()` rejects with it (after reading the body). */
  failPuts: Error | null = null;

  async open(name: string): Promise<FakeCache> {
    let cache = this.caches.get(name);
    if (!cache) {
      cache = new FakeCache(this);
      this.caches.set(name, cache);
    }
    return cache;
  }

  async has(name: string): Promise<boolean> {
    return this.caches.has(name);
  }

  async delete(name: string): Promise<boolean> {
    return this.caches.delete(name);
  }

  async keys(): Promise<string[]> {
    return [...this.caches.keys()];
  }

  async match(
    request: RequestInfo | URL,
    options?: CacheQueryOptions,
  ): Promise<Response | undefined> {
    for (const cache of this.caches.values()) {
      const response = await cache.match(request, options);
      if (response) {
        return response;
      }
    }
    return undefined;
  }

  /** The URLs stored in cache `name` (none when it does not exist). */
  urls(name: string): string[] {
    return this.caches.get(name)?.entries.map((entry) => entry.request.url) ?? [];
  }
}
