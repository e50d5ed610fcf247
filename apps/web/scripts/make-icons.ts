/**
 * Draws the app's PNG icons (192 and 512 px) from the same shapes as public/icons/icon.svg: a green
 * rounded square and an open book. Run once when the design changes: `tsx scripts/make-icons.ts`.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const GREEN = [0x0f, 0x5f, 0x4c];
const WHITE = [0xff, 0xff, 0xff];
const MINT = [0xd1, 0xfa, 0xe5];

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

function draw(size: number): Buffer {
  const s = size / 512;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [u, v] = [(x + 0.5) / s, (y + 0.5) / s];
      const r = 96;
      const cx = Math.min(Math.max(u, r), 512 - r);
      const cy = Math.min(Math.max(v, r), 512 - r);
      const inside = (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
      let color: number[] | null = inside ? GREEN : null;
      if (v >= 150 && v <= 378 && u >= 136 && u <= 254) color = WHITE;
      if (v >= 150 && v <= 378 && u >= 258 && u <= 376) color = MINT;
      const at = y * (size * 4 + 1) + 1 + x * 4;
      if (color) {
        raw[at] = color[0] ?? 0;
        raw[at + 1] = color[1] ?? 0;
        raw[at + 2] = color[2] ?? 0;
        raw[at + 3] = 255;
      }
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const dir = fileURLToPath(new URL("../public/icons/", import.meta.url));
for (const size of [192, 512]) writeFileSync(`${dir}icon-${size}.png`, draw(size));
