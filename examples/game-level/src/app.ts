/*
  The game page: a level downloads as one background fetch of all its
  files; a level whose job failed shows what the worker kept and what is
  missing, and still plays (missing tiles are drawn as placeholders).
*/
import {backgroundFetchManager} from 'workbox-background-fetch-window';
import type {
  WindowBackgroundFetchManager,
  WindowRegistration,
} from 'workbox-background-fetch-window';

interface Level {
  id: string;
  number: number;
  title: string;
  description: string;
  preview: string;
  assets: Array<{url: string; size: number}>;
  bytes: number;
}

interface Report {
  failureReason: string;
  kept: number;
  missing: Array<{url: string; status: number}>;
}

interface GameMap {
  width: number;
  height: number;
  tileSize: number;
  tiles: number[];
  things: Array<{sprite: string; x: number; y: number}>;
}

const LEVEL_CACHE = 'game-levels';
const REPORT_CACHE = 'game-level-reports';

const $ = <T extends Element>(root: ParentNode, selector: string) =>
  root.querySelector(selector) as T;
const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

let manager: WindowBackgroundFetchManager;

async function cachedPaths(): Promise<Set<string>> {
  const cache = await caches.open(LEVEL_CACHE);
  return new Set((await cache.keys()).map((request) => new URL(request.url).pathname));
}

async function readReport(id: string): Promise<Report | undefined> {
  const response = await caches.match(`/reports/${encodeURIComponent(id)}.json`, {
    cacheName: REPORT_CACHE,
  });
  return response ? ((await response.json()) as Report) : undefined;
}

class LevelCard {
  readonly element: HTMLElement;

  constructor(readonly level: Level) {
    const template = document.getElementById('level-card') as HTMLTemplateElement;
    this.element = (template.content.cloneNode(true) as DocumentFragment)
      .firstElementChild as HTMLElement;
    const e = this.element;
    e.id = `level-${level.id}`;
    $<HTMLImageElement>(e, '.preview').src = level.preview;
    $(e, '.title').textContent = `${level.number}. ${level.title}`;
    $(e, '.description').textContent = level.description;
    $(e, '.meta').textContent = `${level.assets.length} files · ${megabytes(level.bytes)}`;
    $(e, '.download').addEventListener('click', () => this.download());
    $(e, '.retry').addEventListener('click', () => this.download());
    $(e, '.play').addEventListener('click', () => play(level));
    $(e, '.remove').addEventListener('click', () => this.remove());
  }

  private setState(state: string, status = ''): void {
    this.element.dataset.state = state;
    $(this.element, '.status').textContent = status;
  }

  async download(): Promise<void> {
    $(this.element, '.missing').replaceChildren();
    this.setState('downloading', 'Starting…');
    try {
      const registration =
        (await manager.get(this.level.id)) ??
        (await manager.fetch(
          this.level.id,
          this.level.assets.map((asset) => asset.url),
          {
            title: this.level.title,
            icons: [{src: this.level.preview, sizes: '240x144', type: 'image/png'}],
            downloadTotal: this.level.bytes,
          },
        ));
      this.track(registration);
    } catch (error) {
      this.setState('failed', `Could not start: ${(error as Error).message}`);
    }
  }

  track(registration: WindowRegistration): void {
    this.element.dataset.backend = registration.backend;
    const update = () => {
      if (registration.result !== '') {
        void this.showResult();
        return;
      }
      const total = registration.downloadTotal || this.level.bytes;
      $<HTMLProgressElement>(this.element, 'progress').value = registration.downloaded / total;
      this.setState(
        'downloading',
        `${megabytes(registration.downloaded)} of ${megabytes(total)} · ${registration.backend}`,
      );
    };
    registration.addEventListener('progress', update);
    $<HTMLButtonElement>(this.element, '.cancel').onclick = () => registration.abort();
    update();
  }

  /** Shows what the cache holds of this level: all, part (with the report), or nothing. */
  async showResult(): Promise<void> {
    const cached = await cachedPaths();
    const have = this.level.assets.filter((asset) => cached.has(asset.url)).length;
    const report = await readReport(this.level.id);
    const progress = $<HTMLProgressElement>(this.element, 'progress');
    progress.value = have / this.level.assets.length;
    const missingList = $(this.element, '.missing');
    missingList.replaceChildren();
    if (have === this.level.assets.length) {
      this.setState('done', `Ready offline · ${have} files`);
    } else if (report && have > 0) {
      this.setState(
        'partial',
        `Download failed (${report.failureReason}): kept ${report.kept} of ${this.level.assets.length} files`,
      );
      missingList.replaceChildren(
        ...report.missing.map(({url, status}) => {
          const li = document.createElement('li');
          li.textContent = `${url.split('/').slice(-2).join('/')} — ${status ? `HTTP ${status}` : 'not received'}`;
          return li;
        }),
      );
    } else {
      this.setState('idle');
    }
  }

  private async remove(): Promise<void> {
    const cache = await caches.open(LEVEL_CACHE);
    await Promise.all(this.level.assets.map((asset) => cache.delete(asset.url)));
    await (await caches.open(REPORT_CACHE)).delete(
      `/reports/${encodeURIComponent(this.level.id)}.json`,
    );
    document.getElementById('stage')!.hidden = true;
    await this.showResult();
  }
}

/** Draws the level from the cache (through the worker's route); missing tiles are placeholders. */
async function play(level: Level): Promise<{drawn: number; placeholders: number}> {
  const stage = document.getElementById('stage')!;
  stage.hidden = false;
  document.getElementById('stage-title')!.textContent = level.title;
  const board = document.getElementById('board') as HTMLCanvasElement;
  const context = board.getContext('2d')!;
  context.imageSmoothingEnabled = false;
  const base = `/levels/${level.id}`;
  const map = (await (await fetch(`${base}/map.json`)).json()) as GameMap;
  const images = new Map<string, ImageBitmap | null>();
  const image = async (path: string) => {
    if (!images.has(path)) {
      const response = await fetch(`${base}/${path}`).catch(() => undefined);
      images.set(path, response?.ok ? await createImageBitmap(await response.blob()) : null);
    }
    return images.get(path)!;
  };
  const scale = board.width / (map.width * map.tileSize);
  const size = map.tileSize * scale;
  let drawn = 0;
  let placeholders = 0;
  const missing = new Set<string>();
  for (let i = 0; i < map.tiles.length; i++) {
    const x = (i % map.width) * size;
    const y = Math.floor(i / map.width) * size;
    const path = `tiles/tile-${String(map.tiles[i]).padStart(2, '0')}.png`;
    const bitmap = await image(path);
    if (bitmap) {
      context.drawImage(bitmap, x, y, size, size);
      drawn += 1;
    } else {
      missing.add(path);
      placeholders += 1;
      context.fillStyle = '#ff00aa';
      context.fillRect(x, y, size, size);
      context.fillStyle = '#000';
      context.fillRect(x, y, size / 2, size / 2);
      context.fillRect(x + size / 2, y + size / 2, size / 2, size / 2);
    }
  }
  for (const thing of map.things) {
    const bitmap = await image(`sprites/${thing.sprite}.png`);
    if (bitmap) context.drawImage(bitmap, thing.x * size, thing.y * size, size, size);
  }
  const music = document.getElementById('music') as HTMLAudioElement;
  if (music.getAttribute('src') !== `${base}/music.wav`) music.src = `${base}/music.wav`;
  document.getElementById('stage-note')!.textContent = missing.size
    ? `Missing, drawn as placeholders: ${[...missing].join(', ')}`
    : '';
  return {drawn, placeholders};
}

async function main(): Promise<void> {
  await navigator.serviceWorker.register('/sw.js', {scope: '/'});
  const {levels} = (await (await fetch('/levels.json')).json()) as {levels: Level[]};
  const cards = new Map(levels.map((level) => [level.id, new LevelCard(level)]));
  document.getElementById('levels')!.replaceChildren(...[...cards.values()].map((c) => c.element));

  manager = await backgroundFetchManager({queue: 'levels'});
  document.getElementById('engine')!.textContent = manager.native
    ? 'Native Background Fetch: the browser downloads each level, even with this tab closed.'
    : 'No Background Fetch here: the service worker downloads each level itself, resumably.';
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => {
      navigator.serviceWorker.addEventListener('controllerchange', resolve, {once: true});
      setTimeout(resolve, 5000);
    });
  }
  await Promise.all([...cards.values()].map((card) => card.showResult()));
  for (const id of await manager.getIds()) {
    const registration = await manager.get(id);
    if (registration) cards.get(id)?.track(registration);
  }
  (window as unknown as {game: unknown}).game = {
    play: (id: string) => play(levels.find((l) => l.id === id)!),
  };
  document.documentElement.dataset.ready = 'true';
}

main().catch((error) => {
  console.error(error);
  document.getElementById('engine')!.textContent =
    `Something went wrong: ${(error as Error).message}`;
  document.documentElement.dataset.ready = 'error';
});
