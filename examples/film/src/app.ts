/*
  The film page: reads the DASH-like manifest, downloads the manifest and
  every segment as ONE background fetch, and plays the segments from the
  cache (the worker's CacheFirst route for /film/) onto a canvas.
*/
import {backgroundFetchManager} from 'workbox-background-fetch-window';
import type {
  WindowBackgroundFetchManager,
  WindowRegistration,
} from 'workbox-background-fetch-window';

interface FilmInfo {
  id: string;
  title: string;
  subtitle: string;
  manifest: string;
  poster: string;
  segments: number;
  fps: number;
  bytes: number;
}

/** The cache of the recipe's route for /film/ (see sw.ts). */
const FILM_CACHE = 'films';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * The segment URLs a DASH SegmentTemplate describes (`$Number%04d$` with
 * `startNumber`, `duration` and `timescale`, over the presentation's
 * duration).
 */
function segmentUrls(mpdText: string, mpdUrl: string): string[] {
  const doc = new DOMParser().parseFromString(mpdText, 'application/xml');
  const mpd = doc.documentElement;
  const template = doc.getElementsByTagName('SegmentTemplate')[0];
  const seconds = Number(
    /PT([\d.]+)S/.exec(mpd.getAttribute('mediaPresentationDuration') ?? '')?.[1],
  );
  const timescale = Number(template.getAttribute('timescale') ?? 1);
  const duration = Number(template.getAttribute('duration'));
  const start = Number(template.getAttribute('startNumber') ?? 1);
  const media = template.getAttribute('media')!;
  const count = Math.ceil((seconds * timescale) / duration);
  return Array.from({length: count}, (_, i) => {
    const path = media.replace(/\$Number(?:%0(\d+)d)?\$/, (_m, width?: string) =>
      String(start + i).padStart(Number(width ?? 0), '0'),
    );
    return new URL(path, new URL(mpdUrl, location.href)).pathname;
  });
}

class FilmPlayer {
  frame = -1;
  drawn = 0;
  private playing = false;
  private readonly context: CanvasRenderingContext2D;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly urls: string[],
    private readonly fps: number,
  ) {
    this.context = canvas.getContext('2d')!;
  }

  /** Draws segment `n` (0-based), fetched through the service worker. */
  async show(n: number): Promise<void> {
    const response = await fetch(this.urls[n]);
    if (!response.ok) throw new Error(`segment ${n + 1}: ${response.status}`);
    const bitmap = await createImageBitmap(await response.blob());
    this.context.imageSmoothingEnabled = false;
    this.context.drawImage(bitmap, 0, 0, this.canvas.width, this.canvas.height);
    this.frame = n;
    this.drawn += 1;
    ($('scrubber') as HTMLInputElement).value = String(n);
    $('frame').textContent = `${n + 1} / ${this.urls.length}`;
  }

  async play(): Promise<void> {
    if (this.playing) return;
    this.playing = true;
    $('play').textContent = 'Pause';
    const interval = 1000 / this.fps;
    while (this.playing) {
      const started = performance.now();
      const next = this.frame + 1 >= this.urls.length ? 0 : this.frame + 1;
      try {
        await this.show(next);
      } catch (error) {
        $('status').textContent = String((error as Error).message);
        break;
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, interval - (performance.now() - started))),
      );
    }
    this.playing = false;
    $('play').textContent = 'Play';
  }

  pause(): void {
    this.playing = false;
  }

  get isPlaying(): boolean {
    return this.playing;
  }
}

async function drawPoster(src: string): Promise<void> {
  const canvas = $<HTMLCanvasElement>('screen');
  const context = canvas.getContext('2d')!;
  const bitmap = await createImageBitmap(await (await fetch(src)).blob());
  context.fillStyle = '#000';
  context.fillRect(0, 0, canvas.width, canvas.height);
  const size = canvas.height;
  context.drawImage(bitmap, (canvas.width - size) / 2, 0, size, size);
}

async function main(): Promise<void> {
  await navigator.serviceWorker.register('/sw.js', {scope: '/'});
  const {films} = (await (await fetch('/films.json')).json()) as {films: FilmInfo[]};
  const film = films[0];
  const section = $('film');
  $('title').textContent = film.title;
  $('meta').textContent =
    `${film.subtitle} · ${film.segments} segments at ${film.fps} fps · ${megabytes(film.bytes)}`;
  void drawPoster(film.poster);

  const mpdText = await (await fetch(film.manifest)).text();
  $('manifest').textContent = mpdText;
  const urls = segmentUrls(mpdText, film.manifest);
  const player = new FilmPlayer($('screen'), urls, film.fps);
  (window as unknown as {filmPlayer: FilmPlayer}).filmPlayer = player;

  const manager: WindowBackgroundFetchManager = await backgroundFetchManager({queue: 'films'});
  $('engine').textContent = manager.native
    ? 'Native Background Fetch: the browser downloads the 361 files, even with this tab closed.'
    : 'No Background Fetch here: the service worker downloads the 361 files itself, resumably.';

  const setState = (state: string, status = '') => {
    section.dataset.state = state;
    $('status').textContent = status;
    ($('scrubber') as HTMLInputElement).disabled = state !== 'done';
  };

  const downloaded = async (): Promise<boolean> => {
    const cache = await caches.open(FILM_CACHE);
    const cached = new Set((await cache.keys()).map((request) => new URL(request.url).pathname));
    return cached.has(film.manifest) && urls.every((url) => cached.has(url));
  };

  const showDone = async () => {
    if (await downloaded()) {
      $<HTMLProgressElement>('progress').value = 1;
      setState('done', `Saved for offline · ${urls.length + 1} files`);
      if (player.frame < 0) await player.show(0);
    } else {
      setState('idle');
    }
  };

  const track = (registration: WindowRegistration) => {
    section.dataset.backend = registration.backend;
    const update = () => {
      if (registration.result === 'success') return void showDone();
      if (registration.result === 'failure') {
        return registration.failureReason === 'aborted'
          ? setState('idle')
          : setState('failed', `Download failed: ${registration.failureReason}`);
      }
      const total = registration.downloadTotal || film.bytes;
      const paused = Boolean(registration.snapshot().paused);
      $<HTMLProgressElement>('progress').value = registration.downloaded / total;
      setState(
        paused ? 'paused' : 'downloading',
        `${megabytes(registration.downloaded)} of ${megabytes(total)} · ${paused ? 'paused' : registration.backend}`,
      );
    };
    registration.addEventListener('progress', update);
    update();
    $('pause').onclick = () => registration.pause().then(update);
    $('resume').onclick = () => registration.resume().then(update);
    $('cancel').onclick = () => registration.abort();
  };

  const download = async () => {
    setState('downloading', 'Starting…');
    try {
      track(
        (await manager.get(film.id)) ??
          (await manager.fetch(film.id, [film.manifest, ...urls], {
            title: film.title,
            icons: [{src: film.poster, sizes: '256x256', type: 'image/png'}],
            downloadTotal: film.bytes,
          })),
      );
    } catch (error) {
      setState('failed', `Could not start: ${(error as Error).message}`);
    }
  };
  $('download').onclick = download;
  $('retry').onclick = download;
  $('play').onclick = () => (player.isPlaying ? player.pause() : void player.play());
  $('scrubber').oninput = () => {
    player.pause();
    void player.show(Number(($('scrubber') as HTMLInputElement).value));
  };
  $('remove').onclick = async () => {
    player.pause();
    const cache = await caches.open(FILM_CACHE);
    await Promise.all([film.manifest, ...urls].map((url) => cache.delete(url)));
    player.frame = -1;
    void drawPoster(film.poster);
    setState('idle');
  };

  await showDone();
  const running = await manager.get(film.id);
  if (running) track(running);
  document.documentElement.dataset.ready = 'true';
}

main().catch((error) => {
  console.error(error);
  $('status').textContent = `Something went wrong: ${(error as Error).message}`;
  document.documentElement.dataset.ready = 'error';
});
