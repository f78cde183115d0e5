/*
  Media the examples generate on first start, with Node alone (nothing is
  downloaded): PCM WAV audio, PNG images drawn on a small RGBA canvas with a
  5×7 bitmap font, and a seeded random number generator so every machine
  generates the same bytes.
*/
import {deflateSync} from 'node:zlib';

/** A seeded PRNG (mulberry32): the same seed gives the same sequence. */
export function random(seed) {
  let a = typeof seed === 'number' ? seed >>> 0 : hashString(String(seed));
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashString(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

// ---------------------------------------------------------------------------
// WAV

/** The 44-byte header of a 16-bit PCM mono WAV file with `count` samples. */
function wavHeader(count, sampleRate) {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + count * 2, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(count * 2, 40);
  return header;
}

/**
 * A 16-bit PCM mono WAV file of `seconds` seconds at `sampleRate`, each
 * sample `sample(t, i)` in [-1, 1] (clipped).
 *
 * @param {{seconds: number, sampleRate?: number, sample: (t: number, i: number) => number}} options
 * @returns {Buffer}
 */
export function wav({seconds, sampleRate = 22050, sample}) {
  const count = Math.round(seconds * sampleRate);
  const out = Buffer.alloc(44 + count * 2);
  wavHeader(count, sampleRate).copy(out, 0);
  const data = new Int16Array(out.buffer, out.byteOffset + 44, count);
  for (let i = 0; i < count; i++) {
    const v = sample(i / sampleRate, i);
    data[i] = Math.round(Math.min(1, Math.max(-1, v)) * 32767);
  }
  return out;
}

/**
 * A gentle generated "music" track: a drone plus a melody of soft notes on
 * a pentatonic scale chosen by `seed`, one note per `beat` seconds, and a
 * click every 10 s so seeking is easy to hear. Built from precomputed
 * waves (one per note, one 10 s period of the drone, a noise table), so
 * minutes of audio take a fraction of a second.
 */
export function melody({seconds, seed, root = 220, beat = 0.5, sampleRate = 22050}) {
  const rand = random(seed);
  const noise = random(`${seed}-noise`);
  const scale = [0, 2, 4, 7, 9, 12, 14, 16];
  const count = Math.round(seconds * sampleRate);
  const beatSamples = Math.round(beat * sampleRate);
  const notes = scale.map((semitones) => {
    const f = root * 2 ** (semitones / 12);
    return Float32Array.from({length: beatSamples}, (_, i) => {
      const t = i / sampleRate;
      const envelope = Math.min(1, t * 40) * Math.exp(-t * 4);
      return (
        0.32 * envelope * (Math.sin(2 * Math.PI * f * t) + 0.3 * Math.sin(4 * Math.PI * f * t))
      );
    });
  });
  // Drone at root/2 with a 0.1 Hz swell: periodic over 10 s.
  const droneLength = 10 * sampleRate;
  const drone = Float32Array.from({length: droneLength}, (_, i) => {
    const t = i / sampleRate;
    return 0.12 * Math.sin(Math.PI * root * t) * (0.7 + 0.3 * Math.sin(2 * Math.PI * 0.1 * t));
  });
  const white = Float32Array.from({length: 1 << 16}, () => noise() * 2 - 1);
  const tickSamples = Math.round(0.02 * sampleRate);
  const fadeSamples = Math.round(1.5 * sampleRate);

  const out = Buffer.alloc(44 + count * 2);
  wavHeader(count, sampleRate).copy(out, 0);
  const data = new Int16Array(out.buffer, out.byteOffset + 44, count);
  let note = notes[0];
  for (let i = 0; i < count; i++) {
    const inBeat = i % beatSamples;
    if (inBeat === 0) note = notes[Math.floor(rand() * notes.length)];
    const inPeriod = i % droneLength;
    let v =
      note[inBeat] +
      drone[inPeriod] +
      (inPeriod < tickSamples ? 0.5 : 0.015) * white[(i * 7919) & 0xffff];
    if (i < fadeSamples) v *= i / fadeSamples;
    else if (count - i < fadeSamples) v *= (count - i) / fadeSamples;
    data[i] = Math.min(1, Math.max(-1, v)) * 32767;
  }
  return out;
}

// ---------------------------------------------------------------------------
// PNG

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(buffers) {
  let c = 0xffffffff;
  for (const buf of buffers) {
    for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32([head.subarray(4), data]), 0);
  return Buffer.concat([head, data, crc]);
}

/** A tiny RGBA drawing surface that encodes to PNG. */
export class Canvas {
  constructor(width, height) {
    this.width = width;
    this.height = height;
    this.pixels = new Uint8Array(width * height * 4);
  }

  /** Sets a pixel, blending `[r, g, b, a]` (a in 0..1) over what is there. */
  set(x, y, [r, g, b, a = 1]) {
    x = Math.floor(x);
    y = Math.floor(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    const p = this.pixels;
    p[i] = p[i] * (1 - a) + r * a;
    p[i + 1] = p[i + 1] * (1 - a) + g * a;
    p[i + 2] = p[i + 2] * (1 - a) + b * a;
    p[i + 3] = Math.min(255, p[i + 3] + 255 * a);
  }

  /** Fills every pixel with `color(x, y)`. */
  shade(color) {
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) this.set(x, y, color(x, y));
    }
  }

  rect(x0, y0, w, h, color) {
    for (let y = Math.max(0, y0); y < Math.min(this.height, y0 + h); y++) {
      for (let x = Math.max(0, x0); x < Math.min(this.width, x0 + w); x++) this.set(x, y, color);
    }
  }

  /** A filled (or, with `ring`, stroked) circle, anti-aliased. */
  circle(cx, cy, r, color, ring = 0) {
    const [cr, cg, cb, ca = 1] = color;
    for (let y = Math.floor(cy - r - 1); y <= cy + r + 1; y++) {
      for (let x = Math.floor(cx - r - 1); x <= cx + r + 1; x++) {
        const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
        let cover = Math.max(0, Math.min(1, r - d + 0.5));
        if (ring) cover = Math.min(cover, Math.max(0, Math.min(1, d - (r - ring) + 0.5)));
        if (cover > 0) this.set(x, y, [cr, cg, cb, ca * cover]);
      }
    }
  }

  /** Text in the 5×7 font, `scale` pixels per dot; returns the width drawn. */
  text(x, y, text, scale, color) {
    let cx = x;
    for (const ch of String(text).toUpperCase()) {
      const glyph = FONT[ch] ?? FONT['?'];
      for (let row = 0; row < 7; row++) {
        for (let col = 0; col < 5; col++) {
          if (glyph[row] & (0x10 >> col))
            this.rect(cx + col * scale, y + row * scale, scale, scale, color);
        }
      }
      cx += 6 * scale;
    }
    return cx - x - scale;
  }

  /** The width `text` would take. */
  static textWidth(text, scale) {
    return String(text).length * 6 * scale - scale;
  }

  /** PNG bytes (8-bit RGBA, no interlace). */
  toPNG() {
    const {width, height, pixels} = this;
    const raw = Buffer.alloc((width * 4 + 1) * height);
    for (let y = 0; y < height; y++) {
      raw[y * (width * 4 + 1)] = 0; // filter: none
      raw.set(pixels.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
    }
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width, 0);
    ihdr.writeUInt32BE(height, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 6; // RGBA
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw, {level: 6})),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

/** HSL (h in degrees, s and l in 0..1) to `[r, g, b]`. */
export function hsl(h, s, l) {
  const k = (n) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}

/** Linear mix of two colours. */
export function mix(a, b, t) {
  return a.map((v, i) => v + (b[i] - v) * t);
}

// A 5×7 bitmap font: each glyph is 7 rows of 5 bits.
const FONT = {
  ' ': [0, 0, 0, 0, 0, 0, 0],
  0: [0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e],
  1: [0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e],
  2: [0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f],
  3: [0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e],
  4: [0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02],
  5: [0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e],
  6: [0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e],
  7: [0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
  8: [0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e],
  9: [0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c],
  A: [0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11],
  B: [0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e],
  C: [0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e],
  D: [0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c],
  E: [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f],
  F: [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10],
  G: [0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f],
  H: [0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11],
  I: [0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e],
  J: [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c],
  K: [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
  L: [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f],
  M: [0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11],
  N: [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
  O: [0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e],
  P: [0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10],
  Q: [0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d],
  R: [0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11],
  S: [0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e],
  T: [0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
  U: [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e],
  V: [0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04],
  W: [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a],
  X: [0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11],
  Y: [0x11, 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04],
  Z: [0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f],
  ':': [0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00],
  '.': [0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c],
  '-': [0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00],
  '#': [0x0a, 0x0a, 0x1f, 0x0a, 0x1f, 0x0a, 0x0a],
  '/': [0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00],
  '?': [0x0e, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04],
  '!': [0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04],
};
