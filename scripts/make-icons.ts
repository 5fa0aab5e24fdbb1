/**
 * Draws the CORS Doctor icon (a white medical cross on a blue rounded square, with a red
 * "blocked" dot) at every size the manifest names, and writes PNGs to public/icons/.
 * Run with `tsx scripts/make-icons.ts` after changing the drawing; the PNGs are committed.
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

type Rgba = [number, number, number, number];

const BLUE_TOP: Rgba = [38, 132, 255, 255];
const BLUE_BOTTOM: Rgba = [20, 84, 196, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const RED: Rgba = [217, 48, 37, 255];

/** Colour of the drawing at a point in the unit square, or null for transparent. */
function paint(x: number, y: number): Rgba | null {
  const inRoundedSquare = (() => {
    const radius = 0.2;
    const cx = Math.min(Math.max(x, radius), 1 - radius);
    const cy = Math.min(Math.max(y, radius), 1 - radius);
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
  })();
  const redDot = (x - 0.76) ** 2 + (y - 0.76) ** 2 <= 0.19 ** 2;
  const redDotRing = (x - 0.76) ** 2 + (y - 0.76) ** 2 <= 0.235 ** 2;
  if (redDot) return RED;
  if (redDotRing && inRoundedSquare) return WHITE;
  if (!inRoundedSquare) return null;
  const crossArm = 0.13;
  const inCross = (Math.abs(x - 0.42) <= crossArm && Math.abs(y - 0.42) <= 0.3) || (Math.abs(y - 0.42) <= crossArm && Math.abs(x - 0.42) <= 0.3);
  if (inCross) return WHITE;
  const t = y;
  return BLUE_TOP.map((c, i) => Math.round(c * (1 - t) + (BLUE_BOTTOM[i] ?? 0) * t)) as Rgba;
}

function renderIcon(size: number): Buffer {
  const samples = 4;
  const rows: Buffer[] = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = paint((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!colour) continue;
          // Premultiply so that anti-aliased edges do not fringe towards black.
          for (let i = 0; i < 3; i++) sum[i]! += (colour[i]! * colour[3]) / 255;
          sum[3]! += colour[3];
        }
      }
      const n = samples * samples;
      const alpha = sum[3]! / n;
      const offset = 1 + px * 4;
      for (let i = 0; i < 3; i++) row[offset + i] = alpha ? Math.round(((sum[i]! / n) * 255) / alpha) : 0;
      row[offset + 3] = Math.round(alpha);
    }
    rows.push(row);
  }
  return encodePng(size, size, Buffer.concat(rows));
}

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function encodePng(width: number, height: number, filteredRows: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(filteredRows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const size of [16, 32, 48, 128]) {
  writeFileSync(new URL(`../public/icons/icon-${size}.png`, import.meta.url), renderIcon(size));
}
