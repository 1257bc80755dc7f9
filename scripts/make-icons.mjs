// Draws the toolbar/store icons (extension/icons/icon-N.png) without any
// image library: a rounded teal square holding a white page whose lines are
// clauses, one of them marked amber. Run `node scripts/make-icons.mjs` after
// changing the drawing; the PNGs are committed so a build needs no tooling.
//
// Each pixel is supersampled 4×4 for anti-aliasing; the PNG encoder is the
// minimal one (8-bit RGBA, filter 0, one IDAT) that browsers accept.

import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../extension/icons/', import.meta.url));
const SIZES = [16, 32, 48, 128];
const SS = 4; // supersamples per axis

const TEAL = [0x0f, 0x5e, 0x6b];
const WHITE = [0xff, 0xff, 0xff];
const INK = [0x9a, 0xb4, 0xba];
const AMBER = [0xf5, 0xa6, 0x23];

/** Inside a rounded rectangle; all coordinates in unit space 0..1. */
function inRoundRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Colour of the point (x, y) of the unit square, or null if transparent. */
function shade(x, y, size) {
  if (!inRoundRect(x, y, 0.02, 0.02, 0.98, 0.98, 0.2)) return null;
  const page = [0.24, 0.14, 0.76, 0.86];
  if (!inRoundRect(x, y, ...page, 0.05)) return TEAL;
  // Fewer, thicker lines on tiny icons so they stay legible.
  const lines = size <= 16 ? [0.3, 0.5, 0.7] : [0.28, 0.4, 0.52, 0.64, 0.76];
  const half = size <= 16 ? 0.055 : 0.035;
  for (let i = 0; i < lines.length; i++) {
    const marked = i === Math.floor(lines.length / 2);
    const x1 = i === lines.length - 1 ? 0.55 : 0.68;
    if (marked && inRoundRect(x, y, 0.3, lines[i] - half * 1.9, 0.7, lines[i] + half * 1.9, half)) return AMBER;
    if (!marked && inRoundRect(x, y, 0.32, lines[i] - half, x1, lines[i] + half, half)) return INK;
  }
  return WHITE;
}

function render(size) {
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const c = shade((px + (sx + 0.5) / SS) / size, (py + (sy + 0.5) / SS) / size, size);
          if (c) { r += c[0]; g += c[1]; b += c[2]; a += 1; }
        }
      }
      const o = (py * size + px) * 4;
      if (a) { rgba[o] = r / a; rgba[o + 1] = g / a; rgba[o + 2] = b / a; }
      rgba[o + 3] = Math.round((255 * a) / (SS * SS));
    }
  }
  return rgba;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(OUT, { recursive: true });
for (const size of SIZES) {
  writeFileSync(`${OUT}icon-${size}.png`, png(size, render(size)));
  console.log(`extension/icons/icon-${size}.png`);
}
