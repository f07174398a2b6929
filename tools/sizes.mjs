// Prints raw and gzip size of every file in the site (the transfer a visitor pays).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2] || 'build/site';
const rows = [];
const walk = (d) => { for (const f of readdirSync(d)) { const p = join(d, f); statSync(p).isDirectory() ? walk(p) : rows.push(p); } };
walk(dir);
let raw = 0, gz = 0;
const out = rows.sort().map((p) => {
  const b = readFileSync(p); const g = gzipSync(b, { level: 9 }).length;
  raw += b.length; gz += g;
  return { file: relative(dir, p), raw: b.length, gzip: g };
});
for (const r of out) console.log(`  ${r.file.padEnd(28)} ${String(r.raw).padStart(9)} B raw ${String(r.gzip).padStart(8)} B gzip`);
console.log(`  ${'total'.padEnd(28)} ${String(raw).padStart(9)} B raw ${String(gz).padStart(8)} B gzip`);
// The widget's transfer beyond the wasm module (runcheck.mjs + .wasm): its script and the loader.
const widgetExtra = out.filter((r) => r.file === 'widget.js' || r.file === 'js/engine.js' || r.file === 'js/format.js').reduce((a, r) => a + r.gzip, 0);
console.log(`  ${'widget extra (widget, engine, format)'.padEnd(28)} ${String(widgetExtra).padStart(8)} B gzip (target < 15 KB)`);
writeFileSync(join(dir, '..', 'sizes.json'), JSON.stringify({ files: out, raw, gzip: gz, widget_extra_gzip: widgetExtra }, null, 1));
