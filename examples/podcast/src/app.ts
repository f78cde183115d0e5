/*
  The podcast page. Everything about downloads goes through
  workbox-background-fetch-window's manager, which looks the same whether
  the browser downloads natively (Chromium) or the service worker runs the
  chunked fallback (Firefox, Safari).
*/
import {backgroundFetchManager} from 'workbox-background-fetch-window';
import type {
  DownloadEntry,
  DownloadLibraryChangeEvent,
  WindowBackgroundFetchManager,
  WindowRegistration,
} from 'workbox-background-fetch-window';

interface Episode {
  id: string;
  number: number;
  title: string;
  description: string;
  duration: number;
  audio: string;
  art: string;
  size: number;
  sha256: string;
}

type CardState = 'idle' | 'downloading' | 'paused' | 'done' | 'failed';

/** The cache of the worker's CacheFirst route for /media/ (see sw.ts). */
const EPISODE_CACHE = 'podcast-episodes';

/** Set once persistent storage was asked for: the first download asks. */
const ASKED_PERSIST = 'podcast-asked-persist';

const $ = <T extends Element>(root: ParentNode, selector: string) =>
  root.querySelector(selector) as T;

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function duration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${m}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;
}

let manager: WindowBackgroundFetchManager;

/** One episode on the page, and the download it may be running. */
class EpisodeCard {
  readonly element: HTMLElement;
  private registration: WindowRegistration | undefined;
  private samples: Array<[number, number]> = [];
  private lastChange = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(readonly episode: Episode) {
    const template = document.getElementById('episode-card') as HTMLTemplateElement;
    this.element = (template.content.cloneNode(true) as DocumentFragment)
      .firstElementChild as HTMLElement;
    const e = this.element;
    e.id = episode.id;
    e.dataset.episode = episode.id;
    const art = $<HTMLImageElement>(e, '.art');
    art.src = episode.art;
    $(e, '.meta').textContent =
      `Episode ${episode.number} · ${duration(episode.duration)} · ${megabytes(episode.size)}`;
    const title = $<HTMLAnchorElement>(e, '.title');
    title.textContent = episode.title;
    title.href = `/?episode=${encodeURIComponent(episode.id)}`;
    $(e, '.description').textContent = episode.description;
    $(e, '.download').addEventListener('click', () => this.download());
    $(e, '.retry').addEventListener('click', () => this.download());
    $(e, '.pause').addEventListener('click', () => this.setPaused(true));
    $(e, '.resume').addEventListener('click', () => this.setPaused(false));
    $(e, '.cancel').addEventListener('click', () => this.cancel());
    $(e, '.remove').addEventListener('click', () => this.remove());
    $(e, '.play-partial').addEventListener('click', () => this.playWhileDownloading());
  }

  private get progress() {
    return $<HTMLProgressElement>(this.element, 'progress');
  }
  private get status() {
    return $<HTMLElement>(this.element, '.status');
  }
  private get player() {
    return $<HTMLAudioElement>(this.element, '.player');
  }

  private setState(state: CardState, statusText = ''): void {
    this.element.dataset.state = state;
    this.status.textContent = statusText;
    for (const button of this.element.querySelectorAll('button')) button.disabled = false;
  }

  /** Starts the background fetch of this episode. */
  async download(): Promise<void> {
    const {episode} = this;
    this.setState('downloading', 'Starting…');
    this.progress.value = 0;
    try {
      // The first download asks the browser to keep the storage (only a
      // page can ask); the answer is registration.persisted.
      const persist = localStorage.getItem(ASKED_PERSIST) === null;
      const registration =
        (await manager.get(episode.id)) ??
        (await manager.fetch(episode.id, [episode.audio], {
          title: episode.title,
          icons: [{src: episode.art, sizes: '256x256', type: 'image/png'}],
          downloadTotal: episode.size,
          persist,
        }));
      if (registration.persisted !== undefined) {
        localStorage.setItem(ASKED_PERSIST, String(registration.persisted));
        void showStorage();
      }
      this.track(registration);
    } catch (error) {
      this.setState('failed', `Could not start: ${(error as Error).message}`);
    }
  }

  /** Follows a running job: progress bar, speed, result. */
  track(registration: WindowRegistration): void {
    this.registration = registration;
    this.element.dataset.backend = registration.backend;
    this.samples = [];
    this.lastChange = performance.now();
    const update = () => this.render(registration);
    registration.addEventListener('progress', update);
    clearInterval(this.ticker);
    // Redraw every second too: the speed falls to zero when the connection is cut.
    this.ticker = setInterval(update, 1000);
    update();
  }

  private render(registration: WindowRegistration): void {
    if (registration !== this.registration) return;
    const total = registration.downloadTotal || this.episode.size;
    const {downloaded} = registration;
    if (registration.result !== '') {
      clearInterval(this.ticker);
      this.registration = undefined;
      if (registration.result === 'success') {
        void this.showDownloaded();
      } else if (registration.failureReason === 'aborted') {
        this.setState('idle');
      } else {
        this.setState('failed', `Download failed: ${registration.failureReason}`);
      }
      return;
    }
    const now = performance.now();
    const last = this.samples[this.samples.length - 1];
    if (!last || last[1] !== downloaded) this.lastChange = now;
    this.samples.push([now, downloaded]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 3000) this.samples.shift();
    const [t0, b0] = this.samples[0];
    const speed = now - t0 > 500 ? ((downloaded - b0) / (now - t0)) * 1000 : NaN;
    const paused = Boolean(registration.snapshot().paused);
    this.progress.value = total ? downloaded / total : 0;
    const how = registration.backend === 'native' ? 'native' : 'fallback';
    let rate = '';
    if (paused) rate = 'paused';
    else if (downloaded === 0) rate = `starting… · ${how}`;
    else if (Number.isNaN(speed)) rate = how;
    else if (now - this.lastChange > 2500) rate = `waiting for the network… · ${how}`;
    else rate = `${megabytes(speed)}/s · ${how}`;
    this.element.dataset.state = paused ? 'paused' : 'downloading';
    this.status.textContent = `${megabytes(downloaded)} of ${megabytes(total)} · ${rate}`;
  }

  private async setPaused(paused: boolean): Promise<void> {
    const registration = this.registration;
    if (!registration) return;
    for (const button of this.element.querySelectorAll('button')) button.disabled = true;
    try {
      await (paused ? registration.pause() : registration.resume());
    } finally {
      for (const button of this.element.querySelectorAll('button')) button.disabled = false;
    }
    this.render(registration);
  }

  /**
   * Fallback downloads: plays what has arrived. The worker answers the
   * player's Range requests from the stored bytes, else from the network.
   */
  private async playWhileDownloading(): Promise<void> {
    this.element.dataset.partial = 'true';
    if (this.player.getAttribute('src') !== this.episode.audio) {
      this.player.src = this.episode.audio;
    }
    await this.player.play().catch(() => undefined);
  }

  private async cancel(): Promise<void> {
    await this.registration?.abort();
  }

  /** Shows the player when the audio is in the cache. */
  async showDownloaded(): Promise<boolean> {
    const cached = await caches.match(this.episode.audio, {cacheName: EPISODE_CACHE});
    if (!cached) {
      this.setState('idle');
      return false;
    }
    this.progress.value = 1;
    this.setState('done', `Saved for offline · ${megabytes(this.episode.size)}`);
    if (this.player.getAttribute('src') !== this.episode.audio) {
      // Served by the service worker's CacheFirst route, sliced with Range.
      this.player.src = this.episode.audio;
    }
    return true;
  }

  /** Deletes the download: its audio from the cache and its library entry. */
  async remove(): Promise<void> {
    this.forget();
    if (!(await manager.library.remove(this.episode.id))) {
      // Downloaded before the library existed.
      await (await caches.open(EPISODE_CACHE)).delete(this.episode.audio);
    }
    this.setState('idle');
  }

  /** Stops the player; the download is gone. */
  forget(): void {
    this.player.pause();
    this.player.removeAttribute('src');
    this.player.load();
    delete this.element.dataset.partial;
  }
}

/** The origin's storage use and quota, and whether it is persistent. */
async function showStorage(): Promise<void> {
  const line = document.getElementById('storage')!;
  if (!navigator.storage?.estimate) return;
  const {usage = 0, quota = 0} = await navigator.storage.estimate();
  const persisted = (await navigator.storage.persisted?.()) ?? false;
  line.textContent =
    `Storage: ${megabytes(usage)} used of ${megabytes(quota)} · ` +
    (persisted ? 'persistent (kept when space runs low)' : 'may be evicted when space runs low');
}

/** The "Downloaded" list: the queue's library, newest first. */
async function showDownloads(cards: Map<string, EpisodeCard>): Promise<void> {
  const entries: DownloadEntry[] = await manager.library.list();
  const template = document.getElementById('download-item') as HTMLTemplateElement;
  const items = entries.map((entry) => {
    const item = (template.content.cloneNode(true) as DocumentFragment)
      .firstElementChild as HTMLElement;
    item.dataset.episode = entry.id;
    const art = $<HTMLImageElement>(item, '.art');
    if (entry.icons[0]) art.src = entry.icons[0].src;
    $(item, '.title').textContent = entry.title || entry.id;
    $(item, '.size').textContent = megabytes(entry.bytes);
    $<HTMLElement>(item, '.missing').hidden = !entry.missing;
    $(item, '.delete').addEventListener('click', async () => {
      const card = cards.get(entry.id);
      if (card) await card.remove();
      else await manager.library.remove(entry.id);
    });
    return item;
  });
  document.getElementById('downloads')!.replaceChildren(...items);
  document.getElementById('downloads-empty')!.hidden = items.length > 0;
  document.getElementById('downloaded')!.dataset.count = String(items.length);
  await showStorage();
}

function showEngine(): void {
  const engine = document.getElementById('engine')!;
  const native = manager.native;
  engine.dataset.kind = native ? 'native' : 'fallback';
  $(engine, '.engine-name').textContent = native ? 'Native Background Fetch' : 'Fallback download';
  $(engine, '.engine-detail').textContent = native
    ? 'The browser downloads, even with this tab closed.'
    : 'No Background Fetch here: the service worker downloads in resumable chunks.';
  const notify = document.getElementById('notify') as HTMLButtonElement;
  if (!native && 'Notification' in window && Notification.permission === 'default') {
    notify.hidden = false;
    notify.addEventListener('click', async () => {
      await Notification.requestPermission();
      notify.hidden = Notification.permission !== 'default';
    });
  }
}

/** Resolves when the service worker controls the page (it claims clients). */
function controlled(): Promise<void> {
  if (navigator.serviceWorker.controller) return Promise.resolve();
  return new Promise((resolve) => {
    navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), {once: true});
    setTimeout(resolve, 5000);
  });
}

async function main(): Promise<void> {
  const list = document.getElementById('episodes')!;
  if (!('serviceWorker' in navigator)) {
    list.innerHTML =
      '<p class="error">This browser has no service workers (open the page over http://127.0.0.1 or https).</p>';
    return;
  }
  await navigator.serviceWorker.register('/sw.js', {scope: '/'});

  const {episodes} = (await (await fetch('/episodes.json')).json()) as {episodes: Episode[]};
  const only = new URLSearchParams(location.search).get('episode');
  const shown = only ? episodes.filter((e) => e.id === only) : episodes;
  if (only && shown.length) {
    document.title = `${shown[0].title} — Offline Frequencies`;
    list.classList.add('single');
    document.getElementById('crumbs')!.hidden = false;
  }
  const cards = new Map(shown.map((e) => [e.id, new EpisodeCard(e)]));
  list.replaceChildren(...[...cards.values()].map((c) => c.element));

  manager = await backgroundFetchManager({queue: 'episodes'});
  showEngine();
  await controlled();

  // Finished downloads, then jobs still running (after a reload, or started
  // in another tab).
  await Promise.all([...cards.values()].map((c) => c.showDownloaded()));
  // Added by a job that ended, removed here, in another tab or by the worker.
  manager.library.addEventListener('change', async (event) => {
    const {id, change} = event as DownloadLibraryChangeEvent;
    const card = cards.get(id);
    if (card && change === 'removed') {
      card.forget();
      await card.showDownloaded();
    }
    await showDownloads(cards);
  });
  await showDownloads(cards);
  for (const id of await manager.getIds()) {
    const registration = await manager.get(id);
    if (registration) cards.get(id)?.track(registration);
  }
  document.documentElement.dataset.ready = 'true';
}

main().catch((error) => {
  console.error(error);
  document.getElementById('episodes')!.innerHTML =
    `<p class="error">Something went wrong: ${String((error as Error).message)}</p>`;
  document.documentElement.dataset.ready = 'error';
});
