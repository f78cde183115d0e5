/*
  Generates the game's levels on first start, with Node alone. Each level
  is 48 tiles (32×32 PNG), 3 sprites, a map (JSON) and one large soundtrack
  (WAV, ~12 MB): 53 files. Level 2 lists a tile that the server does not
  have (a 404), to show onFail keeping what arrived. Deterministic; skipped
  when this generator version's files are there.
*/
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {Canvas, hsl, melody, mix, random} from '../../server/lib/media.mjs';

const VERSION = 'game-media-v1';
const TILE = 32;
const TILES = 48;
const MAP_W = 20;
const MAP_H = 12;

export const LEVELS = [
  {
    id: 'meadow',
    number: 1,
    title: 'The Meadow',
    description: 'Grass, water and a long walk. Every asset is on the server.',
    hue: 110,
    root: 262,
    seconds: 270,
  },
  {
    id: 'caves',
    number: 2,
    title: 'The Caves',
    description:
      'Dark rock and deep water. One tile is missing on the server (404): the level keeps what arrived.',
    hue: 265,
    root: 196,
    seconds: 270,
    missing: ['tiles/tile-37.png'],
  },
];

const pad2 = (n) => String(n).padStart(2, '0');

function tile(level, i) {
  const c = new Canvas(TILE, TILE);
  const rand = random(`${level.id}-tile-${i}`);
  const hue = (level.hue + (i % 8) * 12 - 40 + 360) % 360;
  const base = hsl(hue, 0.45, 0.28 + (Math.floor(i / 8) % 3) * 0.1);
  const light = mix(base, [255, 255, 255], 0.25);
  c.shade(() => [...base, 1]);
  switch (i % 6) {
    case 0:
      for (let k = 0; k < 14; k++)
        c.rect(Math.floor(rand() * 30), Math.floor(rand() * 30), 2, 2, [...light, 1]);
      break;
    case 1:
      for (let y = 0; y < TILE; y += 8) c.rect(0, y, TILE, 3, [...light, 0.6]);
      break;
    case 2:
      for (let y = 0; y < TILE; y += 8) {
        c.rect(0, y, TILE, 1, [0, 0, 0, 0.35]);
        for (let x = (y / 8) % 2 ? 0 : 8; x < TILE; x += 16) c.rect(x, y, 1, 8, [0, 0, 0, 0.35]);
      }
      break;
    case 3:
      for (let x = 0; x < TILE; x++)
        c.set(x, 16 + Math.round(Math.sin((x / TILE) * 2 * Math.PI) * 5), [...light, 1]);
      break;
    case 4:
      c.circle(16, 16, 9, [...light, 0.8]);
      break;
    default:
      c.rect(14, 4, 4, 24, [...light, 0.7]);
      c.rect(4, 14, 24, 4, [...light, 0.7]);
  }
  c.rect(0, 0, TILE, 1, [255, 255, 255, 0.08]);
  return c.toPNG();
}

function sprite(kind) {
  const c = new Canvas(TILE, TILE);
  if (kind === 'hero') {
    c.circle(16, 17, 12, [70, 130, 255, 1]);
    c.circle(12, 14, 3, [255, 255, 255, 1]);
    c.circle(21, 14, 3, [255, 255, 255, 1]);
    c.circle(12, 14, 1.4, [20, 20, 40, 1]);
    c.circle(21, 14, 1.4, [20, 20, 40, 1]);
  } else if (kind === 'coin') {
    c.circle(16, 16, 10, [255, 200, 60, 1]);
    c.circle(16, 16, 6, [255, 230, 140, 1]);
  } else {
    c.circle(16, 18, 11, [230, 70, 70, 1]);
    c.rect(9, 12, 5, 2, [40, 0, 0, 1]);
    c.rect(19, 12, 5, 2, [40, 0, 0, 1]);
  }
  return c.toPNG();
}

function map(level) {
  const rand = random(`${level.id}-map`);
  const tiles = [];
  for (let y = 0; y < MAP_H; y++) {
    for (let x = 0; x < MAP_W; x++) {
      const band = Math.floor((y / MAP_H) * 6);
      tiles.push(Math.min(TILES - 1, band * 8 + Math.floor(rand() * 8)));
    }
  }
  const things = [
    {sprite: 'hero', x: 2, y: MAP_H - 3},
    ...Array.from({length: 6}, () => ({
      sprite: 'coin',
      x: Math.floor(rand() * MAP_W),
      y: Math.floor(rand() * MAP_H),
    })),
    ...Array.from({length: 3}, () => ({
      sprite: 'enemy',
      x: Math.floor(rand() * MAP_W),
      y: Math.floor(rand() * MAP_H),
    })),
  ];
  return {width: MAP_W, height: MAP_H, tileSize: TILE, tiles, things};
}

function preview(level) {
  const c = new Canvas(240, 144);
  const top = hsl(level.hue, 0.5, 0.45);
  const bottom = hsl((level.hue + 30) % 360, 0.5, 0.18);
  c.shade((_x, y) => [...mix(top, bottom, y / 144), 1]);
  const rand = random(`${level.id}-preview`);
  for (let i = 0; i < 40; i++) {
    c.rect(Math.floor(rand() * 24) * 10, 84 + Math.floor(rand() * 6) * 10, 10, 10, [
      ...hsl(level.hue, 0.4, 0.2 + rand() * 0.3),
      1,
    ]);
  }
  const label = String(level.number);
  c.text(240 - Canvas.textWidth(label, 8) - 14, 12, label, 8, [255, 255, 255, 0.9]);
  return c.toPNG();
}

/** Writes levels/…, previews and levels.json into `siteDir` (when not there yet). */
export function generateLevels(siteDir, log = () => {}) {
  const stamp = join(siteDir, 'levels', `.${VERSION}`);
  const listFile = join(siteDir, 'levels.json');
  if (existsSync(stamp) && existsSync(listFile)) {
    return JSON.parse(readFileSync(listFile, 'utf8'));
  }
  const started = Date.now();
  log('Generating the game levels (once)…');
  const levels = LEVELS.map((level) => {
    const dir = join(siteDir, 'levels', level.id);
    for (const sub of ['tiles', 'sprites']) mkdirSync(join(dir, sub), {recursive: true});
    const files = new Map();
    for (let i = 0; i < TILES; i++) files.set(`tiles/tile-${pad2(i)}.png`, tile(level, i));
    for (const kind of ['hero', 'coin', 'enemy']) files.set(`sprites/${kind}.png`, sprite(kind));
    files.set('map.json', Buffer.from(JSON.stringify(map(level))));
    files.set(
      'music.wav',
      melody({seconds: level.seconds, seed: `${level.id}-music`, root: level.root}),
    );
    const assets = [];
    for (const [path, body] of files) {
      const missing = level.missing?.includes(path);
      // A missing file is listed with the size the game expected.
      if (!missing) writeFileSync(join(dir, path), body);
      assets.push({url: `/levels/${level.id}/${path}`, size: body.length});
    }
    mkdirSync(join(siteDir, 'previews'), {recursive: true});
    writeFileSync(join(siteDir, 'previews', `${level.id}.png`), preview(level));
    const {hue, root, seconds, missing, ...rest} = level;
    return {
      ...rest,
      preview: `/previews/${level.id}.png`,
      assets,
      bytes: assets.reduce((sum, a) => sum + a.size, 0),
    };
  });
  const info = {levels};
  writeFileSync(listFile, JSON.stringify(info, null, 2));
  writeFileSync(stamp, new Date().toISOString());
  log(
    `  ${levels.length} levels, ${levels[0].assets.length} assets each, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return info;
}
