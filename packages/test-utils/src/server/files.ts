/** The files the server serves: in-memory bodies (`addFile`) and static directories (`serveDir`). */
import {promises as fsp} from 'node:fs';
import * as path from 'node:path';
import {contentTypeFor} from './contentTypes';
import type {AddFileOptions} from './types';
import {httpDate, quoteEtag, strongEtag} from './validators';

/** One servable file with its validators. */
export interface FileEntry {
  body: Buffer;
  contentType: string;
  etag: string | false;
  lastModified: string | false;
  acceptRanges: boolean;
  headers: Record<string, string>;
  /** Whether the ETag/Last-Modified were generated (regenerate on replaceFile). */
  autoEtag: boolean;
  autoLastModified: boolean;
  gzip?: boolean;
  /** See `AddFileOptions.mirrors`. */
  mirrors: number;
  /** Requests answered so far (which mirror answers next). */
  served: number;
  /** The gzip-encoded body, made on first use. */
  gzipped?: Buffer;
}

/** Backs `addFile`, `replaceFile`, `removeFile` and `serveDir`; {@link FileStore.find} looks a path up. */
export class FileStore {
  private readonly files = new Map<string, FileEntry>();
  private readonly dirs: {prefix: string; dir: string}[] = [];

  /** See {@link TestServer.addFile}. */
  add(p: string, body: Buffer, opts: AddFileOptions = {}): void {
    const etag = opts.etag === undefined ? strongEtag(body) : opts.etag && quoteEtag(opts.etag);
    this.files.set(p, {
      body,
      contentType: opts.contentType ?? contentTypeFor(p),
      etag,
      lastModified: opts.lastModified === undefined ? httpDate(Date.now()) : opts.lastModified,
      acceptRanges: opts.acceptRanges ?? true,
      headers: opts.headers ?? {},
      autoEtag: opts.etag === undefined,
      autoLastModified: opts.lastModified === undefined,
      gzip: opts.gzip ?? false,
      mirrors: opts.mirrors ?? 1,
      served: 0,
    });
  }

  /** See {@link TestServer.replaceFile}: new body, and validators that always change. */
  replace(p: string, newBody: Buffer): void {
    const f = this.files.get(p);
    if (!f) throw new Error(`replaceFile: no file at ${p}`);
    const oldEtag = f.etag;
    f.body = newBody;
    f.gzipped = undefined;
    if (f.etag !== false) {
      let e = strongEtag(newBody);
      if (e === oldEtag || !f.autoEtag) {
        e = `"${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}"`;
      }
      f.etag = e;
    }
    if (f.lastModified !== false) {
      const prev = Date.parse(f.lastModified);
      const next = Math.max(Date.now(), (Number.isNaN(prev) ? 0 : prev) + 1000);
      f.lastModified = httpDate(next);
    }
  }

  /** See {@link TestServer.removeFile}. */
  remove(p: string): void {
    this.files.delete(p);
  }

  /** See {@link TestServer.serveDir}. */
  serveDir(urlPrefix: string, dir: string): void {
    const prefix = urlPrefix.endsWith('/') ? urlPrefix : `${urlPrefix}/`;
    this.dirs.push({prefix, dir: path.resolve(dir)});
  }

  /** The file at URL path `p`: an added file first, else one under a served directory. */
  async find(p: string): Promise<FileEntry | undefined> {
    return this.files.get(p) ?? (await this.fromDir(p));
  }

  private async fromDir(p: string): Promise<FileEntry | undefined> {
    for (const {prefix, dir} of this.dirs) {
      if (!p.startsWith(prefix)) continue;
      let rel = p.slice(prefix.length);
      try {
        rel = decodeURIComponent(rel);
      } catch {
        continue;
      }
      const full = path.resolve(dir, `.${path.posix.normalize(`/${rel}`)}`);
      if (full !== dir && !full.startsWith(dir + path.sep)) continue;
      try {
        let target = full;
        let st = await fsp.stat(target);
        if (st.isDirectory()) {
          target = path.join(target, 'index.html');
          st = await fsp.stat(target);
        }
        const body = await fsp.readFile(target);
        return {
          body,
          contentType: contentTypeFor(target),
          etag: `"${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}-${st.ino.toString(36)}"`,
          lastModified: httpDate(st.mtimeMs),
          acceptRanges: true,
          headers: {},
          autoEtag: true,
          autoLastModified: true,
          mirrors: 1,
          served: 0,
        };
      } catch {}
    }
    return undefined;
  }
}
