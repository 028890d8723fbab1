// Generates appPackage/color.png (192x192) and appPackage/outline.png (32x32) for the Teams app package.
// Written with node's zlib only (PNG chunks by hand) so the icons can be rebuilt offline without an
// image library. Run: node scripts/make-icons.js
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const ACCENT = [0x0f, 0x6c, 0xbd]; // same as accentColor in manifest.json
const WHITE = [0xff, 0xff, 0xff];

// --- Glyph: a shield (nobody loses a license) holding a key (the license). Unit coordinates 0..1. ---

// Half-width of a shield at height y: straight sides, then a parabola narrowing to a point.
function shieldHalfWidth(y, s) {
  if (y < s.top || y > s.bottom) return -1;
  if (y <= s.shoulder) return s.half;
  const t = (y - s.shoulder) / (s.bottom - s.shoulder);
  return s.half * (1 - t * t);
}
const inShield = (x, y, s) => Math.abs(x - 0.5) <= shieldHalfWidth(y, s);

const OUTER = { top: 0.1, shoulder: 0.48, bottom: 0.92, half: 0.34 };
const INNER = { top: 0.17, shoulder: 0.48, bottom: 0.82, half: 0.27 }; // outline icon: stroke = gap

function inKey(x, y) {
  const r = Math.hypot(x - 0.5, y - 0.36);
  const bow = r <= 0.12 && r >= 0.055; // ring you hold
  const shaft = x >= 0.47 && x <= 0.53 && y >= 0.46 && y <= 0.74;
  const teeth = x >= 0.5 && x <= 0.61 && ((y >= 0.6 && y <= 0.645) || (y >= 0.69 && y <= 0.74));
  return bow || shaft || teeth;
}

// Colour icon: accent background, white shield, accent key. Outline icon: white shield outline + key.
const paintColor = (x, y) => (inShield(x, y, OUTER) && !inKey(x, y) ? WHITE : ACCENT);
const paintOutline = (x, y) =>
  (inShield(x, y, OUTER) && !inShield(x, y, INNER)) || inKey(x, y) ? 1 : 0;

// Average a 4x4 grid of samples per pixel so edges are anti-aliased.
const SS = 4;
function render(size, sample) {
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const v = sample((px + (sx + 0.5) / SS) / size, (py + (sy + 0.5) / SS) / size);
          for (let c = 0; c < 4; c++) acc[c] += v[c];
        }
      }
      for (let c = 0; c < 4; c++) rgba[(py * size + px) * 4 + c] = Math.round(acc[c] / (SS * SS));
    }
  }
  return rgba;
}

// --- PNG encoding (RGBA, 8 bit, filter 0 on every row). ---

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
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

function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA (the outline icon needs alpha)
  const rows = [];
  for (let y = 0; y < size; y++) {
    rows.push(Buffer.from([0]), rgba.subarray(y * size * 4, (y + 1) * size * 4));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const outDir = path.join(__dirname, '..', 'appPackage');
fs.mkdirSync(outDir, { recursive: true });

const color = render(192, (x, y) => [...paintColor(x, y), 255]);
fs.writeFileSync(path.join(outDir, 'color.png'), encodePng(192, color));

// Outline: RGB is always white and only alpha carries the shape, so every pixel is white or clear.
const outline = render(32, (x, y) => [255, 255, 255, 255 * paintOutline(x, y)]);
fs.writeFileSync(path.join(outDir, 'outline.png'), encodePng(32, outline));

console.log(`Wrote ${path.relative(process.cwd(), outDir)}/color.png and outline.png`);
