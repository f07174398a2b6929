// Writes the app icons (PNG, 192 and 512 px) into DIR: the same bars as web/icon.svg, drawn
// pixel by pixel and PNG-encoded with zlib (no image library).
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';

const dir = process.argv[2] || 'build/site';
const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
const chunk = (type, data) => {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
for (const size of [192, 512]) {
  const s = size / 64;
  const bars = [[12, 36, 8, 16], [28, 26, 8, 26], [44, 14, 8, 38]];
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;  // filter: none
    for (let x = 0; x < size; x++) {
      const u = x / s, v = y / s;
      const white = bars.some(([bx, by, bw, bh]) => u >= bx && u < bx + bw && v >= by && v < by + bh);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw.set(white ? [255, 255, 255, 255] : [0x1f, 0x5f, 0xbf, 255], o);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4); ihdr[8] = 8; ihdr[9] = 6;
  const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
  writeFileSync(join(dir, `icon-${size}.png`), png);
}
