/*
  Generates the podcast's media on first start, with Node alone: one WAV
  file per episode (a generated melody, 22.05 kHz 16-bit mono, 9–24 MB so a
  throttled download takes a while to watch), PNG artwork per episode, the
  app icon, and episodes.json. Deterministic: every machine gets the same
  bytes. Skipped when the files of this generator version are there.
*/
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {Canvas, hsl, melody, mix} from '../../server/lib/media.mjs';

const VERSION = 'podcast-media-v2';

export const PODCAST = {
  name: 'Offline Frequencies',
  tagline: 'A podcast about the web, downloaded in the background.',
};

/** The episodes: ids are the background fetch ids. */
export const EPISODES = [
  {
    id: 'ep-1',
    title: 'Sine of the Times',
    seconds: 250,
    root: 220,
    hue: 210,
    description:
      'Why a download should outlive the tab that started it, and what the browser does when you close it.',
  },
  {
    id: 'ep-2',
    title: 'The Long Chord',
    seconds: 400,
    root: 196,
    hue: 280,
    description:
      'Native Background Fetch in Chromium: the download UI, the service worker events, and who starts the job.',
  },
  {
    id: 'ep-3',
    title: 'Noise Floor',
    seconds: 320,
    root: 247,
    hue: 20,
    description:
      'Firefox and Safari have no Background Fetch. A resumable chunked download in the service worker fills the gap.',
  },
  {
    id: 'ep-4',
    title: 'Range Requests',
    seconds: 540,
    root: 175,
    hue: 150,
    description:
      'bytes=5242880- — resuming with Range and If-Range, strong ETags, and what to do when the file changed.',
  },
  {
    id: 'ep-5',
    title: 'Offline First',
    seconds: 210,
    root: 262,
    hue: 330,
    description:
      'Cache first, then seek: serving 206 slices of a cached file to an audio element with no network at all.',
  },
  {
    id: 'ep-6',
    title: 'Beats per Megabyte',
    seconds: 450,
    root: 233,
    hue: 45,
    description:
      'Chunk sizes, memory, and throughput: what a 256 MB download costs in each browser.',
  },
];

function artwork(episode, number, size = 256) {
  const c = new Canvas(size, size);
  const top = hsl(episode.hue, 0.65, 0.55);
  const bottom = hsl((episode.hue + 40) % 360, 0.7, 0.28);
  c.shade((x, y) => [...mix(top, bottom, (x + y) / (2 * size)), 1]);
  // Sound waves from the lower-left corner.
  for (let i = 1; i <= 6; i++) {
    c.circle(size * 0.18, size * 0.82, i * size * 0.13, [255, 255, 255, 0.16], size * 0.025);
  }
  c.circle(size * 0.18, size * 0.82, size * 0.07, [255, 255, 255, 0.85]);
  // "EP" small, top left; the episode number big, top right.
  const small = Math.max(2, Math.round(size / 48));
  c.text(Math.round(size * 0.08), Math.round(size * 0.09), 'EP', small, [255, 255, 255, 0.85]);
  const scale = Math.round(size / 22);
  const label = String(number);
  c.text(
    size - Canvas.textWidth(label, scale) - Math.round(size * 0.08),
    Math.round(size * 0.09),
    label,
    scale,
    [255, 255, 255, 0.95],
  );
  return c.toPNG();
}

function appIcon(size) {
  const c = new Canvas(size, size);
  c.shade((x, y) => [...mix([59, 91, 219], [24, 32, 64], (x + y) / (2 * size)), 1]);
  for (let i = 1; i <= 3; i++) {
    c.circle(size / 2, size / 2, i * size * 0.14, [255, 255, 255, 0.9], size * 0.035);
  }
  c.circle(size / 2, size / 2, size * 0.06, [255, 255, 255, 1]);
  return c.toPNG();
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/**
 * Writes media/, art/, icons and episodes.json into `siteDir` (when not
 * there yet) and returns the episode list as written to episodes.json.
 */
export function generatePodcastMedia(siteDir, log = () => {}) {
  const stamp = join(siteDir, 'media', `.${VERSION}`);
  const listFile = join(siteDir, 'episodes.json');
  if (existsSync(stamp) && existsSync(listFile)) {
    return JSON.parse(readFileSync(listFile, 'utf8')).episodes;
  }
  mkdirSync(join(siteDir, 'media'), {recursive: true});
  mkdirSync(join(siteDir, 'art'), {recursive: true});
  const started = Date.now();
  log(`Generating the podcast's audio (${EPISODES.length} episodes, once)…`);
  const list = EPISODES.map((episode, index) => {
    const number = index + 1;
    const audio = melody({seconds: episode.seconds, seed: episode.id, root: episode.root});
    writeFileSync(join(siteDir, 'media', `${episode.id}.wav`), audio);
    writeFileSync(join(siteDir, 'art', `${episode.id}.png`), artwork(episode, number));
    return {
      id: episode.id,
      number,
      title: episode.title,
      description: episode.description,
      duration: episode.seconds,
      audio: `/media/${episode.id}.wav`,
      art: `/art/${episode.id}.png`,
      size: audio.length,
      sha256: sha256(audio),
    };
  });
  writeFileSync(join(siteDir, 'icon-192.png'), appIcon(192));
  writeFileSync(join(siteDir, 'icon-512.png'), appIcon(512));
  writeFileSync(listFile, JSON.stringify({...PODCAST, episodes: list}, null, 2));
  writeFileSync(stamp, new Date().toISOString());
  const total = list.reduce((sum, e) => sum + e.size, 0);
  log(
    `  ${(total / 1e6).toFixed(0)} MB of audio in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return list;
}
