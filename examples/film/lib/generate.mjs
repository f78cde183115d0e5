/*
  Generates the film on first start, with Node alone: 360 PNG frames
  (320×180, 12 frames per second: a 30-second silent film of a moon in
  orbit), a DASH-like manifest (manifest.mpd, a SegmentTemplate over the
  frames, the way DASH describes thumbnail tracks), a poster, and
  films.json with the sizes the page needs for downloadTotal.
  Deterministic; skipped when this generator version's files are there.
*/
import {existsSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {Canvas, hsl, mix, random} from '../../server/lib/media.mjs';

const VERSION = 'film-media-v2';

export const FILM = {
  id: 'orbit',
  title: 'Orbit',
  subtitle: 'A 30-second silent film',
  fps: 12,
  frames: 360,
  width: 320,
  height: 180,
};

const pad = (n, width) => String(n).padStart(width, '0');

/** The segment URL of frame `n` (1-based), as the manifest's template gives it. */
export const segmentPath = (n) => `frames/frame-${pad(n, 4)}.png`;

function background(width, height) {
  const c = new Canvas(width, height);
  const top = [8, 10, 32];
  const bottom = [40, 24, 72];
  c.shade((_x, y) => [...mix(top, bottom, y / height), 1]);
  const rand = random('orbit-stars');
  for (let i = 0; i < 90; i++) {
    const a = 0.3 + rand() * 0.7;
    c.set(rand() * width, rand() * height, [255, 255, 255, a]);
  }
  return c.pixels;
}

function frame(n, bg) {
  const {width, height, frames, fps} = FILM;
  const c = new Canvas(width, height);
  c.pixels.set(bg);
  const t = (n - 1) / frames;
  const cx = width / 2;
  const cy = height / 2 - 6;
  // Orbit path.
  c.circle(cx, cy, 70, [255, 255, 255, 0.12], 1);
  // The moon, behind the planet for the far half of the orbit.
  const angle = 2 * Math.PI * t * 3;
  const mx = cx + Math.cos(angle) * 70;
  const my = cy + Math.sin(angle) * 22;
  const behind = Math.sin(angle) < 0;
  const moon = () => c.circle(mx, my, 9, [...hsl(40, 0.15, 0.85), 1]);
  if (behind) moon();
  // The planet, its colour turning slowly.
  c.circle(cx, cy, 34, [...hsl((200 + t * 160) % 360, 0.6, 0.5), 1]);
  c.circle(cx - 10, cy - 10, 14, [255, 255, 255, 0.18]);
  if (!behind) moon();
  // Timeline and counters.
  c.rect(0, height - 6, width, 6, [255, 255, 255, 0.12]);
  c.rect(0, height - 6, Math.round((width * n) / frames), 6, [...hsl(45, 0.9, 0.6), 1]);
  const seconds = (n - 1) / fps;
  const code = `${pad(Math.floor(seconds / 60), 2)}:${pad(Math.floor(seconds % 60), 2)}.${pad(Math.floor(((seconds % 1) * 100) / 1), 2)}`;
  c.text(8, 8, `#${pad(n, 4)}`, 2, [255, 255, 255, 0.85]);
  c.text(width - Canvas.textWidth(code, 2) - 8, 8, code, 2, [255, 255, 255, 0.85]);
  return c.toPNG();
}

function poster() {
  const size = 256;
  const c = new Canvas(size, size);
  c.shade((x, y) => [...mix([8, 10, 32], [60, 30, 100], (x + y) / (2 * size)), 1]);
  c.circle(size / 2, size / 2, 150 * 0.6, [255, 255, 255, 0.15], 3);
  c.circle(size / 2, size / 2, 62, [...hsl(210, 0.6, 0.5), 1]);
  c.circle(size / 2 - 18, size / 2 - 18, 24, [255, 255, 255, 0.18]);
  c.circle(size / 2 + 86, size / 2 + 10, 16, [...hsl(40, 0.15, 0.85), 1]);
  const title = 'ORBIT';
  c.text((size - Canvas.textWidth(title, 5)) / 2, size - 52, title, 5, [255, 255, 255, 0.95]);
  return c.toPNG();
}

function manifest(totalBytes) {
  const {frames, fps, width, height} = FILM;
  const seconds = frames / fps;
  const bandwidth = Math.round((totalBytes * 8) / seconds);
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- DASH-like: one image AdaptationSet whose SegmentTemplate lists ${frames} segments of one frame each. -->
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" profiles="urn:mpeg:dash:profile:isoff-live:2011"
     mediaPresentationDuration="PT${seconds}S" minBufferTime="PT1S">
  <Period id="1" start="PT0S">
    <AdaptationSet id="1" contentType="image" mimeType="image/png">
      <SegmentTemplate media="frames/frame-$Number%04d$.png" startNumber="1" timescale="${fps}" duration="1"/>
      <Representation id="frames-${width}x${height}" bandwidth="${bandwidth}" width="${width}" height="${height}"/>
    </AdaptationSet>
  </Period>
</MPD>
`;
}

/** Writes film/orbit/…, posters/ and films.json into `siteDir` (when not there yet). */
export function generateFilm(siteDir, log = () => {}) {
  const filmDir = join(siteDir, 'film', FILM.id);
  const stamp = join(filmDir, `.${VERSION}`);
  const listFile = join(siteDir, 'films.json');
  if (existsSync(stamp) && existsSync(listFile)) {
    return JSON.parse(readFileSync(listFile, 'utf8'));
  }
  const started = Date.now();
  log(`Generating the film (${FILM.frames} frames, once)…`);
  mkdirSync(join(filmDir, 'frames'), {recursive: true});
  mkdirSync(join(siteDir, 'posters'), {recursive: true});
  const bg = background(FILM.width, FILM.height);
  let frameBytes = 0;
  for (let n = 1; n <= FILM.frames; n++) {
    const png = frame(n, bg);
    frameBytes += png.length;
    writeFileSync(join(filmDir, segmentPath(n)), png);
  }
  const mpd = manifest(frameBytes);
  writeFileSync(join(filmDir, 'manifest.mpd'), mpd);
  writeFileSync(join(siteDir, 'posters', `${FILM.id}.png`), poster());
  const info = {
    films: [
      {
        id: FILM.id,
        title: FILM.title,
        subtitle: FILM.subtitle,
        manifest: `/film/${FILM.id}/manifest.mpd`,
        poster: `/posters/${FILM.id}.png`,
        segments: FILM.frames,
        fps: FILM.fps,
        // Every file of the job: the manifest plus the segments.
        bytes: frameBytes + statSync(join(filmDir, 'manifest.mpd')).size,
      },
    ],
  };
  writeFileSync(listFile, JSON.stringify(info, null, 2));
  writeFileSync(stamp, new Date().toISOString());
  log(
    `  ${(frameBytes / 1e6).toFixed(1)} MB in ${FILM.frames} segments, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return info;
}
